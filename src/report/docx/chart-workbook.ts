import type { BarSpec } from "./chart-xml.js";

/**
 * A chart's embedded workbook (word/embeddings/Microsoft_Excel_WorksheetN.xlsx), which Word's "Edit Data"
 * opens, written by SheetJS: one sheet, "Sheet1", laid out as Word lays out a new chart's data — series
 * names in row 1 from B1, categories in column A from A2 — which the ranges in the chart refer to. SheetJS
 * dates nothing in the file, so its bytes depend only on the cells.
 */

type SheetJs = typeof import("@e965/xlsx");
type Cell = string | number | boolean | null;

/** SheetJS, loaded the first time a workbook is wanted: it takes about 0.1 s to load, and only native charts need it. */
let loading: Promise<SheetJs> | undefined;
const sheetJs = () => (loading ??= import("@e965/xlsx"));

/** The workbooks of chart-xml.ts' charts, in order. */
export async function chartWorkbooks(specs: readonly BarSpec[]): Promise<Uint8Array[]> {
  if (specs.length === 0) return [];
  const XLSX = await sheetJs();
  return specs.map((spec) =>
    workbook(XLSX, [[null, ...spec.series.map((s) => s.name)], ...spec.categories.map((category, r) => [category, ...spec.series.map((s) => s.values[r]!)])]),
  );
}

/**
 * The workbook docx/charts' ChartRun embedded, written again by SheetJS with the same cells: every chart's
 * workbook is then written one way, whichever writer drew the chart, and none is dated with the time it
 * was written, as docx dates its zip's entries.
 */
export async function rewrittenWorkbook(book: Uint8Array): Promise<Uint8Array> {
  const XLSX = await sheetJs();
  const read = XLSX.read(book, { type: "array" });
  const sheet = read.Sheets[read.SheetNames[0]!]!;
  return workbook(XLSX, XLSX.utils.sheet_to_json<Cell[]>(sheet, { header: 1, defval: null, raw: true }));
}

function workbook(XLSX: SheetJs, rows: Cell[][]): Uint8Array {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), "Sheet1");
  return XLSX.write(book, { type: "buffer", bookType: "xlsx", compression: true }) as Buffer;
}
