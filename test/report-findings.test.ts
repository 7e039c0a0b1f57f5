import fc from "fast-check";
import { errorFunction } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import type { Survey } from "../src/definition/model.js";
import { buildReport } from "../src/report/build.js";
import type { Finding } from "../src/report/finding.js";
import type { Block, ReportModel } from "../src/report/model.js";
import type { BreakdownGroup, OptionTally, QuestionTally, TallyResult } from "../src/tally/types.js";
import { loadTemplate } from "./helpers/report.js";

/**
 * The rules that keep a generated sentence true (issue 14), as properties over generated tallies: groups of
 * any size from 1 to 300, answers drawn with any lean. The checks recompute what they need (shares, the
 * two-proportion z-test) on their own, from the generated counts.
 */

const zh = loadTemplate("zh-research-report");
const SCALE = ["非常满意", "比较满意", "一般", "不太满意", "很不满意"];
const CHOICES = ["缺钱", "缺人", "缺场地", "缺制度"];

interface Group {
  label: string;
  scale: number[];
  single: number[];
  multi: number[];
  /** Respondents of the group (the base of every question: everyone answered everything). */
  n: number;
}

const surveyYaml = (labels: string[]) => `
title: 关于某镇社区工作的调研
organization: 某镇党委
role: q1
scales:
  s: { options: [${SCALE.join(", ")}], positive: [1, 2], negative: [4, 5] }
questions:
  - { id: q1, text: 您的身份是, type: single, options: [${labels.join(", ")}] }
  - { id: q2, text: 您对社区服务的满意程度, type: scale, scale: s }
  - { id: q3, text: 您对村务公开的满意程度, type: scale, scale: s }
  - { id: q4, text: 您认为社区工作存在的最大困难是, type: single, options: [${CHOICES.join(", ")}] }
  - { id: q5, text: 您认为当前最需要加强的工作是(可多选), type: multi, options: [${CHOICES.join(", ")}] }
`;

function survey(labels: string[]): Survey {
  const { survey, diagnostics } = parseSurvey(surveyYaml(labels), "survey.yaml");
  if (!survey) throw new Error(diagnostics.map((d) => d.message).join("; "));
  return survey;
}

const options = (labels: string[], counts: number[], base: number, multi = false): OptionTally[] =>
  labels.map((label, i) => {
    const count = counts[i]!;
    const share = base ? count / base : null;
    return multi ? { code: i + 1, label, count, pctOfRespondents: share, pctOfSelections: null } : { code: i + 1, label, count, pct: share };
  });

/** A tally as `survey tally` would give it for these groups (every respondent answered every question). */
function tallyOf(groups: Group[]): TallyResult {
  const n = groups.reduce((s, g) => s + g.n, 0);
  const sum = (pick: (g: Group) => number[], len: number) => Array.from({ length: len }, (_, i) => groups.reduce((s, g) => s + pick(g)[i]!, 0));
  const scaleQuestion = (text: string, pick: (g: Group) => number[]): QuestionTally => {
    const total = sum(pick, 5);
    const byRole: BreakdownGroup[] = groups.map((g, i) => ({
      code: i + 1,
      label: g.label,
      base: g.n,
      options: options(SCALE, pick(g), g.n),
      positiveRate: (pick(g)[0]! + pick(g)[1]!) / g.n,
    }));
    return {
      type: "scale", text, answered: n, skipped: 0, missing: 0, base: n,
      options: options(SCALE, total, n),
      positiveRate: (total[0]! + total[1]!) / n,
      negativeRate: (total[3]! + total[4]!) / n,
      byRole,
    };
  };
  const choiceQuestion = (text: string, type: "single" | "multi", pick: (g: Group) => number[]): QuestionTally => ({
    type, text, answered: n, skipped: 0, missing: 0, base: n,
    options: options(CHOICES, sum(pick, CHOICES.length), n, type === "multi"),
    byRole: groups.map((g, i) => ({ code: i + 1, label: g.label, base: g.n, options: options(CHOICES, pick(g), g.n, type === "multi") })),
  });
  return {
    schemaVersion: 1,
    survey: { title: "关于某镇社区工作的调研", issued: null },
    responses: { issued: null, returned: n, valid: n, invalid: 0, responseRate: null, validRate: 1, effectiveRate: null, invalidReasons: {}, bySource: {} },
    roles: { question: "q1", counts: groups.map((g, i) => ({ code: i + 1, label: g.label, count: g.n, pct: g.n / n })) },
    questions: {
      q1: { type: "single", text: "您的身份是", answered: n, skipped: 0, missing: 0, base: n, options: groups.map((g, i) => ({ code: i + 1, label: g.label, count: g.n, pct: g.n / n })) },
      q2: scaleQuestion("您对社区服务的满意程度", (g) => g.scale),
      q3: scaleQuestion("您对村务公开的满意程度", (g) => [...g.scale].reverse()),
      q4: choiceQuestion("您认为社区工作存在的最大困难是", "single", (g) => g.single),
      q5: choiceQuestion("您认为当前最需要加强的工作是(可多选)", "multi", (g) => g.multi),
    },
    groups: {},
    screening: { speeders: [], straightliners: [] },
    problems: [],
  };
}

/** Counts that add up to n, split by cut points. */
const partition = (n: number, parts: number) =>
  fc.array(fc.integer({ min: 0, max: n }), { minLength: parts - 1, maxLength: parts - 1 }).map((cuts) => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), n];
    return sorted.slice(1).map((c, i) => c - sorted[i]!);
  });

const group = (label: string) =>
  fc
    .oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 300 }))
    .chain((n) =>
      fc.record({
        label: fc.constant(label),
        n: fc.constant(n),
        scale: partition(n, 5),
        single: partition(n, CHOICES.length),
        multi: fc.array(fc.integer({ min: 0, max: n }), { minLength: CHOICES.length, maxLength: CHOICES.length }),
      }),
    );

const groupsArb = fc.integer({ min: 2, max: 5 }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => group(`甲乙丙丁戊`[i]! + "组"))));

function paragraphs(blocks: Block[]): string[] {
  return blocks.flatMap((b) => (b.kind === "paragraph" ? [b.runs.map((r) => r.text).join("")] : b.kind === "heading" && b.level === 1 ? [`#${b.text}`] : []));
}

/** The body before the attachment note, by section title. */
function sections(model: ReportModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = "";
  for (const p of paragraphs(model.body)) {
    if (p.startsWith("附件：")) break;
    if (p.startsWith("#")) out.set((current = p.slice(1)), []);
    else out.get(current)?.push(p);
  }
  return out;
}

/** Two-sided p of the pooled two-proportion z-test, computed here independently of the report. */
function twoProportionP(a: number, n1: number, b: number, n2: number): number {
  const pooled = (a + b) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = Math.abs(a / n1 - b / n2) / se;
  return 1 - errorFunction(z / Math.SQRT2);
}

/**
 * Two-sided p of Fisher's exact test of a 2×2 table (a of n1 against b of n2), summing the hypergeometric
 * probabilities no larger than the observed one; computed here independently of src/tally/exact.ts.
 */
function fisher2x2P(a: number, n1: number, b: number, n2: number): number {
  const n = n1 + n2;
  const chosen = a + b;
  const logChoose = (m: number, k: number) => logFactorial(m) - logFactorial(k) - logFactorial(m - k);
  const prob = (x: number) => Math.exp(logChoose(n1, x) + logChoose(n2, chosen - x) - logChoose(n, chosen));
  const observed = prob(a);
  let p = 0;
  for (let x = Math.max(0, chosen - n2); x <= Math.min(n1, chosen); x++) if (prob(x) <= observed * (1 + 1e-7)) p += prob(x);
  return Math.min(1, p);
}

function logFactorial(m: number): number {
  let s = 0;
  for (let i = 2; i <= m; i++) s += Math.log(i);
  return s;
}

/** Whether a 2×2 table has an expected count under 5 (a quarter of its cells: over the 20% rule). */
function smallExpected(a: number, n1: number, b: number, n2: number): boolean {
  const n = n1 + n2;
  return [n1, n2].some((row) => [a + b, n - a - b].some((col) => (row * col) / n < 5));
}

const written = (model: ReportModel) => (model.findings ?? []).filter((f) => !f.omitted);
const RUNS = Number(process.env.FUZZ_SCALE ?? 1) * 150;

describe("generated sentences are true to their numbers", () => {
  it("明显 only for a gap of 10 points or more that is significant, between groups of 10 or more", () => {
    fc.assert(
      fc.property(groupsArb, (groups) => {
        const s = survey(groups.map((g) => g.label));
        const model = buildReport(tallyOf(groups), s, zh, { charts: false });
        const body = [...sections(model).values()].flat();
        const differences = written(model).filter((f): f is Extract<Finding, { kind: "difference" }> => f.kind === "difference");
        for (const f of differences) {
          expect(f.gap).toBeGreaterThanOrEqual(0.1 - 1e-12);
          for (const side of [f.high, f.low]) {
            expect(side.base).toBeGreaterThanOrEqual(10);
            for (const label of side.labels) expect(groups.find((g) => g.label === label)!.n).toBeGreaterThanOrEqual(10);
          }
          // The gap as the sentence states it, from the generated counts.
          expect(f.high.value - f.low.value).toBeCloseTo(f.gap, 12);
          expect(f.high.count / f.high.base).toBeCloseTo(f.high.value, 12);
          // The pair named: Fisher's exact test where expected counts are small, else the z-test.
          const pair = [f.high.count, f.high.base, f.low.count, f.low.base] as const;
          const p = smallExpected(...pair) ? fisher2x2P(...pair) : twoProportionP(...pair);
          if (Math.abs(p - 0.05) > 0.002) expect(p).toBeLessThan(0.05);
        }
        const strong = body.filter((p) => /明显|显著|远高于|远低于/.test(p));
        expect(strong.length).toBe(differences.length);
      }),
      { numRuns: RUNS },
    );
  });

  it("gives no group of fewer than 10 a percentage of its own, and no sentence twice", () => {
    fc.assert(
      fc.property(groupsArb, (groups) => {
        const s = survey(groups.map((g) => g.label));
        const model = buildReport(tallyOf(groups), s, zh, { charts: false });
        const body = [...sections(model).values()].flat();
        for (const g of groups.filter((g) => g.n < 10)) {
          // The role sentence gives each role's share of all respondents; no other sentence names a small group.
          for (const p of body.filter((p) => !p.startsWith("参与本次调研的有"))) expect(p).not.toContain(g.label);
        }
        const sentences = body.flatMap((p) => p.split("。")).map((x) => x.trim()).filter((x) => x && !x.startsWith("【"));
        expect(new Set(sentences).size).toBe(sentences.length);
      }),
      { numRuns: RUNS },
    );
  });

  it("states every finding in one section, and a rate as a result or a problem by one threshold", () => {
    fc.assert(
      fc.property(groupsArb, (groups) => {
        const s = survey(groups.map((g) => g.label));
        const model = buildReport(tallyOf(groups), s, zh, { charts: false });
        const bySection = sections(model);
        for (const f of written(model)) {
          if (f.kind !== "rate") continue;
          expect(f.section).toBe(f.rate >= 0.7 ? "practices" : "problems");
          expect(f.polarity).toBe(f.rate >= 0.7 ? "success" : "problem");
          // Said in its section and in no other.
          const said = [...bySection.entries()].filter(([, ps]) => ps.some((p) => (p.includes(`对${f.subject}的满意率`) || p.includes(`对${f.subject}，`)) && !/评价差异/.test(p)));
          expect(said.map(([title]) => title)).toEqual([f.section === "practices" ? "主要做法与成效" : "存在的问题"]);
        }
        const ids = written(model).map((f) => f.id);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("the rules", () => {
  const groups: Group[] = [
    { label: "干部", n: 40, scale: [20, 12, 4, 2, 2], single: [30, 5, 3, 2], multi: [30, 10, 5, 2] },
    { label: "群众", n: 60, scale: [6, 12, 20, 14, 8], single: [20, 20, 10, 10], multi: [25, 30, 20, 10] },
    { label: "党员", n: 8, scale: [8, 0, 0, 0, 0], single: [0, 0, 0, 8], multi: [8, 8, 8, 8] },
  ];
  const s = survey(groups.map((g) => g.label));
  const tally = tallyOf(groups);

  it("names the largest material gap, worded from the breakdown, and leaves the group of 8 out", () => {
    const model = buildReport(tally, s, zh, { charts: false });
    const body = [...sections(model).values()].flat().filter((p) => !p.startsWith("参与本次调研的有")).join("\n");
    // q2: 干部 32 of 40 (80.0%) positive, 群众 18 of 60 (30.0%): 50 points.
    expect(body).toContain("不同身份的被调查者对社区服务的评价差异明显：群众的满意率为30.0%，明显低于干部的80.0%。");
    expect(body).not.toContain("党员");
    const f = model.findings!.find((x) => x.id === "q2@q1") as Extract<Finding, { kind: "difference" }>;
    expect(f.small).toEqual([{ label: "党员", base: 8 }]);
  });

  it("follows survey.yaml's rules: a larger strong_gap, a smaller min_group", () => {
    const strict = buildReport(tally, { ...s, rules: { strong_gap: 0.6 } }, zh, { charts: false });
    expect(written(strict).some((f) => f.kind === "difference")).toBe(false);
    expect(strict.findings!.find((f) => f.id === "q2@q1")!.omitted).toMatch(/under strong_gap 60/);
    const loose = buildReport(tally, { ...s, rules: { min_group: 5 } }, zh, { charts: false });
    const q2 = loose.findings!.find((f) => f.id === "q2@q1") as Extract<Finding, { kind: "difference" }>;
    expect(q2.groups.map((g) => g.label)).toEqual(["干部", "群众", "党员"]);
  });
});
