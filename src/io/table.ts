import { open, stat } from "node:fs/promises";
import { extname } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { SurveyError } from "../diagnostics/errors.js";
import { readCsv, sniffCsv, type Dialect } from "./csv.js";
import { byteOrderMark, detectEncoding, type Detected, type Encoding } from "./encoding.js";
import type { RawRow } from "./raw-row.js";
import { sniffKind, SNIFF_BYTES, type FileKind } from "./sniff.js";

export interface Table {
  file: string;
  format: "csv" | "xlsx" | "xls";
  encoding?: Encoding;
  /** Bytes of byte-order mark before the header (CSV). */
  bom?: number;
  /** The line ending and delimiter (CSV). */
  dialect?: Dialect;
  header: string[];
  /** Data rows after the header, streamed. */
  rows: AsyncIterable<RawRow>;
}

/** An input file: the path to read, and the name to show in messages (as the user typed it). */
export interface InputFile {
  path: string;
  name: string;
}

export interface OpenOptions {
  encoding?: "auto" | "utf-8" | "gb18030";
  /** The encoding, already known from the file's start (`settledByHead`): the whole file is not read to detect it. */
  detected?: Detected;
  /** Only the header will be read: the file is read in small pieces, so that little more is parsed. */
  headerOnly?: boolean;
  onDiagnostic: (d: Diagnostic) => void;
  /** Told the bytes read as the file is read (a spreadsheet, read whole, all at once). */
  onBytes?: (bytes: number) => void;
}

const SPREADSHEET = new Set([".xlsx", ".xlsm", ".xls", ".et"]);

/**
 * Opens an answer file of any supported kind. CSV/TSV are streamed; .xlsx/.xls are read whole (an .xls
 * holds at most 65,536 rows; .xlsx files are read in memory, see the README's limits).
 */
export async function openTable(input: InputFile, opts: OpenOptions): Promise<Table> {
  const file = input.name;
  const path = input.path;
  const info = await stat(path).catch(() => undefined);
  if (!info || !info.isFile()) {
    throw new SurveyError([{ code: "FILE_NOT_FOUND", severity: "error", file, message: "no such file", hint: "check the path, or quote globs" }]);
  }
  const ext = extname(path).toLowerCase();
  // What the bytes are decides the reader, not the name: a CSV saved as .xls is read as CSV (with its
  // encoding detected), and a workbook saved as .csv as a workbook. A name says spreadsheet, so HTML and
  // SYLK texts go to the spreadsheet reader only under such a name.
  const head = await readHead(path);
  const kind = sniffKind(head);
  const workbook = kind === "cfb" || kind === "zip" || kind === "biff";
  if (workbook || (SPREADSHEET.has(ext) && kind !== "text")) {
    const sheet = await readSpreadsheet(path, file, kind);
    opts.onBytes?.(info.size);
    if (!sheet.header.some((h) => h.trim() !== "")) throw blankHeader(file);
    return { file, format: ext === ".xls" || ext === ".et" ? "xls" : "xlsx", header: sheet.header, rows: sheet.rows };
  }

  let encoding: Encoding;
  let bom = 0;
  const declared = opts.encoding && opts.encoding !== "auto" ? opts.encoding : undefined;
  const mark = byteOrderMark(head);
  const detected = declared ? undefined : (opts.detected ?? (await detectEncoding(path)));
  if (declared) {
    // A byte-order mark is the file's own word, written by the program that saved it; data.encoding is
    // the definition's word about all its files. The mark wins, and the difference is said.
    encoding = mark?.encoding ?? declared;
    bom = mark?.bom ?? 0;
    if (mark && mark.encoding !== declared) {
      opts.onDiagnostic({
        code: "FILE_ENCODING_BOM",
        severity: "warning",
        file,
        message: `read as ${mark.encoding.toUpperCase()}, as the byte-order mark the file starts with says, not as ${declared.toUpperCase()} (data.encoding)`,
        hint: "set data.encoding: auto, which reads each file by its own mark",
      });
    }
  } else if (!detected) {
    const at = await firstNonUtf8(path, file);
    throw new SurveyError([
      {
        code: "FILE_ENCODING",
        severity: "error",
        file,
        row: at?.row,
        message: `the file is neither UTF-8 nor GB18030 text${at ? ` (${at.what} is the first that is not UTF-8)` : ""}`,
        hint: "save it from Excel as “CSV UTF-8”, or export .xlsx",
      },
    ]);
  } else {
    encoding = detected.encoding;
    bom = detected.bom;
    if (detected.ambiguous) {
      opts.onDiagnostic({
        code: "FILE_ENCODING_GUESS",
        severity: "warning",
        file,
        message: "read as UTF-8, but the file has so few Chinese characters that GB18030 is possible too",
        hint: "set data.encoding in survey.yaml if the text looks wrong",
      });
    }
  }

  const dialect = await sniffCsv(path, encoding, bom);
  const rows = readCsv(path, {
    encoding,
    bom,
    dialect,
    onProblem: (p) => opts.onDiagnostic({ code: p.code ?? "CSV_PARSE", severity: "error", file, row: p.row, message: p.message }),
    file,
    chunkBytes: opts.headerOnly ? 64 << 10 : undefined,
    onBytes: opts.onBytes,
  });
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) {
    throw new SurveyError([{ code: "FILE_EMPTY", severity: "error", file, message: "the file is empty: no header row" }]);
  }
  if (!first.value.cells.some((h) => h.trim() !== "")) {
    await iterator.return?.(undefined);
    throw blankHeader(file);
  }
  return {
    file,
    format: "csv",
    encoding,
    bom,
    dialect,
    header: first.value.cells,
    rows: { [Symbol.asyncIterator]: () => iterator },
  };
}

/** SheetJS is loaded only for spreadsheets: a CSV run (and every worker thread of one) is spared its start-up. */
async function readSpreadsheet(path: string, file: string, kind: FileKind) {
  const { readSpreadsheet: read } = await import("./spreadsheet.js");
  return read(path, file, kind);
}

/**
 * The row and byte where a file that is neither UTF-8 nor GB18030 stops being UTF-8, as readCsv reading
 * it as UTF-8 finds them (only on the way to an error: it reads the file up to there).
 */
async function firstNonUtf8(path: string, file: string): Promise<{ row?: number; what: string } | undefined> {
  try {
    const dialect = await sniffCsv(path, "utf-8", 0);
    for await (const _ of readCsv(path, { encoding: "utf-8", bom: 0, dialect, file, onProblem: () => {} }));
  } catch (err) {
    const d = err instanceof SurveyError ? err.diagnostics[0] : undefined;
    const what = d?.code === "FILE_ENCODING" ? /^(byte 0x[0-9A-F]{2} at offset [\d,]+)/.exec(d.message)?.[1] : undefined;
    if (what) return { row: d!.row, what };
  }
  return undefined;
}

/** The first bytes of a file, enough for `sniffKind`. */
async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * A first row with nothing in it: an empty workbook as Excel saves it (one blank cell A1) or a CSV of
 * blank lines. Said as such, rather than as every question missing from the header.
 */
function blankHeader(file: string): SurveyError {
  return new SurveyError([
    { code: "FILE_EMPTY", severity: "error", file, row: 1, message: "the first row, which must be the header (the question texts), is blank" },
  ]);
}
