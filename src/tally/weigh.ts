import type { Plan } from "./plan.js";
import { rake } from "./rake.js";
import { WEIGHT_UNIT, type ItemState, type TallyState, type WeightedCell } from "./state.js";
import { chiSquareTest, designEffect, kishEffectiveN } from "./stats.js";
import type { BreakdownGroup, ChiSquare, OptionTally, QuestionTally, RowTally, WeightingSummary } from "./types.js";

/** The effective sample sizes of an item's base and of each breakdown group's, and the test of its breakdowns. */
export interface Effective {
  base: number;
  /** groups[breakdown][group]; absent without breakdowns. */
  groups?: number[][];
  test(table: number[][], breakdown: number): ChiSquare | null;
}

/** A weighted tally's counts, laid out as the unweighted ones, with what intervals and tests need. */
export interface Weighed {
  items: ItemState[];
  matrices: TallyState["matrices"];
  effective(item: number): Effective;
  matrixEffective(id: string): number;
  summary: WeightingSummary;
}

/**
 * The weighted counts of a state: raking factors are solved from the cells' totals (`rake`), then every
 * cell's counts are multiplied by its factor and added, cells in key order (the same order whatever order
 * the data was counted in). Open answers and fill-ins are lists of what people wrote, not weighted.
 */
export function weigh(state: TallyState): Weighed {
  const { plan } = state;
  const cells = Object.entries(state.weighted!.cells).sort(([a], [b]) => Number(a) - Number(b));
  const solved = rake(plan, new Map(cells.map(([key, c]) => [key, c.total])));
  const factors = cells.map(([key]) => solved.factors.get(key)! / WEIGHT_UNIT);
  // Squares: Σ (f·w)² = f² Σ w², with Σ w² kept in units of 1/UNIT.
  const squareFactors = cells.map(([key]) => solved.factors.get(key)! ** 2 / WEIGHT_UNIT);

  const items = state.items.map((unweighted, i) => {
    const out = zeroLike(unweighted);
    cells.forEach(([, c], k) => addScaled(out, c.items[i]!, factors[k]!));
    return out;
  });
  const sq = plan.items.map((_, i) => cells.reduce((sum, [, c], k) => sum + c.sq[i]! * squareFactors[k]!, 0));
  const bySq = plan.items.map((_, i) => {
    const first = cells[0]?.[1].bySq[i];
    if (!first) return undefined;
    return first.map((row, b) => row.map((_, g) => cells.reduce((sum, [, c], k) => sum + c.bySq[i]![b]![g]! * squareFactors[k]!, 0)));
  });
  const matrices: TallyState["matrices"] = {};
  const matrixSq: Record<string, number> = {};
  for (const id of Object.keys(state.matrices)) {
    const m = { answered: 0, skipped: 0, missing: 0, base: 0 };
    let squares = 0;
    cells.forEach(([, c], k) => {
      const x = c.matrices[id]!;
      m.answered += x.answered * factors[k]!;
      m.skipped += x.skipped * factors[k]!;
      m.missing += x.missing * factors[k]!;
      m.base += x.base * factors[k]!;
      squares += x.sq * squareFactors[k]!;
    });
    matrices[id] = m;
    matrixSq[id] = squares;
  }

  const effective = (i: number): Effective => {
    const s = items[i]!;
    const base = weightedBase(plan, i, s);
    const groups = bySq[i]?.map((row, b) => row.map((squares, g) => kishEffectiveN(groupBase(plan, i, s, b, g), squares)));
    return {
      base: kishEffectiveN(base, sq[i]!),
      groups,
      test: (table, b) => {
        const squares = bySq[i]?.[b]?.reduce((x, y) => x + y, 0) ?? 0;
        const total = table.reduce((sum, row) => sum + row.reduce((x, y) => x + y, 0), 0);
        return raoScottKish(table, kishEffectiveN(total, squares));
      },
    };
  };
  return {
    items,
    matrices,
    effective,
    matrixEffective: (id) => kishEffectiveN(matrices[id]!.base, matrixSq[id]!),
    summary: summarize(plan, cells, solved, factors, squareFactors),
  };
}

/**
 * The test of independence of a weighted table: Pearson's χ² of the table scaled to Kish's effective
 * sample size n_eff of the questionnaires in it, i.e. χ² of the weighted shares × n_eff. This is Rao and
 * Scott's first-order correction (χ² of the weighted table at its own total, divided by the mean design
 * effect) with the design effect taken as Kish's, n / n_eff = 1 + CV² of the weights; df and Cramér's V as
 * in `chiSquareTest`. Fisher's exact test counts people and has no weighted form, so `lowExpected` is
 * only reported. With equal weights n_eff is the number of questionnaires and the test is Pearson's.
 * Example: the 2×2 table [[30, 10], [10, 30]] of weights with n_eff 40 (weights that add up to 80, so a
 * design effect of 2) is tested as [[15, 5], [5, 15]]: χ² = 10.0, p = 0.0016.
 */
export function raoScottKish(table: number[][], effectiveN: number): ChiSquare | null {
  const total = table.reduce((sum, row) => sum + row.reduce((x, y) => x + y, 0), 0);
  if (!(total > 0) || !(effectiveN > 0)) return null;
  const scale = effectiveN / total;
  const test = chiSquareTest(table.map((row) => row.map((x) => x * scale)));
  return test && { ...test, method: "rao-scott-kish" };
}

function summarize(
  plan: Plan,
  cells: [string, WeightedCell][],
  solved: ReturnType<typeof rake>,
  factors: number[],
  squareFactors: number[],
): WeightingSummary {
  const w = plan.weighting!;
  let n = 0;
  let sum = 0;
  let squares = 0;
  cells.forEach(([, c], k) => {
    n += c.n;
    sum += c.total * factors[k]!;
    squares += c.totalSq * squareFactors[k]!;
  });
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  cells.forEach(([, c], k) => {
    if (c.n === 0) return;
    min = Math.min(min, c.min * factors[k]!);
    max = Math.max(max, c.max * factors[k]!);
  });
  const effectiveN = kishEffectiveN(sum, squares);
  return {
    column: w.column,
    rake: w.rake.map((r) => ({
      question: r.id,
      targets: Object.fromEntries(plan.items[r.item]!.options.flatMap((o, k) => (r.targets[k] === null ? [] : [[o.label, r.targets[k]!]]))),
    })),
    iterations: solved.iterations,
    maxGap: solved.maxGap,
    n,
    sum,
    effectiveN,
    designEffect: designEffect(n, effectiveN),
    min: n > 0 ? min : 0,
    max,
  };
}

/** The weighted base of an item: what `baseOf` in finalize gives on the weighted counts. */
function weightedBase(plan: Plan, i: number, s: ItemState): number {
  const item = plan.items[i]!;
  if (!s.counts || item.type === "multi" || item.type === "rank") return s.answered;
  return s.counts.reduce((sum, c, k) => (item.scale?.na.includes(item.options[k]!.code) ? sum : sum + c), 0);
}

/** A breakdown group's weighted base for the item: its answers outside `na` (multi and rank: its respondents). */
function groupBase(plan: Plan, i: number, s: ItemState, b: number, g: number): number {
  const item = plan.items[i]!;
  if (s.byAnswered) return s.byAnswered[b]![g]!;
  const counts = s.byCounts?.[b]?.[g];
  if (!counts) return 0;
  return counts.reduce((sum, c, k) => (item.scale?.na.includes(item.options[k]!.code) ? sum : sum + c), 0);
}

/** An item state of the same layout with every count 0; open answers and fill-ins are the unweighted lists. */
function zeroLike(s: ItemState): ItemState {
  const zero = (x: unknown): unknown => (Array.isArray(x) ? x.map(zero) : 0);
  return {
    ...s,
    answered: 0,
    skipped: 0,
    missing: 0,
    counts: s.counts && (zero(s.counts) as number[]),
    byCounts: s.byCounts && (zero(s.byCounts) as number[][][]),
    byAnswered: s.byAnswered && (zero(s.byAnswered) as number[][]),
    positions: s.positions && (zero(s.positions) as number[][]),
    byPositions: s.byPositions && (zero(s.byPositions) as number[][][][]),
    values: s.values && new Map(),
    bins: s.bins && (zero(s.bins) as number[]),
  };
}

/** target += f × source, field by field. */
function addScaled(target: ItemState, source: ItemState, f: number): void {
  target.answered += source.answered * f;
  target.skipped += source.skipped * f;
  target.missing += source.missing * f;
  const add = (t: unknown, x: unknown): void => {
    const ta = t as unknown[];
    const xa = x as unknown[];
    for (let k = 0; k < ta.length; k++) {
      if (Array.isArray(ta[k])) add(ta[k], xa[k]);
      else (ta as number[])[k]! += ((xa as number[])[k] ?? 0) * f;
    }
  };
  if (target.counts) add(target.counts, source.counts);
  if (target.byCounts) add(target.byCounts, source.byCounts);
  if (target.byAnswered) add(target.byAnswered, source.byAnswered);
  if (target.positions) add(target.positions, source.positions);
  if (target.byPositions) add(target.byPositions, source.byPositions);
  if (target.bins) add(target.bins, source.bins);
  if (target.values) for (const [v, c] of source.values!) target.values.set(v, (target.values.get(v) ?? 0) + c * f);
}

/**
 * Puts the unweighted numbers beside the weighted ones: `unweightedBase` on every question, matrix row and
 * breakdown group, `unweightedCount` on every option and bin, from the same tally counted without weights;
 * `answered`, `skipped` and `missing` are set back to numbers of questionnaires.
 */
export function annotateUnweighted(weighted: Record<string, QuestionTally>, unweighted: Record<string, QuestionTally>): void {
  for (const [id, q] of Object.entries(weighted)) annotate(q, unweighted[id]!);
}

function annotate(w: QuestionTally | RowTally, u: QuestionTally | RowTally): void {
  // Answered, skipped and missing say how complete the data is: numbers of questionnaires.
  w.answered = u.answered;
  w.skipped = u.skipped;
  w.missing = u.missing;
  w.unweightedBase = u.base;
  annotateOptions(w.options, u.options);
  if ("bins" in w && w.bins) w.bins.forEach((bin, k) => (bin.unweightedCount = (u as QuestionTally).bins![k]!.count));
  for (const [by, groups] of Object.entries(w.breakdowns ?? {})) annotateGroups(groups, u.breakdowns![by]!);
  if ("rows" in w && w.rows) for (const [id, row] of Object.entries(w.rows)) annotate(row, (u as QuestionTally).rows![id]!);
}

function annotateGroups(w: BreakdownGroup[], u: BreakdownGroup[]): void {
  w.forEach((g, k) => {
    g.unweightedBase = u[k]!.base;
    annotateOptions(g.options, u[k]!.options);
  });
}

function annotateOptions(w: OptionTally[] | undefined, u: OptionTally[] | undefined): void {
  w?.forEach((o, k) => (o.unweightedCount = u![k]!.count));
}
