import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { afterAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { differences, type Duck, type Tally } from "./real-run.js";
import { columns, generateReal, METADATA, realSurveyYaml } from "./real-shape.js";

/**
 * The bench's real-shaped generator (issue 16, item 5): seeded, and well-formed as a 按选项序号 问卷星
 * export — codes within each question's options, (空) where questions were skipped, open answers given by
 * about 80%, about 15 characters long and mostly distinct — with a definition that names every question.
 * No timing here: the bench itself is `npm run bench`.
 */

const dir = mkdtempSync(join(tmpdir(), "survey-real-shape-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROWS = 4000;

async function rows(seed?: number): Promise<{ bytes: Buffer; table: string[][] }> {
  const path = join(dir, `real-${seed ?? "default"}.csv`);
  await generateReal(path, ROWS, seed);
  const bytes = readFileSync(path);
  const parsed = Papa.parse<string[]>(bytes.toString("utf8"), { newline: "\r\n", skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { bytes, table: parsed.data };
}

describe("the real-shaped bench file", async () => {
  const { bytes, table } = await rows();
  const [header, ...body] = table as [string[], ...string[][]];
  const cols = columns();
  const cells = (id: string) => body.map((r) => r[METADATA.length + cols.findIndex((c) => c.id === id)]!);

  test("the same seed gives the same bytes, another seed other bytes", async () => {
    expect((await rows()).bytes.equals(bytes)).toBe(true);
    expect((await rows(7)).bytes.equals(bytes)).toBe(false);
  });

  test("a real export's metadata columns, then 30 numbered questions; one questionnaire a row", () => {
    expect(cols).toHaveLength(30);
    expect(header).toEqual([...METADATA, ...cols.map((c) => c.header)]);
    cols.forEach((c, k) => expect(c.header.startsWith(`${k + 1}、`)).toBe(true));
    expect(body).toHaveLength(ROWS);
    for (const r of body) expect(r).toHaveLength(header.length);
    expect(body.map((r) => r[0])).toEqual(body.map((_, k) => String(k + 1)));
    expect(body.every((r) => /^\d+秒$/.test(r[2]!) && /^\d+\.\d+\.\d+\.\d+\(.+-.+\)$/.test(r[5]!))).toBe(true);
  });

  test("closed answers are codes within the options, multi-selects distinct codes joined by ┋, skips (空)", () => {
    const bad: string[] = [];
    for (const c of cols.filter((c) => c.kind !== "text")) {
      const values = cells(c.id);
      const skipped = values.filter((v) => v === "(空)").length;
      if (c.id === "q1") expect(skipped).toBe(0);
      else expect(skipped).toBeGreaterThan(0);
      for (const v of values.filter((v) => v !== "(空)")) {
        const codes = c.kind === "multi" ? v.split("┋") : [v];
        const fits = (code: string) => /^[1-9]\d*$/.test(code) && Number(code) <= c.options.length;
        if (new Set(codes).size !== codes.length || !codes.every(fits)) bad.push(`${c.id}: ${v}`);
      }
    }
    expect(bad).toEqual([]);
    // The skip logic: 否 (2) on q25 leaves q26 and q27 blank.
    const q25 = cells("q25");
    const [q26, q27] = [cells("q26"), cells("q27")];
    q25.forEach((v, k) => v === "2" && expect([q26[k], q27[k]]).toEqual(["(空)", "(空)"]));
  });

  test("open answers: about 80% answer, in about 15 characters, mostly distinct, some needing quotes", () => {
    for (const c of cols.filter((c) => c.kind === "text")) {
      const given = cells(c.id).filter((v) => v !== "(空)");
      expect(given.length / ROWS).toBeGreaterThan(0.75);
      expect(given.length / ROWS).toBeLessThan(0.85);
      const length = given.reduce((n, v) => n + [...v].length, 0) / given.length;
      expect(length).toBeGreaterThan(12);
      expect(length).toBeLessThan(18);
      // At 4,000 rows, more than half are distinct (about half at a million, where more repeat by chance).
      expect(new Set(given).size / given.length).toBeGreaterThan(0.5);
      expect(given.some((v) => /[",\n]/.test(v))).toBe(true);
    }
  });

  test("the definitions name every question, by its codes' options, with and without the open questions", () => {
    const whole = parse(realSurveyYaml(true)) as { questions: { id: string; type: string; options?: string[] }[] };
    expect(whole.questions.map((q) => q.id)).toEqual(cols.map((c) => c.id));
    whole.questions.forEach((q, k) => q.options && expect(q.options).toEqual(cols[k]!.options));
    const closed = parse(realSurveyYaml(false)) as { questions: { type: string }[] };
    expect(closed.questions).toHaveLength(28);
    expect(closed.questions.some((q) => q.type === "text")).toBe(false);
  });
});

describe("the bench's check that survey and DuckDB counted the same", () => {
  const cols = columns();
  const duck: Duck = { roles: { "1": 3, "2": 1 }, counts: {} };
  const tally: Tally = { responses: { valid: 4 }, roles: { counts: [{ code: 1, count: 3 }, { code: 2, count: 1 }] }, questions: {} };
  for (const c of cols.slice(1)) {
    duck.counts[c.header.trim()] = c.kind === "text" ? { answered: 3 } : { "1": 2, "2": 1 };
    tally.questions[c.id] = c.kind === "text" ? { answered: 3 } : { answered: 3, options: [{ code: 1, count: 2 }, { code: 2, count: 1 }, { code: 3, count: 0 }] };
  }

  test("agrees when every count is the same (an option nobody chose is absent from DuckDB's)", () => {
    expect(differences(tally, duck, 4)).toEqual([]);
  });

  test("names a count that differs, a missing question, and valid questionnaires short of the rows", () => {
    const off = structuredClone(tally);
    off.questions.q5!.options![1]!.count = 2;
    delete off.questions.q29;
    off.responses.valid = 3;
    expect(differences(off, duck, 4)).toEqual(["survey counted 3 valid questionnaires of 4", "q5 2: survey 2, DuckDB 1", "q29 is missing from the tally"]);
    expect(differences(off, duck, 4, false)).toEqual(["survey counted 3 valid questionnaires of 4", "q5 2: survey 2, DuckDB 1"]);
  });
});
