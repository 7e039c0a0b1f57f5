import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { largestMargin } from "../src/tally/margin.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { kishEffectiveN, wilsonInterval, wilsonOf } from "../src/tally/stats.js";
import type { Interval, TallyResult } from "../src/tally/types.js";
import { ROOT } from "./helpers/cli.js";
import { loadFixtureSurvey } from "./helpers/read.js";

/**
 * Margins of error: the 95% Wilson score interval of every share. Checked against the published worked
 * examples (Newcombe 1998, "Two-sided confidence intervals for the single proportion", Table I, method 3,
 * which R's prop.test(correct = FALSE) and scipy's binomtest(...).proportion_ci("wilson") reproduce), and
 * on whole tallies against an independent computation: the interval's ends are the two roots π of
 * (p̂ − π)² = z²·π(1 − π)/n (the score test inverted), solved here as a quadratic.
 */

/** The roots of (1 + z²/n)π² − (2p̂ + z²/n)π + p̂² = 0: Wilson's interval by its definition. */
function scoreRoots(x: number, n: number): Interval {
  const z = 1.959963984540054;
  const p = x / n;
  const a = 1 + (z * z) / n;
  const b = -(2 * p + (z * z) / n);
  const c = p * p;
  const d = Math.sqrt(b * b - 4 * a * c);
  return [(-b - d) / (2 * a), (-b + d) / (2 * a)];
}

function close(actual: Interval | null | undefined, expected: Interval, digits = 12): void {
  expect(actual).toBeTruthy();
  expect(actual![0]).toBeCloseTo(expected[0], digits);
  expect(actual![1]).toBeCloseTo(expected[1], digits);
}

describe("Wilson score interval", () => {
  it("gives Newcombe's (1998) published intervals for his four examples", () => {
    // Table I, method 3 (score method without continuity correction), to four decimals
    close(wilsonOf(81, 263), [0.2553, 0.3662], 4);
    close(wilsonOf(15, 148), [0.0624, 0.1605], 4);
    close(wilsonOf(0, 20), [0, 0.1611], 4);
    close(wilsonOf(1, 29), [0.0061, 0.1718], 4);
    // the same to more digits, as scipy 1.17 binomtest(k, n).proportion_ci(method="wilson") prints them
    close(wilsonOf(81, 263), [0.2552885198782742, 0.36620957698280004]);
    close(wilsonOf(15, 148), [0.06238639953073629, 0.16048724172330803]);
    close(wilsonOf(1, 29), [0.006113214292762667, 0.17175521879320282]);
  });

  it("works by hand for 7 of 14 (a role of 14 people at 50%)", () => {
    // z²/n = 3.841459/14 = 0.274390; centre = (0.5 + 0.137195)/1.274390 = 0.5;
    // half = 1.959964/1.274390 × √(0.25/14 + 3.841459/784) = 1.537960 × 0.150854 = 0.232008
    close(wilsonOf(7, 14), [0.5 - 0.232008, 0.5 + 0.232008], 5);
  });

  it("is the pair of roots of the score equation, inside 0–1, around the share, for any count", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.nat(), (n, seed) => {
        const x = seed % (n + 1);
        const ci = wilsonOf(x, n)!;
        close(ci, scoreRoots(x, n), 9);
        expect(ci[0]).toBeGreaterThanOrEqual(0);
        expect(ci[1]).toBeLessThanOrEqual(1);
        expect(ci[0]).toBeLessThanOrEqual(x / n);
        expect(ci[1]).toBeGreaterThanOrEqual(x / n);
      }),
      { numRuns: 500 },
    );
  });

  it("is null without a base, and takes a weighted share on an effective base that need not be whole", () => {
    expect(wilsonOf(0, 0)).toBeNull();
    expect(wilsonInterval(null, 10)).toBeNull();
    expect(wilsonInterval(0.5, 0)).toBeNull();
    // weights 1, 1, 2 (the third chose the option): share 2/4, n_eff = 4²/6
    expect(kishEffectiveN(4, 6)).toBeCloseTo(16 / 6, 15);
    const n = kishEffectiveN(4, 6);
    const z = 1.959963984540054;
    const centre = (0.5 + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z / (1 + (z * z) / n)) * Math.sqrt(0.25 / n + (z * z) / (4 * n * n));
    close(wilsonInterval(0.5, n), [centre - half, centre + half]);
    expect(kishEffectiveN(5, 5)).toBe(5); // five weights of 1
    expect(kishEffectiveN(0, 0)).toBe(0);
  });
});

describe("intervals in a tally", () => {
  const survey = loadFixtureSurvey("example/survey.yaml");
  let tally: TallyResult;
  const get = async () => (tally ??= await tallySurvey(survey, [{ path: join(ROOT, "fixtures/example/answers.csv"), name: "answers.csv" }]));

  it("every share carries the interval of its count over its own base", async () => {
    const t = await get();
    let checked = 0;
    for (const [, q] of Object.entries(t.questions)) {
      const items = q.rows ? Object.values(q.rows).map((r) => ({ ...r, type: "scale" as const })) : [q];
      for (const it of items) {
        for (const o of it.options ?? []) {
          if (it.type === "multi") close(o.ci95, scoreRoots(o.count, it.base));
          else if (it.type === "single" || it.type === "scale") {
            if (o.pct === null) expect(o.ci95).toBeNull();
            else close(o.ci95, scoreRoots(o.count, it.base));
          } else continue;
          checked++;
        }
        if (it.positiveRate !== undefined && it.positiveRate !== null) {
          close(it.positiveRateCi95, scoreRoots(Math.round(it.positiveRate * it.base), it.base));
          checked++;
        }
        for (const g of it.byRole ?? []) {
          for (const o of g.options) {
            if (g.base === 0) expect(o.ci95).toBeNull();
            else if (o.pct !== null && !g.ranks) close(o.ci95, scoreRoots(o.count, g.base));
            checked++;
          }
          if (g.positiveRate !== undefined && g.positiveRate !== null) close(g.positiveRateCi95, scoreRoots(Math.round(g.positiveRate * g.base), g.base));
        }
      }
      for (const b of q.bins ?? []) close(b.ci95, scoreRoots(b.count, q.n!));
    }
    expect(checked).toBeGreaterThan(100);
    for (const c of t.roles!.counts) close(c.ci95, scoreRoots(c.count, t.roles!.counts.reduce((a, x) => a + x.count, 0)));
  });

  it("the largest margin of the main figures is the widest side of a whole-sample share's interval", async () => {
    const t = await get();
    const m = largestMargin(t)!;
    // q5: 320 answers; the share nearest 50% is 比较满意 116 (36.3%) or the positive rate 184 (57.5%)
    let widest = 0;
    for (const q of Object.values(t.questions)) {
      const items = q.rows ? Object.values(q.rows) : [q];
      for (const it of items) {
        if (!["single", "scale", "multi", "matrix"].includes(q.type) || it.base < t.responses.valid / 2) continue;
        for (const o of it.options ?? []) {
          const p = q.type === "multi" ? o.pctOfRespondents : o.pct;
          if (p === null || p === undefined) continue;
          const [lo, hi] = scoreRoots(o.count, it.base);
          widest = Math.max(widest, p - lo, hi - p);
        }
        if (it.positiveRate !== undefined && it.positiveRate !== null) {
          const [lo, hi] = scoreRoots(Math.round(it.positiveRate * it.base), it.base);
          widest = Math.max(widest, it.positiveRate - lo, hi - it.positiveRate);
        }
      }
    }
    expect(m.margin).toBeCloseTo(widest, 12);
    expect(m.margin).toBeGreaterThan(0.03);
    expect(m.margin).toBeLessThan(0.06); // about 320 answers: at most 1.96 × √(0.25 / 320) ≈ 0.0548 plus Wilson's skew
  });
});
