import { readFile, stat } from "node:fs/promises";
import * as XLSX from "@e965/xlsx";
import { unzipSync } from "fflate";
import { SurveyError } from "../errors.js";
import { MAX_COLUMNS, MAX_SPREADSHEET_BYTES, MAX_SPREADSHEET_UNPACKED } from "./limits.js";
import type { RawRow } from "./table.js";

/**
 * Reads the first sheet of an .xlsx or legacy .xls (BIFF) workbook, as 问卷星 downloads are, with the
 * cell text a user sees in Excel. @e965/xlsx is the current SheetJS build published to npm; the `xlsx`
 * package on npm (0.18.5) has known advisories for untrusted files.
 */
export async function readSpreadsheet(path: string, file: string): Promise<{ header: string[]; rows: AsyncIterable<RawRow> }> {
  const size = (await stat(path)).size;
  if (size > MAX_SPREADSHEET_BYTES) {
    throw new SurveyError([
      {
        code: "FILE_TOO_LARGE",
        severity: "error",
        file,
        message: `${Math.round(size / 2 ** 20)} MB: a spreadsheet is read whole, and at most ${MAX_SPREADSHEET_BYTES / 2 ** 20} MB is`,
        hint: "save it as CSV (UTF-8): CSV files of any size are streamed",
      },
    ]);
  }
  const bytes = await readFile(path);
  const unpacked = unpackedSize(bytes);
  if (unpacked > MAX_SPREADSHEET_UNPACKED) {
    throw new SurveyError([
      {
        code: "FILE_TOO_LARGE",
        severity: "error",
        file,
        message: `unpacks to ${Math.round(unpacked / 2 ** 20)} MB: a spreadsheet is read whole, and at most ${MAX_SPREADSHEET_UNPACKED / 2 ** 20} MB is`,
        hint: "save it as CSV (UTF-8): CSV files of any size are streamed",
      },
    ]);
  }
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(bytes, { type: "buffer", dense: true, cellDates: false, cellFormula: false, cellHTML: false });
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
  const range = XLSX.utils.decode_range(sheet["!ref"]);
  const firstRow = range.s.r;
  const width = range.e.c - range.s.c + 1;
  if (width > MAX_COLUMNS) {
    throw new SurveyError([
      { code: "TOO_MANY_COLUMNS", severity: "error", file, row: 1, message: `${width} columns; a file may have at most ${MAX_COLUMNS}` },
    ]);
  }
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

/**
 * The total size of a zip's entries as its directory states them, without unpacking any (0 for a file that
 * is not a zip, or whose directory cannot be read: the spreadsheet reader then says what is wrong).
 */
function unpackedSize(bytes: Uint8Array): number {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return 0;
  let total = 0;
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        total += entry.originalSize;
        return false;
      },
    });
  } catch {
    return 0;
  }
  return total;
}

function cellText(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}
