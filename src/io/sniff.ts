/**
 * What a file really is, from its first bytes rather than its name. A file named .xls may be a real BIFF
 * workbook, a zip (.xlsx renamed), an HTML table or a SYLK/DIF text (older web exports, 问卷星's among
 * them), or plain CSV/TSV text that someone saved with the wrong name; each needs a different reader, and
 * handing text to the spreadsheet reader lets it trust what the text declares (a 48-byte SYLK file that
 * names cell Y1000000000 makes it allocate a billion rows).
 */

export type FileKind =
  /** An OLE2 compound file: .xls (BIFF5/BIFF8) or WPS .et. */
  | "cfb"
  /** A zip: .xlsx, .xlsm, .ods. */
  | "zip"
  /** A bare BIFF2–5 stream, as Excel 2–5 and some exporters write it (no compound-file wrapper). */
  | "biff"
  /** An HTML page holding a table (web exports saved as .xls). */
  | "html"
  /** XML: SpreadsheetML 2003 or a flat OpenDocument. */
  | "xml"
  /** SYLK text (`ID;P…` first). */
  | "sylk"
  /** DIF text (`TABLE` first). */
  | "dif"
  /** Text that is none of these: CSV or TSV. */
  | "text"
  /** Bytes that are not text and not a workbook this tool reads. */
  | "binary";

/** Bytes of a file's start enough to tell its kind. */
export const SNIFF_BYTES = 4096;

const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** The kind of a file from its first bytes (up to SNIFF_BYTES; fewer for a short file). */
export function sniffKind(head: Uint8Array): FileKind {
  if (CFB.every((b, i) => head[i] === b)) return "cfb";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "zip";
  // A BIFF BOF record: type 0x0009 (BIFF2), 0x0209 (BIFF3), 0x0409 (BIFF4) or 0x0809 (BIFF5/8), then a
  // small length.
  if (head[0] === 0x09 && [0x00, 0x02, 0x04, 0x08].includes(head[1]!) && head[3] === 0 && head[2]! > 0 && head[2]! <= 20) return "biff";
  const text = headText(head);
  if (text === undefined) return "binary";
  const start = text.replace(/^[\s\ufeff]+/, "");
  if (/^ID;P/.test(start)) return "sylk";
  if (/^TABLE\r?\n0,1\r?\n/.test(start)) return "dif";
  if (start.startsWith("<")) {
    if (/^<\?xml/i.test(start) && !/<html|<table/i.test(start)) return "xml";
    if (/^<(!doctype\s+html|html|head|body|meta|table|!--|style|\?xml)/i.test(start) || /<table[\s>]/i.test(start)) return "html";
  }
  return "text";
}

/**
 * The start of a file as text, or undefined when it is not text: more control characters (NUL among them)
 * than a damaged CSV holds. UTF-16 (with its byte-order mark) is decoded; other bytes are read as Latin-1,
 * enough to see the ASCII that every sniffed format starts with.
 */
function headText(head: Uint8Array): string | undefined {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return new TextDecoder(head[0] === 0xff ? "utf-16le" : "utf-16be").decode(head.subarray(2, head.length - (head.length % 2)));
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  let controls = 0;
  for (const b of head) {
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1a && b !== 0x1b)) controls++;
  }
  // A few stray control characters are a damaged CSV, still text; many are a binary file.
  if (controls > Math.max(4, head.length / 64)) return undefined;
  return Buffer.from(head).toString("latin1");
}
