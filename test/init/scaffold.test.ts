import { mkdtemp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseSurvey } from "../../src/definition/load.js";
import { surveySchema } from "../../src/definition/schema.js";
import { memoryIo } from "../helpers/memory-io.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const starter = join(root, "templates/init");
const run = (cwd: string, ...args: string[]) => {
  const io = memoryIo(cwd);
  return main(["node", "survey", ...args], io).then((code) => ({ code, out: io.out(), err: io.err() }));
};

async function snapshot(dir: string): Promise<Map<string, { text: string; mtime: number }>> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const out = new Map<string, { text: string; mtime: number }>();
  for (const f of files) {
    const path = join(f.parentPath, f.name);
    out.set(path, { text: await readFile(path, "utf8"), mtime: (await stat(path)).mtimeMs });
  }
  return out;
}

describe("survey init [dir]", () => {
  it("scaffolds a project that validates at once", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "survey-init-"));
    const first = await run(tmp, "init", "proj");
    expect(first.code).toBe(0);
    expect(first.out.split("\n").filter(Boolean).sort()).toEqual([
      "created proj/data/answers.csv",
      "created proj/report.md",
      "created proj/survey.yaml",
    ]);
    const check = await run(join(tmp, "proj"), "validate", "--format", "json");
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ errors: 0, returned: 324, valid: 320 });
  });

  it("`survey init x && cd x && survey report` writes the report at once", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "survey-init-"));
    expect((await run(tmp, "init", "x")).code).toBe(0);
    const report = await run(join(tmp, "x"), "report");
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/^调研报告\.docx: 4 sections/);
    const docx = await readFile(join(tmp, "x", "调研报告.docx"));
    expect(docx.subarray(0, 2).toString()).toBe("PK");
  }, 60_000);

  it("running it twice changes nothing, and a file the user edited is kept", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "survey-init-"));
    await run(tmp, "init");
    await writeFile(join(tmp, "report.md"), "## 基本情况\n我写的正文\n");
    const before = await snapshot(tmp);
    const second = await run(tmp, "init");
    expect(second.code).toBe(0);
    expect(second.out).toBe("");
    expect(second.err).toContain("nothing to do");
    expect(await snapshot(tmp)).toEqual(before);
  });

  it("refuses --force and -o without --from (a scaffold never overwrites)", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "survey-init-"));
    const r = await run(tmp, "init", "--force");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/USAGE/);
    expect(await readdir(tmp)).toEqual([]);
  });
});

describe("the shipped starter (templates/init)", () => {
  it("is the bundled example: same answers, narrative and questions", async () => {
    const same = async (a: string, b: string) => expect(await readFile(join(starter, a), "utf8")).toBe(await readFile(join(root, "fixtures/example", b), "utf8"));
    await same("data/answers.csv", "answers.csv");
    await same("report.md", "report.md");
    const load = async (path: string) => parseSurvey(await readFile(path, "utf8"), path).survey!;
    const starterSurvey = await load(join(starter, "survey.yaml"));
    const example = await load(join(root, "fixtures/example/survey.yaml"));
    expect(starterSurvey).toBeDefined();
    const shape = (s: typeof example) => JSON.stringify({ q: s.questions.map(({ when, ...q }) => ({ ...q, when: when?.source })), g: s.groups, t: s.title, r: s.role, i: s.issued, sc: [...s.scales] });
    expect(shape(starterSurvey)).toBe(shape(example));
  });

  it("explains every key of survey.yaml (as `key:`, in use or in a comment)", async () => {
    const text = await readFile(join(starter, "survey.yaml"), "utf8");
    const keys = new Set<string>();
    const collect = (schema: unknown): void => {
      const def = (schema as { def?: Record<string, unknown>; _zod?: { def: Record<string, unknown> } })._zod?.def;
      if (!def) return;
      if (def.shape) for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) (keys.add(k), collect(v));
      for (const inner of ["innerType", "in", "out", "element", "valueType"]) if (def[inner]) collect(def[inner]);
      if (Array.isArray(def.options)) def.options.forEach(collect);
    };
    collect(surveySchema);
    expect(keys.size).toBeGreaterThan(40);
    const missing = [...keys].filter((k) => !text.includes(`${k}:`));
    expect(missing).toEqual([]);
  });
});
