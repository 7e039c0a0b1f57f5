/**
 * Answer files whose name or content lies: spreadsheets that are something else, workbooks in a code page,
 * texts that declare more than they hold. Generated small, so tests and fuzzers build them in memory.
 */
import iconv from "iconv-lite";
import * as XLSX from "@e965/xlsx";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";

/** A SYLK text (what Excel reads as a workbook) naming one cell at row `y`, column `x`: 4 lines, any range. */
export function sylk(y: number, x: number): string {
  return `ID;PWXL;N;E\nC;Y1;X1;K"a"\nC;Y${y};X${x};K"b"\nE\n`;
}

/**
 * A BIFF5 workbook (Excel 5/95, an .xls) in code page 936 with these rows, its text in GBK bytes, as
 * Chinese Windows wrote them. SheetJS writes BIFF5 only in code page 1252, so each text is written as `#`s
 * as many as the bytes of its GBK form; then each cell's LABEL record (found by its row and column) gets
 * the GBK bytes, and the CODEPAGE record 936.
 */
export function biff5Gbk(rows: (string | number)[][]): Buffer {
  const gbk = rows.map((r) => r.map((c) => (typeof c === "number" ? undefined : iconv.encode(c, "gbk"))));
  const placeheld = rows.map((r, i) => r.map((c, j) => (typeof c === "number" ? c : "#".repeat(gbk[i]![j]!.length))));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(placeheld), "Sheet1");
  const bytes = Buffer.from(XLSX.write(book, { bookType: "biff5", type: "buffer" }) as Uint8Array);
  // LABEL records: type 0x0204, length, row, column, format (2 bytes), text length, text.
  const labels = new Map<string, number>();
  for (let at = bytes.indexOf(0x04); at >= 0 && at + 12 <= bytes.length; at = bytes.indexOf(0x04, at + 1)) {
    if (bytes[at + 1] !== 0x02) continue;
    const key = `${bytes.readUInt16LE(at + 4)},${bytes.readUInt16LE(at + 6)}`;
    if (!labels.has(key) && bytes.readUInt16LE(at + 2) === 8 + bytes.readUInt16LE(at + 10)) labels.set(key, at);
  }
  rows.forEach((r, i) =>
    r.forEach((_, j) => {
      const text = gbk[i]![j];
      if (!text || text.length === 0) return;
      const at = labels.get(`${i},${j}`);
      if (at === undefined || bytes.readUInt16LE(at + 10) !== text.length) throw new Error(`no LABEL record for row ${i}, column ${j}`);
      text.copy(bytes, at + 12);
    }),
  );
  // The CODEPAGE record (0x0042, length 2): 1252 → 936.
  const record = bytes.indexOf(Buffer.from([0x42, 0x00, 0x02, 0x00, 0xe4, 0x04]));
  if (record < 0) throw new Error("no CODEPAGE record");
  bytes.writeUInt16LE(936, record + 4);
  return bytes;
}

/** An HTML table, as web exports save it under an .xls name, in GBK with a matching meta charset. */
export function htmlGbk(rows: (string | number)[][]): Buffer {
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return iconv.encode(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><table>\n${body}\n</table></body></html>\n`, "gbk");
}

/** A CSV in GBK, as Excel on Chinese Windows saves it. */
export function csvGbk(rows: (string | number)[][]): Buffer {
  return iconv.encode(`${rows.map((r) => r.join(",")).join("\r\n")}\r\n`, "gbk");
}

/** A workbook of these rows as SheetJS writes it (`xlsx` or legacy `biff8`). */
export function workbook(rows: (string | number)[][], bookType: "xlsx" | "biff8"): Buffer {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), "Sheet1");
  return Buffer.from(XLSX.write(book, { bookType, type: "buffer" }) as Uint8Array);
}

/**
 * An .xlsx of these rows plus one more cell at `ref` (such as XFD1048576): a few hundred bytes whose used
 * range is any size. SheetJS's writer fills the range, so the cell is put into the sheet's XML after.
 */
export function xlsxWithFarCell(rows: (string | number)[][], ref: string): Buffer {
  const files = unzipSync(workbook(rows, "xlsx"));
  const name = Object.keys(files).find((f) => /^xl\/worksheets\/sheet1\.xml$/.test(f))!;
  const row = XLSX.utils.decode_cell(ref).r + 1;
  const xml = strFromU8(files[name]!)
    .replace(/<dimension ref="[^"]*"\/>/, `<dimension ref="A1:${ref}"/>`)
    .replace("</sheetData>", `<row r="${row}"><c r="${ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>`);
  files[name] = strToU8(xml);
  return Buffer.from(zipSync(files));
}
