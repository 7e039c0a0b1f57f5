import { cellText, type CsvRecord } from "../io/fast-csv.js";
import { MAX_CELL_CHARS } from "../io/limits.js";
import { parseDuration } from "./cells.js";

/**
 * The rules of a row's cells that every reader of answer rows follows — the general reader (read.ts), the
 * byte reader of big files (fast-read.ts) and --each's grouping of rows (pipeline/index.ts). Each rule
 * is stated once, on text; where the byte reader needs a form on bytes, that form is computed from the
 * rule here (a table built by calling it) and lives beside it, never restated.
 *
 * What a cell means as an answer (trimming, blank and skip markers such as `(空)`, options, numbers) is
 * cells.ts' `readAnswer`, which every reader calls on the decoded cell.
 */

/** A blank cell: nothing but whitespace as String.prototype.trim removes it (an ideographic space too). */
export function isBlankCell(text: string): boolean {
  return text.trim() === "";
}

/** A row with nothing but blank cells: not a questionnaire (not counted as returned). */
export function isBlankRow(cells: readonly string[]): boolean {
  for (const c of cells) if (c !== "" && !isBlankCell(c)) return false;
  return true;
}

/**
 * A blank row worth a warning (ROW_EMPTY): a trailing line break makes one empty record, of one empty
 * cell, at the end of most CSVs, which is not.
 */
export function blankRowIsReported(width: number): boolean {
  return width > 1;
}

/** Per ASCII byte, whether its character alone is a blank cell: isBlankCell, as a table for bytes. */
const ASCII_BLANK = Uint8Array.from({ length: 0x80 }, (_, c) => (isBlankCell(String.fromCharCode(c)) ? 1 : 0));

/**
 * isBlankRow of a scanned record, on its bytes. In UTF-8 an ASCII byte is its own character, so one that
 * ASCII_BLANK says is not blank settles it at once; a cell with other bytes (an ideographic space?) is
 * decoded and judged by isBlankCell. A file in another encoding (GB18030 puts ASCII-range bytes inside
 * its characters) has every cell decoded.
 */
export function isBlankRecord(r: CsvRecord): boolean {
  const b = r.buf;
  for (let i = 0; i < r.fields; i++) {
    const end = r.ends[i]!;
    let decode = r.decoder !== undefined;
    for (let k = r.starts[i]!; k < end && !decode; k++) {
      const c = b[k]!;
      if (c >= 0x80) decode = true;
      else if (ASCII_BLANK[c] === 0) return false;
    }
    if (decode && !isBlankCell(cellText(r, i))) return false;
  }
  return true;
}

/** A cell longer than this many characters is read as blank (CELL_TOO_LONG). */
export function cellIsTooLong(chars: number): boolean {
  return chars > MAX_CELL_CHARS;
}

/**
 * Whether a cell of this many UTF-8 bytes may be too long: a character takes at least as many bytes as
 * UTF-16 units (1, 2 or 3 bytes for one unit, 4 for two), so a cell of fewer bytes than the limit is not.
 */
export function cellBytesMayBeTooLong(bytes: number): boolean {
  return cellIsTooLong(bytes);
}

/**
 * The cells as they are read: a cell too long (cellIsTooLong) is blank, so that no statistic, keyword count
 * or appendix carries megabytes from one cell. `tooLong` is told of each. Returns `cells` itself when no
 * cell is too long, else a copy: the caller's cells are left as they were.
 */
export function cellsAsRead(cells: readonly string[], tooLong?: (index: number, chars: number) => void): readonly string[] {
  let read: string[] | undefined;
  for (let i = 0; i < cells.length; i++) {
    if (!cellIsTooLong(cells[i]!.length)) continue;
    tooLong?.(i, cells[i]!.length);
    read ??= cells.slice();
    read[i] = "";
  }
  return read ?? cells;
}

/** A metadata cell's value (the id, the source column): trimmed, undefined when blank. */
export function metadataValue(text: string): string | undefined {
  return text.trim() || undefined;
}

/** The duration column's cell: its seconds, and whether it is not blank yet not a duration (BAD_DURATION). */
export function readDuration(text: string): { seconds: number | undefined; bad: boolean } {
  const seconds = parseDuration(text);
  return { seconds, bad: seconds === undefined && !isBlankCell(text) };
}
