import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fisherExact, fisherMonteCarlo, MONTE_CARLO_REPLICATES, MONTE_CARLO_SEED } from "../src/tally/exact.js";
import { chiSquareTest, fisherTest, independenceTest, lowExpected } from "../src/tally/stats.js";

/**
 * Fisher's exact test: against R's fisher.test examples (?fisher.test), scipy's fisher_exact on 2×2
 * tables, and on random small r×c tables against a brute-force enumeration written here from the
 * definition (every table with the margins, its hypergeometric probability from factorials).
 */

const TEA = [
  [3, 1],
  [1, 3],
];
// R: Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4); fisher.test(Job) → p-value = 0.7827
const JOB = [
  [1, 3, 10, 6],
  [2, 3, 10, 7],
  [1, 6, 14, 12],
  [0, 1, 9, 11],
];

/** Every table with the margins of `table`, each with its probability Π r! Π c! / (N! Π x!), by brute force. */
function bruteForce(table: number[][]): number {
  const rows = table.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = table[0]!.map((_, j) => table.reduce((a, r) => a + r[j]!, 0));
  const n = rows.reduce((a, b) => a + b, 0);
  const fact = [1];
  for (let k = 1; k <= n; k++) fact.push(fact[k - 1]! * k);
  const prob = (t: number[][]) => {
    let num = 1;
    for (const r of rows) num *= fact[r]!;
    for (const c of cols) num *= fact[c]!;
    let den = fact[n]!;
    for (const r of t) for (const x of r) den *= fact[x]!;
    return num / den;
  };
  const observed = prob(table);
  let p = 0;
  const cells = table.map((r) => r.map(() => 0));
  const fill = (i: number, j: number, rowLeft: number[], colLeft: number[]) => {
    if (i === rows.length) {
      if (colLeft.every((c) => c === 0)) {
        const q = prob(cells);
        if (q <= observed * (1 + 1e-7)) p += q;
      }
      return;
    }
    if (j === cols.length - 1) {
      const v = rowLeft[i]!;
      if (v > colLeft[j]!) return;
      cells[i]![j] = v;
      colLeft[j]! -= v;
      fill(i + 1, 0, rowLeft, colLeft);
      colLeft[j]! += v;
      return;
    }
    for (let v = 0; v <= Math.min(rowLeft[i]!, colLeft[j]!); v++) {
      cells[i]![j] = v;
      rowLeft[i]! -= v;
      colLeft[j]! -= v;
      fill(i, j + 1, rowLeft, colLeft);
      rowLeft[i]! += v;
      colLeft[j]! += v;
    }
  };
  fill(0, 0, [...rows], [...cols]);
  return p;
}

describe("Fisher's exact test", () => {
  it("gives R's p-value for Agresti's tea tasting (0.4857) and the Job satisfaction table (0.7827)", () => {
    expect(fisherExact(TEA)).toBeCloseTo(34 / 70, 12);
    expect(fisherExact(TEA)).toBeCloseTo(0.4857, 4);
    // the Job table needs about 3 million steps: beyond the default budget, within this one
    const job = fisherExact(JOB, 10_000_000)!;
    expect(job).toBeCloseTo(0.7827, 4);
    expect(fisherExact(JOB)).toBeNull();
  });

  it("gives scipy's fisher_exact on 2×2 tables, and R's for Fisher's Convictions (0.0005367)", () => {
    // scipy 1.17: fisher_exact(t).pvalue
    const cases: [number[][], number][] = [
      [[[2, 15], [10, 3]], 0.0005367241191434358],
      [[[1, 9], [11, 3]], 0.0027594561852200836],
      [[[0, 5], [5, 0]], 0.007936507936507938],
      [[[7, 2], [3, 8]], 0.06977851869492735],
      [[[10, 0], [3, 4]], 0.014705882352941178],
    ];
    for (const [t, p] of cases) expect(fisherExact(t)).toBeCloseTo(p, 12);
  });

  it("equals a brute-force enumeration on random small r×c tables", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 16, maxLength: 16 }),
        (r, c, raw) => {
          const table = Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => raw[i * 4 + j]!));
          // Fisher's test is computed on the table without empty rows and columns
          if (table.some((row) => row.every((x) => x === 0))) return;
          if (table[0]!.some((_, j) => table.every((row) => row[j] === 0))) return;
          const p = fisherExact(table, 1e9)!;
          expect(p).toBeCloseTo(bruteForce(table), 10);
          // the same p turned round or with rows and columns in another order
          const turned = table[0]!.map((_, j) => table.map((row) => row[j]!));
          expect(fisherExact(turned, 1e9)).toBeCloseTo(p, 10);
          expect(fisherExact([...table].reverse(), 1e9)).toBeCloseTo(p, 10);
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);
});

describe("the Monte-Carlo p-value", () => {
  it("is reproducible, and within its sampling error of the exact p", () => {
    const a = fisherMonteCarlo(JOB);
    expect(fisherMonteCarlo(JOB)).toBe(a);
    // standard error √(0.78 × 0.22 / 10,000) = 0.0041
    expect(Math.abs(a - 0.7827)).toBeLessThan(4 * 0.0041);
    expect(Math.abs(fisherMonteCarlo(TEA) - 34 / 70)).toBeLessThan(4 * 0.005);
    const t = [
      [5, 0, 1],
      [1, 4, 0],
      [0, 2, 6],
    ];
    expect(Math.abs(fisherMonteCarlo(t) - bruteForce(t))).toBeLessThan(4 * Math.sqrt((bruteForce(t) * (1 - bruteForce(t))) / MONTE_CARLO_REPLICATES) + 1e-3);
    // never 0: (1 + hits) / (replicates + 1)
    expect(fisherMonteCarlo([[50, 0], [0, 50]], 1000)).toBeCloseTo(1 / 1001, 12);
  });
});

describe("the test of a breakdown", () => {
  it("is Pearson's chi-square when expected counts are large enough", () => {
    const t = [
      [10, 30],
      [20, 40],
    ];
    expect(independenceTest(t)).toEqual(chiSquareTest(t));
    expect(independenceTest(t)!.method).toBe("chi-square");
  });

  it("is Fisher's exact test when over 20% of expected counts are below 5, keeping Pearson's statistic", () => {
    const t = independenceTest([
      [3, 1, 0],
      [1, 3, 0],
    ])!;
    expect(t.method).toBe("fisher");
    expect(t.p).toBeCloseTo(34 / 70, 12); // the empty column is left out: the tea table
    expect(t.statistic).toBeCloseTo(2, 12); // Pearson's χ² of the tea table: 4 × (1.5² / 2) / … = 2
    expect(t.df).toBe(1);
    expect(t.lowExpected).toBe(true);
  });

  it("is the seeded Monte-Carlo p when the table is too large to enumerate", () => {
    const t = independenceTest(JOB)!;
    expect(t).toMatchObject({ method: "fisher-monte-carlo", replicates: MONTE_CARLO_REPLICATES, seed: MONTE_CARLO_SEED, df: 9 });
    expect(t.p).toBe(fisherMonteCarlo(JOB));
  });

  it("turns to Fisher by lowExpected, the one rule, which the report's pairs of groups read without a chi-square", () => {
    const tables = [[[3, 7], [1, 11]], [[10, 30], [20, 40]], [[3, 1, 0], [1, 3, 0]], [[1, 0], [2, 0]], [[5, 5]], JOB];
    for (const t of tables) {
      expect(lowExpected(t)).toBe(chiSquareTest(t)?.lowExpected ?? false);
      if (lowExpected(t)) expect(independenceTest(t)).toEqual({ ...chiSquareTest(t), ...fisherTest(t) });
    }
    expect(lowExpected([[3, 7], [1, 11]])).toBe(true); // E = 1.8 and 2.2 in the first column: half the cells below 5
    expect(lowExpected([[1, 0], [2, 0]])).toBe(false); // one column left: nothing to test
  });
});
