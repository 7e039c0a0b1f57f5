import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareTallies } from "../src/tally/compare.js";
import type { OptionTally, QuestionTally, TallyResult } from "../src/tally/types.js";
import { runCli } from "./helpers/cli.js";

/**
 * Issue 18 item 1: comparison with an earlier round. fixtures/two-waves holds two rounds of one survey
 * whose counts are listed in each survey.yaml; every expected figure below is worked out from those
 * counts by hand. The second round renames q2 to s2 (previous.map), adds the option 缺制度 to q3, drops
 * q5 and adds q7.
 */

const W1 = "fixtures/two-waves/2025/survey.yaml";
const W2 = "fixtures/two-waves/2026/survey.yaml";
const tmp = mkdtempSync(join(tmpdir(), "survey-compare-"));
const last = join(tmp, "last.json");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let compared: TallyResult;
beforeAll(async () => {
  const first = await runCli(["tally", "-s", W1, "--format", "json", "-o", last]);
  expect(first.code).toBe(0);
  const second = await runCli(["tally", "-s", W2, "--format", "json", "--previous", last]);
  expect(second.stderr).toBe("");
  expect(second.code).toBe(0);
  compared = JSON.parse(second.stdout) as TallyResult;
});

const option = (q: QuestionTally | undefined, label: string): OptionTally => q!.options!.find((o) => o.label === label)!;

describe("survey tally --previous on two rounds (fixtures/two-waves)", () => {
  it("names the earlier round by its period, and lists what could not be matched", () => {
    expect(compared.survey.period).toBe("2026年");
    expect(compared.comparison).toEqual({
      previous: { title: "关于某社区群众满意度的调研", period: "2025年", valid: 20 },
      unmatched: [
        { kind: "option-added", question: "q3", previous: "q3", option: "缺制度" },
        { kind: "question-added", question: "q7", text: "您对环境卫生的满意程度" },
        { kind: "question-dropped", previous: "q5", text: "您对村务公开的满意程度" },
      ],
    });
  });

  it("matches the renamed question through previous.map: positive rate 12/20 → 18/25, mean 3.65 → 3.96", () => {
    const s2 = compared.questions.s2!;
    expect(s2.previous).toEqual({ id: "q2", base: 20, positiveRate: 0.6, mean: 3.65 });
    expect(s2.positiveRate).toBeCloseTo(0.72, 12);
    expect(s2.change!.positiveRate).toBeCloseTo(0.72 - 0.6, 12); // 12 points
    expect(s2.change!.mean).toBeCloseTo(99 / 25 - 73 / 20, 12); // 0.31
    // every option by label: 非常满意 6/20 → 10/25, 很不满意 1/20 → 1/25
    expect(option(s2, "非常满意").previous).toEqual({ pct: 0.3 });
    expect(option(s2, "非常满意").change!.pct).toBeCloseTo(0.1, 12);
    expect(option(s2, "很不满意").change!.pct).toBeCloseTo(-0.01, 12);
  });

  it("compares the options both rounds have and leaves the added one alone", () => {
    const q3 = compared.questions.q3!;
    expect(q3.previous).toEqual({ id: "q3", base: 20 });
    expect(option(q3, "缺钱").pct).toBeCloseTo(0.36, 12);
    expect(option(q3, "缺钱").previous).toEqual({ pct: 0.5 });
    expect(option(q3, "缺钱").change!.pct).toBeCloseTo(-0.14, 12); // 14 points down
    expect(option(q3, "缺人").change!.pct).toBeCloseTo(8 / 25 - 6 / 20, 12); // +2 points
    expect(option(q3, "缺制度").previous).toBeUndefined();
    expect(option(q3, "缺制度").change).toBeUndefined();
  });

  it("compares a multi-select option's share of respondents, under its own field name", () => {
    const q4 = compared.questions.q4!;
    expect(option(q4, "为民服务").previous).toEqual({ pctOfRespondents: 0.6 }); // 12/20
    expect(option(q4, "为民服务").change).toEqual({ pctOfRespondents: 0 }); // 15/25 = 0.6
    expect(option(q4, "党员教育").change!.pctOfRespondents).toBeCloseTo(8 / 25 - 8 / 20, 12); // −8 points
  });

  it("writes the same figures as CSV rows previous.<field> and change.<field>, without binary noise", async () => {
    const r = await runCli(["tally", "-s", W2, "--format", "csv", "--previous", last]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split(/\r?\n/);
    expect(lines).toContain("s2,s2,scale,您对社区服务的满意程度,,,,,,previous.positiveRate,0.6,20");
    expect(lines).toContain("s2,s2,scale,您对社区服务的满意程度,,,,,,change.positiveRate,0.12,");
    expect(lines).toContain("s2,s2,scale,您对社区服务的满意程度,,,,,,change.mean,0.31,");
    expect(lines).toContain("q3,q3,single,您认为当前社区工作存在的最大困难是,,,,1,缺钱,change.pct,-0.14,");
    expect(lines).toContain("q4,q4,multi,您认为最需要加强的工作是(可多选),,,,2,党员教育,previous.pctOfRespondents,0.4,");
    expect(lines.some((l) => /,缺制度,(previous|change)\./u.test(l))).toBe(false);
  });

  it("compares an unchanged id: 5/20 → 20/25 satisfied, mean 2.8 → 4", () => {
    const q6 = compared.questions.q6!;
    expect(q6.previous).toEqual({ id: "q6", base: 20, positiveRate: 0.25, mean: 2.8 });
    expect(q6.change!.positiveRate).toBeCloseTo(0.55, 12);
    expect(q6.change!.mean).toBeCloseTo(1.2, 12);
  });

  it("gives the added question no comparison", () => {
    expect(compared.questions.q7!.previous).toBeUndefined();
    expect(compared.questions.q7!.change).toBeUndefined();
  });

  it("shows the earlier round in the readable formats: a column of its shares, the change in points, and what was not matched", async () => {
    const text = await runCli(["tally", "-s", W2, "--previous", last]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n").map((l) => l.trim().replace(/\s+/g, " "));
    expect(lines).toContain("对比上一轮: 关于某社区群众满意度的调研 (2025年), 20份有效问卷");
    expect(lines).toContain("未能与上一轮对应: 新增选项 q3: 缺制度; 新增题目 q7; 删去题目 q5");
    expect(lines).toContain("选项 小计 比例 2025年比例 变化(百分点)");
    // s2 (q2 in 2025): 非常满意 6 of 20 = 30.0%, now 10 of 25 = 40.0%; positive rate 12/20 → 18/25
    expect(lines).toContain("非常满意 10 40.0% 30.0% +10.0");
    expect(lines).toContain("不太满意 2 8.0% 15.0% -7.0");
    expect(lines).toContain("上一轮正向率 60.0% (变化 +12.0个百分点), 上一轮平均分 3.65 (变化 +0.31)");
    // an option new this round has no earlier share
    expect(lines).toContain("缺制度 4 16.0% — —");
    // multi-select: the share of respondents, 8 of 20 → 8 of 25
    expect(lines).toContain("党员教育 8 32.0% 28.6% 40.0% -8.0");
    const md = await runCli(["tally", "-s", W2, "--previous", last, "--format", "md"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/\| *2025年比例 *\| *变化\(百分点\) *\|/);
    expect(md.stdout).toContain("未能与上一轮对应: 新增选项 q3: 缺制度; 新增题目 q7; 删去题目 q5");
  });

  it("survey merge --previous compares the merged whole, through the previous.map its parts carry; parts compared alone are not added up", async () => {
    // the second round in two parts, split by role (the fixture's CSV has no quoting), each counted alone
    const [head, ...rows] = readFileSync("fixtures/two-waves/2026/answers.csv", "utf8").trim().split("\n");
    const csvs = ["党员", "群众"].map((role) => {
      const file = join(tmp, `answers-${role}.csv`);
      writeFileSync(file, [head, ...rows.filter((r) => r.startsWith(`${role},`))].join("\n") + "\n");
      return file;
    });
    const parts: string[] = [];
    const compared1: string[] = [];
    for (const [i, csv] of csvs.entries()) {
      parts.push(join(tmp, `part-${i}.json`));
      compared1.push(join(tmp, `compared-${i}.json`));
      expect((await runCli(["tally", "-s", W2, "--format", "json", "-o", parts[i]!, csv])).code).toBe(0);
      expect((await runCli(["tally", "-s", W2, "--format", "json", "--previous", last, "-o", compared1[i]!, csv])).code).toBe(0);
    }
    const merged = await runCli(["merge", ...parts, "--previous", last]);
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    const whole = JSON.parse(merged.stdout) as TallyResult;
    expect(whole.comparison).toEqual(compared.comparison);
    // s2 was q2 in 2025 (previous.map): matched as `tally --previous` matches it
    expect(whole.questions.s2!.previous).toEqual(compared.questions.s2!.previous);
    expect(whole.questions.s2!.change).toEqual(compared.questions.s2!.change);
    for (const [id, q] of Object.entries(compared.questions)) {
      expect(whole.questions[id]!.options?.map((o) => [o.previous, o.change])).toEqual(q.options?.map((o) => [o.previous, o.change]));
    }
    // parts that were each compared: the merge says that the whole is not, and how to compare it
    const plain = await runCli(["merge", ...compared1]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/compared with an earlier round, the merged tally is not; give `survey merge --previous FILE`/);
    expect((JSON.parse(plain.stdout) as TallyResult).comparison).toBeUndefined();
    // the earlier round's file is one of merge's inputs: never its output
    const over = await runCli(["merge", ...parts, "--previous", last, "-o", last, "--force"]);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/OUTPUT_IS_INPUT/);
  });

  it("refuses --each, and names a missing or wrong --previous file (exit 2)", async () => {
    const each = await runCli(["tally", "-s", W2, "--each", "q1", "-o", join(tmp, "each"), "--previous", last]);
    expect(each.code).toBe(2);
    expect(each.stderr).toContain("--previous");
    const missing = await runCli(["tally", "-s", W2, "--previous", join(tmp, "none.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.json.*FILE_NOT_FOUND/);
    const notJson = join(tmp, "not.json");
    writeFileSync(notJson, "序号,q1\n1,党员\n");
    const wrong = await runCli(["tally", "-s", W2, "--previous", notJson]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/not\.json.*TALLY_INVALID/);
    const cut = join(tmp, "cut.json");
    const saved = JSON.parse(readFileSync(last, "utf8")) as TallyResult;
    writeFileSync(cut, JSON.stringify({ ...saved, questions: { q3: { type: "single", text: "x", base: 3, options: 7 } } }));
    const broken = await runCli(["tally", "-s", W2, "--previous", cut]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/cut\.json.*TALLY_INVALID/);
  });

  it("survey report --previous writes the report and --explain lists the changes, from answers or from a saved tally", async () => {
    const r = await runCli(["report", "-s", W2, "--previous", last, "-o", join(tmp, "r.docx"), "--explain"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("s2~q2 change [success]: 社区服务 满意率: 60.0% (n 20, 2025年) → 72.0% (n 25), up 12.0 points, p=0.396");
    const saved = join(tmp, "2026.json");
    expect((await runCli(["tally", "-s", W2, "--format", "json", "-o", saved])).code).toBe(0);
    const fromSaved = await runCli(["report", "-s", W2, "--tally", saved, "--previous", last, "-o", join(tmp, "r2.docx"), "--explain"]);
    expect(fromSaved.code).toBe(0);
    expect(fromSaved.stdout).toContain("q3~q3 change [problem]: 社区工作存在的最大困难 “缺钱”: 50.0% (n 20, 2025年) → 36.0% (n 25), down 14.0 points");
    const each = await runCli(["report", "-s", W2, "--each", "q1", "-o", join(tmp, "each"), "--previous", last]);
    expect(each.code).toBe(2);
    expect(each.stderr).toContain("--previous");
  });

  it("checks previous.map against the questions (DEF_UNKNOWN_REF at its line)", async () => {
    const yaml = readFileSync(W2, "utf8").replace("map: { s2: q2 }", "map: { s9: q2 }");
    const file = join(tmp, "survey.yaml");
    writeFileSync(file, yaml);
    const r = await runCli(["validate", "-s", file, join(process.cwd(), "fixtures/two-waves/2026/answers.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/survey\.yaml:\d+:\d+: error DEF_UNKNOWN_REF: previous\.map: "s9" is not a question id/);
  });
});

// ---------------------------------------------------------------- the pure comparison

const scaleOptions = (counts: number[], labels = ["满意", "一般", "不满意"]): OptionTally[] => {
  const base = counts.reduce((a, b) => a + b, 0);
  return labels.map((label, i) => ({ code: i + 1, label, count: counts[i]!, pct: counts[i]! / base }));
};

function tally(questions: Record<string, QuestionTally>, period?: string): TallyResult {
  return {
    schemaVersion: 1,
    survey: period === undefined ? { title: "t", issued: null } : { title: "t", issued: null, period },
    responses: { issued: null, returned: 10, valid: 10, invalid: 0, responseRate: null, validRate: 1, effectiveRate: null, invalidReasons: {}, bySource: {} },
    roles: null,
    questions,
    groups: {},
    screening: { speeders: [], straightliners: [] },
    problems: [],
  };
}

const single = (labels: string[], counts: number[], text = "题"): QuestionTally => {
  const base = counts.reduce((a, b) => a + b, 0);
  return { type: "single", text, answered: base, skipped: 0, missing: 0, base, options: labels.map((label, i) => ({ code: i + 1, label, count: counts[i]!, pct: counts[i]! / base })) };
};

function deepFreeze<T>(x: T): T {
  if (x && typeof x === "object") {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

describe("compareTallies", () => {
  it("matches matrix rows by label, whatever their ids, and lists rows of one round only", () => {
    const row = (label: string, counts: number[]) => ({
      label, answered: 10, skipped: 0, missing: 0, base: 10, options: scaleOptions(counts), positiveRate: counts[0]! / 10, meanScore: (3 * counts[0]! + 2 * counts[1]! + counts[2]!) / 10,
    });
    const now = tally({ m: { type: "matrix", text: "评价", answered: 10, skipped: 0, missing: 0, base: 10, rows: { "m.1": row("为民服务", [7, 2, 1]), "m.2": row("阵地建设", [5, 5, 0]) } } });
    const then = tally({ m: { type: "matrix", text: "评价", answered: 10, skipped: 0, missing: 0, base: 10, rows: { "m.1": row("党员教育", [1, 1, 8]), "m.2": row("为民服务 ", [4, 4, 2]) } } });
    const out = compareTallies(deepFreeze(now), deepFreeze(then));
    const r = out.questions.m!.rows!["m.1"]!;
    // 为民服务: 7/10 now, 4/10 then (the earlier row m.2, its label with a trailing space)
    expect(r.previous).toEqual({ id: "m.2", base: 10, positiveRate: 0.4, mean: 2.2 });
    expect(r.change!.positiveRate).toBeCloseTo(0.3, 12);
    expect(r.change!.mean).toBeCloseTo(2.6 - 2.2, 12);
    expect(r.options[0]!.change!.pct).toBeCloseTo(0.3, 12);
    expect(out.questions.m!.rows!["m.2"]!.previous).toBeUndefined();
    expect(out.comparison!.unmatched).toEqual([
      { kind: "row-added", question: "m", previous: "m", row: "阵地建设" },
      { kind: "row-removed", question: "m", previous: "m", row: "党员教育" },
    ]);
    expect(out.comparison!.previous.period).toBeNull();
  });

  it("an old id taken by a renamed question is not matched again by a new question of that id", () => {
    const now = tally({ q4: single(["是", "否"], [3, 7], "新题"), q5: single(["是", "否"], [6, 4], "原第4题") });
    const then = tally({ q4: single(["是", "否"], [5, 5], "原第4题") }, "2024年");
    const out = compareTallies(now, then, { map: { q5: "q4" } });
    expect(out.questions.q5!.previous).toEqual({ id: "q4", base: 10 });
    expect(out.questions.q5!.options![0]!.change!.pct).toBeCloseTo(0.1, 12);
    expect(out.questions.q4!.previous).toBeUndefined();
    expect(out.comparison).toEqual({ previous: { title: "t", period: "2024年", valid: 10 }, unmatched: [{ kind: "question-added", question: "q4", text: "新题" }] });
  });

  it("a question whose type changed is listed, not compared; a map to a question the earlier round lacks is an added question", () => {
    const now = tally({ a: { ...single(["是", "否"], [3, 7]), type: "scale" }, b: single(["是"], [1]) });
    const then = tally({ a: single(["是", "否"], [5, 5]), c: single(["是", "否", "不知道"], [1, 1, 1]) });
    const out = compareTallies(now, then, { map: { b: "zz" } });
    expect(out.questions.a!.previous).toBeUndefined();
    expect(out.comparison!.unmatched).toEqual([
      { kind: "type-changed", question: "a", previous: "a", type: "scale", previousType: "single" },
      { kind: "question-added", question: "b", text: "题", previous: "zz" },
      { kind: "question-dropped", previous: "c", text: "题" },
    ]);
  });

  it("a share with no base is compared as null, and an option of the earlier round only is listed as removed", () => {
    const now = tally({ a: { ...single(["是", "否"], [0, 0]), options: [{ code: 1, label: "是", count: 0, pct: null }, { code: 2, label: "否", count: 0, pct: null }] } });
    const then = tally({ a: single(["是", "否", "说不清"], [2, 6, 2]) });
    const out = compareTallies(now, then);
    expect(out.questions.a!.options![0]!.previous).toEqual({ pct: 0.2 });
    expect(out.questions.a!.options![0]!.change).toEqual({ pct: null });
    expect(out.comparison!.unmatched).toEqual([{ kind: "option-removed", question: "a", previous: "a", option: "说不清" }]);
  });
});
