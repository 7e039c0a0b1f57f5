/**
 * survey.yaml as people mistype it and as an attacker writes it: mutations of the fixtures' definitions
 * (lines dropped, duplicated, re-indented; values replaced by wrong types, anchors, aliases, tags, huge
 * numbers) and structurally random definitions, valid or nearly so. `parseSurvey` must return located
 * diagnostics and never throw; the CLI must keep the contract of harness.ts; a definition that loads must
 * also tally generated answers, since the odd-but-valid ones (no options left, bins out of order,
 * `min` above `max`, a scale of one option) are where statistics divide by zero.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { stringify } from "yaml";
import { parseSurvey } from "../../src/definition/load.js";
import { formatDiagnostic } from "../../src/diagnostics/diagnostic.js";
import { checkCommands, count, params, printTried, runs, TEST_TIMEOUT } from "./harness.js";

const read = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), "utf8");
const DEFINITIONS = [
  read("all-types/survey.yaml"),
  read("tally-basic/survey.yaml"),
  read("example/survey.yaml"),
  read("report-basic/survey.yaml"),
  read("three-villages/survey.yaml"),
  read("definition-errors/many.yaml"),
];
const ANSWERS = readFileSync(new URL("../../fixtures/all-types/answers-text.csv", import.meta.url));

/** Values that are wrong in some place of a definition, or right in a surprising one. */
const VALUES = [
  "0", "-1", "1", "2", "1.5", "1e308", "-1e308", ".nan", ".inf", "-.inf", "99999999999999999999", "null", "~", "''", '""',
  "[]", "{}", "[1, 1, 1]", "[a, a]", "[[1]]", "{code: -1, label: x}", "{code: 1.5, label: 其他, other: true}",
  "{label: ''}", "true", "yes", "*a", "&a x", "!!binary aGVsbG8=", "!!js/function 'x'", "!<tag:x> y", "<<: {}",
  "'q1 >= '", "'q1 == q1'", "'constructor.constructor(\"x\")()'", "'__proto__'", "'a'.repeat(9)", "x\u0000y",
  "\u202e", "单选", "single", "multi", "matrix", "rank", "number", "text", "scale", "'\\n'", "|\n  block", ">-",
  "'q99 > 1'", "'role in [1, 2]'", "'sat ~ 1'", "'((((((((((((1))))))))))))'",
];

type LineOp =
  | { op: "drop"; at: number }
  | { op: "duplicate"; at: number }
  | { op: "swap"; at: number; with: number }
  | { op: "indent"; at: number; by: number }
  | { op: "value"; at: number; value: string }
  | { op: "insert"; at: number; text: string };

const position = fc.double({ min: 0, max: 1, noNaN: true });
const lineOp: fc.Arbitrary<LineOp> = fc.oneof(
  fc.record({ op: fc.constant("drop" as const), at: position }),
  fc.record({ op: fc.constant("duplicate" as const), at: position }),
  fc.record({ op: fc.constant("swap" as const), at: position, with: position }),
  fc.record({ op: fc.constant("indent" as const), at: position, by: fc.integer({ min: -4, max: 4 }) }),
  {
    arbitrary: fc.record({
      op: fc.constant("value" as const),
      at: position,
      value: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
    }),
    weight: 4,
  },
  fc.record({
    op: fc.constant("insert" as const),
    at: position,
    text: fc.oneof(
      fc.constantFrom("  - id: q1\n    text: 重复\n    type: single\n    options: [a]", "groups: [{id: g, items: [q1, q1]}]", "x: &a [*a]", "- -", "? [a]\n: b", "---", "...", "%YAML 1.1", "\t"),
      fc.string({ maxLength: 20 }),
    ),
  }),
) as fc.Arbitrary<LineOp>;

function mutateLines(text: string, ops: LineOp[]): string {
  const lines = text.split("\n");
  for (const m of ops) {
    const at = Math.min(lines.length - 1, Math.floor(m.at * lines.length));
    const line = lines[at] ?? "";
    switch (m.op) {
      case "drop":
        lines.splice(at, 1);
        break;
      case "duplicate":
        lines.splice(at, 0, line);
        break;
      case "swap": {
        const other = Math.min(lines.length - 1, Math.floor(m.with * lines.length));
        [lines[at], lines[other]] = [lines[other] ?? "", line];
        break;
      }
      case "indent":
        lines[at] = m.by >= 0 ? " ".repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), "");
        break;
      case "value":
        // The value after the first `key:` (or list dash) of the line; the line itself if it has none.
        lines[at] = /^(\s*(?:- )?[\w$]+:\s*)/.test(line) ? line.replace(/^(\s*(?:- )?[\w$]+:\s*).*$/, `$1${m.value}`) : m.value;
        break;
      case "insert":
        lines.splice(at, 0, ...m.text.split("\n"));
        break;
    }
  }
  return lines.join("\n");
}

const mutatedDefinition = fc
  .record({ base: fc.constantFrom(...DEFINITIONS), ops: fc.array(lineOp, { minLength: 1, maxLength: 5 }) })
  .map(({ base, ops }) => mutateLines(base, ops));

/** Random but mostly well-formed definitions: every type, odd counts, references right and wrong. */
const ids = ["q1", "q2", "q3", "q4", "q5", "q6", "age", "role"];
const optionList = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("是", "否", "党员", "群众", "非常满意", "一般", "缺钱", "其他", "1", "A") },
    { weight: 1, arbitrary: fc.record({ code: fc.integer({ min: 0, max: 12 }), label: fc.constantFrom("甲", "乙", "其他", "x"), other: fc.boolean() }) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
  ),
  { minLength: 1, maxLength: 6 },
);
const question = fc.oneof(
  fc.record({ type: fc.constant("single"), options: optionList }),
  fc.record(
    {
      type: fc.constant("multi"),
      options: optionList,
      max_choices: fc.integer({ min: 1, max: 4 }),
      min_choices: fc.integer({ min: 1, max: 4 }),
    },
    { requiredKeys: ["type", "options"] },
  ),
  fc.record({ type: fc.constant("scale"), scale: fc.constantFrom("s", "s", "t", "missing") }),
  fc.record({ type: fc.constant("matrix"), scale: fc.constantFrom("s", "t"), rows: fc.array(fc.constantFrom("甲", "乙", "丙", "甲"), { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.constant("rank"), options: optionList }),
  fc.record(
    {
      type: fc.constant("number"),
      min: fc.integer({ min: -5, max: 50 }),
      max: fc.integer({ min: -5, max: 100 }),
      integer: fc.boolean(),
      bins: fc.array(fc.oneof(fc.integer({ min: -10, max: 120 }), fc.double({ noNaN: true })), { maxLength: 5 }),
      unit: fc.constantFrom("岁", "", "人"),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constant("text") }),
);
const randomDefinition = fc
  .record({
    questions: fc.array(
      fc.record({
        q: question,
        when: fc.option(fc.constantFrom("q1 == 1", "q2 >= 2", "q1 in [1, 2]", "age > 30", "q3", "not q1", "q9 == 1", "q1 ==", "q2 == \"是\""), { nil: undefined }),
        required: fc.boolean(),
        section: fc.option(fc.constantFrom("situation", "practices", "problems", "suggestions"), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    scale: fc.record({
      options: fc.array(fc.constantFrom("很好", "好", "一般", "差", "不了解"), { minLength: 1, maxLength: 5 }),
      positive: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
      negative: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
      na: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 2 }),
    }),
    role: fc.option(fc.constantFrom(...ids), { nil: undefined }),
    groups: fc.array(fc.record({ id: fc.constantFrom("g", "h"), items: fc.array(fc.constantFrom(...ids, "q4.1", "q5.2"), { minLength: 2, maxLength: 4 }) }), { maxLength: 2 }),
    data: fc.record(
      {
        min_answered: fc.double({ min: 0, max: 1, noNaN: true }),
        id_column: fc.constantFrom("序号", "id"),
        invalid_if: fc.record({ speeder: fc.double({ min: 0.01, max: 0.99, noNaN: true }), straightline: fc.boolean() }, { requiredKeys: [] }),
        multi_separator: fc.constantFrom("┋", "|", ";"),
        skip_markers: fc.constant(["(跳过)", "-3"]),
      },
      { requiredKeys: [] },
    ),
  })
  .map((d) => ({
    title: "随机问卷",
    ...(d.role ? { role: d.role } : {}),
    data: d.data,
    scales: { s: d.scale },
    questions: d.questions.map(({ q, when, required, section }, i) => ({
      id: ids[i]!,
      text: `第${i + 1}个问题`,
      ...q,
      ...(when ? { when } : {}),
      ...(required ? { required } : {}),
      ...(section ? { section } : {}),
    })),
    ...(d.groups.length ? { groups: d.groups } : {}),
  }));

/**
 * Definitions built to load (odd but valid): distinct options and rows, one scale, a single-choice role,
 * `when` on the role only. These reach the statistics, where a definition at the edge (one option, a scale
 * with no positive codes, every answer na, bins out of order) divides by zero if anything does.
 */
const distinctOptions = fc.uniqueArray(fc.constantFrom("是", "否", "党员", "群众", "一般", "缺钱", "其他", "A", "1", "0"), { minLength: 1, maxLength: 6 });
const validQuestion = fc.oneof(
  fc.record({ type: fc.constant("single"), options: distinctOptions }),
  fc.record({ type: fc.constant("multi"), options: distinctOptions, max_choices: fc.integer({ min: 1, max: 6 }) }, { requiredKeys: ["type", "options"] }),
  fc.record({ type: fc.constant("scale"), scale: fc.constant("s") }),
  fc.record({ type: fc.constant("matrix"), scale: fc.constant("s"), rows: fc.uniqueArray(fc.constantFrom("甲", "乙", "丙", "丁"), { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.constant("rank"), options: distinctOptions }),
  fc.record(
    {
      type: fc.constant("number"),
      min: fc.integer({ min: -5, max: 30 }),
      integer: fc.boolean(),
      bins: fc.uniqueArray(fc.integer({ min: -10, max: 120 }), { maxLength: 4 }).map((b) => b.sort((x, y) => x - y)),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constant("text") }),
);
const validDefinition = fc
  .record({
    role: fc.uniqueArray(fc.constantFrom("党员", "群众", "干部"), { minLength: 1, maxLength: 3 }),
    questions: fc.array(fc.record({ q: validQuestion, when: fc.option(fc.constantFrom("q1 == 1", "q1 in [1, 2]", "q1 != 2"), { nil: undefined }) }), { minLength: 1, maxLength: 7 }),
    scale: fc.record({
      options: fc.uniqueArray(fc.constantFrom("很好", "好", "一般", "差", "不了解"), { minLength: 1, maxLength: 5 }),
      positive: fc.uniqueArray(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
      na: fc.uniqueArray(fc.constantFrom(5), { maxLength: 1 }),
    }),
    minAnswered: fc.constantFrom(0, 0.5, 1),
  })
  .map((d) => ({
    title: "随机问卷",
    role: "q1",
    data: { id_column: "序号", min_answered: d.minAnswered },
    scales: { s: { options: d.scale.options, positive: d.scale.positive.filter((c) => c <= d.scale.options.length), na: d.scale.na.filter((c) => c <= d.scale.options.length) } },
    questions: [
      { id: "q1", text: "您的身份", type: "single", options: d.role },
      ...d.questions.map(({ q, when }, i) => ({ id: `q${i + 2}`, text: `第${i + 2}个问题`, ...q, ...(when ? { when } : {}) })),
    ],
  }));

/** Answers for a random definition: a header of question ids and matrix rows, cells from a pool. */
const answerCells = fc.array(
  fc.array(fc.constantFrom("1", "2", "3", "是", "否", "党员", "群众", "很好", "好", "差", "不了解", "1┋2", "2┋1┋3", "1→2", "2→1→3", "甲", "35", "-3", "", "x", "1e9", "其他〖x〗"), {
    minLength: 10,
    maxLength: 10,
  }),
  { maxLength: 10 },
);

function answersFor(def: { questions: { id: string; type: string; rows?: string[] }[] }, rows: string[][]): string {
  const header = ["序号"];
  for (const q of def.questions) {
    if (q.type === "matrix") q.rows!.forEach((_, i) => header.push(`${q.id}.${i + 1}`));
    else header.push(q.id);
  }
  const lines = [header.join(",")];
  rows.forEach((cells, r) => lines.push([String(r + 1), ...header.slice(1).map((_, i) => cells[i % cells.length]!)].join(",")));
  return `${lines.join("\n")}\n`;
}

/** parseSurvey's own contract: no throw; a survey, or errors that each name survey.yaml:line:col in one line. */
function checkParse(text: string): void {
  count("parseSurvey");
  const started = Date.now();
  const { survey, diagnostics } = parseSurvey(text, "survey.yaml");
  expect(Date.now() - started, "parseSurvey took too long").toBeLessThan(5000);
  if (!survey) expect(diagnostics.some((d) => d.severity === "error"), "no survey and no error").toBe(true);
  for (const d of diagnostics) {
    expect(d.file).toBe("survey.yaml");
    expect(d.line, formatDiagnostic(d)).toBeGreaterThanOrEqual(1);
    expect(formatDiagnostic(d)).not.toMatch(/[\r\n]/);
  }
}

describe("survey.yaml, mutated and random", () => {
  afterAll(() => printTried("definition.fuzz"));

  test("parseSurvey never throws on mutated definitions, and locates every error", () => {
    fc.assert(fc.property(mutatedDefinition, (text) => checkParse(text)), params(runs(250)));
  }, TEST_TIMEOUT);

  test("parseSurvey on arbitrary text and YAML-looking noise", () => {
    const noise = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.array(fc.constantFrom("title: x\n", "questions:\n", "  - ", "id: q1\n", "type: single\n", "options: [a]\n", "&a ", "*a ", "[", "]", "{", "}", ": ", "- ", "\n", "  ", "'", '"', "#", "!!str ", "<<: *a\n"), { maxLength: 40 }).map((a) => a.join("")),
    );
    fc.assert(fc.property(noise, (text) => checkParse(text)), params(runs(500)));
  }, TEST_TIMEOUT);

  test("validate and tally keep the contract on mutated definitions", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDefinition, async (text) => {
        const problems = await checkCommands(
          { "survey.yaml": text, "answers.csv": ANSWERS },
          [
            ["validate", "-s", "survey.yaml", "answers.csv"],
            ["tally", "--format", "json", "-s", "survey.yaml", "answers.csv"],
          ],
          "mutated definition (CLI)",
        );
        expect(problems).toEqual([]);
      }),
      params(runs(40)),
    );
  }, TEST_TIMEOUT);

  test("random definitions: parse, validate and tally generated answers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(randomDefinition, validDefinition, validDefinition), answerCells, async (def, rows) => {
        const text = stringify(def);
        checkParse(text);
        const problems = await checkCommands(
          { "survey.yaml": text, "answers.csv": answersFor(def as never, rows) },
          [
            ["validate", "-s", "survey.yaml", "answers.csv"],
            ["tally", "--format", "json", "-s", "survey.yaml", "answers.csv"],
            ["tally", "--format", "csv", "-s", "survey.yaml", "answers.csv"],
            // A breakdown by another question: of a fitting type, or refused with a usage error.
            ["tally", "--format", "json", "--by", "q2", "-s", "survey.yaml", "answers.csv"],
          ],
          "random definition",
        );
        expect(problems).toEqual([]);
      }),
      params(runs(80)),
    );
  }, TEST_TIMEOUT);

  test("report on odd but valid definitions", async () => {
    await fc.assert(
      fc.asyncProperty(validDefinition, answerCells, async (def, rows) => {
        const problems = await checkCommands(
          { "survey.yaml": stringify(def), "answers.csv": answersFor(def as never, rows) },
          [["report", "--no-narrative", "-s", "survey.yaml", "-o", "out.docx", "answers.csv"]],
          "valid definition (report)",
        );
        expect(problems).toEqual([]);
      }),
      params(runs(12)),
    );
  }, TEST_TIMEOUT);
});
