import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import { mergeTallies, tallySurvey } from "../src/pipeline/index.js";
import { raoScottKish } from "../src/tally/weigh.js";
import { chiSquareTest, wilsonInterval } from "../src/tally/stats.js";
import type { TallyResult } from "../src/tally/types.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { loadFixtureSurvey } from "./helpers/read.js";

/**
 * Weights (issue 17, item 4) on fixtures/weights: ten questionnaires whose weighted figures are worked out
 * by hand below, raking checked against a plain per-questionnaire raking written here, merging of weighted
 * parts, and equal weights giving the unweighted tally.
 */
const DIR = join(ROOT, "fixtures/weights");
const answers = { path: join(DIR, "answers.csv"), name: "answers.csv" };
const rows = readFileSync(answers.path, "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [, sex, age, sat, need, years, weight] = line.split(",");
    return { sex: sex!, age: age!, sat: sat!, need: need!.split("┋"), years: Number(years), weight: Number(weight) };
  });

const close = (x: number, digits = 12) => expect.closeTo(x, digits);

describe("a weight column (fixtures/weights/survey.yaml)", () => {
  const result = tallySurvey(loadFixtureSurvey("weights/survey.yaml"), [answers]);

  it("counts weighted sums, with the questionnaires beside them", async () => {
    const sat = (await result).questions.sat!;
    // weights 1 1 2 1 1 0.5 | 1.5 1 1 2 add up to 12; 满意 = rows 1 2 5 6 8 10 = 1+1+1+0.5+1+2 = 6.5
    expect(sat.base).toBe(12);
    expect(sat.unweightedBase).toBe(10);
    expect(sat.answered).toBe(10);
    expect(sat.options!.map((o) => [o.label, o.count, o.unweightedCount])).toEqual([
      ["满意", 6.5, 6],
      ["一般", 3.5, 2], // rows 3 (2) and 7 (1.5)
      ["不满意", 2, 2], // rows 4 and 9
    ]);
    expect(sat.positiveRate).toBe(6.5 / 12);
    // Σw² = 1+1+4+1+1+0.25+2.25+1+1+4 = 16.5, so n_eff = 12² / 16.5 = 8.7273 (design effect 1.146)
    expect(sat.effectiveBase).toEqual(close(144 / 16.5));
    expect(sat.positiveRateCi95).toEqual([close(wilsonInterval(6.5 / 12, 144 / 16.5)![0]), close(wilsonInterval(6.5 / 12, 144 / 16.5)![1])]);
    // the mean score with the weights as frequencies: (3 × 6.5 + 2 × 3.5 + 1 × 2) / 12 = 28.5 / 12
    expect(sat.meanScore).toEqual(close(28.5 / 12));
  });

  it("weights multi-select shares, number summaries and bins", async () => {
    const q = (await result).questions;
    // 养老: rows 1 3 4 6 8 10 = 1+2+1+0.5+1+2 = 7.5 of 12
    const elderly = q.need!.options![0]!;
    expect([elderly.count, elderly.unweightedCount, elderly.pctOfRespondents]).toEqual([7.5, 6, 7.5 / 12]);
    // years: Σ w·x = 3+4+40+12+2+15+9+25+1+80 = 191 over 12
    expect(q.years!.mean).toEqual(close(191 / 12));
    // bin ≤5: rows 1 2 5 9 = 4 of weight, 4 questionnaires
    expect(q.years!.bins![0]).toMatchObject({ count: 4, unweightedCount: 4, pct: 4 / 12 });
  });

  it("breaks down by group over each group's weighted base, with its effective size", async () => {
    const [men, women] = (await result).questions.sat!.byRole!;
    // men: weights 1 1 2 1 1 0.5 = 6.5, 满意 1+1+1+0.5 = 3.5; Σw² = 8.25 → n_eff 42.25 / 8.25
    expect(men).toMatchObject({ label: "男", base: 6.5, unweightedBase: 6, positiveRate: 3.5 / 6.5 });
    expect(men!.effectiveBase).toEqual(close(42.25 / 8.25));
    // women: 1.5 1 1 2 = 5.5, 满意 1 + 2 = 3
    expect(women).toMatchObject({ label: "女", base: 5.5, unweightedBase: 4, positiveRate: 3 / 5.5 });
  });

  it("tests a weighted breakdown at the table's effective size (first-order Rao–Scott with Kish's design effect)", async () => {
    const test = (await result).questions.sat!.chiSquare!;
    // the weighted table (men / women × 满意 一般 不满意), scaled to n_eff = 12² / 16.5 of its 12
    const table = [
      [3.5, 2, 1],
      [3, 1.5, 1],
    ];
    const scaled = table.map((r) => r.map((x) => (x * (144 / 16.5)) / 12));
    expect(test.method).toBe("rao-scott-kish");
    expect(test.statistic).toEqual(close(chiSquareTest(scaled)!.statistic));
    expect(test.p).toEqual(close(chiSquareTest(scaled)!.p));
  });

  it("summarizes the weighting", async () => {
    expect((await result).weighting).toEqual({
      column: "权重",
      rake: [],
      iterations: 0,
      maxGap: 0,
      n: 10,
      sum: 12,
      effectiveN: close(144 / 16.5),
      designEffect: close(10 / (144 / 16.5)),
      min: 0.5,
      max: 2,
    });
  });

  it("gives the unweighted tally's figures when every weight is equal", async () => {
    const survey = loadFixtureSurvey("weights/survey.yaml");
    const ones = await tallyText(readFileSync(answers.path, "utf8").replace(/,[\d.]+$/gm, ",2"), survey);
    const unweighted = await tallyText(readFileSync(answers.path, "utf8"), parseSurvey(readFileSync(join(DIR, "survey.yaml"), "utf8").replace(/^ {2}weight_column: .*$/m, "  id_column: 序号"), "survey.yaml").survey!);
    for (const id of ["sex", "sat", "need", "years"]) {
      const w = ones.questions[id]!;
      const u = unweighted.questions[id]!;
      // equal weights of 2: every count and base doubles; shares, intervals and tests are the unweighted ones
      expect(w.base).toBe(2 * u.base);
      expect(w.options?.map((o) => o.pct ?? o.pctOfRespondents)).toEqual(u.options?.map((o) => o.pct ?? o.pctOfRespondents));
      expect(w.options?.map((o) => o.ci95!.map((x) => +x.toFixed(12)))).toEqual(u.options?.map((o) => o.ci95!.map((x) => +x.toFixed(12))));
      expect(w.options?.map((o) => o.unweightedCount)).toEqual(u.options?.map((o) => o.count));
    }
    expect(ones.questions.sat!.chiSquare!.statistic).toEqual(close(unweighted.questions.sat!.chiSquare!.statistic));
    expect(ones.questions.years!.mean).toEqual(close(unweighted.questions.years!.mean!));
  });

  it("leaves out a questionnaire without a valid weight, saying where", async () => {
    // row 6's weight left blank, row 8's negative: spreadsheet rows 7 and 9
    const text = readFileSync(answers.path, "utf8").replace("养老,30,0.5", "养老,30,").replace("养老,25,1", "养老,25,-1");
    const r = await tallyText(text, loadFixtureSurvey("weights/survey.yaml"));
    expect(r.responses.valid).toBe(8);
    expect(r.responses.invalidReasons).toEqual({ bad_weight: 2 });
    expect(r.problems.filter((p) => p.code === "BAD_WEIGHT").map((p) => [p.row, p.column])).toEqual([
      [7, "权重"],
      [9, "权重"],
    ]);
  });
});

/**
 * Raking as the textbook states it, one questionnaire at a time: each round multiplies every weight by
 * target ÷ weighted share of its option, question by question. The tally rakes cells instead; both must
 * agree.
 */
function rakeByHand(people: { keys: string[]; weight: number }[], targets: Record<string, number>[], rounds = 200): number[] {
  const w = people.map((p) => p.weight);
  const total = w.reduce((a, b) => a + b, 0);
  for (let r = 0; r < rounds; r++) {
    targets.forEach((t, k) => {
      const margin: Record<string, number> = {};
      people.forEach((p, i) => (margin[p.keys[k]!] = (margin[p.keys[k]!] ?? 0) + w[i]!));
      people.forEach((p, i) => (w[i] = (w[i]! * t[p.keys[k]!]! * total) / margin[p.keys[k]!]!));
    });
  }
  return w;
}

describe("raking (fixtures/weights/survey-rake.yaml)", () => {
  const result = tallySurvey(loadFixtureSurvey("weights/survey-rake.yaml"), [answers]);

  it("rakes to one question as the hand computation does: men × 5/6, women × 5/4", async () => {
    const text = readFileSync(join(DIR, "survey-rake.yaml"), "utf8").replace(/^ {4}age: .*\n/m, "");
    const r = await tallyText(readFileSync(answers.path, "utf8"), parseSurvey(text, "survey.yaml").survey!);
    expect(r.roles!.counts.map((c) => c.pct)).toEqual([close(0.5), close(0.5)]);
    // 满意: men 1 2 5 6 → 4 × 5/6, women 8 10 → 2 × 5/4: 5.8333 of 10
    expect(r.questions.sat!.positiveRate).toEqual(close(((4 * 5) / 6 + 2.5) / 10));
    expect(r.weighting).toMatchObject({ iterations: 1, n: 10, sum: close(10), min: close(5 / 6), max: close(5 / 4) });
  });

  it("rakes to two questions as a per-questionnaire raking does, and meets both targets", async () => {
    const r = await result;
    const w = rakeByHand(
      rows.map((p) => ({ keys: [p.sex, p.age], weight: 1 })),
      [
        { 男: 0.5, 女: 0.5 },
        { 青年: 0.4, 中老年: 0.6 },
      ],
    );
    const sum = (pick: (p: (typeof rows)[number]) => boolean) => rows.reduce((s, p, i) => s + (pick(p) ? w[i]! : 0), 0);
    expect(r.questions.age!.options!.map((o) => o.pct)).toEqual([close(0.4, 6), close(0.6, 6)]);
    expect(r.questions.sex!.options!.map((o) => o.pct)).toEqual([close(0.5, 6), close(0.5, 6)]);
    expect(r.questions.sat!.options![0]!.count).toEqual(close(sum((p) => p.sat === "满意"), 6));
    expect(r.questions.need!.options![1]!.count).toEqual(close(sum((p) => p.need.includes("托幼")), 6));
    expect(r.weighting!.maxGap).toBeLessThanOrEqual(1e-6);
    const squares = w.reduce((s, x) => s + x * x, 0);
    expect(r.weighting!.effectiveN).toEqual(close(100 / squares, 6));
  });

  it("says which target cannot be reached", async () => {
    const text = readFileSync(join(DIR, "survey-rake.yaml"), "utf8");
    const survey = parseSurvey(text, "survey.yaml").survey!;
    const onlyMen = readFileSync(answers.path, "utf8").replace(/,女,/g, ",男,");
    await expect(tallyText(onlyMen, survey)).rejects.toMatchObject({ diagnostics: [{ code: "RAKE_FAILED", message: expect.stringContaining('"女"') }] });
  });

  it("refuses targets that do not add up to 1 or name no option, at load", () => {
    const text = readFileSync(join(DIR, "survey-rake.yaml"), "utf8");
    const bad = parseSurvey(text.replace("女: 0.5}", "女: 0.6}").replace("中老年: 60", "老年: 60"), "survey.yaml");
    expect(bad.survey).toBeUndefined();
    // the shares of sex add up to 1.1; 老年 is no option, and 中老年 is then left without a share
    expect(bad.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["DEF_INVALID", 6],
      ["DEF_INVALID", 7],
      ["DEF_UNKNOWN_REF", 7],
    ]);
  });
});

describe("merging weighted parts", () => {
  // Each part must hold every combination of the raking questions' options, or it cannot be raked on its
  // own (all its men young and its women old, raking could not reach both targets).
  const lines = readFileSync(answers.path, "utf8").trim().split("\n");
  const rakeable = (part: string[]) => ["男,青年", "男,中老年", "女,青年", "女,中老年"].every((o) => part.some((l) => l.includes(`,${o},`)));
  const splits = fc
    .array(fc.boolean(), { minLength: 10, maxLength: 10 })
    .map((mask) => [lines.slice(1).filter((_, i) => mask[i]), lines.slice(1).filter((_, i) => !mask[i])] as const)
    .filter(([a, b]) => rakeable(a) && rakeable(b));

  for (const name of ["survey.yaml", "survey-rake.yaml"]) {
    it(`gives exactly the tally of all the answers in one pass (${name}; raked after merging)`, async () => {
      const survey = loadFixtureSurvey(`weights/${name}`);
      await fc.assert(
        fc.asyncProperty(splits, async ([one, two]) => {
          const whole = await tallyText([lines[0], ...one, ...two].join("\n"), survey);
          const a = await tallyText([lines[0], ...one].join("\n"), survey);
          const b = await tallyText([lines[0], ...two].join("\n"), survey);
          // weighted sums are whole numbers of units: exactly equal, not merely close
          expect(strip(mergeTallies([json(a), json(b)]))).toEqual(strip(whole));
          expect(strip(mergeTallies([json(b), json(a)])).questions).toEqual(strip(whole).questions);
        }),
        { numRuns: 10 },
      );
    });
  }

  it("refuses to rake a part that lacks an option of a raking question, naming it", async () => {
    const survey = loadFixtureSurvey("weights/survey-rake.yaml");
    await expect(tallyText(lines.slice(0, 7).join("\n"), survey)).rejects.toMatchObject({ exitCode: 1, diagnostics: [{ code: "RAKE_FAILED" }] });
  });
});

describe("raoScottKish", () => {
  it("is Pearson's test of the table scaled to the effective size (the JSDoc's example)", () => {
    const t = raoScottKish(
      [
        [30, 10],
        [10, 30],
      ],
      40,
    )!;
    expect(t.statistic).toEqual(close(10));
    expect(t.p).toEqual(close(0.001565402258, 9));
    expect(t.method).toBe("rao-scott-kish");
  });
});

describe("survey tally with weights, through the CLI", () => {
  it("prints weighted shares and the unweighted N", async () => {
    const run = await runCli(["tally", "-s", "fixtures/weights/survey.yaml", "fixtures/weights/answers.csv"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("54.2%"); // 满意 6.5 / 12
    expect(run.stdout).toContain("本题有效填写人次: 10 (加权基数 12, 有效样本量 8.7)");
    expect(run.stdout).toContain("加权: 按权重列“权重”. 10份有效问卷;有效样本量8.7(设计效应1.15);权重0.5~2;“小计”为加权合计");
    expect(run.stdout).toContain("女           5.5  45.8%\n本题有效填写人次 10\n");
  });
});

async function tallyText(text: string, survey: ReturnType<typeof loadFixtureSurvey>): Promise<TallyResult> {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const path = join(mkdtempSync(join(tmpdir(), "weights-")), "answers.csv");
  writeFileSync(path, text.endsWith("\n") ? text : `${text}\n`);
  return tallySurvey(survey, [{ path, name: "answers.csv" }]);
}

/** A tally as JSON would carry it (what `survey merge` reads). */
function json(r: TallyResult): TallyResult {
  return JSON.parse(JSON.stringify(r)) as TallyResult;
}

/** The figures, without where they were read from (the parts' files are temporary). */
function strip(r: TallyResult) {
  const { _state, problems, responses, ...rest } = json(r);
  void _state;
  void problems;
  return { ...rest, responses: { ...responses, bySource: undefined } };
}
