import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import Papa from "papaparse";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import { SurveyError } from "../diagnostics/errors.js";
import { firstInvalid, lastCharStart, type Encoding } from "./encoding.js";
import { MAX_COLUMNS, MAX_QUEUED_CHARS, MAX_ROW_CHARS, RecordGuard } from "./limits.js";
import type { RawRow } from "./raw-row.js";

/**
 * Rows waiting to be consumed before reading is paused: keeps memory flat on any file size. The file stream
 * is paused, not the parser: papaparse's pause/resume copies (and, without quotes, re-splits) the rest of
 * its 1 MiB chunk each time, which made a file of many short rows quadratic (400,000 empty lines: 4 s,
 * and a 2 GB file of them hours). At most the chunk being parsed is read past the mark.
 */
const HIGH_WATER = 512;

export interface CsvProblem {
  row: number;
  message: string;
  /** CSV_PARSE unless given. */
  code?: DiagnosticCode;
}

export interface CsvOptions {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
  onProblem: (p: CsvProblem) => void;
  /** The name shown in messages (the path by default). */
  file?: string;
  /** The line ending and delimiter, when the caller sniffed them already (`sniffCsv`). */
  dialect?: Dialect;
  /** Bytes read at a time: less when only the header is wanted (the fast path's look at a big file). */
  chunkBytes?: number;
  /** Told the bytes of each chunk read (for a progress line). */
  onBytes?: (bytes: number) => void;
}

export interface Dialect {
  newline: "\r\n" | "\n" | "\r";
  delimiter: string;
}

/**
 * Streams the records of a delimited text file as arrays of strings, decoding as it reads. The row number
 * of each record is the one a spreadsheet shows (a record spanning several lines is one row). The
 * delimiter (comma, tab, semicolon) and the line ending are detected from the start of the file, since
 * papaparse guesses the line ending from its first chunk only.
 */
export async function* readCsv(path: string, opts: CsvOptions): AsyncGenerator<RawRow> {
  const { encoding, bom, onProblem, file = path, chunkBytes = 1 << 20 } = opts;
  const { newline, delimiter } = opts.dialect ?? (await sniffCsv(path, encoding, bom));

  // Strict: a byte that is not the file's encoding is an error at its row, wherever it is. (A byte-order
  // mark or data.encoding is trusted without reading the whole file first, so this is where it is checked.)
  const decoder = new TextDecoder(encoding, { fatal: true });
  // The guard stops a record that grows past MAX_ROW_CHARS (a never-closed quote) before the parser holds it.
  // In a CRLF file it follows records at LF and finds the bare LFs outside quotes that an editor left among
  // the CRLF lines: each gets its CR, so that it ends its record, as in Excel, instead of joining two.
  const crlf = newline === "\r\n";
  const guard = new RecordGuard(delimiter, crlf ? "\n" : newline, crlf);
  // Where the bytes not yet decoded start in the file, and the end of the chunk before (from a character's
  // start): enough to locate a byte that is not the encoding.
  let offset = bom;
  let before: Buffer = Buffer.alloc(0);
  const notEncoding = (chunk: Buffer) => {
    const region = Buffer.concat([before, chunk]);
    const found = firstInvalid(region, encoding) ?? { at: region.length, before: new TextDecoder(encoding).decode(region, { stream: true }) };
    guard.feed(found.before.slice(new TextDecoder(encoding).decode(before, { stream: true }).length));
    const at = offset - before.length + found.at;
    const byte = region[found.at];
    return new SurveyError([
      {
        code: "FILE_ENCODING",
        severity: "error",
        file,
        row: guard.records + 1,
        message: `${byte === undefined ? "the file ends inside a character" : `byte 0x${byte.toString(16).padStart(2, "0").toUpperCase()} at offset ${at.toLocaleString("en-US")}`}: not ${encodingName(encoding)}, ${bom > 0 ? "which the file's byte-order mark says it is" : "the encoding the file was read in"}`,
        hint: "save the file again from Excel as “CSV UTF-8”: a file must be in one encoding throughout",
      },
    ]);
  };
  const tooLong = () =>
    new SurveyError([
      {
        code: "ROW_TOO_LONG",
        severity: "error",
        file,
        row: guard.records + 1,
        message: `the row is longer than ${MAX_ROW_CHARS.toLocaleString("en-US")} characters, so the file is not read further`,
        hint: "a quote that is never closed makes the rest of the file one cell: check the quotes of this row",
      },
    ]);
  opts.onBytes?.(bom);
  const source = createReadStream(path, { start: bom, highWaterMark: chunkBytes });
  const decoded = source.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        opts.onBytes?.(chunk.length);
        let text: string;
        try {
          text = decoder.decode(chunk, { stream: true });
        } catch {
          done(notEncoding(chunk));
          return;
        }
        const cut = lastCharStart(chunk, encoding);
        // A chunk that does not show where its last character starts is kept with the one before (up to
        // 64 KiB: a longer run of Chinese text without a comma or line break is located less exactly).
        before = cut >= 0 ? chunk.subarray(cut) : Buffer.concat([before, chunk]).subarray(-(64 << 10));
        offset += chunk.length;
        const length = guard.feed(text);
        done(length > MAX_ROW_CHARS ? tooLong() : null, guard.withCarriageReturns(text));
      },
      flush(done) {
        let text: string;
        try {
          text = decoder.decode();
        } catch {
          done(notEncoding(Buffer.alloc(0)));
          return;
        }
        const length = guard.feed(text, true);
        done(length > MAX_ROW_CHARS ? tooLong() : null, guard.withCarriageReturns(text));
      },
    }),
  );

  const queue: RawRow[] = [];
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let parser: Papa.Parser | undefined;
  let paused = false;
  let index = 0;
  let queuedChars = 0;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  Papa.parse<string[]>(decoded as unknown as NodeJS.ReadableStream, {
    delimiter,
    newline: newline as Papa.ParseConfig["newline"],
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    step(result, p) {
      parser = p;
      if (failure) return;
      index++;
      const row = index;
      for (const e of result.errors) onProblem({ row, message: csvMessage(e) });
      let cells = result.data;
      if (cells.length > MAX_COLUMNS) {
        const message = `${cells.length.toLocaleString("en-US")} cells; a file may have at most ${MAX_COLUMNS.toLocaleString("en-US")} columns`;
        if (row === 1) {
          fail(new SurveyError([{ code: "TOO_MANY_COLUMNS", severity: "error", file, row, message, hint: "is the delimiter right? a file of answers has one column per question" }]));
          p.abort();
          return;
        }
        onProblem({ row, code: "TOO_MANY_COLUMNS", message: `${message}: the cells after that are ignored` });
        cells = cells.slice(0, MAX_COLUMNS);
      }
      queue.push({ row, cells });
      // Rows are counted and so are their characters: 512 rows of 10 MB cells must not be held at once.
      for (const c of cells) queuedChars += c.length;
      if ((queue.length >= HIGH_WATER || queuedChars >= MAX_QUEUED_CHARS) && !paused) {
        paused = true;
        decoded.pause();
      }
      notify();
    },
    complete() {
      finished = true;
      notify();
    },
    error(err: Error) {
      fail(err);
    },
  });
  decoded.on("error", (err) => {
    fail(err);
    parser?.abort();
  });
  function fail(err: Error): void {
    failure ??= err;
    finished = true;
    source.destroy();
    notify();
  }

  try {
    yield* drain();
  } finally {
    // A reader that stops early (the fast path reads only the header) must not leave the file open.
    source.destroy();
  }

  async function* drain(): AsyncGenerator<RawRow> {
    for (;;) {
      if (queue.length) {
        const batch = queue.splice(0, queue.length);
        queuedChars = 0;
        if (paused) {
          paused = false;
          decoded.resume();
        }
        for (const r of batch) yield r;
        continue;
      }
      if (failure) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
}

/** The line ending and the delimiter of a delimited text file, from its first 64 KiB. */
export async function sniffCsv(path: string, encoding: Encoding, bom: number): Promise<Dialect> {
  const sample = await readSample(path, encoding, bom);
  const newline = detectNewline(sample);
  return { newline, delimiter: detectDelimiter(sample, newline) };
}

function encodingName(encoding: Encoding): string {
  return encoding === "gb18030" ? "GB18030" : encoding.toUpperCase();
}

function csvMessage(e: Papa.ParseError): string {
  if (e.code === "MissingQuotes") return "a quoted cell is never closed: the rest of the file was read as one cell";
  if (e.code === "InvalidQuotes") return "a quote inside an unquoted cell";
  return e.message;
}

async function readSample(path: string, encoding: Encoding, bom: number): Promise<string> {
  const stream = createReadStream(path, { start: bom, end: bom + 64 * 1024 - 1 });
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return new TextDecoder(encoding).decode(Buffer.concat(parts));
}

/** The line ending of the first record end outside quotes (a cell may hold other line breaks). */
export function detectNewline(sample: string): "\r\n" | "\n" | "\r" {
  let quoted = false;
  for (let i = 0; i < sample.length; i++) {
    const ch = sample[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "\n") return "\n";
    else if (!quoted && ch === "\r") return sample[i + 1] === "\n" ? "\r\n" : i + 1 < sample.length ? "\r" : "\r\n";
  }
  return "\n";
}

/** The delimiter that splits the first lines into the same number of cells (>1), preferring tab. */
export function detectDelimiter(sample: string, newline: string): string {
  const lines = sample.split(newline).slice(0, 10).filter((l) => l.length > 0);
  let best = ",";
  let bestScore = 0;
  for (const d of ["\t", ",", ";", "|"]) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const consistent = counts.filter((c) => c === header).length;
    const score = consistent * 1000 + header;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, d: string): number {
  let inQuotes = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === d && !inQuotes) n++;
  }
  return n;
}
