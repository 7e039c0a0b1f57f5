import { AlignmentType, BorderStyle, Paragraph, Table as DocxTable, TableCell, TableLayoutType, TableRow, TextRun, WidthType, type IBorderOptions } from "docx";
import type { Table } from "../model.js";
import type { StyleSheet } from "../template.js";
import { escapeXml } from "./xml-safe.js";
import { maxOf } from "../../arrays.js";
import { STYLE, textEms, typeWidth } from "./styles.js";

/**
 * 三线表 (three-line tables): a thick rule above and below the table, a thin one under the header, no
 * vertical lines. `threeLineTableXml` writes the XML that docx writes for `threeLineTable`
 * (test/report-table-xml.test.ts compares the two), because building each cell as docx objects and
 * serialising them took a third of the report's rendering (1,400 cells in the 60-question bench); the
 * renderer puts that XML where a marker paragraph stands, and builds with docx only tables it does not write.
 */

const THICK = '<w:top w:val="single" w:color="000000" w:sz="12"/>'; // 1.5 pt
const NONE = (side: string) => `<w:${side} w:val="none" w:color="auto" w:sz="0"/>`;
const TABLE_PROPERTIES =
  `<w:tblPr><w:tblW w:type="pct" w:w="5000"/><w:tblBorders>${THICK}${NONE("left")}<w:bottom w:val="single" w:color="000000" w:sz="12"/>${NONE("right")}` +
  `${NONE("insideH")}${NONE("insideV")}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>`;
const HEADER_BORDERS = `<w:tcBorders>${NONE("top")}${NONE("left")}<w:bottom w:val="single" w:color="000000" w:sz="6"/>${NONE("right")}</w:tcBorders>`; // 0.75 pt
const BODY_BORDERS = `<w:tcBorders>${NONE("top")}${NONE("left")}${NONE("bottom")}${NONE("right")}</w:tcBorders>`;

/** The type area: A4's 11906 twips less the side margins. */
const textWidth = typeWidth;

/** Tables of up to this many rows (header and total included) are kept on one page; longer ones may break, repeating their header. */
export const KEEP_TOGETHER_ROWS = 15;

/** The point size of a table's text: wide tables one size down, as the Table Text Compact style sets it. */
export const tableTextSize = (t: Table, style: StyleSheet): number => (t.compact ? Math.max(8, style.table.size - 1.5) : style.table.size);

/** Twips of a cell's left and right margins together, and 2 pt more: a reader's Latin glyphs may be a little wider than our estimate. */
const cellPadding = (t: Table) => 2 * (t.compact ? 40 : 80) + 40;

const segmenter = new Intl.Segmenter("zh", { granularity: "word" });

/**
 * The pieces a header may break between: its words, a one-character word (率 of 满意率, 不 of 不了解) kept
 * with its neighbour, so 非常满意 may become 非常/满意 but never 非常满/意.
 */
export function headerWords(text: string): string[] {
  const words: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const last = words.length - 1;
    if (last >= 0 && ([...segment].length === 1 || /^\s+$/.test(words[last]!) || [...words[last]!].length === 1)) words[last] += segment;
    else words.push(segment);
  }
  return words;
}

export interface TableLayout {
  /** Each column's width in twips; together the type area. */
  columns: number[];
  /** Each header cell's lines: broken between words where the header is wider than its column. */
  header: string[][];
}

/**
 * The table's columns. By default the first column (labels) takes two or three shares of the type area
 * and every other column one; when a header or a number would not fit its share on one line (a matrix's
 * 非常满意 in a tenth of the page), the columns are sized from their content instead: each as wide as its
 * longest cell, and where that is too wide for the page, room is taken first from labels longer than six
 * characters (they wrap), then from headers down to their longest word (非常/满意 on two lines, never
 * 非常满/意), then from the labels down to theirs. A number never breaks, unless the page cannot hold the
 * numbers of all the columns side by side.
 */
export function tableLayout(t: Table, style: StyleSheet): TableLayout {
  const area = textWidth(style);
  const n = t.header.length;
  const em = tableTextSize(t, style) * 20;
  const pad = cellPadding(t);
  const width = (text: string) => Math.ceil(maxOf(text.split("\n").map(textEms)) * em) + pad;
  const cells = (i: number) => [...t.rows.map((r) => r[i] ?? ""), ...(t.footer ? [t.footer[i] ?? ""] : [])];
  const natural = t.header.map((h, i) => maxOf(cells(i).map(width), width(h)));
  const shares = t.header.map((_, i) => (i === 0 ? (n <= 3 ? 3 : 2) : 1));
  const total = shares.reduce((a, b) => a + b, 0);
  const byShares = shares.map((w) => Math.floor((area * w) / total));
  byShares[0]! += area - byShares.reduce((a, b) => a + b, 0);
  let columns = byShares;
  if (natural.some((w, i) => w > byShares[i]!)) {
    const labels = [t.header[0] ?? "", ...cells(0)];
    const steps = [
      // Labels keep six characters a line, every other column its header on one line.
      natural.map((w, i) => (i === 0 ? Math.min(w, 6 * em + pad) : w)),
      // Headers break between words; numbers stay whole.
      natural.map((w, i) => (i === 0 ? Math.min(w, 6 * em + pad) : maxOf(cells(i).map(width), maxOf(headerWords(t.header[i]!).map(width))))),
      // Labels wrap down to their longest word, four characters at least.
      natural.map((w, i) => (i === 0 ? Math.min(w, maxOf(labels.flatMap(headerWords).map(width), 4 * em + pad)) : maxOf(cells(i).map(width), maxOf(headerWords(t.header[i]!).map(width))))),
      // A table too wide for all that: headers and labels break where they must, numbers still whole.
      natural.map((w, i) => (i === 0 ? Math.min(w, 2 * em + pad) : maxOf(cells(i).map(width), pad))),
    ];
    columns = fit(natural, steps, area);
  }
  return { columns, header: t.header.map((h, i) => headerLines(h, columns[i]! - pad, em)) };
}

/**
 * Widths from `natural` that fill `area`: extra room shared out in proportion; too little room taken step by
 * step, each step letting the columns shrink down to its widths (in proportion to what each can give), and
 * what is still missing after the last taken from all columns alike.
 */
function fit(natural: number[], steps: number[][], area: number): number[] {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  let widths = [...natural];
  if (sum(widths) <= area) widths = widths.map((w) => w + ((area - sum(natural)) * w) / sum(natural));
  for (const least of steps) {
    const over = sum(widths) - area;
    if (over <= 0) break;
    const slack = sum(widths.map((w, i) => Math.max(0, w - least[i]!)));
    if (slack <= 0) continue;
    const take = Math.min(1, over / slack);
    widths = widths.map((w, i) => w - take * Math.max(0, w - least[i]!));
  }
  if (sum(widths) > area) widths = widths.map((w) => (w * area) / sum(widths));
  const floors = widths.map(Math.floor);
  // What flooring leaves goes to the first column, so the columns fill the type area exactly.
  floors[0]! += area - sum(floors);
  return floors;
}

/** A header's lines in a column `room` twips wide: its words packed greedily, each line as full as fits. */
function headerLines(text: string, room: number, em: number): string[] {
  if (textEms(text) * em <= room || text.includes("\n")) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of headerWords(text)) {
    if (line && textEms(line + word) * em > room) {
      lines.push(line);
      line = word.trimStart();
    } else line += word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Each cell's width as docx sets it: the column's, scaled so that the columns fill the type area (the floors above leave a few twips). */
function cellWidths(columns: number[], style: StyleSheet): number[] {
  const total = columns.reduce((a, b) => a + b, 0);
  const area = textWidth(style);
  const scale = total > 0 && area > total ? area / total : 1;
  return columns.map((w) => Math.round(w * scale));
}

/** Whether the XML here is docx's for this table: every row has the header's number of cells. */
export function writesTable(t: Table): boolean {
  const n = t.header.length;
  return n > 0 && t.rows.every((r) => r.length === n) && (!t.footer || t.footer.length === n);
}

const RULE_THICK: IBorderOptions = { style: BorderStyle.SINGLE, size: 12, color: "000000" }; // 1.5 pt
const RULE_THIN: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: "000000" }; // 0.75 pt
const NO_RULE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: "auto" };

/** Whether row `index` of `count` (header and total included) keeps with the next: every row but the last of a short table. */
const keepsWithNext = (index: number, count: number) => count <= KEEP_TOGETHER_ROWS && index < count - 1;

/**
 * Every row is kept whole (cantSplit) and the header repeats on each page a long table runs over
 * (tblHeader); a short table's paragraphs keep with the next row, so Word and LibreOffice move the table to
 * the next page whole instead of leaving its header and a row at the foot of a page.
 */
export function threeLineTable(t: Table, style: StyleSheet): DocxTable {
  const { columns, header } = tableLayout(t, style);
  const count = 1 + t.rows.length + (t.footer ? 1 : 0);
  const align = (i: number) => (t.align[i] === "right" ? AlignmentType.RIGHT : t.align[i] === "center" ? AlignmentType.CENTER : AlignmentType.LEFT);
  const cell = (lines: string[], i: number, isHeader: boolean, keepNext: boolean) =>
    new TableCell({
      borders: isHeader ? { bottom: RULE_THIN, top: NO_RULE, left: NO_RULE, right: NO_RULE } : { top: NO_RULE, bottom: NO_RULE, left: NO_RULE, right: NO_RULE },
      margins: { left: t.compact ? 40 : 80, right: t.compact ? 40 : 80 },
      children: [
        new Paragraph({
          style: t.compact ? STYLE.tableCompact : STYLE.table,
          keepNext: keepNext || undefined,
          alignment: isHeader ? AlignmentType.CENTER : align(i),
          children: lines.map((text, j) => new TextRun({ text, bold: isHeader, break: j > 0 ? 1 : undefined })),
        }),
      ],
    });
  const body = [...t.rows, ...(t.footer ? [t.footer] : [])];
  const rows = [
    new TableRow({ tableHeader: true, cantSplit: true, children: header.map((h, i) => cell(h, i, true, keepsWithNext(0, count))) }),
    ...body.map((r, k) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell([c], i, false, keepsWithNext(k + 1, count))) })),
  ];
  return new DocxTable({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: columns,
    layout: TableLayoutType.FIXED,
    borders: { top: RULE_THICK, bottom: RULE_THICK, left: NO_RULE, right: NO_RULE, insideHorizontal: NO_RULE, insideVertical: NO_RULE },
    rows,
  });
}

export function threeLineTableXml(t: Table, style: StyleSheet): string {
  const { columns, header } = tableLayout(t, style);
  const count = 1 + t.rows.length + (t.footer ? 1 : 0);
  const widths = cellWidths(columns, style);
  const margin = t.compact ? 40 : 80;
  const paragraphStyle = t.compact ? STYLE.tableCompact : STYLE.table;
  const bold = (isHeader: boolean) => `<w:rPr>${isHeader ? "<w:b/><w:bCs/>" : '<w:b w:val="false"/><w:bCs w:val="false"/>'}</w:rPr>`;
  const cell = (lines: string[], i: number, isHeader: boolean, keepNext: boolean) =>
    `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${widths[i]}"/>${isHeader ? HEADER_BORDERS : BODY_BORDERS}` +
    `<w:tcMar><w:left w:type="dxa" w:w="${margin}"/><w:right w:type="dxa" w:w="${margin}"/></w:tcMar></w:tcPr>` +
    `<w:p><w:pPr><w:pStyle w:val="${paragraphStyle}"/>${keepNext ? "<w:keepNext/>" : ""}` +
    `<w:jc w:val="${isHeader ? "center" : t.align[i] === "right" || t.align[i] === "center" ? t.align[i] : "left"}"/></w:pPr>` +
    lines.map((text, j) => `<w:r>${bold(isHeader)}${j > 0 ? "<w:br/>" : ""}<w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>`).join("") +
    "</w:p></w:tc>";
  const row = (cells: string[][], isHeader: boolean, index: number) =>
    `<w:tr><w:trPr><w:cantSplit/>${isHeader ? "<w:tblHeader/>" : ""}</w:trPr>${cells.map((c, i) => cell(c, i, isHeader, keepsWithNext(index, count))).join("")}</w:tr>`;
  const body = [...t.rows, ...(t.footer ? [t.footer] : [])];
  return (
    `<w:tbl>${TABLE_PROPERTIES}<w:tblGrid>${columns.map((w) => `<w:gridCol w:w="${w}"/>`).join("")}</w:tblGrid>` +
    row(header, true, 0) +
    body.map((r, k) => row(r.map((c) => [c]), false, k + 1)).join("") +
    "</w:tbl>"
  );
}
