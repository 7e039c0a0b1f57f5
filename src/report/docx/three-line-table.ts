import { AlignmentType, BorderStyle, Paragraph, Table as DocxTable, TableCell, TableLayoutType, TableRow, TextRun, WidthType, type IBorderOptions } from "docx";
import type { Table } from "../model.js";
import type { StyleSheet } from "../template.js";
import { escapeXml } from "./xml-safe.js";
import { STYLE, twipsOfMm } from "./styles.js";

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
const textWidth = (style: StyleSheet) => 11906 - twipsOfMm(style.page.margins.left) - twipsOfMm(style.page.margins.right);

/** The width of each column in twips: the type area, the first column (labels) two or three shares, the numbers one each. */
export function columnWidths(t: Table, style: StyleSheet): number[] {
  const weights = t.header.map((_, i) => (i === 0 ? (t.header.length <= 3 ? 3 : 2) : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.floor((textWidth(style) * w) / total));
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

export function threeLineTable(t: Table, style: StyleSheet): DocxTable {
  const align = (i: number) => (t.align[i] === "right" ? AlignmentType.RIGHT : t.align[i] === "center" ? AlignmentType.CENTER : AlignmentType.LEFT);
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      borders: header ? { bottom: RULE_THIN, top: NO_RULE, left: NO_RULE, right: NO_RULE } : { top: NO_RULE, bottom: NO_RULE, left: NO_RULE, right: NO_RULE },
      margins: { left: t.compact ? 40 : 80, right: t.compact ? 40 : 80 },
      children: [
        new Paragraph({
          style: t.compact ? STYLE.tableCompact : STYLE.table,
          alignment: header ? AlignmentType.CENTER : align(i),
          children: [new TextRun({ text, bold: header })],
        }),
      ],
    });
  const rows = [
    new TableRow({ tableHeader: true, cantSplit: true, children: t.header.map((h, i) => cell(h, i, true)) }),
    ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
    ...(t.footer ? [new TableRow({ cantSplit: true, children: t.footer.map((c, i) => cell(c, i, false)) })] : []),
  ];
  return new DocxTable({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: columnWidths(t, style),
    layout: TableLayoutType.FIXED,
    borders: { top: RULE_THICK, bottom: RULE_THICK, left: NO_RULE, right: NO_RULE, insideHorizontal: NO_RULE, insideVertical: NO_RULE },
    rows,
  });
}

export function threeLineTableXml(t: Table, style: StyleSheet): string {
  const columns = columnWidths(t, style);
  const widths = cellWidths(columns, style);
  const margin = t.compact ? 40 : 80;
  const paragraphStyle = t.compact ? STYLE.tableCompact : STYLE.table;
  const cell = (text: string, i: number, header: boolean) =>
    `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${widths[i]}"/>${header ? HEADER_BORDERS : BODY_BORDERS}` +
    `<w:tcMar><w:left w:type="dxa" w:w="${margin}"/><w:right w:type="dxa" w:w="${margin}"/></w:tcMar></w:tcPr>` +
    `<w:p><w:pPr><w:pStyle w:val="${paragraphStyle}"/><w:jc w:val="${header ? "center" : t.align[i] === "right" || t.align[i] === "center" ? t.align[i] : "left"}"/></w:pPr>` +
    `<w:r><w:rPr>${header ? "<w:b/><w:bCs/>" : '<w:b w:val="false"/><w:bCs w:val="false"/>'}</w:rPr><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p></w:tc>`;
  const row = (cells: string[], header: boolean) =>
    `<w:tr><w:trPr><w:cantSplit/>${header ? "<w:tblHeader/>" : ""}</w:trPr>${cells.map((c, i) => cell(c, i, header)).join("")}</w:tr>`;
  return (
    `<w:tbl>${TABLE_PROPERTIES}<w:tblGrid>${columns.map((w) => `<w:gridCol w:w="${w}"/>`).join("")}</w:tblGrid>` +
    row(t.header, true) +
    t.rows.map((r) => row(r, false)).join("") +
    (t.footer ? row(t.footer, false) : "") +
    "</w:tbl>"
  );
}
