import type { Interval, OptionTally, QuestionTally, RowTally, TallyResult } from "./types.js";

/** The widest margin of error among a tally's main figures, and where it is. */
export interface LargestMargin {
  /** The largest distance from a share to either end of its 95% interval, as a fraction (0.041 = ±4.1 points). */
  margin: number;
  /** The question (a matrix row: `q9.1`) and the figure: an option's label, or "positiveRate". */
  question: string;
  figure: string;
  share: number;
  ci95: Interval;
  /** The base of that share (weighted: the weighted base). */
  base: number;
}

/**
 * The largest margin of error of the main figures of a tally, for the report's 说明: "在95%的置信水平下,
 * 主要比例的抽样误差不超过±4.1个百分点" is `margin` = 0.041.
 *
 * The main figures are the whole-sample shares of the closed questions — each option's `pct` (single,
 * scale, matrix rows), each multi-select option's `pctOfRespondents`, and each positive rate — of every
 * question whose base is at least `minShareOfValid` (default one half) of the valid questionnaires: a
 * follow-up question asked of a few is not a main figure, and its own base is printed beside it. Group
 * figures (byRole, breakdowns) are left out: they have their own, wider intervals.
 *
 * The margin of one share p with interval [low, high] is max(p − low, high − p): the Wilson interval
 * (`wilsonInterval`) is not symmetric, and the larger side is the honest "±". Example: 320 answers and a
 * share of 50% give [0.4455, 0.5545], a margin of 0.0545 (±5.5 points); with 0.5 the widest case, no
 * share of 320 answers has a larger one. Null when no share qualifies.
 */
export function largestMargin(result: TallyResult, opts: { minShareOfValid?: number } = {}): LargestMargin | null {
  const minBase = (opts.minShareOfValid ?? 0.5) * result.responses.valid;
  let best: LargestMargin | null = null;
  const consider = (question: string, figure: string, share: number | null | undefined, ci95: Interval | null | undefined, base: number) => {
    if (share === null || share === undefined || !ci95) return;
    const margin = Math.max(share - ci95[0], ci95[1] - share);
    if (!best || margin > best.margin) best = { margin, question, figure, share, ci95, base };
  };
  const shares = (id: string, q: QuestionTally | RowTally, type: QuestionTally["type"]) => {
    if (q.base <= 0 || q.base < minBase) return;
    for (const o of q.options ?? ([] as OptionTally[])) consider(id, o.label, type === "multi" ? o.pctOfRespondents : o.pct, o.ci95, q.base);
    consider(id, "positiveRate", q.positiveRate, q.positiveRateCi95, q.base);
  };
  for (const [id, q] of Object.entries(result.questions)) {
    if (q.type === "matrix") for (const [rowId, row] of Object.entries(q.rows ?? {})) shares(rowId, row, "scale");
    else if (q.type === "single" || q.type === "scale" || q.type === "multi") shares(id, q, q.type);
  }
  return best;
}
