import { createRequire } from "node:module";

/**
 * Fisher's exact test of independence on an r×c table of counts, for breakdowns whose chi-square has
 * small expected counts (see `independenceTest` in stats.ts).
 *
 * No maintained JavaScript library does Fisher's test beyond 2×2 (stdlib has chi2test, binomial-test and
 * the hypergeometric distribution, not Fisher's r×c test), so the enumeration is written here; the log
 * factorials come from stdlib's gammaln, already a dependency through gammainc.
 *
 * Under independence with both margins fixed, a table x has the probability
 *
 *     P(x) = Π r_i! · Π c_j! / (N! · Π x_ij!)
 *
 * and the two-sided p-value is the sum of P over every table with these margins that is no more probable
 * than the one observed, P(x) ≤ P(observed)·(1 + 10⁻⁷) — the definition of R's fisher.test, whose
 * tolerance keeps tables of equal probability together despite rounding. Worked example (Agresti's tea
 * tasting, R's ?fisher.test): [[3, 1], [1, 3]] has margins 4, 4 / 4, 4; the five tables with x₁₁ = 0…4
 * have probabilities 1, 16, 36, 16, 1 (/70); the observed (16/70) and those no more probable (1, 16, 16,
 * 1) give p = 34/70 = 0.4857.
 */

type Gammaln = (x: number) => number;
let gammaln: Gammaln | undefined;

/** log n! for n = 0…max, from stdlib's gammaln (loaded at the first exact test). */
function logFactorials(max: number): Float64Array {
  gammaln ??= createRequire(import.meta.url)("@stdlib/math-base-special-gammaln") as Gammaln;
  const out = new Float64Array(max + 1);
  for (let n = 2; n <= max; n++) out[n] = gammaln(n + 1);
  return out;
}

/** R's relative tolerance: tables with P ≤ P(observed)·(1 + 10⁻⁷) count as no more probable. */
const LOG_TOLERANCE = Math.log1p(1e-7);

/**
 * Ways of filling a column that the exact test tries at most before it gives way to Monte Carlo: about
 * 20 ms. A role table of a few hundred answers with a small group (6 × 5, N = 344) is far beyond it;
 * R's Job satisfaction table (4 × 4, N = 96) needs some 3 million, so it too is Monte-Carlo by default.
 */
export const EXACT_BUDGET = 50_000;
/** Tables drawn by the Monte-Carlo p-value, and the seed of its generator: the same table gives the same p. */
export const MONTE_CARLO_REPLICATES = 10_000;
export const MONTE_CARLO_SEED = 17;

/** Row and column sums of a table; rows and columns must not be empty (see `compactTable`). */
function margins(table: number[][]): { rows: number[]; cols: number[]; total: number } {
  const rows = table.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = table[0]!.map((_, j) => table.reduce((a, r) => a + r[j]!, 0));
  return { rows, cols, total: rows.reduce((a, b) => a + b, 0) };
}

/**
 * Fisher's exact two-sided p-value of a table with no empty row or column, by a network algorithm in the
 * manner of Mehta & Patel (1983); null when that takes more than `budget` steps (the caller then uses
 * `fisherMonteCarlo`).
 *
 * The tables with the observed margins are built column by column (columns run along the table's longer
 * side, smallest first). After some columns, what is left is a node: the remaining row sums, sorted
 * (which row has which sum does not change the completions), and the columns still to fill. For every
 * node, the least and the most Σ log x! that a completion of it can have are found once (the shortest and
 * longest paths through the network, memoised by node). A partial table whose every completion is more
 * probable than the observed table adds nothing and is not followed; one whose every completion is no
 * more probable adds them all at once, their probabilities summing in closed form (the completions of rows
 * R_i and columns C_k have Σ Π 1/x! = M! / (Π R_i! Π C_k!), M = ΣR_i). Only the partial tables in
 * between are followed cell by cell.
 */
export function fisherExact(table: number[][], budget = EXACT_BUDGET): number | null {
  let t = table;
  // the fewer rows, the fewer ways to fill a column
  if (t.length > t[0]!.length) t = t[0]!.map((_, j) => t.map((r) => r[j]!));
  const { rows, cols: unsorted, total } = margins(t);
  const cols = [...unsorted].sort((a, b) => a - b);
  const lf = logFactorials(total);
  const r = rows.length;
  const c = cols.length;
  let constant = -lf[total]!;
  for (const x of rows) constant += lf[x]!;
  for (const x of cols) constant += lf[x]!;
  let observed = constant;
  for (const row of t) for (const x of row) observed -= lf[x]!;
  const threshold = observed + LOG_TOLERANCE;
  const colsFrom = new Array<number>(c + 1).fill(0);
  const lfColsFrom = new Array<number>(c + 1).fill(0);
  for (let j = c - 1; j >= 0; j--) {
    colsFrom[j] = colsFrom[j + 1]! + cols[j]!;
    lfColsFrom[j] = lfColsFrom[j + 1]! + lf[cols[j]!]!;
  }
  let steps = 0;

  /** Every way to put `left` into rows of `rem` (within each row's sum), as cells; false when over budget. */
  const fills = (rem: number[], left: number, each: (x: number[], logCells: number) => boolean): boolean => {
    const x = new Array<number>(rem.length).fill(0);
    const after = new Array<number>(rem.length + 1).fill(0);
    for (let l = rem.length - 1; l >= 0; l--) after[l] = after[l + 1]! + rem[l]!;
    const go = (i: number, left: number, logCells: number): boolean => {
      if (i === rem.length - 1) {
        if (left > rem[i]!) return true;
        x[i] = left;
        if (++steps > budget) return false;
        return each(x, logCells + lf[left]!);
      }
      const hi = Math.min(rem[i]!, left);
      for (let v = Math.max(0, left - after[i + 1]!); v <= hi; v++) {
        x[i] = v;
        if (!go(i + 1, left - v, logCells + lf[v]!)) return false;
      }
      return true;
    };
    return go(0, left, 0);
  };

  /** The least and most Σ log x! of a completion of node (j, rem sorted), memoised. */
  const bounds = new Map<string, [number, number]>();
  const boundsOf = (j: number, rem: number[]): [number, number] | null => {
    if (j === c - 1) {
      let s = 0;
      for (const v of rem) s += lf[v]!;
      return [s, s];
    }
    const key = `${j}:${rem.join(",")}`;
    const known = bounds.get(key);
    if (known) return known;
    let least = Infinity;
    let most = -Infinity;
    const ok = fills(rem, cols[j]!, (x, logCells) => {
      const child = boundsOf(
        j + 1,
        rem.map((v, l) => v - x[l]!).sort((a, b) => b - a),
      );
      if (!child) return false;
      least = Math.min(least, logCells + child[0]);
      most = Math.max(most, logCells + child[1]);
      return true;
    });
    if (!ok) return null;
    const out: [number, number] = [least, most];
    bounds.set(key, out);
    return out;
  };

  let p = 0;
  /** Follows the partial tables at node (j, rem) with log-probability so far `past`. */
  const follow = (j: number, rem: number[], past: number): boolean => {
    const b = boundsOf(j, rem);
    if (!b) return false;
    if (past - b[1] > threshold) return true; // every completion more probable than the observed table
    if (past - b[0] <= threshold) {
      // every completion counts: Σ exp(past − Σ log x!) = exp(past + log M! − Σ log R_i! − Σ log C_k!)
      let lfRows = 0;
      for (const v of rem) lfRows += lf[v]!;
      p += Math.exp(past + lf[colsFrom[j]!]! - lfRows - lfColsFrom[j]!);
      return true;
    }
    return fills(rem, cols[j]!, (x, logCells) =>
      follow(
        j + 1,
        rem.map((v, l) => v - x[l]!).sort((a, b) => b - a),
        past - logCells,
      ),
    );
  };
  if (!follow(0, [...rows].sort((a, b) => b - a), constant)) return null;
  return Math.min(1, p);
}

/**
 * A Monte-Carlo estimate of Fisher's p-value, for tables too large to enumerate: `replicates` random
 * tables with the observed margins (drawn row by row, each row's cells by sequential hypergeometric draws
 * from the columns' remaining counts — the distribution Patefield's algorithm samples), and
 * p = (1 + #{drawn tables no more probable than the observed}) / (replicates + 1), as R's
 * fisher.test(simulate.p.value = TRUE) computes it. The generator is seeded (`seed`), so the same table
 * gives the same p on every run and machine; its standard error is about √(p(1 − p)/replicates), under
 * 0.005 for 10,000 replicates (about 15 ms for a 6×5 table of 340 answers).
 */
export function fisherMonteCarlo(table: number[][], replicates = MONTE_CARLO_REPLICATES, seed = MONTE_CARLO_SEED): number {
  const { rows, cols, total } = margins(table);
  const lf = logFactorials(total);
  let obs = 0;
  for (const row of table) for (const x of row) obs += lf[x]!;
  // a drawn table is no more probable when its Σ log x! is at least the observed one's (minus the tolerance)
  const limit = obs - LOG_TOLERANCE;
  const random = mulberry32(seed);
  const left = new Array<number>(cols.length);
  let hits = 0;
  for (let b = 0; b < replicates; b++) {
    for (let j = 0; j < cols.length; j++) left[j] = cols[j]!;
    let remaining = total;
    let sum = 0;
    for (let i = 0; i < rows.length; i++) {
      let need = rows[i]!;
      let pool = remaining;
      for (let j = 0; j < cols.length; j++) {
        const v = j === cols.length - 1 ? need : hypergeometric(pool, left[j]!, need, lf, random);
        sum += lf[v]!;
        pool -= left[j]!;
        left[j]! -= v;
        need -= v;
      }
      remaining -= rows[i]!;
    }
    if (sum >= limit) hits++;
  }
  return (1 + hits) / (replicates + 1);
}

/**
 * A draw of how many of `draws` balls taken without replacement from an urn of `total`, `marked` of them
 * marked, are marked: by inversion, searching outwards from the mode so that a draw costs about a standard
 * deviation's worth of steps.
 */
function hypergeometric(total: number, marked: number, draws: number, lf: Float64Array, random: () => number): number {
  const lo = Math.max(0, draws - (total - marked));
  const hi = Math.min(draws, marked);
  if (lo === hi) return lo;
  const mode = Math.min(hi, Math.max(lo, Math.floor(((draws + 1) * (marked + 1)) / (total + 2))));
  const pm = Math.exp(
    lf[marked]! - lf[mode]! - lf[marked - mode]! + lf[total - marked]! - lf[draws - mode]! - lf[total - marked - draws + mode]! - lf[total]! + lf[draws]! + lf[total - draws]!,
  );
  let u = random() - pm;
  if (u <= 0) return mode;
  // ratios P(k+1)/P(k) and P(k−1)/P(k) walk both ways from the mode
  let down = mode;
  let up = mode;
  let pDown = pm;
  let pUp = pm;
  for (;;) {
    if (up < hi) {
      pUp *= ((marked - up) * (draws - up)) / ((up + 1) * (total - marked - draws + up + 1));
      up++;
      u -= pUp;
      if (u <= 0) return up;
    }
    if (down > lo) {
      pDown *= (down * (total - marked - draws + down)) / ((marked - down + 1) * (draws - down + 1));
      down--;
      u -= pDown;
      if (u <= 0) return down;
    }
    if (up >= hi && down <= lo) return mode; // rounding left a sliver of probability: the mode
  }
}

/**
 * mulberry32: a small seeded 32-bit generator of uniform numbers in [0, 1), the same on every platform and
 * Node version. The Monte-Carlo test's, and the one the fixture and bench generators and tests seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
