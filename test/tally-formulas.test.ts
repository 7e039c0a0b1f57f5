import { describe, expect, it } from "vitest";
import {
  designEffect,
  effectiveRate,
  kishEffectiveN,
  negativeRate,
  pctOfRespondents,
  pctOfSelections,
  positiveRate,
  rankStatistics,
  responseRate,
  scoreSummary,
  share,
  twoProportionTest,
  validRate,
} from "../src/tally/stats.js";

// The worked examples of stats.ts's JSDoc, each checked here so that the documentation a newcomer reads
// stays true; the fixtures/example numbers are those `survey tally -s fixtures/example/survey.yaml` prints.
describe("the worked examples of each statistic's formula", () => {
  it("returns: 回收率, 有效率, 有效回收率", () => {
    expect(responseRate(324, 340)).toBeCloseTo(0.9529, 4);
    expect(validRate(320, 324)).toBeCloseTo(0.9877, 4);
    expect(effectiveRate(320, 340)).toBeCloseTo(0.9412, 4);
    expect(effectiveRate(990, 1100)).toBeCloseTo(0.9, 12); // the seeds' "收回有效问卷990份,回收率90%"
    // the number issued not known, or nothing returned: no rate rather than 0 or NaN
    expect(responseRate(324, undefined)).toBeNull();
    expect(effectiveRate(320, null)).toBeNull();
    expect(validRate(0, 0)).toBeNull();
  });

  it("an option's 比例 and a multi-select option's 普及率 and 响应率", () => {
    expect(share(68, 320)).toBe(0.2125);
    expect(pctOfRespondents(229, 320)).toBeCloseTo(0.7156, 4);
    expect(pctOfSelections(229, 647)).toBeCloseTo(0.3539, 4);
    expect(pctOfRespondents(3, 0)).toBeNull();
  });

  it("a scale's positive rate (满意率), negative rate and mean score", () => {
    // q5: 非常满意 68, 比较满意 116, 一般 102, 不太满意 31, 很不满意 3, scored 5 … 1
    expect(positiveRate(68 + 116, 320)).toBe(0.575);
    expect(negativeRate(31 + 3, 320)).toBe(0.10625);
    const s = scoreSummary([
      [5, 68],
      [4, 116],
      [3, 102],
      [2, 31],
      [1, 3],
    ]);
    expect(s.meanScore).toBe(1175 / 320);
    expect(s.sdScore).toBeCloseTo(0.9478, 4);
    expect(positiveRate(0, 0)).toBeNull();
    expect(scoreSummary([])).toEqual({ meanScore: null, sdScore: null });
  });

  it("a rank option's 平均排位 and 综合得分", () => {
    expect(rankStatistics([211, 92, 16, 1], 4, 320)).toEqual({ meanPosition: 1.396875, score: 3.603125 });
    expect(rankStatistics([0, 0, 0, 0], 4, 0)).toEqual({ meanPosition: null, score: null });
  });

  it("the two-proportion z-test: two groups, and two rounds (fixtures/two-waves)", () => {
    // z = 0.651 / √(0.136 × 0.864 × (1/14 + 1/111)) = 6.70; χ² = z²
    const groups = twoProportionTest(10, 14, 7, 111)!;
    expect(Math.sqrt(groups.statistic)).toBeCloseTo(6.7, 2);
    expect(groups.p).toBeLessThan(1e-10);
    // 20 of 25 satisfied in 2026 against 5 of 20 in 2025: z = 3.69, p = 0.0002; 18 of 25 against 12 of 20: z = 0.85, p = 0.40
    const waves = twoProportionTest(20, 25, 5, 20)!;
    expect(Math.sqrt(waves.statistic)).toBeCloseTo(3.69, 2);
    expect(waves.p).toBeCloseTo(0.0002, 4);
    expect(twoProportionTest(18, 25, 12, 20)!.p).toBeCloseTo(0.4, 2);
    expect(twoProportionTest(0, 10, 0, 12)).toBeNull();
  });

  it("the design effect of weighting (fixtures/weights)", () => {
    const weights = [1, 1, 2, 1, 1, 0.5, 1.5, 1, 1, 2];
    const n = kishEffectiveN(
      weights.reduce((a, b) => a + b, 0),
      weights.reduce((a, b) => a + b * b, 0),
    );
    expect(n).toBeCloseTo(144 / 16.5, 12);
    expect(designEffect(10, n)).toBeCloseTo(1.15, 2);
    expect(designEffect(0, 0)).toBe(1);
  });
});
