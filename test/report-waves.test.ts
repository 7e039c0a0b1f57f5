import { join } from "node:path";
import fc from "fast-check";
import { errorFunction } from "simple-statistics";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import type { Survey } from "../src/definition/model.js";
import { buildReport } from "../src/report/build.js";
import { explainFindings } from "../src/report/explain.js";
import type { Finding } from "../src/report/finding.js";
import type { Block, ReportModel, Table } from "../src/report/model.js";
import { compareTallies } from "../src/tally/compare.js";
import { tallySurvey } from "../src/pipeline/index.js";
import type { OptionTally, QuestionTally, TallyResult } from "../src/tally/types.js";
import { ROOT } from "./helpers/cli.js";
import { loadFixtureSurvey } from "./helpers/read.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

/**
 * Issue 18 item 1 in the report: the change of each stated figure since the earlier round, in the words of
 * the body, the appendix's columns and its 说明. The expected figures are worked out by hand from the counts
 * listed in fixtures/two-waves/*\/survey.yaml; the property checks every change sentence against the
 * counts it was generated from.
 */

const zh = loadTemplate("zh-research-report");
const en = loadTemplate("en-research-report");
const DATE = { y: 2026, m: 7, d: 1 };

/** P(|Z| ≥ z) for a standard normal Z. */
const twoSided = (z: number) => 1 - errorFunction(Math.abs(z) / Math.SQRT2);
/** The two-proportion z-test with the pooled share, computed here from the counts. */
function zTest(x1: number, n1: number, x0: number, n0: number): number {
  const pooled = (x1 + x0) / (n1 + n0);
  return twoSided((x1 / n1 - x0 / n0) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0)));
}

const paragraphs = (blocks: readonly Block[]) => blocks.flatMap((b) => (b.kind === "paragraph" ? [b.runs.map((r) => r.text).join("")] : []));
/** The body up to the appendix, as one text. */
function bodyOf(model: ReportModel): string {
  const end = model.body.findIndex((b) => b.kind === "pageBreak");
  return paragraphs(model.body.slice(0, end < 0 ? undefined : end)).join("\n");
}
function appendixOf(model: ReportModel): Block[] {
  return model.body.slice(model.body.findIndex((b) => b.kind === "pageBreak"));
}
const tableOf = (model: ReportModel, text: string) => appendixOf(model).find((b): b is Table => b.kind === "table" && b.caption.includes(text))!;

async function tallyOf(survey: Survey, dir: string): Promise<TallyResult> {
  const path = join(ROOT, "fixtures/two-waves", dir, "answers.csv");
  return tallySurvey(survey, [{ path, name: `${dir}/answers.csv` }]);
}

describe("the report of the second round (fixtures/two-waves)", () => {
  let survey: Survey;
  let compared: TallyResult;
  let model: ReportModel;
  beforeAll(async () => {
    const first = await tallyOf(loadFixtureSurvey("two-waves/2025/survey.yaml"), "2025");
    survey = loadFixtureSurvey("two-waves/2026/survey.yaml");
    compared = compareTallies(await tallyOf(survey, "2026"), first, { map: survey.previousMap });
    model = buildReport(compared, survey, zh, { date: DATE });
  });

  it("says each evaluation's change after its rate: 60.0% → 72.0% is 提高12.0个百分点, within the margin of error (z-test p = 0.396)", () => {
    // 12/20 then, 18/25 now: p̄ = 30/45, z = 0.12/√(2/9 × 0.09) = 0.849, p = 0.396
    expect(zTest(18, 25, 12, 20)).toBeCloseTo(0.396, 3);
    // 5/20 then, 20/25 now: p̄ = 25/45, z = 0.55/√(20/81 × 0.09) = 3.690, p = 0.00022 < 0.05
    expect(zTest(20, 25, 5, 20)).toBeCloseTo(0.000225, 5);
    const body = bodyOf(model);
    expect(body).toContain("被调查者对党员教育管理的满意率达到80.0%（其中“非常满意”32.0%，“比较满意”48.0%），比2025年提高55.0个百分点，变化超出抽样误差；对社区服务的满意率达到72.0%，比2025年提高12.0个百分点。");
    const q6 = model.findings!.find((f) => f.kind === "change" && f.of === "q6") as Extract<Finding, { kind: "change" }>;
    expect(q6.p).toBeCloseTo(zTest(20, 25, 5, 20), 10);
    // the new question has no earlier rate: nothing is said of a change
    expect(body).toMatch(/对环境卫生的满意率为60\.0%，20\.0%的被调查者/u);
  });

  it("says a leading answer's fall as 下降, and under one point 基本持平", () => {
    const body = bodyOf(model);
    // 缺钱 10/20 = 50.0% then, 9/25 = 36.0% now
    expect(body).toContain("的被调查者认为社区工作存在的最大困难是“缺钱”，比2025年下降14.0个百分点，其次是“缺人”（32.0%）");
    // 为民服务 12/20 then, 15/25 now: the same 60.0%
    expect(body).toMatch(/“为民服务”[^。]*60\.0%[^。]*与2025年基本持平/u);
  });

  it("gives the appendix's tables the earlier share and the change, named by the periods, and says what could not be compared", () => {
    const q3 = tableOf(model, "最大困难");
    expect(q3.header).toEqual(["选项", "小计", "2026年", "2025年", "变化（百分点）"]);
    expect(q3.rows).toEqual([
      ["缺钱", "9", "36.0%", "50.0%", "-14.0"],
      ["缺人", "8", "32.0%", "30.0%", "+2.0"],
      ["缺场地", "4", "16.0%", "20.0%", "-4.0"],
      ["缺制度", "4", "16.0%", "—", "—"],
    ]);
    expect(q3.footer).toEqual(["本题有效填写人次", "25", "", "", ""]);
    const text = paragraphs(appendixOf(model));
    expect(text).toContain("与2025年相比，本题新增“缺制度”（无2025年数据）。");
    expect(text).toContain("本题为本轮新增题目，未与2025年比较。");
    // 3.65 then (73/20), 3.96 now (99/25)
    expect(text).toContain("满意率：72.0%（2025年为60.0%，变化+12.0个百分点）；平均分：3.96（2025年为3.65，变化+0.31）");
    expect(tableOf(model, "最需要加强").rows[2]).toEqual(["为民服务", "15", "60.0%", "60.0%", "0.0"]);
    const notes = text.find((p) => p.startsWith("说明："))!;
    expect(notes).toContain("“变化”为本轮比例与2025年比例之差（按四舍五入前的比例计算），单位为百分点，不足1个百分点的称“基本持平”；称变化“超出抽样误差”的，经两比例z检验在0.05水平上显著；2025年的“您对村务公开的满意程度”本轮未设；");
  });

  it("lists the changes, written or not, in --explain", () => {
    const explained = explainFindings(model);
    expect(explained).toContain("q6~q6 change [success]: 党员教育管理 满意率: 25.0% (n 20, 2025年) → 80.0% (n 25), up 55.0 points, p=0.000, beyond the margin of error");
    expect(explained).toContain("s2~q2 change [success]: 社区服务 满意率: 60.0% (n 20, 2025年) → 72.0% (n 25), up 12.0 points, p=0.396");
    expect(explained).toMatch(/q4~q4 change \[\w+\]: 最需要加强的工作 “为民服务”: 60\.0% \(n 20, 2025年\) → 60\.0% \(n 25\), about the same 0\.0 points/u);
  });

  it("says nothing of changes without --previous, and names the earlier round 上一轮调查 when it has no period", () => {
    const plain = buildReport({ ...compared, comparison: undefined }, survey, zh, { date: DATE });
    expect(bodyOf(plain)).not.toMatch(/比2025年|基本持平|上一轮/u);
    const noPeriod = buildReport({ ...compared, comparison: { ...compared.comparison!, previous: { ...compared.comparison!.previous, period: null } } }, survey, zh, { date: DATE });
    expect(bodyOf(noPeriod)).toContain("比上一轮调查提高12.0个百分点");
    expect(tableOf(noPeriod, "最大困难").header).toEqual(["选项", "小计", "2026年", "上一轮", "变化（百分点）"]);
  });

  it("words the same changes in English", () => {
    const body = bodyOf(buildReport(compared, survey, en, { date: DATE }));
    expect(body).toContain("80.0%");
    expect(body).toContain("up 55.0 percentage points on 2025年, beyond the margin of error");
    expect(body).toContain("down 14.0 percentage points on 2025年");
  });
});

describe("a matrix row's change", () => {
  it("is said after the row's rate, and its table gains the earlier rate and the change", () => {
    const { survey, tally } = basicFixture();
    // fixtures/report-basic: 为民服务 (q5.2) 9 of 19 satisfied, 47.4%; the earlier round, without a period, had 60.0% of 19
    const earlier = structuredClone(tally);
    earlier.questions.q5!.rows!["q5.2"]!.positiveRate = 0.6;
    const model = buildReport(compareTallies(tally, earlier), survey, zh, { date: DATE });
    // 47.37% − 60% = −12.63 points
    expect(bodyOf(model)).toContain("对“为民服务”的满意率仅为47.4%，比上一轮调查下降12.6个百分点，26.3%的被调查者");
    const table = tableOf(model, "各项工作");
    expect(table.header.slice(-4)).toEqual(["平均分", "上一轮满意率", "变化（百分点）", "N"]);
    expect(table.rows[1]!.slice(-3)).toEqual(["60.0%", "-12.6", "19"]);
    expect(table.rows[0]!.slice(-3)).toEqual(["80.0%", "0.0", "20"]);
  });
});

// ---------------------------------------------------------------- property: a change sentence agrees with its figures

const SCALE = ["非常满意", "比较满意", "一般", "不太满意", "很不满意"];
const surveyYaml = (period: boolean) => `
title: 关于某社区工作的调研
${period ? "period: 2026年" : ""}
scales:
  s: { options: [${SCALE.join(", ")}], positive: [1, 2], negative: [4, 5] }
questions:
  - { id: q1, text: 您对社区服务的满意程度, type: scale, scale: s, subject: 社区服务 }
  - { id: q2, text: 您认为社区工作存在的最大困难是, type: single, options: [缺钱, 缺人, 缺场地], subject: 社区工作存在的最大困难 }
`;

function surveyOf(period: boolean): Survey {
  const { survey, diagnostics } = parseSurvey(surveyYaml(period), "survey.yaml");
  if (!survey) throw new Error(diagnostics.map((d) => d.message).join("; "));
  return survey;
}

const opts = (labels: string[], counts: number[], base: number): OptionTally[] => labels.map((label, i) => ({ code: i + 1, label, count: counts[i]!, pct: counts[i]! / base }));

/** A round as `survey tally` gives it: everyone answered both questions. */
function round(scale: number[], single: number[], period?: string): TallyResult {
  const n = scale.reduce((a, b) => a + b, 0);
  const m = single.reduce((a, b) => a + b, 0);
  const scaleQ: QuestionTally = {
    type: "scale", text: "您对社区服务的满意程度", answered: n, skipped: 0, missing: 0, base: n, options: opts(SCALE, scale, n),
    positiveRate: (scale[0]! + scale[1]!) / n, negativeRate: (scale[3]! + scale[4]!) / n,
    meanScore: scale.reduce((s, c, i) => s + c * (5 - i), 0) / n,
  };
  const singleQ: QuestionTally = { type: "single", text: "您认为社区工作存在的最大困难是", answered: m, skipped: 0, missing: 0, base: m, options: opts(["缺钱", "缺人", "缺场地"], single, m) };
  return {
    schemaVersion: 1,
    survey: period ? { title: "t", issued: null, period } : { title: "t", issued: null },
    responses: { issued: null, returned: n, valid: n, invalid: 0, responseRate: null, validRate: 1, effectiveRate: null, invalidReasons: {}, bySource: {} },
    roles: null,
    questions: { q1: scaleQ, q2: singleQ },
    groups: {},
    screening: { speeders: [], straightliners: [] },
    problems: [],
  };
}

/** |x1/n1 − x0/n0| in points to one decimal, rounded half up, in whole numbers: no floating point. */
function pointsByHand(x1: number, n1: number, x0: number, n0: number): string {
  const num = Math.abs(x1 * n0 - x0 * n1) * 1000; // tenths of a point, times n1·n0
  const den = n1 * n0;
  const tenths = Math.floor((2 * num + den) / (2 * den));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** The share to one decimal as the report prints it, by hand. */
function pctByHand(x: number, n: number): string {
  const tenths = Math.floor((2 * x * 1000 + n) / (2 * n));
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

const counts = (k: number, min: number) => fc.array(fc.integer({ min: 0, max: 80 }), { minLength: k, maxLength: k }).filter((c) => c.reduce((a, b) => a + b, 0) >= min);

describe("property: every change sentence's direction word and number agree with the figures", () => {
  it("over rounds of 10–400 respondents, with and without periods", () => {
    fc.assert(
      fc.property(counts(5, 10), counts(5, 10), counts(3, 10), counts(3, 10), fc.boolean(), (s1, s0, c1, c0, period) => {
        const survey = surveyOf(period);
        const compared = compareTallies(round(s1, c1, period ? "2026年" : undefined), round(s0, c0, period ? "2025年" : undefined));
        const body = bodyOf(buildReport(compared, survey, zh, { date: DATE }));
        const then = period ? "2025年" : "上一轮调查";
        const check = (clause: string, x1: number, n1: number, x0: number, n0: number, upWord: string) => {
          const points = pointsByHand(x1, n1, x0, n0);
          if (Number(points) < 1) {
            expect(clause).toBe(`与${then}基本持平`);
            return;
          }
          const word = x1 * n0 > x0 * n1 ? upWord : "下降";
          const beyond = zTest(x1, n1, x0, n0) < 0.05;
          // A significance claim is made only when it holds (the report is stricter with small expected counts).
          expect(clause).toMatch(new RegExp(`^比${then}${word}${points.replace(".", "\\.")}个百分点(，变化超出抽样误差)?$`, "u"));
          if (clause.endsWith("变化超出抽样误差")) expect(beyond).toBe(true);
          // “下降” is never softened
          expect(clause).not.toMatch(/略有|小幅|稍/u);
        };
        // the evaluation: 对社区服务的满意率…72.0%（…），比2025年提高12.0个百分点
        const n1 = s1.reduce((a, b) => a + b, 0);
        const n0 = s0.reduce((a, b) => a + b, 0);
        const rate = new RegExp(`对社区服务的满意率(?:高达|达到|为|仅为)(\\d+\\.\\d%)(?:（[^）]*）)?，((?:比|与)${then}[^；。，]*(?:，变化超出抽样误差)?)`, "u").exec(body);
        expect(rate, body).not.toBeNull();
        expect(rate![1]).toBe(pctByHand(s1[0]! + s1[1]!, n1));
        check(rate![2]!, s1[0]! + s1[1]!, n1, s0[0]! + s0[1]!, n0, "提高");
        // the leading answer of the problem question (the first of the most chosen, in the questionnaire's order)
        const m1 = c1.reduce((a, b) => a + b, 0);
        const m0 = c0.reduce((a, b) => a + b, 0);
        const top = c1.indexOf(Math.max(...c1));
        const lead = new RegExp(`（(\\d+\\.\\d%)）的被调查者认为社区工作存在的最大困难是“([^”]+)”，((?:比|与)${then}[^；。，]*(?:，变化超出抽样误差)?)`, "u").exec(body);
        expect(lead, body).not.toBeNull();
        expect(lead![2]).toBe(["缺钱", "缺人", "缺场地"][top]);
        expect(lead![1]).toBe(pctByHand(c1[top]!, m1));
        check(lead![3]!, c1[top]!, m1, c0[top]!, m0, "上升");
      }),
      { numRuns: 150, seed: 18 },
    );
  });
});
