import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The checkout: read as files only, so this test does not load the program. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The shape of src/ (STYLE habit 1, issue 16): data flows one way, read → validate → tally → report, with
 * the commands on top, so no file or folder imports one that imports it back, and no folder imports one
 * later in the flow. Read from the sources' own import statements (static, `import type` and dynamic).
 */
const SRC = join(ROOT, "src");

/**
 * The folders (and top-level files) of src/, lowest first. A module may import its own folder and the
 * layers below; two in one layer import neither each other nor anything above.
 */
const LAYERS: string[][] = [
  ["arrays.ts", "threads.ts", "diagnostics", "wasm"],
  ["io"],
  ["definition"],
  ["answers"],
  ["validate"],
  ["tally"],
  ["report", "pipeline"],
  ["init"],
  ["cli"],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => join(dir, f));
}

/** The files a source imports, relative ones only, resolved from `.js` to the `.ts` beside it. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;"]*?\bfrom\s*"(\.{1,2}\/[^"]+)"/gm),
    ...text.matchAll(/^\s*import\s*"(\.{1,2}\/[^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((spec) => {
    const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
    if (existsSync(target)) return target;
    const index = join(resolve(dirname(file), spec), "index.ts");
    return existsSync(index) ? index : target;
  });
}

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(SRC))]));
const rel = (f: string) => relative(ROOT, f);
/** The top-level folder (or file) of src/ that a file belongs to. */
const area = (f: string) => relative(SRC, f).split(/[\\/]/)[0]!;

/** Strongly connected components of more than one node (Tarjan): the import circles. */
function circles(nodes: string[], edges: (n: string) => string[]): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return found;
}

describe("src/ has no import loops, and data flows one way", () => {
  it("reads the imports it checks (a sanity check of this test)", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get(join(SRC, "cli/main.ts"))).toContain(join(SRC, "cli/tally.ts"));
    // dynamic and type-only imports count too
    expect(graph.get(join(SRC, "cli/report.ts"))).toContain(join(SRC, "report/build.ts"));
    expect(graph.get(join(SRC, "cli/report.ts"))).toContain(join(SRC, "report/model.ts"));
    for (const targets of graph.values()) for (const t of targets) expect(existsSync(t), t).toBe(true);
  });

  it("no file imports one that imports it back, directly or round a circle", () => {
    const loops = circles(files, (f) => graph.get(f) ?? []).map((loop) => loop.map(rel));
    expect(loops).toEqual([]);
  });

  it("no module of cli/ imports main.ts, which imports the commands", () => {
    const main = join(SRC, "cli/main.ts");
    const importers = files.filter((f) => graph.get(f)!.includes(main)).map(rel);
    expect(importers).toEqual(["src/cli/entry.ts"]);
  });

  it("no folder imports one that imports it back, or one later in the flow", () => {
    const areas = [...new Set(files.map(area))];
    expect(areas.filter((a) => !LAYERS.flat().includes(a)), "a folder of src/ missing from LAYERS").toEqual([]);
    const layer = (a: string) => LAYERS.findIndex((l) => l.includes(a));
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const [from, to] = [area(file), area(target)];
        if (from !== to && layer(to) >= layer(from)) upward.push(`${rel(file)} -> ${rel(target)}`);
      }
    }
    expect(upward).toEqual([]);
    const edges = (a: string) => [...new Set(files.filter((f) => area(f) === a).flatMap((f) => graph.get(f)!.map(area)))].filter((b) => b !== a);
    expect(circles(areas, edges)).toEqual([]);
  });
});
