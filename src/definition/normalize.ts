/**
 * Text normalisation for matching headers and labels as people type them: full-width and half-width
 * forms unified (NFKC turns `（：` into `(:`), 问卷星's numbering (`1、`, `Q1.`, `1.`) removed, trailing
 * colons and spaces dropped, runs of spaces collapsed.
 */

export function normalizeLabel(s: string): string {
  return s.normalize("NFKC").replace(/\s+/g, " ").trim();
}

const NUMBERING = /^(?:Q|q|第)?\s*(\d+)\s*(?:[、.:)]|题[、.:]?)\s*/;

/** Header text without numbering and trailing colon; `number` is the numbering when present. */
export function normalizeHeader(h: string): { text: string; number?: number } {
  let s = normalizeLabel(h);
  let number: number | undefined;
  const m = NUMBERING.exec(s);
  if (m && m[0].length < s.length) {
    number = Number(m[1]);
    s = s.slice(m[0].length);
  }
  s = s.replace(/[:\s]+$/, "").trim();
  return { text: s, number };
}

/** `第6题(运动)`, `第8题(ACG文化(动漫、游戏等))`: a per-option or per-row column of question N. */
export function parseSubColumn(h: string): { number: number; label: string } | undefined {
  const s = normalizeLabel(h);
  const m = /^(?:第\s*)?(\d+)\s*题?\s*\((.*)\)$/s.exec(s);
  if (!m) return undefined;
  return { number: Number(m[1]), label: normalizeLabel(m[2]!) };
}

/** Question text as written in survey.yaml, normalised the same way as a header. */
export function normalizeQuestionText(t: string): string {
  return normalizeHeader(t).text;
}
