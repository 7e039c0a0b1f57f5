/**
 * Issue 19 item 2: a spread into a call passes every element as an argument on the stack, and beyond about
 * 120,000 elements V8 throws "Maximum call stack size exceeded" (a report of 130,000 distinct open
 * answers exited 70). src/ uses src/arrays.ts (append, maxOf, minOf) instead. A function may pass on its own
 * rest parameter; any other spread whose length is fixed by the code, not the input, needs a `bounded spread:`
 * comment on the line above saying why.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { globSync } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { append, maxOf, minOf } from "../src/arrays.js";
import { ROOT } from "./helpers/cli.js";

function spreadsIntoCalls(file: string, text = readFileSync(join(ROOT, file), "utf8")): string[] {
  const lines = text.split("\n");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const call = node.parent;
    const spreadArgument = ts.isSpreadElement(node) && (ts.isCallExpression(call) || ts.isNewExpression(call));
    // fn.apply(x, array) passes the array on the stack the same way.
    const apply = ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "apply" && node.arguments.length === 2;
    if ((spreadArgument && !forwardsRest(node)) || apply) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line;
      if (!/bounded spread:/.test(lines[line - 1] ?? "")) found.push(`${file}:${line + 1}: ${lines[line]!.trim().slice(0, 120)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * `(...rest) => f(...rest)`: spreading a function's own rest parameter passes on what its caller passed,
 * which fitted on the stack, and that caller's call is checked itself.
 */
function forwardsRest(spread: ts.SpreadElement): boolean {
  if (!ts.isIdentifier(spread.expression)) return false;
  const name = spread.expression.text;
  for (let n: ts.Node | undefined = spread.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) {
      const own = n.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (own) return own.dotDotDotToken !== undefined;
    }
  }
  return false;
}

describe("no spread of an unbounded array into a call", () => {
  it("src/ has none", () => {
    const files = globSync("src/**/*.ts", { cwd: ROOT }).sort();
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => spreadsIntoCalls(f))).toEqual([]);
  });

  it("the check finds spreads and apply, and passes array literals and marked ones", () => {
    const text = [
      "a.push(...b);",
      "const m = Math.max(0, ...c);",
      "new Set(...d);",
      "f.apply(null, e);",
      "const g = [...h, ...i];",
      "// bounded spread: two elements",
      "k(...[1, 2]);",
      "const f = (a, ...rest) => g(a, ...rest);",
      "const h = (a, rest) => g(a, ...rest);",
    ].join("\n");
    expect(spreadsIntoCalls("x.ts", text).map((f) => f.split(":")[1])).toEqual(["1", "2", "3", "4", "9"]);
  });

  it("append, maxOf and minOf take 500,000 elements and agree with Math.max/min on small ones", () => {
    const big = Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 500_003);
    expect(() => [].push(...(big as never[]))).toThrow(RangeError);
    expect(append([1], big)).toHaveLength(500_001);
    expect(maxOf(big)).toBe(big.reduce((a, b) => (a > b ? a : b)));
    expect(minOf(big, 1)).toBe(0);
    for (const xs of [[], [3], [1, 5, 2], [-1, -7], [2, NaN, 1]]) {
      expect(maxOf(xs)).toBe(Math.max(...xs));
      expect(minOf(xs)).toBe(Math.min(...xs));
      expect(maxOf(xs, 0)).toBe(Math.max(0, ...xs));
    }
  });
});
