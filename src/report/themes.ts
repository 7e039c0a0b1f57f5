import type { QuestionKind } from "../definition/question-kind.js";
import type { QuestionTally } from "../tally/types.js";
import type { Finding } from "./finding.js";
import { pct, typography } from "./format.js";
import type { Paragraph, Table } from "./model.js";
import type { ReportRules } from "./rules.js";
import { renderPattern, sentence, type SectionKey, type Template } from "./template.js";

/** Themes stated in the text; the others are in the appendix's table. */
export const THEMES_IN_TEXT = 5;

/**
 * An open question coded by a codebook (`themes:`): the themes most answers mention, each with how many
 * mentioned it, its share of those who answered (not when fewer than `min_group` answered: counts only)
 * and its most typical answer quoted (the first of the tally's examples, see tally/themes.ts). Themes no
 * answer mentions are left out. Undefined when the question has no codebook or no theme is mentioned:
 * the answers are then stated as any open question's.
 */
export function themesFinding(
  id: string,
  t: QuestionTally,
  subject: string,
  text: string,
  questionKind: QuestionKind,
  section: SectionKey,
  rules: ReportRules,
): Extract<Finding, { kind: "themes" }> | undefined {
  if (!t.themes || !t.answers?.length) return undefined;
  const base = t.answers.length;
  const items = t.themes
    .filter((x) => x.count > 0 && x.examples.length > 0)
    .map((x) => ({ theme: x.theme, count: x.count, pct: x.pct, example: typography(x.examples[0]!.trim()) }))
    // most mentioned first; equal counts keep the codebook's order (a stable sort)
    .sort((a, b) => b.count - a.count);
  if (!items.length) return undefined;
  const shown = items.slice(0, THEMES_IN_TEXT);
  const small = base < rules.minGroup;
  return {
    id,
    kind: "themes",
    section,
    polarity: questionKind === "problem" ? "problem" : "neutral",
    why: `open question coded by its codebook: the ${shown.length} most mentioned of ${t.themes.length} themes, with counts${small ? "" : " and shares"} of the ${base} who answered${items.length > shown.length ? ` (${items.length - shown.length} more in the appendix)` : ""}, each with its most typical answer`,
    keys: [shown[0]!.theme, `${shown[0]!.count}人`],
    subject,
    text,
    questionKind,
    n: base,
    small,
    items: shown,
    unmatched: t.unmatched?.count ?? 0,
  };
}

/**
 * The appendix's table of a coded open question: every theme of the codebook in its order, with how many
 * answers mention it and their share of the answers (an answer may mention several themes, so the shares
 * add up to more than 100%), then the answers that mention none; the base N in the caption and footer.
 */
export function themesTable(text: string, t: QuestionTally, template: Template): Table | undefined {
  if (!t.themes) return undefined;
  const l = template.text.labels;
  const n = t.answers?.length ?? 0;
  const rows = t.themes.map((x) => [x.theme, String(x.count), pct(x.pct)]);
  if (t.unmatched) rows.push([l.unmatched, String(t.unmatched.count), pct(t.unmatched.pct)]);
  return {
    kind: "table",
    number: 0,
    caption: renderPattern(template, l.tableCaption, { text: template.lang === "en" ? `${text} (${l.theme})` : `${text}（${l.theme}）`, n }, "labels"),
    header: [l.theme, l.count, l.share],
    rows,
    align: ["left", "right", "right"],
    footer: [l.validN, String(n), ""],
  };
}

/**
 * The appendix's note under a question whose 其他 fill-ins were counted as options (`other_codes:`): how
 * many went to each option, and how many of those were by respondents who had chosen the option already
 * (a multi-select answer counts an option once). Nothing is moved without this note.
 */
export function recodedNote(t: QuestionTally, template: Template): Paragraph | undefined {
  if (!t.recoded?.length) return undefined;
  const byFrom = new Map<string, Map<string, { to: string; count: number; repeated: number }>>();
  for (const r of t.recoded) {
    const targets = byFrom.get(r.from) ?? new Map();
    byFrom.set(r.from, targets);
    const entry = targets.get(r.to) ?? { to: r.to, count: 0, repeated: 0 };
    targets.set(r.to, entry);
    entry.count++;
    if (!r.added) entry.repeated++;
  }
  const text = [...byFrom].map(([option, targets]) => sentence(template, "recodedNote", { option, items: [...targets.values()] })).join("");
  return { kind: "paragraph", style: "plain", runs: [{ text }] };
}
