import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import { buildPlan } from "../src/tally/plan.js";
import { significantlyHigher } from "../src/tally/stats.js";
import type { TallyResult } from "../src/tally/types.js";
import { ROOT, runCli } from "./helpers/cli.js";

/**
 * Cross-tabs by any question: the letters of significantly different groups (checked by hand), the
 * `crosstabs:` key of survey.yaml, and `survey tally --by … --by …`. The counts of every breakdown are
 * checked against the generated rows in test/tally-merge.test.ts, the fast path in test/tally-fast.test.ts.
 */

describe("letters of significantly different groups", () => {
  it("marks a pair only when the two-proportion z-test is significant at 0.05 / pairs (Bonferroni)", () => {
    // 10/14 vs 7/111: z = 6.70, p = 2.1e-11 < 0.05/3; 10/14 vs 5/10: z² = (0.714 − 0.5)² / (0.625 × 0.375 ×
    // (1/14 + 1/10)) = 1.14, p = 0.285; 5/10 vs 7/111: z² = 19.6, p = 9.5e-6 < 0.0167 (scipy's chi2_contingency
    // without correction gives the same statistics)
    expect(significantlyHigher([10, 7, 5], [14, 111, 10])).toEqual([[1], [], [1]]);
    // with two groups there is one pair, tested at 0.05: 12/20 vs 5/20 gives z² = 5.01, p = 0.025
    expect(significantlyHigher([12, 5], [20, 20])).toEqual([[1], []]);
    // … but among three groups (3 pairs) the same pair needs p < 0.0167 and is not marked
    expect(significantlyHigher([12, 5, 8], [20, 20, 20])).toEqual([[], [], []]);
    // a group with no base gets no letters and does not count as a pair
    expect(significantlyHigher([12, 0, 5], [20, 0, 20])).toEqual([[2], [], []]);
    // 0% against 0%: nothing to test
    expect(significantlyHigher([0, 0], [10, 10])).toEqual([[], []]);
  });
});

describe("crosstabs: in survey.yaml", () => {
  const text = readFileSync(join(ROOT, "fixtures/example/survey.yaml"), "utf8");

  it("adds breakdowns after the role; --by replaces both", () => {
    const { survey } = parseSurvey(text.replace(/^role: (\w+)/m, "role: $1\ncrosstabs: [q4, q9.1]"), "survey.yaml");
    expect(survey!.crosstabs).toEqual(["q4", "q9.1"]);
    expect(buildPlan(survey!).breakdowns.map((b) => b.id)).toEqual(["q1", "q4", "q9.1"]);
    expect(buildPlan(survey!).role!.id).toBe("q1");
    expect(buildPlan(survey!, { by: ["q4", "q2"] }).breakdowns.map((b) => b.id)).toEqual(["q4", "q2"]);
    expect(buildPlan(survey!, { by: "q4" }).breakdowns.map((b) => b.id)).toEqual(["q4"]);
  });

  it("names an unknown or unsuitable question at its line", () => {
    const bad = parseSurvey(text.replace(/^role: (\w+)/m, "role: $1\ncrosstabs: [q44, q8]"), "survey.yaml");
    expect(bad.survey).toBeUndefined();
    const found = bad.diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(found).toContainEqual(expect.stringMatching(/^DEF_UNKNOWN_REF crosstabs: "q44" is not a question/));
    expect(found).toContainEqual(expect.stringMatching(/^DEF_BAD_REF crosstabs: q8 is a multi question/));
  });
});

describe("survey tally --by … --by …", () => {
  it("prints a lettered table per breakdown with its test and the rule of the letters, and gives them all in JSON", async () => {
    const args = ["tally", "-s", "fixtures/example/survey.yaml", "fixtures/example/answers.csv", "--by", "q1", "--by", "q4"];
    const text = await runCli(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("(A) 镇领导班子成员      10 (71.4%) BEF");
    expect(text.stdout).toMatch(/^q4 +非常满意/m);
    expect(text.stdout).toContain("q4: 卡方检验: χ² = 12.85, df = 12, p = 0.380");
    expect(text.stdout).toContain("字母:该组比例显著高于所标字母的组(两比例z检验,Bonferroni校正:各列6对组两两比较,p < 0.05/6)");
    const json = await runCli([...args, "--format", "json"]);
    const t = JSON.parse(json.stdout) as TallyResult;
    const q5 = t.questions.q5!;
    expect(Object.keys(q5.breakdowns!)).toEqual(["q1", "q4"]);
    expect(q5.byRole).toEqual(q5.breakdowns!.q1);
    expect(q5.breakdownTests!.q4).toMatchObject({ method: "chi-square", df: 12 });
    expect(q5.breakdowns!.q4!.map((g) => [g.label, g.base])).toEqual([
      ["黄林社区", 114],
      ["龙王河社区", 78],
      ["柳湾社区", 68],
      ["石桥社区", 60],
    ]);
    expect(t.roles!.question).toBe("q1");
  });

  it("refuses a breakdown by a question that is not single-choice or scale", async () => {
    const r = await runCli(["tally", "-s", "fixtures/example/survey.yaml", "fixtures/example/answers.csv", "--by", "q1", "--by", "q8"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--by q8: a breakdown needs a single-choice or scale question, not multi");
  });
});
