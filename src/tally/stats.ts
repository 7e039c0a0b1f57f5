import { createRequire } from "node:module";
import { fisherExact, fisherMonteCarlo, MONTE_CARLO_REPLICATES, MONTE_CARLO_SEED } from "./exact.js";
import type { ChiSquare } from "./types.js";

/**
 * Pure statistics over counts: every statistic of a tally has its formula here, under its JSON name and
 * its Chinese name, with its base and a worked example (most from the bundled fixtures/example, whose
 * numbers `survey tally -s fixtures/example/survey.yaml` prints). Every function returns `null` when its
 * base is empty (simple-statistics throws on empty input, and a rate over nothing is not 0), so no NaN
 * ever reaches the JSON.
 *
 * | JSON field                      | 中文                          | here                              |
 * | ------------------------------- | ----------------------------- | --------------------------------- |
 * | responses.responseRate          | 回收率                        | `responseRate`                    |
 * | responses.validRate             | 有效率                        | `validRate`                       |
 * | responses.effectiveRate         | 有效回收率                    | `effectiveRate`                   |
 * | base                            | 基数 (本题有效填写人次)       | `share`                           |
 * | options[].pct                   | 比例                          | `share`                           |
 * | options[].pctOfRespondents      | 普及率 (个案百分比)           | `pctOfRespondents`                |
 * | options[].pctOfSelections       | 响应率                        | `pctOfSelections`                 |
 * | positiveRate / negativeRate     | 满意率, 认同率 … / 负向率     | `positiveRate`, `negativeRate`    |
 * | meanScore / sdScore             | 平均分 / 标准差               | `scoreSummary`                    |
 * | ranks[].meanPosition / score    | 平均排位 / 综合得分           | `rankStatistics`                  |
 * | n, mean, sd, median, min, max   | 有效填写人数, 平均值 …        | `summarize`                       |
 * | ci95, positiveRateCi95          | 95%置信区间 (抽样误差)        | `wilsonInterval`                  |
 * | effectiveBase, weighting.effectiveN, designEffect | 有效样本量, 设计效应 | `kishEffectiveN`, `designEffect` |
 * | chiSquare, breakdownTests       | 卡方检验, Fisher精确检验      | `chiSquareTest`, `independenceTest` (exact.ts: Fisher) |
 * | letters of a breakdown table, a change beyond the margin of error | 两比例z检验 | `twoProportionTest`, `significantlyHigher` |
 * | groups[].alpha                  | 克隆巴赫系数                  | `cronbachAlpha`                   |
 *
 * Formulas that belong to one feature stay beside it, and are named here so that a search finds them:
 * the change since an earlier round (变化, `change`) in compare.ts, raking (加权, 迭代比例拟合) in rake.ts,
 * the Rao–Scott test of a weighted breakdown in weigh.ts, a theme's share and examples in themes.ts, and
 * the widest margin of error (抽样误差) of the main figures in margin.ts.
 */

/**
 * `part / base`, or null when the base is 0: every share of the tally. An option's `pct` (比例) is its
 * count over the question's `base` (基数: valid questionnaires that answered it, less the answers in
 * the scale's `na` codes, which have `pct` null). Example: 非常满意 68 of q5's base 320 → 0.2125 (21.3%).
 */
export function share(part: number, base: number): number | null {
  return base > 0 ? part / base : null;
}

// ---------------------------------------------------------------- returns (问卷回收)

/**
 * 回收率 `responseRate` = returned / issued: questionnaires returned (data rows that are not empty) of
 * those issued (`issued` of the definition, or `--issued`); null when the number issued is not known.
 * Example: 340 issued, 324 returned → 0.9529 (95.3%).
 */
export function responseRate(returned: number, issued: number | null | undefined): number | null {
  return issued ? returned / issued : null;
}

/**
 * 有效率 `validRate` = valid / returned: the valid questionnaires (not left out as duplicates, nearly
 * blank, speeders …) of those returned. Example: 320 valid of 324 returned → 0.9877 (98.8%).
 */
export function validRate(valid: number, returned: number): number | null {
  return share(valid, returned);
}

/**
 * 有效回收率 `effectiveRate` = valid / issued, what the seeds' "发放调查问卷1100份,收回有效问卷990份,回收率90%"
 * calls 回收率; null when the number issued is not known. Example: 320 valid of 340 issued → 0.9412 (94.1%).
 */
export function effectiveRate(valid: number, issued: number | null | undefined): number | null {
  return issued ? valid / issued : null;
}

// ---------------------------------------------------------------- choice questions

/**
 * 普及率 (个案百分比) `pctOfRespondents` of a multi-select option = count / respondents, the valid
 * questionnaires that answered the question (its `base`): the share of people who chose it, so the
 * options add up to more than 100%. Example: q8's 缺钱 chosen by 229 of 320 → 0.7156 (71.6%).
 */
export function pctOfRespondents(count: number, respondents: number): number | null {
  return share(count, respondents);
}

/**
 * 响应率 `pctOfSelections` of a multi-select option = count / selections, all the options chosen by all
 * respondents: the options add up to 100%, but it is not a share of people. Example: q8's 缺钱 229 of
 * 647 selections → 0.3539 (35.4%).
 */
export function pctOfSelections(count: number, selections: number): number | null {
  return share(count, selections);
}

// ---------------------------------------------------------------- scales (evaluations)

/**
 * The positive rate `positiveRate` of a scale question or matrix row = positive / base, where positive
 * is the count of answers in the scale's `positive` codes and base the question's (`na` answers are
 * outside it). Its Chinese name follows the scale's wording: 满意率 for a 满意 scale, 认同率 for 同意, 赞成率
 * for 赞成, else 肯定评价比例, chosen in one place (`rateName` in src/report/evidence.ts, from the
 * template's `rateNames`); the tally's own tables call it 正向率 whatever the scale. Example: q5 (非常满意
 * 68, 比较满意 116, 一般 102, 不太满意 31, 很不满意 3; positive 非常满意 and 比较满意) → 184 / 320 = 0.575
 * (57.5%). With weights, counts and base are sums of weights.
 */
export function positiveRate(positive: number, base: number): number | null {
  return share(positive, base);
}

/**
 * The negative rate `negativeRate` (负向率; 不满意率 for a 满意 scale) = negative / base, negative being the
 * count of answers in the scale's `negative` codes. Example: q5's 不太满意 31 + 很不满意 3 → 34 / 320 =
 * 0.10625 (10.6%).
 */
export function negativeRate(negative: number, base: number): number | null {
  return share(negative, base);
}

/**
 * 平均分 `meanScore` and 标准差 `sdScore` of a scale question or matrix row: the mean and sample standard
 * deviation (n − 1) of the options' scores (`scores`, by default 5 for the first of five options down to
 * 1), each score counted as often as its option was chosen (`summarize`); options without a score (`na`)
 * are left out. Example: q5 scored 5…1 → (68·5 + 116·4 + 102·3 + 31·2 + 3·1) / 320 = 1175 / 320 = 3.671875
 * (3.67), sd 0.9478.
 */
export function scoreSummary(scoreCounts: Iterable<readonly [score: number, count: number]>): { meanScore: number | null; sdScore: number | null } {
  const sum = summarize(sortedCounts(scoreCounts));
  return { meanScore: sum.mean, sdScore: sum.sd };
}

// ---------------------------------------------------------------- rank questions

/**
 * 平均排位 `meanPosition` and 综合得分 `score` (问卷星's) of one option of a rank question, from
 * `positions[p]`, the times it was put at position p + 1, with n options and `respondents` the valid
 * questionnaires that answered the question:
 *
 *     meanPosition = Σ (p + 1) · positions[p] / Σ positions[p]      (over the times it was ranked)
 *     score        = Σ positions[p] · (n − p) / respondents          (a first place is worth n, a last 1)
 *
 * Example: q10's 经费保障, positions [211, 92, 16, 1] of 320, n = 4: meanPosition = (211 + 184 + 48 + 4) /
 * 320 = 1.396875; score = (844 + 276 + 32 + 1) / 320 = 3.603125.
 */
export function rankStatistics(positions: readonly number[], options: number, respondents: number): { meanPosition: number | null; score: number | null } {
  let times = 0;
  let weighted = 0;
  let points = 0;
  positions.forEach((c, p) => {
    times += c;
    weighted += (p + 1) * c;
    points += c * (options - p);
  });
  return { meanPosition: share(weighted, times), score: share(points, respondents) };
}

/** The standard normal quantile of 0.975 (qnorm(0.975) in R): the z of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * The 95% Wilson score interval of a share (95%置信区间; Wilson 1927; Newcombe 1998, method 3), as fractions
 * `[low, high]`, or null when there is no base: every `ci95` and `positiveRateCi95`. The margin of error
 * (抽样误差) a report states is max(p̂ − low, high − p̂) (`largestMargin` in margin.ts).
 *
 * For a share p̂ = x / n and z = 1.959963984540054 (the 97.5% normal quantile):
 *
 *     centre = (p̂ + z²/(2n)) / (1 + z²/n)
 *     half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/(4n²))
 *     [low, high] = [centre − half, centre + half]
 *
 * Unlike p̂ ± z√(p̂(1 − p̂)/n) it never leaves 0–1, is not empty at 0% or 100%, and keeps close to its
 * nominal 95% for the small groups (14 to 111 people) that reports quote. `n` is the unweighted base, or
 * with weights Kish's effective sample size (`kishEffectiveN`), with p̂ the weighted share: n need not be
 * a whole number.
 *
 * Worked example (Newcombe 1998, Table I, example a): 81 of 263, p̂ = 0.307985; z²/n = 0.014606;
 * centre = (0.307985 + 0.007303) / 1.014606 = 0.310749; half = 1.931748 · √(0.00081038 + 0.00001388)
 * = 0.055461; interval [0.2553, 0.3662]. For 0 of 20 it is [0, 0.1611].
 */
export function wilsonInterval(share: number | null, n: number): [number, number] | null {
  if (share === null || !(n > 0)) return null;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (share + z2 / (2 * n)) / denominator;
  const half = (Z95 / denominator) * Math.sqrt(Math.max(0, (share * (1 - share)) / n + z2 / (4 * n * n)));
  // At 0% and 100% one end is exactly 0 or 1 (centre − half there is 0 only up to rounding).
  return [share === 0 ? 0 : Math.max(0, centre - half), share === 1 ? 1 : Math.min(1, centre + half)];
}

/** The Wilson interval of `part / base` (null without a base); see `wilsonInterval`. */
export function wilsonOf(part: number, base: number): [number, number] | null {
  return wilsonInterval(share(part, base), base);
}

/**
 * Kish's effective sample size (有效样本量) of a weighted base: n_eff = (Σw)² / Σw², the `effectiveBase` of
 * a question or group and `weighting.effectiveN`. Equal weights give the number of
 * answers itself; unequal weights give fewer (the "design effect" of weighting, n / n_eff = 1 + CV² of the
 * weights). Example: weights 1, 1, 2 → 16 / 6 = 2.667. 0 when there is nothing in the base.
 */
export function kishEffectiveN(sumWeights: number, sumSquares: number): number {
  return sumSquares > 0 ? (sumWeights * sumWeights) / sumSquares : 0;
}

/**
 * The design effect (设计效应) of weighting, `weighting.designEffect` = n / n_eff: how many questionnaires
 * one effective answer stands for (1 without weights or without answers). Example (fixtures/weights): 10
 * questionnaires whose weights give n_eff = 144 / 16.5 = 8.73 → 10 / 8.73 = 1.15.
 */
export function designEffect(n: number, effectiveN: number): number {
  return effectiveN > 0 ? n / effectiveN : 1;
}

/** Distinct values with how often each occurred, sorted by value: the whole sample, in the space of its distinct values. */
export type Counts = readonly (readonly [value: number, count: number])[];

/** Sorts `[value, count]` pairs by value and drops empty ones, so every sum below runs in the same order however the counts were gathered. */
export function sortedCounts(pairs: Iterable<readonly [number, number]>): Counts {
  return [...pairs].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
}

export interface Summary {
  n: number;
  mean: number | null;
  /** Sample standard deviation: √(Σ(x − x̄)² / (n − 1)); null for n < 2. */
  sd: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}

/**
 * n, mean, sample sd, median, min and max of a sample given as sorted value counts. The same formulas as
 * simple-statistics' mean / sampleStandardDeviation / median, weighted by count instead of repeating each
 * value: n = Σc; x̄ = Σ c·x / n; sd = √(Σ c·(x − x̄)² / (n − 1)) (two passes, for accuracy); the median
 * is the middle value, or the mean of the two middle values when n is even. Counting a million answers
 * this way costs as many steps as there are distinct values, and the tests check it against
 * simple-statistics on the expanded sample.
 */
export function summarize(counts: Counts): Summary {
  let n = 0;
  let total = 0;
  for (const [x, c] of counts) {
    n += c;
    total += c * x;
  }
  if (n === 0) return { n, mean: null, sd: null, median: null, min: null, max: null };
  const mean = total / n;
  let squares = 0;
  for (const [x, c] of counts) squares += c * (x - mean) ** 2;
  return {
    n,
    mean,
    sd: n >= 2 ? Math.sqrt(squares / (n - 1)) : null,
    median: n % 2 ? valueAt(counts, (n - 1) / 2) : (valueAt(counts, n / 2 - 1) + valueAt(counts, n / 2)) / 2,
    min: counts[0]![0],
    max: counts[counts.length - 1]![0],
  };
}

/** The value at 0-based position `k` of the sorted sample. */
function valueAt(counts: Counts, k: number): number {
  let seen = 0;
  for (const [x, c] of counts) {
    seen += c;
    if (k < seen) return x;
  }
  throw new RangeError(`position ${k} is outside a sample of ${seen}`);
}

/**
 * Pearson's chi-square test of independence (卡方检验) on a table of observed counts (rows = roles, columns =
 * options). Rows and columns with no answers at all are left out first; df = (r − 1)(c − 1) over what
 * remains. Expected E_ij = row_i × col_j / N; statistic χ² = Σ (O − E)² / E; p = P(χ²_df ≥ statistic),
 * the regularised upper incomplete gamma Q(df/2, χ²/2); Cramér's V = √(χ² / (N (min(r, c) − 1))).
 * `lowExpected` when more than 20% of the expected counts are below 5. Null when fewer than two rows or
 * two columns remain (there is nothing to test).
 */
export function chiSquareTest(observed: number[][]): ChiSquare | null {
  const table = compactTable(observed);
  const r = table.length;
  const c = table[0]?.length ?? 0;
  if (r < 2 || c < 2) return null;
  const { rowSums, colSums, total } = margins(table);
  let statistic = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const expected = (rowSums[i]! * colSums[j]!) / total;
      statistic += (table[i]![j]! - expected) ** 2 / expected;
    }
  }
  const df = (r - 1) * (c - 1);
  const p = upperGamma()(statistic / 2, df / 2, true, true);
  const cramersV = Math.sqrt(statistic / (total * (Math.min(r, c) - 1)));
  return { method: "chi-square", statistic, df, p, cramersV, lowExpected: lowExpected(table) };
}

/**
 * Whether a table's expected counts are too small for Pearson's chi-square: more than 20% of them
 * (E_ij = row_i × col_j / N, over the table without its empty rows and columns) below 5. The rule by
 * which `independenceTest` gives Fisher's exact test instead; `lowExpected` of `chiSquareTest`. False
 * when fewer than two rows or two columns remain (there is nothing to test). Example: 3 of 10 against
 * 1 of 12, [[3, 7], [1, 11]]: E = 1.8 and 2.2 in the first column, half the cells below 5, so true.
 */
export function lowExpected(observed: number[][]): boolean {
  const table = compactTable(observed);
  const r = table.length;
  const c = table[0]?.length ?? 0;
  if (r < 2 || c < 2) return false;
  const { rowSums, colSums, total } = margins(table);
  let low = 0;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) if ((rowSums[i]! * colSums[j]!) / total < 5) low++;
  return low / (r * c) > 0.2;
}

/** A table's row sums, column sums and total. */
function margins(table: number[][]): { rowSums: number[]; colSums: number[]; total: number } {
  const rowSums = table.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = table[0]!.map((_, j) => table.reduce((a, row) => a + row[j]!, 0));
  return { rowSums, colSums, total: rowSums.reduce((a, b) => a + b, 0) };
}

/** The table without its empty rows and columns (what every test of independence is computed on). */
export function compactTable(observed: number[][]): number[][] {
  const colCount = observed[0]?.length ?? 0;
  const rows = observed.filter((r) => r.some((v) => v > 0));
  const keep: number[] = [];
  for (let j = 0; j < colCount; j++) if (rows.some((r) => (r[j] ?? 0) > 0)) keep.push(j);
  return rows.map((r) => keep.map((j) => r[j] ?? 0));
}

/**
 * The test of independence of a breakdown (rows = groups, columns = options): Pearson's chi-square
 * (`chiSquareTest`), unless more than 20% of the expected counts are below 5 — where its p-value is
 * unreliable — and then Fisher's exact test on the same table (empty rows and columns left out): by the
 * network algorithm when it finishes within its budget (`method: "fisher"`), else a Monte-Carlo p-value
 * from 10,000 tables drawn with a fixed seed (`method: "fisher-monte-carlo"`, reproducible). The
 * statistic, df and Cramér's V stay Pearson's, for comparison; `p` is the method's.
 */
export function independenceTest(observed: number[][]): ChiSquare | null {
  const chi = chiSquareTest(observed);
  if (!chi || !chi.lowExpected) return chi;
  return { ...chi, ...fisherTest(observed) };
}

/**
 * Fisher's exact test of a table (empty rows and columns left out), as `independenceTest` gives it: by
 * the network algorithm when it finishes within its budget (`method: "fisher"`), else a Monte-Carlo
 * p-value from 10,000 tables drawn with a fixed seed (`method: "fisher-monte-carlo"`, reproducible).
 */
export function fisherTest(observed: number[][]): Pick<ChiSquare, "method" | "p" | "replicates" | "seed"> {
  const table = compactTable(observed);
  const exact = fisherExact(table);
  if (exact !== null) return { method: "fisher", p: exact };
  return { method: "fisher-monte-carlo", p: fisherMonteCarlo(table), replicates: MONTE_CARLO_REPLICATES, seed: MONTE_CARLO_SEED };
}

/**
 * The two-proportion z-test (两比例z检验) of x₁ of n₁ against x₂ of n₂, with the pooled share:
 *
 *     z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)),   p̄ = (x₁ + x₂)/(n₁ + n₂),   p = 2(1 − Φ(|z|))
 *
 * computed as Pearson's χ² of the 2×2 table [[x₁, n₁ − x₁], [x₂, n₂ − x₂]] (χ² = z², the same p), whose
 * `lowExpected` says when the normal approximation is poor. It compares two groups of a breakdown (the
 * letters, `significantlyHigher`; a gap the report calls 明显) and two rounds of a survey (变化超出抽样误差);
 * with weights the bases are effective sizes and x = p·n need not be whole. Null when there is nothing
 * to test (both shares 0, or both 1). Examples: 10 of 14 against 7 of 111: z = 6.70, χ² = 44.9,
 * p ≈ 2·10⁻¹¹; fixtures/two-waves, 20 of 25 satisfied against 5 of 20: z = 3.69, p = 0.0002.
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): ChiSquare | null {
  return chiSquareTest([
    [x1, n1 - x1],
    [x2, n2 - x2],
  ]);
}

/**
 * Which groups' shares differ significantly, for the letters of a breakdown table: `higher[g]` lists the
 * groups whose share is significantly below group g's (g's letter cell shows their letters).
 *
 * Each pair of groups with a base is compared by the two-proportion z-test (`twoProportionTest`), and
 * counts as different when p < α/m, m being the number of pairs compared (Bonferroni's correction, so
 * that with six groups, 15 pairs, each pair is tested at 0.05/15 = 0.0033). Groups with no base get no
 * letters and are not compared. Example: 10 of 14 (71.4%) against 7 of 111 (6.3%): p ≈ 2·10⁻¹¹, below
 * 0.05/15, so the first group's cell carries the second's letter.
 */
export function significantlyHigher(counts: readonly number[], bases: readonly number[], alpha = 0.05): number[][] {
  const live = bases.map((n, g) => (n > 0 ? g : -1)).filter((g) => g >= 0);
  const pairs = (live.length * (live.length - 1)) / 2;
  const higher: number[][] = bases.map(() => []);
  for (let a = 0; a < live.length; a++) {
    for (let b = a + 1; b < live.length; b++) {
      const g = live[a]!;
      const h = live[b]!;
      const test = twoProportionTest(counts[g]!, bases[g]!, counts[h]!, bases[h]!);
      if (!test || !(test.p < alpha / pairs)) continue;
      if (counts[g]! / bases[g]! > counts[h]! / bases[h]!) higher[g]!.push(h);
      else higher[h]!.push(g);
    }
  }
  for (const list of higher) list.sort((x, y) => x - y);
  return higher;
}

/** Sums that Cronbach's alpha needs, over complete cases: n, Σx_i and Σx_i·x_j for every pair of items. */
export interface CovarianceSums {
  n: number;
  sums: number[];
  /** cross[i][j] = Σ x_i x_j (a full symmetric matrix). */
  cross: number[][];
}

/** Sample covariance of items i and j from sums: (Σx_i x_j − Σx_i Σx_j / n) / (n − 1). */
function covariance(s: CovarianceSums, i: number, j: number): number {
  return (s.cross[i]![j]! - (s.sums[i]! * s.sums[j]!) / s.n) / (s.n - 1);
}

/**
 * Cronbach's alpha (克隆巴赫系数, `groups[].alpha`) over the items `use` (indexes into the sums): α = k/(k − 1) · (1 − Σ var_i / var_T),
 * where var_T = Σ_i Σ_j cov_ij is the variance of the total score. Null with fewer than 2 items, fewer
 * than 2 complete cases, or no variance in the total.
 */
export function cronbachAlpha(s: CovarianceSums, use: number[]): number | null {
  const k = use.length;
  if (k < 2 || s.n < 2) return null;
  let itemVar = 0;
  let totalVar = 0;
  for (const i of use) {
    itemVar += covariance(s, i, i);
    for (const j of use) totalVar += covariance(s, i, j);
  }
  if (!(totalVar > 0)) return null;
  return (k / (k - 1)) * (1 - itemVar / totalVar);
}

/**
 * Rounds half away from zero (62.45 → 62.5, −0.05 → −0.1), as people round by hand, unlike
 * `toFixed`, which works on the binary value (1.005 → "1.00"). The product by 10^d is first cut to 15
 * significant digits so that binary noise (0.0105 × 100 = 1.0499999…) does not decide the rounding.
 */
export function roundHalfAway(value: number, decimals: number): number {
  const m = 10 ** decimals;
  const scaled = Number((Math.abs(value) * m).toPrecision(15));
  return (Math.sign(value) * Math.round(scaled)) / m;
}

/** A fraction as a percentage with `decimals` places, rounded half away from zero: 0.625 → "62.5%". */
export function formatPct(fraction: number | null | undefined, decimals: number): string {
  if (fraction === null || fraction === undefined) return "—";
  return `${roundHalfAway(fraction * 100, decimals).toFixed(decimals)}%`;
}

/** A number with `decimals` places, rounded half away from zero. */
export function formatNumber(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined) return "—";
  return roundHalfAway(value, decimals).toFixed(decimals);
}

type Gammainc = (x: number, s: number, regularized: boolean, upper: boolean) => number;
let gammainc: Gammainc | undefined;

/** stdlib's incomplete gamma, loaded at the first chi-square: its hundreds of small modules took 0.12 s
 * of every command's start, most of which never test a breakdown. */
function upperGamma(): Gammainc {
  gammainc ??= createRequire(import.meta.url)("@stdlib/math-base-special-gammainc") as Gammainc;
  return gammainc;
}
