import type { Survey } from "../definition/model.js";
import { roundHalfAway } from "../tally/stats.js";
import type { OptionShares, OptionTally, QuestionTally, RowTally, TallyResult } from "../tally/types.js";
import { fixed, pct } from "./format.js";
import type { Paragraph, Table } from "./model.js";
import { renderPattern, sentence, type Template } from "./template.js";

/**
 * The appendix of a compared tally (`--previous`): each table of shares gains the earlier round's share
 * and the change (上一轮 / 本轮 / 变化, the rounds named by their `period` when known), an evaluation's rate
 * and mean are followed by the earlier ones, and a question that could not be compared in full says what
 * its round lacks. Pure: from the compared tally (src/tally/compare.ts) and the template's words.
 */

export interface Waves {
  /** Column headers: the earlier round, this round, the change. */
  previous: string;
  current: string;
  change: string;
  /** The earlier round as a sentence names it (2025年, 上一轮调查). */
  inText: string;
  unmatched: NonNullable<TallyResult["comparison"]>["unmatched"];
}

/** How the rounds are named in a compared report; undefined when the tally was not compared. */
export function wavesOf(tally: TallyResult, survey: Pick<Survey, "period">, template: Template): Waves | undefined {
  if (!tally.comparison) return undefined;
  const w = template.text.labels.waves;
  const period = tally.comparison.previous.period;
  return {
    previous: period ?? w.previous,
    current: survey.period ?? w.current,
    change: w.change,
    inText: period ?? w.inText,
    unmatched: tally.comparison.unmatched,
  };
}

/**
 * A change in points as a table prints it: "+5.2", "-3.0", and "0.0" for what rounds to nothing — the
 * JSON's `change` × 100, one decimal, as the body's sentences write it.
 */
export function signedPoints(change: number | null | undefined): string {
  if (typeof change !== "number" || !Number.isFinite(change)) return "—";
  const points = roundHalfAway(change * 100, 1);
  if (points === 0) return fixed(0, 1);
  return `${points > 0 ? "+" : "-"}${fixed(Math.abs(points), 1)}`;
}

/**
 * 选项 / 小计 / 比例 becomes 选项 / 小计 / 本轮 / 上一轮 / 变化: the share column is this round's, then the
 * earlier share of the same option and the change; an option of this round only has "—" in both.
 * `field` is the share the table shows (of respondents for multi-select).
 */
export function withChangeColumns(table: Table, options: readonly OptionTally[], field: keyof OptionShares, waves: Waves): void {
  table.header = [table.header[0]!, table.header[1]!, waves.current, waves.previous, waves.change];
  table.rows = table.rows.map((row, i) => {
    const o = options[i];
    const before = o?.previous?.[field];
    return [row[0]!, row[1]!, row[2]!, before === undefined ? "—" : pct(before), signedPoints(o?.change?.[field])];
  });
  table.align = ["left", "right", "right", "right", "right"];
  if (table.footer) table.footer = [table.footer[0]!, table.footer[1]!, "", "", ""];
}

/** A matrix table gains each row's earlier positive rate and its change, after the rate and mean columns. */
export function withRowChangeColumns(table: Table, rows: readonly (RowTally | undefined)[], rateName: string, waves: Waves): void {
  const n = table.header.length;
  // The earlier rate goes before N, so N stays the last column as in every matrix table.
  table.header = [...table.header.slice(0, n - 1), `${waves.previous}${rateName}`, waves.change, table.header[n - 1]!];
  table.rows = table.rows.map((row, i) => {
    const r = rows[i];
    const before = r?.previous?.positiveRate;
    return [...row.slice(0, n - 1), before === undefined ? "—" : pct(before), signedPoints(r?.change?.positiveRate), row[n - 1]!];
  });
  table.align = [...table.align.slice(0, n - 1), "right", "right", table.align[n - 1]!];
}

/** After an evaluation's rate or mean in the appendix: （2025年为60.0%，变化+12.0个百分点）; "" without an earlier figure. */
export function changeNote(template: Template, waves: Waves, t: QuestionTally, figure: "positiveRate" | "mean"): string {
  const before = t.previous?.[figure];
  const change = t.change?.[figure];
  if (typeof before !== "number" || typeof change !== "number") return "";
  const rate = figure === "positiveRate";
  const shownChange = rate ? signedPoints(change) : `${change > 0 ? "+" : change < 0 ? "-" : ""}${fixed(Math.abs(change))}`;
  return renderPattern(template, template.text.labels.waves.changeNote, { previous: waves.inText, value: rate ? pct(before) : fixed(before), change: shownChange, points: rate }, "labels.waves.changeNote");
}

/** Under a question's heading, what of it could not be compared with the earlier round; undefined when all could. */
export function waveNote(template: Template, waves: Waves, questionId: string): Paragraph | undefined {
  const mine = waves.unmatched.filter((u) => "question" in u && u.question === questionId);
  if (!mine.length) return undefined;
  const vars = {
    previous: waves.inText,
    newQuestion: mine.some((u) => u.kind === "question-added"),
    typeChanged: mine.some((u) => u.kind === "type-changed"),
    added: mine.flatMap((u) => (u.kind === "option-added" ? [u.row ? `${u.row}—${u.option}` : u.option] : u.kind === "row-added" ? [u.row] : [])),
    removed: mine.flatMap((u) => (u.kind === "option-removed" ? [u.row ? `${u.row}—${u.option}` : u.option] : u.kind === "row-removed" ? [u.row] : [])),
  };
  return { kind: "paragraph", style: "plain", runs: [{ text: sentence(template, "waveNote", vars) }] };
}

/** For the appendix's 说明: how the earlier round is named, whether a change is said to be beyond the margin of error, and the questions it had that this round has not. */
export function comparisonNotes(waves: Waves | undefined, changeSignificant: boolean): { previous: string; tested: boolean; dropped: string[]; droppedCount: number } | null {
  if (!waves) return null;
  const dropped = waves.unmatched.flatMap((u) => (u.kind === "question-dropped" ? [u.text] : []));
  return { previous: waves.inText, tested: changeSignificant, dropped: dropped.slice(0, 3), droppedCount: dropped.length };
}
