import fc from "fast-check";
import * as ss from "simple-statistics";
import { describe, expect, it } from "vitest";
import { chiSquareTest, cronbachAlpha, formatPct, roundHalfAway, sortedCounts, summarize } from "../src/tally/stats.js";
import { escapeFormula } from "../src/tally/format/csv.js";
import { markdownTable, textTable } from "../src/tally/format/table.js";
import { binLabels, binOf } from "../src/tally/plan.js";

describe("display rounding", () => {
  it("rounds half away from zero, also where the binary value is just below the half", () => {
    expect(roundHalfAway(62.45, 1)).toBe(62.5);
    expect(roundHalfAway(1.005, 2)).toBe(1.01); // 1.005 is 1.00499999999999989… in binary; toFixed gives 1.00
    expect(roundHalfAway(-0.05, 1)).toBe(-0.1);
    expect(roundHalfAway(2.5, 0)).toBe(3);
    expect(roundHalfAway(0.125, 2)).toBe(0.13);
    expect(formatPct(0.625, 1)).toBe("62.5%");
    expect(formatPct(0.0105, 1)).toBe("1.1%"); // 0.0105 × 100 = 1.0499999999999998
    expect(formatPct(2 / 3, 0)).toBe("67%");
    expect(formatPct(null, 1)).toBe("—");
  });
});

describe("chi-square", () => {
  it("matches R's chisq.test(correct = FALSE) on a 2×2 table", () => {
    // R: chisq.test(matrix(c(10, 20, 30, 40), 2), correct = FALSE) → X-squared = 0.79365, df = 1, p-value = 0.373
    const c = chiSquareTest([
      [10, 30],
      [20, 40],
    ])!;
    expect(c.statistic).toBeCloseTo(0.7936508, 6);
    expect(c.df).toBe(1);
    expect(c.p).toBeCloseTo(0.3729984, 6);
    expect(c.cramersV).toBeCloseTo(Math.sqrt(0.7936508 / 100), 6);
    expect(c.lowExpected).toBe(false);
  });

  it("keeps precision in the far tail instead of 1 − cdf = 0", () => {
    const c = chiSquareTest([
      [500, 0],
      [0, 500],
    ])!;
    expect(c.statistic).toBe(1000);
    expect(c.p).toBeGreaterThan(0);
    expect(c.p).toBeLessThan(1e-200);
  });

  it("drops empty rows and columns before counting df, and gives null when nothing is left to test", () => {
    const c = chiSquareTest([
      [3, 0, 5],
      [0, 0, 0],
      [4, 0, 1],
    ])!;
    expect(c.df).toBe(1);
    expect(chiSquareTest([[1, 2, 3]])).toBeNull();
    expect(chiSquareTest([[1, 0], [2, 0]])).toBeNull();
    expect(chiSquareTest([])).toBeNull();
  });
});

describe("Cronbach's alpha", () => {
  it("is null without variance or with fewer than two items or cases", () => {
    expect(cronbachAlpha({ n: 3, sums: [6, 6], cross: [[12, 12], [12, 12]] }, [0, 1])).toBeNull(); // all 2s
    expect(cronbachAlpha({ n: 1, sums: [1, 2], cross: [[1, 2], [2, 4]] }, [0, 1])).toBeNull();
    expect(cronbachAlpha({ n: 5, sums: [1], cross: [[1]] }, [0])).toBeNull();
  });

  it("is 1 for two identical items", () => {
    // x = y = 1, 2, 3: Σx = 6, Σx² = 14
    expect(cronbachAlpha({ n: 3, sums: [6, 6], cross: [[14, 14], [14, 14]] }, [0, 1])).toBeCloseTo(1, 12);
  });
});

describe("summaries from value counts", () => {
  it("give null rather than throwing or NaN on an empty sample", () => {
    expect(summarize([])).toEqual({ n: 0, mean: null, sd: null, median: null, min: null, max: null });
    expect(summarize([[7, 1]])).toEqual({ n: 1, mean: 7, sd: null, median: 7, min: 7, max: 7 });
  });

  it("equal simple-statistics on the expanded sample", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 })), { maxLength: 30 }), (raw) => {
        const counts = sortedCounts(new Map(raw));
        const xs = counts.flatMap(([x, c]) => Array.from({ length: c }, () => x));
        const s = summarize(counts);
        expect(s.n).toBe(xs.length);
        if (xs.length === 0) return;
        // rounding error grows with the size of the values, not of the mean (which may be near 0)
        const scale = Math.max(1, ...xs.map(Math.abs));
        expect(Math.abs(s.mean! - ss.mean(xs))).toBeLessThanOrEqual(1e-9 * scale);
        // simple-statistics interpolates the two middle values differently in the last bit
        expect(Math.abs(s.median! - ss.median(xs))).toBeLessThanOrEqual(1e-15 * scale);
        expect([s.min, s.max]).toEqual([ss.min(xs), ss.max(xs)]);
        if (xs.length > 1) expect(Math.abs(s.sd! - ss.sampleStandardDeviation(xs))).toBeLessThanOrEqual(1e-9 * scale);
      }),
      { numRuns: 500 },
    );
  });
});

describe("number bins", () => {
  it("labels whole-number bins as the seed reports do, upper bounds inclusive", () => {
    expect(binLabels([30, 40, 50], true, "岁", "zh-CN")).toEqual(["30岁及以下", "31-40岁", "41-50岁", "51岁及以上"]);
    expect([binOf([30, 40], 30), binOf([30, 40], 30.5), binOf([30, 40], 41)]).toEqual([0, 1, 2]);
  });
});

describe("output cells", () => {
  it("escapes what a spreadsheet would run as a formula, and only that", () => {
    expect(["=1+1", "+86", "-x", "@SUM(A1)", "\tx", "\rx", "满意", "a=b"].map(escapeFormula)).toEqual([
      "'=1+1",
      "'+86",
      "'-x",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      "满意",
      "a=b",
    ]);
    expect(escapeFormula(-0.5)).toBe("-0.5");
    expect(escapeFormula(null)).toBe("");
  });

  it("aligns Chinese text by display width, not by string length", () => {
    const lines = textTable(["选项", "小计"], [["非常满意", "12"], ["ok", "3"]], [false, true]);
    expect(lines).toEqual(["选项      小计", "非常满意    12", "ok           3"]);
  });

  it("escapes pipes and line breaks in Markdown cells", () => {
    expect(markdownTable(["a"], [["x|y\nz"]])).toEqual(["| a |", "| --- |", "| x\\|y<br>z |"]);
  });
});
