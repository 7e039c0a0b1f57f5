import { roundHalfAway, twoProportionTest } from "../tally/stats.js";
import type { OptionTally, QuestionTally, RowTally, TallyResult } from "../tally/types.js";
import type { ChangeFigure, Finding } from "./finding.js";
import { fixed, pct } from "./format.js";
import type { ReportRules } from "./rules.js";

/*
 * Changes since an earlier round (`--previous`), as findings: one for each figure the report states as a
 * percentage that the earlier round also has — an evaluation's positive rate, and the leading answer of a
 * choice question — decided here and worded beside its figure by evidence.ts ("满意率为72.0%，比2025年提高
 * 12.0个百分点"). The numbers come from the compared tally (src/tally/compare.ts); this module only
 * decides what may be said of them:
 *
 * - the change in points is written as |change| × 100 rounded to one decimal (half away from zero), the
 *   change of the unrounded shares, so it is the JSON's `change` as printed;
 * - under one point as written (< 1.0) it is 基本持平; otherwise its direction is the sign of the change;
 * - it is beyond the margin of error only when the two-proportion z-test of the two rounds, on their
 *   bases, gives p < `significance` (a fifth of it when an expected count is below 5, as for group
 *   differences, where the normal approximation is poor).
 */

/** The change of a share, as the report words it: points to write, and which way. */
export function changeDirection(change: number): { points: number; direction: ChangeFigure["direction"] } {
  const points = roundHalfAway(Math.abs(change) * 100, 1);
  return { points, direction: points < 1 ? "flat" : change > 0 ? "up" : "down" };
}

type Figure = Extract<Finding, { kind: "rate" } | { kind: "choices" }>;

/**
 * The change findings of a compared tally, one per rate and choice finding whose figure the earlier round
 * has; each is placed in its figure's section, and kept out (with why) when its figure is, when the
 * figure is given as counts (a base under min_group), or when the earlier base was under min_group.
 */
export function changeFindings(findings: readonly Finding[], tally: TallyResult, rules: ReportRules): Finding[] {
  if (!tally.comparison) return [];
  const period = tally.comparison.previous.period;
  const items = itemTallies(tally);
  const out: Finding[] = [];
  for (const f of findings) {
    if (f.kind !== "rate" && f.kind !== "choices") continue;
    const t = items.get(f.id);
    if (!t?.previous) continue;
    const figure = f.kind === "rate" ? rateFigure(t) : choiceFigure(t, f);
    if (!figure) continue;
    const { points, direction } = changeDirection(figure.change);
    const n1 = sizeOf(t);
    const n0 = t.previous.effectiveBase ?? t.previous.base;
    // the two rounds' shares as counts of their (effective) bases, for the two-proportion z-test (stats.ts)
    const test = n1 > 0 && n0 > 0 ? twoProportionTest(figure.current * n1, n1, figure.previous * n0, n0) : null;
    const level = test?.lowExpected ? rules.significance / 5 : rules.significance;
    const significant = direction !== "flat" && test !== null && test.p < level;
    const finding: Finding & ChangeFigure = {
      id: `${f.id}~${t.previous.id}`,
      kind: "change",
      section: f.section,
      polarity: f.polarity,
      keys: [],
      of: f.id,
      subject: f.subject,
      ...(figure.option === undefined ? { rateName: (f as Extract<Finding, { kind: "rate" }>).rateName } : { option: figure.option }),
      current: figure.current,
      previous: figure.previous,
      change: figure.change,
      points,
      direction,
      base: t.base,
      previousBase: t.previous.base,
      p: test?.p ?? null,
      significant,
      period,
      why:
        `change since ${period ?? "the earlier round"} (${t.previous.id}): ${pct(figure.previous)} → ${pct(figure.current)}, ` +
        `${direction === "flat" ? `${fixed(points, 1)} points, under 1: 基本持平` : `${direction} ${fixed(points, 1)} points`}` +
        (test ? `; two-proportion z-test p=${fixed(test.p, 3)}${test.lowExpected ? " (small expected counts: level/5)" : ""}${significant ? ", beyond the margin of error" : ""}` : ""),
    };
    if (f.omitted) finding.omitted = `its figure is not written (${f.omitted})`;
    else if (f.small) finding.omitted = `base ${f.base} under min_group ${rules.minGroup}: the figure is given as counts`;
    else if (t.previous.base < rules.minGroup) finding.omitted = `the earlier round's base ${t.previous.base} is under min_group ${rules.minGroup}`;
    out.push(finding);
  }
  return out;
}

/** Questions and matrix rows by id: the ids findings use. */
function itemTallies(tally: TallyResult): Map<string, QuestionTally | RowTally> {
  const items = new Map<string, QuestionTally | RowTally>();
  for (const [id, q] of Object.entries(tally.questions)) {
    items.set(id, q);
    for (const [rowId, r] of Object.entries(q.rows ?? {})) items.set(rowId, r);
  }
  return items;
}

/** The base a test is computed on: Kish's effective size when weighted, else the base. */
function sizeOf(t: QuestionTally | RowTally): number {
  const effective = (t as { effectiveBase?: unknown }).effectiveBase;
  return typeof effective === "number" ? effective : t.base;
}

function rateFigure(t: QuestionTally | RowTally): { current: number; previous: number; change: number; option?: string } | undefined {
  const current = t.positiveRate;
  const previous = t.previous?.positiveRate;
  const change = t.change?.positiveRate;
  if (typeof current !== "number" || typeof previous !== "number" || typeof change !== "number") return undefined;
  return { current, previous, change };
}

/** The leading answer a choice finding states, with its share then and now (of respondents for multi-select). */
function choiceFigure(t: QuestionTally | RowTally, f: Extract<Finding, { kind: "choices" }>): { current: number; previous: number; change: number; option: string } | undefined {
  const top = f.items[0];
  if (!top || top.pct === null) return undefined;
  const field = f.multi ? "pctOfRespondents" : "pct";
  // The finding names options as sentences do (其他【请注明】 as 其他), and of options chosen equally often
  // it leads with the first in the questionnaire's order: the first with its count and share is the one.
  const option = (t.options ?? []).find((o: OptionTally) => o.count === top.count && (o[field] ?? null) === top.pct);
  const previous = option?.previous?.[field];
  const change = option?.change?.[field];
  if (!option || typeof previous !== "number" || typeof change !== "number") return undefined;
  return { current: top.pct, previous, change, option: top.label };
}
