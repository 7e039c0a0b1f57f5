/**
 * Text widths for laying out a chart before it is drawn. The SVG writer is pure and cannot ask the font,
 * so it measures with the font's own advance widths: the chart is always drawn in this one face (the
 * subset made from it at run time), whatever the reader has installed.
 */

/** The family name in the name table of @embedpdf/fonts-sc's NotoSansHans-Regular.otf. */
export const FONT_FAMILY = "Noto Sans S Chinese";

/**
 * Advance widths of U+0020–U+007E in that face, in 1/1000 em, read with harfbuzz (units per em 1000).
 * test/report-image.test.ts checks them against what resvg draws.
 */
const ASCII = [
  224, 323, 475, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555, 555, 555, 555, 555, 555, 555, 555, 278, 278,
  555, 555, 555, 474, 946, 607, 657, 638, 687, 588, 552, 689, 728, 293, 536, 646, 542, 812, 722, 742, 632, 742, 635, 597, 599, 721, 575, 878,
  573, 531, 603, 338, 392, 338, 555, 559, 606, 564, 618, 509, 620, 554, 325, 563, 607, 275, 275, 552, 285, 926, 611, 606, 620, 620, 388, 468,
  377, 607, 521, 802, 498, 521, 474, 338, 269, 338, 555,
];

/** Width of one character in em: ASCII from the table; CJK, full-width forms and anything else a full em (never too narrow). */
function advance(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (c >= 0x20 && c <= 0x7e) return ASCII[c - 0x20]! / 1000;
  // Latin-1 letters (é, ü) are about as wide as ASCII letters; a full em would leave gaps, not overlaps.
  if (c < 0x300) return 0.6;
  return 1;
}

/** The width of `text` set at `size` (in the unit of `size`). */
export function textWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) em += advance(ch);
  return em * size;
}

/**
 * What a line may not break inside: a short bracketed note such as "（n=46）", a Latin word with the spaces
 * after it, or one other character with the closing punctuation after it and the opening punctuation before
 * it, so that no line starts with "）" or "，" and none ends with "（" (the usual rules of Chinese line breaking).
 */
const TOKEN = /[（(][^（）()]{1,12}[）)][，。、；：！？”’]*|[\x21-\x7e\u00a0-\u02ff]+\s*|\s+|[（《「『“‘]*[^][，。、；：！？）》」』”’%]*/gu;

/**
 * Breaks `text` into at most `maxLines` lines no wider than `width`: between words for Latin text, between
 * any two characters for Chinese. A last line that still does not fit ends in "…".
 */
export function wrapText(text: string, width: number, size: number, maxLines: number): string[] {
  const tokens = text.match(TOKEN) ?? [];
  const lines: string[] = [];
  let line = "";
  for (const token of tokens) {
    if (line && textWidth((line + token).trimEnd(), size) > width) {
      lines.push(line.trimEnd());
      line = token.trimStart();
    } else line += token;
    // A single token wider than the line (a long English word) is cut by characters.
    while (textWidth(line.trimEnd(), size) > width && [...line].length > 1) {
      const chars = [...line];
      let n = chars.length - 1;
      while (n > 1 && textWidth(chars.slice(0, n).join(""), size) > width) n--;
      lines.push(chars.slice(0, n).join(""));
      line = chars.slice(n).join("");
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = [...kept[maxLines - 1]!];
  while (last.length > 1 && textWidth(`${last.join("")}…`, size) > width) last = last.slice(0, -1);
  kept[maxLines - 1] = `${last.join("")}…`;
  return kept;
}
