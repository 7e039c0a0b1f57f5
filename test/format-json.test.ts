import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import { writeJson } from "../src/tally/format/json.js";
import { tallySurvey } from "../src/pipeline/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function written(value: unknown): string {
  const pieces: string[] = [];
  writeJson(value, (t) => pieces.push(t));
  return pieces.join("");
}

describe("writeJson writes what JSON.stringify(value, null, 2) writes", () => {
  it("on generated values, undefined, NaN, toJSON and empty containers included", () => {
    const leaf = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.integer(),
      fc.string({ unit: "binary" }),
      fc.constant(new Date(0)),
      fc.constant(() => 1),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
      array: fc.array(tie("node"), { maxLength: 5 }),
      object: fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 5 }),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(written(v)).toBe(JSON.stringify(v, null, 2) ?? "");
      }),
      { numRuns: 500, seed: 20261123 },
    );
  });

  it("in pieces, on a tally with many open answers", () => {
    const answers = Array.from({ length: 50_000 }, (_, i) => `第${i}条意见："路灯不亮"\n${"，".repeat(i % 7)}`);
    const pieces: string[] = [];
    writeJson({ questions: { q1: { answers } } }, (t) => pieces.push(t));
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.join("")).toBe(JSON.stringify({ questions: { q1: { answers } } }, null, 2));
  });

  it("on long lists of mixed primitives (written a slice at a time), at several depths", () => {
    const mixed = Array.from({ length: 10_000 }, (_, i) => [`答${i}\n"引"`, i / 7, null, i % 2 === 0, Number.NaN, -0][i % 6]);
    const value = { a: mixed, b: [{ c: mixed.slice(0, 5000) }, mixed.slice(3)], d: [mixed.slice(0, 4097), [mixed.slice(0, 4096)], mixed.slice(0, 1025), [[mixed.slice(0, 1024)]]] };
    expect(written(value)).toBe(JSON.stringify(value, null, 2));
  });

  it.each([
    ["all-types", "answers-text.csv"],
    ["tally-basic", "answers.csv"],
    ["example", "answers.csv"],
  ])("on the tally of fixtures/%s", async (name, answers) => {
    const dir = join(ROOT, "fixtures", name);
    const { survey } = parseSurvey(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const result = await tallySurvey(survey!, [{ path: join(dir, answers), name: answers }]);
    expect(written(result)).toBe(JSON.stringify(result, null, 2));
  });
});
