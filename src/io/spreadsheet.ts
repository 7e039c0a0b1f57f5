import { readFile, stat } from "node:fs/promises";
import * as XLSX from "@e965/xlsx";
import { unzipSync } from "fflate";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { SurveyError } from "../diagnostics/errors.js";
import { decodeWhole } from "./encoding.js";
import { MAX_COLUMNS, MAX_SHEET_CELLS, MAX_SHEET_ROWS, MAX_SPREADSHEET_BYTES, MAX_SPREADSHEET_UNPACKED } from "./limits.js";
import type { FileKind } from "./sniff.js";
import type { RawRow } from "./raw-row.js";

/** Rows turned into text at a time: the grid of a whole sheet is never held at once. */
const ROWS_PER_SLICE = 1024;

/**
 * Reads the first sheet of a workbook, as 问卷星 downloads are, with the cell text a user sees in Excel:
 * .xlsx, legacy .xls (BIFF, in any code page), and the HTML, SpreadsheetML, SYLK and DIF texts older
 * exporters save under an .xls name. `kind` is what the file's bytes are (`sniffKind`), not its name.
 * @e965/xlsx is the current SheetJS build published to npm; the `xlsx` package on npm (0.18.5) has known
 * advisories for untrusted files.
 */
export async function readSpreadsheet(path: string, file: string, kind: FileKind): Promise<{ header: string[]; rows: AsyncIterable<RawRow> }> {
  const fail = (d: Omit<Diagnostic, "severity" | "file">) => new SurveyError([{ severity: "error", file, ...d }]);
  const size = (await stat(path)).size;
  if (size > MAX_SPREADSHEET_BYTES) {
    throw fail({
      code: "FILE_TOO_LARGE",
      message: `${Math.round(size / 2 ** 20)} MB: a spreadsheet is read whole, and at most ${MAX_SPREADSHEET_BYTES / 2 ** 20} MB is`,
      hint: "save it as CSV (UTF-8): CSV files of any size are streamed",
    });
  }
  const bytes = await readFile(path);
  const unpacked = unpackedSize(bytes);
  if (unpacked > MAX_SPREADSHEET_UNPACKED) {
    throw fail({
      code: "FILE_TOO_LARGE",
      message: `unpacks to ${Math.round(unpacked / 2 ** 20)} MB: a spreadsheet is read whole, and at most ${MAX_SPREADSHEET_UNPACKED / 2 ** 20} MB is`,
      hint: "save it as CSV (UTF-8): CSV files of any size are streamed",
    });
  }
  if (kind === "binary") {
    throw fail({ code: "FILE_FORMAT", message: "neither a workbook (.xlsx, .xls) nor text: its first bytes are none this tool reads", hint: "open it in Excel or WPS and save it as .xlsx or CSV" });
  }
  // Texts are decoded here, by the rule CSV files are (SheetJS would read GBK bytes as Latin-1), and checked
  // for what they declare before SheetJS builds a sheet of it.
  let input: { data: string | Buffer; type: "string" | "buffer" };
  if (kind === "html" || kind === "xml" || kind === "sylk" || kind === "dif") {
    const decoded = decodeWhole(bytes);
    if (!decoded) {
      throw fail({ code: "FILE_ENCODING", message: `the file is ${kind.toUpperCase()} text, but neither UTF-8 nor GB18030`, hint: "open it in Excel or WPS and save it as .xlsx" });
    }
    if (kind === "sylk") checkSylk(decoded.text, fail);
    input = { data: decoded.text, type: "string" };
  } else {
    // BIFF5 and older store text in the workbook's code page (936 on Chinese Windows): SheetJS needs the
    // code-page tables to decode it, else it reads GBK bytes as Latin-1. They are loaded only here (470 KB).
    if (kind === "cfb" || kind === "biff") await loadCodePages();
    input = { data: bytes, type: "buffer" };
  }
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(input.data, { type: input.type, dense: true, cellDates: false, cellFormula: false, cellHTML: false });
  } catch (err) {
    throw fail({ code: "FILE_FORMAT", message: unreadable(kind, bytes, err) });
  }
  const name = workbook.SheetNames[0];
  const sheet = name ? workbook.Sheets[name] : undefined;
  if (!sheet || !sheet["!ref"]) {
    throw fail({ code: "FILE_EMPTY", message: "the first sheet is empty: no header row" });
  }
  const range = XLSX.utils.decode_range(sheet["!ref"]);
  // The range an .xlsx declares (its <dimension>) is trusted by SheetJS; when it is past the limits, the
  // cells really there decide (a writer may declare A1:XFD1048576 around two rows).
  if (range.e.c - range.s.c + 1 > MAX_COLUMNS || range.e.r - range.s.r + 1 > MAX_SHEET_ROWS || (range.e.c - range.s.c + 1) * (range.e.r - range.s.r + 1) > MAX_SHEET_CELLS) {
    const used = usedExtent(sheet);
    range.e.r = Math.min(range.e.r, used.rows - 1);
    range.e.c = Math.min(range.e.c, used.columns - 1);
    sheet["!ref"] = XLSX.utils.encode_range(range);
  }
  const firstRow = range.s.r;
  const width = range.e.c - range.s.c + 1;
  const height = range.e.r - range.s.r + 1;
  if (width > MAX_COLUMNS) {
    throw fail({ code: "TOO_MANY_COLUMNS", row: 1, message: `${width} columns; a file may have at most ${MAX_COLUMNS}` });
  }
  if (height > MAX_SHEET_ROWS || width * height > MAX_SHEET_CELLS) {
    throw fail({
      code: "FILE_TOO_LARGE",
      message: `the first sheet spans ${sheet["!ref"]}, ${height.toLocaleString("en-US")} rows × ${width.toLocaleString("en-US")} columns; a sheet may span at most ${MAX_SHEET_CELLS.toLocaleString("en-US")} cells`,
      hint: "delete the stray cells far below or right of the answers, or save the sheet as CSV",
    });
  }
  const slice = (from: number, to: number): unknown[][] => {
    try {
      return XLSX.utils.sheet_to_json<unknown[]>(sheet, {
        header: 1,
        raw: false,
        defval: "",
        blankrows: true,
        range: { s: { r: from, c: range.s.c }, e: { r: to, c: range.e.c } },
      });
    } catch (err) {
      throw fail({ code: "FILE_FORMAT", row: from + 1, message: `a cell of this row cannot be read (${(err as Error).message})` });
    }
  };
  const header = (slice(firstRow, firstRow)[0] ?? []).map(cellText);
  async function* rows(): AsyncGenerator<RawRow> {
    for (let from = firstRow + 1; from <= range.e.r; from += ROWS_PER_SLICE) {
      const to = Math.min(range.e.r, from + ROWS_PER_SLICE - 1);
      const grid = slice(from, to);
      // sheet_to_json gives every row of the range (blankrows), so the grid's i-th is row from + i, which
      // the sheet numbers from 1.
      for (let i = 0; i < grid.length; i++) yield { row: from + i + 1, cells: (grid[i] ?? []).map(cellText) };
    }
  }
  return { header, rows: rows() };
}

/** Rows and columns up to the last cell a dense sheet really holds. */
function usedExtent(sheet: XLSX.WorkSheet): { rows: number; columns: number } {
  const data = (sheet["!data"] ?? []) as (unknown[] | undefined)[];
  let rows = 0;
  let columns = 0;
  const see = (r: number) => {
    const row = data[r];
    if (!row || row.length === 0) return;
    rows = Math.max(rows, r + 1);
    columns = Math.max(columns, row.length);
  };
  // A row at 1,000,000,000 leaves the array sparse: its rows are enumerated, not counted up to (47 s).
  if (data.length > 4 * MAX_SHEET_ROWS) for (const key of Object.keys(data)) see(Number(key));
  else for (let r = 0; r < data.length; r++) see(r);
  return { rows, columns };
}

let codePages: Promise<void> | undefined;

/** Gives SheetJS its code-page tables, once. */
function loadCodePages(): Promise<void> {
  codePages ??= import("@e965/xlsx/dist/cpexcel.full.mjs").then((tables) => XLSX.set_cptable(tables));
  return codePages;
}

/**
 * Refuses a SYLK text whose cells lie beyond what a sheet may span: SheetJS allocates every row up to the
 * largest Y it meets before anything is checked (a file of 48 bytes naming Y1000000000 took 4 GB).
 * A cell record (`C;`/`F;`) names its row in a Y field and its column in an X field; a Y holds for the
 * records after it.
 */
function checkSylk(text: string, fail: (d: Omit<Diagnostic, "severity" | "file">) => SurveyError): void {
  let maxRow = 0;
  let maxCol = 0;
  let line = 0;
  for (const record of text.split(/\r?\n/)) {
    line++;
    if (!/^[CF];/.test(record)) continue;
    for (const field of record.split(";").slice(1)) {
      // The value (K) or an expression (E) ends the fields that place the cell; it may hold any text.
      if (field.startsWith("K") || field.startsWith("E")) break;
      const m = /^([XY])(\d+)$/.exec(field);
      if (!m) continue;
      const n = Number(m[2]);
      if (m[1] === "Y") maxRow = Math.max(maxRow, n);
      else maxCol = Math.max(maxCol, n);
      if (maxRow > MAX_SHEET_ROWS || maxCol > MAX_COLUMNS || maxRow * maxCol > MAX_SHEET_CELLS) {
        throw fail({
          code: "FILE_TOO_LARGE",
          line,
          message: `SYLK text (saved as a spreadsheet) naming a cell at row ${maxRow.toLocaleString("en-US")}, column ${maxCol.toLocaleString("en-US")}: a sheet may span at most ${MAX_SHEET_CELLS.toLocaleString("en-US")} cells`,
          hint: "open it in Excel or WPS and save it as .xlsx or CSV",
        });
      }
    }
  }
}

/** Why SheetJS could not read a file, in words: a damaged file's errors are TypeErrors from deep inside it. */
function unreadable(kind: FileKind, bytes: Buffer, err: unknown): string {
  const what = kind === "cfb" ? "an .xls workbook (OLE compound file)" : kind === "zip" ? "an .xlsx workbook (zip)" : kind === "biff" ? "an .xls workbook (BIFF)" : `${kind.toUpperCase()} text`;
  if (kind === "cfb" && bytes.length >= 512) {
    // A compound file is made of whole sectors (512 bytes, or 4,096 with sector shift 12) after its header.
    const sector = bytes.readUInt16LE(30) === 12 ? 4096 : 512;
    if ((bytes.length - sector) % sector !== 0) return `${what} cut short: ${bytes.length.toLocaleString("en-US")} bytes is not a whole number of its ${sector}-byte sectors`;
  }
  const plain = err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError) && err.message.length < 200;
  return plain ? `${what} that cannot be read: ${(err as Error).message}` : `${what} that is damaged or cut short: its structure cannot be read`;
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
