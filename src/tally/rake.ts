import { SurveyError } from "../diagnostics/errors.js";
import type { Plan } from "./plan.js";

/** What raking found: each cell's factor, and how it got there (for the tally's `weighting` section). */
export interface RakeResult {
  /** Cell key → the factor its questionnaires' weights are multiplied by (1 for cells outside raking). */
  factors: Map<string, number>;
  iterations: number;
  /** The largest gap left between a weighted share and its target, as a fraction. */
  maxGap: number;
}

/**
 * Raking (iterative proportional fitting; Deming and Stephan 1940): weights are multiplied, question by
 * question, by target share ÷ weighted share of each option, until every raking question's weighted
 * shares are within `tolerance` of their targets, at most `maxIterations` rounds.
 *
 * The unit raked is the cell (the questionnaires that gave the same answer to every raking question), with
 * its total starting weight `totals[key]` (the weight column's, else the number of questionnaires). Cells
 * with no answer (or an `na` answer) to a raking question keep factor 1 and stay out of its totals: the
 * raked questionnaires' weights add up to their starting total, so the whole sample's weights still add
 * up to its own. Worked example: 6 men and 4 women raked to 50% / 50%: the men's factor 5/6, the women's
 * 5/4; weights then add up to 10 again (6 × 5/6 + 4 × 5/4).
 *
 * Raking cannot reach a target share for an option no raked questionnaire chose (nor, sometimes, when the
 * questions' targets contradict the sample's structure): it then throws a SurveyError (exit 1) naming the
 * question and option.
 */
export function rake(plan: Plan, totals: Map<string, number>): RakeResult {
  const weighting = plan.weighting!;
  const factors = new Map<string, number>();
  for (const key of totals.keys()) factors.set(key, 1);
  if (weighting.rake.length === 0) return { factors, iterations: 0, maxGap: 0 };

  const radices = weighting.rake.map((r) => plan.items[r.item]!.options.length + 1);
  const raked: { key: string; digits: number[]; total: number }[] = [];
  for (const [key, total] of totals) {
    const digits = digitsOf(Number(key), radices);
    if (digits.every((d, k) => d < radices[k]! - 1) && total > 0) raked.push({ key, digits, total });
  }
  const sum = raked.reduce((s, c) => s + c.total, 0);
  if (sum === 0) return { factors, iterations: 0, maxGap: 0 };

  weighting.rake.forEach((r, k) => {
    r.targets.forEach((t, option) => {
      if (t !== null && t > 0 && !raked.some((c) => c.digits[k] === option)) {
        const item = plan.items[r.item]!;
        throw new SurveyError([
          {
            code: "RAKE_FAILED",
            severity: "error",
            message: `weights.rake.${r.id}: no questionnaire answered "${item.options[option]!.label}", whose target share is ${(t * 100).toFixed(1)}%; raking cannot reach it`,
            hint: "merge that option with a neighbour in the targets, or rake on another question",
          },
        ]);
      }
    });
  });

  // Each raking question's weighted total per option (raking's "margins"; not a margin of error).
  const optionTotals = weighting.rake.map((_, k) => new Array<number>(radices[k]! - 1).fill(0));
  const fill = () => {
    optionTotals.forEach((m) => m.fill(0));
    for (const c of raked) {
      const w = c.total * factors.get(c.key)!;
      c.digits.forEach((d, k) => (optionTotals[k]![d]! += w));
    }
  };
  const gap = () => {
    fill();
    let worst = 0;
    weighting.rake.forEach((r, k) => r.targets.forEach((t, o) => t !== null && (worst = Math.max(worst, Math.abs(optionTotals[k]![o]! / sum - t)))));
    return worst;
  };
  let iterations = 0;
  let maxGap = gap();
  while (maxGap > weighting.tolerance) {
    if (iterations >= weighting.maxIterations || !Number.isFinite(maxGap)) {
      throw new SurveyError([
        {
          code: "RAKE_FAILED",
          severity: "error",
          message: `weights.rake: raking did not converge in ${weighting.maxIterations} rounds (a weighted share is still ${(maxGap * 100).toFixed(4)} points from its target)`,
          hint: "check that the targets can hold together (the same population for every question), or raise weights.max_iterations or weights.tolerance",
        },
      ]);
    }
    iterations++;
    weighting.rake.forEach((r, k) => {
      fill();
      const m = optionTotals[k]!;
      for (const c of raked) {
        const d = c.digits[k]!;
        const target = r.targets[d] ?? 0;
        if (m[d]! > 0) factors.set(c.key, (factors.get(c.key)! * target * sum) / m[d]!);
      }
    });
    maxGap = gap();
  }
  return { factors, iterations, maxGap };
}

/** The mixed-radix digits of a cell key, most significant (the first raking question) first. */
export function digitsOf(cell: number, radices: number[]): number[] {
  const digits = new Array<number>(radices.length);
  for (let k = radices.length - 1; k >= 0; k--) {
    digits[k] = cell % radices[k]!;
    cell = Math.floor(cell / radices[k]!);
  }
  return digits;
}
