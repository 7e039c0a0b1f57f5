import { readFile } from "node:fs/promises";
import * as XLSX from "@e965/xlsx";
import { SurveyError } from "../errors.js";
import type { RawRow } from "./table.js";

/**
 * Reads the first sheet of an .xlsx or legacy .xls (BIFF) workbook, as 问卷星 downloads are, with the
 * cell text a user sees in Excel. @e965/xlsx is the current SheetJS build published to npm; the `xlsx`
 * package on npm (0.18.5) has known advisories for untrusted files.
 */
export async function readSpreadsheet(path: string, file: string): Promise<{ header: string[]; rows: AsyncIterable<RawRow> }> {
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(await readFile(path), { type: "buffer", dense: true, cellDates: false, cellFormula: false, cellHTML: false });
  } catch (err) {
    throw new SurveyError([
      { code: "FILE_FORMAT", severity: "error", file, message: `not a spreadsheet that can be read (${(err as Error).message})` },
    ]);
  }
  const name = workbook.SheetNames[0];
  const sheet = name ? workbook.Sheets[name] : undefined;
  if (!sheet || !sheet["!ref"]) {
    throw new SurveyError([{ code: "FILE_EMPTY", severity: "error", file, message: "the first sheet is empty: no header row" }]);
  }
  const firstRow = XLSX.utils.decode_range(sheet["!ref"]).s.r;
  const grid = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: false, defval: "", blankrows: true });
  const [head, ...body] = grid;
  const header = (head ?? []).map(cellText);
  async function* rows(): AsyncGenerator<RawRow> {
    for (let i = 0; i < body.length; i++) {
      yield { row: firstRow + i + 2, cells: (body[i] ?? []).map(cellText) };
    }
  }
  return { header, rows: rows() };
}

function cellText(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}
