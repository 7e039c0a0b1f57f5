import type { Block, ReportModel } from "../model.js";

/**
 * Where a line of Chinese text may break, for LibreOffice's sake. LibreOffice breaks Chinese text between
 * any two characters, but where the line runs out inside digits or Latin letters it asks the Latin
 * language's (en-US) rules, which allow no break after 、 or ” before a digit, nor between ” and （: the
 * whole of "4.4%、6.6%、14.4%、5.9%、34.1%、34.7%" or "”（66.6%）" is then one unbreakable piece, moves to the next
 * line, and the line it leaves is justified with wide gaps between its characters. Word breaks there anyway.
 *
 * So a zero-width space (U+200B, a break opportunity to both readers, and no width, no glyph, no text in a
 * PDF) goes after Chinese closing punctuation that is followed by a digit, a Latin letter or opening
 * punctuation. Digits and words are never broken inside (57.5% stays whole), and no line starts with
 * closing punctuation. Only paragraphs get them: headings, captions and table cells are short or sized to
 * their content.
 */
const BREAK_AFTER = /([、，。；：！？）》」』】〕”])(?=[0-9A-Za-z(（“《「『【〔])/g;
/** The same, for a test that does not move a global regex's lastIndex. */
const HAS_BREAK = new RegExp(BREAK_AFTER.source);

export const ZERO_WIDTH_SPACE = "\u200b";

export function withBreakOpportunities(text: string): string {
  return text.replace(BREAK_AFTER, `$1${ZERO_WIDTH_SPACE}`);
}

/** The model with break opportunities in its paragraphs' text; other blocks (and figures, which are looked up by identity) are the same objects. */
export function breakableModel(model: ReportModel): ReportModel {
  if (model.lang !== "zh-CN") return model;
  return { ...model, opening: model.opening.map(breakable), body: model.body.map(breakable) };
}

function breakable(b: Block): Block {
  if (b.kind !== "paragraph" || !b.runs.some((r) => HAS_BREAK.test(r.text))) return b;
  return { ...b, runs: b.runs.map((r) => ({ ...r, text: withBreakOpportunities(r.text) })) };
}
