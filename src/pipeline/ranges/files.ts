import { open, stat, type FileHandle } from "node:fs/promises";
import { mapColumns } from "../../answers/columns.js";
import { append } from "../../arrays.js";
import type { Survey } from "../../definition/model.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { settledByHead } from "../../io/encoding.js";
import { CsvScanner, cellText, type CsvRecord, type ScannerOptions } from "../../io/fast-csv.js";
import { MAX_COLUMNS, MAX_ROW_CHARS } from "../../io/limits.js";
import { openTable, type InputFile } from "../../io/table.js";
import type { FileSpec, TaskSpec } from "./task.js";

/**
 * What the fast path needs of a file, or undefined when the file is not a plain UTF-8 CSV it reads. Problems
 * of the file go to `diagnostics`, then those of its header to `headerProblems` (by default the same list).
 */
export async function inspect(survey: Survey, file: InputFile, diagnostics: Diagnostic[], headerProblems: Diagnostic[] = diagnostics): Promise<FileSpec | undefined> {
  // Detecting the encoding reads the whole file; when its start settles it, the ranges check the rest.
  const size = (await stat(file.path)).size;
  const start = await readAt(file.path, 0, Math.min(size, 4 << 20));
  const settled = survey.data.encoding === "auto" ? settledByHead(start) : undefined;
  const table = await openTable(file, { encoding: survey.data.encoding, detected: settled, headerOnly: true, onDiagnostic: (d) => diagnostics.push(d) });
  await table.rows[Symbol.asyncIterator]().return?.();
  // GB18030 (Excel's CSV on Chinese Windows) only as detected over the whole file: a file merely declared
  // GB18030 may hold bytes the general reader's streaming decoder would read differently.
  const encoding = table.encoding;
  if (table.format !== "csv" || !(encoding === "utf-8" || (encoding === "gb18030" && survey.data.encoding === "auto"))) return undefined;
  const bom = table.bom ?? 0;
  const { newline, delimiter } = table.dialect!;
  if (newline === "\r" || delimiter.length !== 1 || delimiter.charCodeAt(0) >= 0x80 || (encoding === "gb18030" && delimiter === "|")) return undefined;
  const scanner: ScannerOptions = { delimiter: delimiter.charCodeAt(0), newline, maxFields: MAX_COLUMNS, maxRecordBytes: MAX_ROW_CHARS, encoding };

  // The header as the scanner reads it must be the general reader's, and the data starts after it.
  const head = start.subarray(bom);
  const s = new CsvScanner(scanner, bom);
  let header: string[] | undefined;
  let dataStart: number | undefined;
  const onRecord = (r: CsvRecord) => {
    if (header) {
      dataStart = r.offset;
      return true;
    }
    header = Array.from({ length: r.fields }, (_, i) => cellText(r, i));
  };
  const whole = bom + head.length >= size;
  if (s.push(head, onRecord) && whole) s.end(onRecord);
  // A file of a header alone: its data starts (and ends) at its end.
  if (header && dataStart === undefined && whole && !s.bailed) dataStart = size;
  if (!header || dataStart === undefined || header.length !== table.header.length || header.some((h, i) => h !== table.header[i])) return undefined;

  const problems: Diagnostic[] = [];
  mapColumns(survey, table.header, file.name, problems);
  append(headerProblems, problems);
  return { file, header, scanner, dataStart, size, checkUtf8: encoding === "utf-8" && (bom > 0 || settled !== undefined || survey.data.encoding !== "auto") };
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buf = Buffer.alloc(Math.max(0, length));
    const { bytesRead } = await handle.read(buf, 0, buf.length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Cuts each file into ranges of about `rangeBytes`. A cut is put at the start of a line that reads as
 * the start of a record — the next few records scan cleanly with as many cells as the header — so a cut
 * never lands inside a quoted cell that holds line breaks; `RangeChain` checks it against where the
 * range before really ended.
 */
export async function cutRanges(specs: FileSpec[], rangeBytes: number, finerTail = 0): Promise<Omit<TaskSpec, "mode">[]> {
  const tasks: Omit<TaskSpec, "mode">[] = [];
  for (let f = 0; f < specs.length; f++) {
    const spec = specs[f]!;
    const length = spec.size - spec.dataStart;
    const starts = [spec.dataStart];
    // The probes read at once, through one handle (30 one after another took 25 ms of a run's start; a
    // handle each would open hundreds of files at once on a file of some gigabytes).
    const cuts = nominalCuts(length, rangeBytes, f === specs.length - 1 ? finerTail : 0);
    const handle = cuts.length ? await open(spec.file.path, "r") : undefined;
    try {
      for (const start of await Promise.all(cuts.map((cut) => recordStartAfter(spec, handle!, spec.dataStart + cut)))) {
        if (start !== undefined && start > starts[starts.length - 1]! && start < spec.size) starts.push(start);
      }
    } finally {
      await handle?.close();
    }
    starts.forEach((start, k) => tasks.push({ index: tasks.length, fileIndex: f, start, end: starts[k + 1] ?? Number.POSITIVE_INFINITY }));
  }
  return tasks;
}

/** Ranges of the finer tail are this many times smaller. */
const FINER = 4;

/**
 * Where to cut `length` bytes (offsets from the first data byte): about every `rangeBytes`, and the last
 * `finerTail` bytes (of the last file) in ranges FINER times smaller, so that the threads, which take
 * ranges as they finish them, finish their last ones at nearly the same time.
 */
export function nominalCuts(length: number, rangeBytes: number, finerTail: number): number[] {
  if (!Number.isFinite(rangeBytes) || length <= 0) return [];
  const pieces = Math.max(1, Math.round(length / rangeBytes));
  const size = length / pieces;
  const coarse = Math.max(0, pieces - Math.round(Math.min(finerTail, length) / size));
  const cuts: number[] = [];
  for (let k = 1; k <= coarse && k < pieces; k++) cuts.push(Math.floor(k * size));
  const from = coarse * size;
  const fine = (pieces - coarse) * FINER;
  for (let j = 1; j < fine; j++) cuts.push(Math.floor(from + (j * (length - from)) / fine));
  return cuts;
}

const PROBE_BYTES = 256 << 10;
const PROBE_RECORDS = 4;

/** A first look: a few records of most files, before a look at PROBE_BYTES. */
const GLANCE_BYTES = 16 << 10;

async function recordStartAfter(spec: FileSpec, handle: FileHandle, nominal: number): Promise<number | undefined> {
  return (await recordStartIn(spec, handle, nominal, GLANCE_BYTES)) ?? (await recordStartIn(spec, handle, nominal, PROBE_BYTES));
}

async function recordStartIn(spec: FileSpec, handle: FileHandle, nominal: number, bytes: number): Promise<number | undefined> {
  const buf = Buffer.alloc(bytes);
  const window = buf.subarray(0, (await handle.read(buf, 0, bytes, nominal)).bytesRead);
  const lf = spec.scanner.newline === "\r\n";
  for (let at = window.indexOf(0x0a); at >= 0 && at < window.length - 1; at = window.indexOf(0x0a, at + 1)) {
    if (lf && window[at - 1] !== 0x0d) continue;
    const candidate = at + 1;
    const s = new CsvScanner(spec.scanner, nominal + candidate);
    let good = 0;
    let bad = false;
    s.push(window.subarray(candidate), (r) => {
      if (r.fields !== spec.header.length) bad = true;
      else good++;
      return bad || good >= PROBE_RECORDS;
    });
    if (!bad && !s.bailed && good >= PROBE_RECORDS) return nominal + candidate;
  }
  return undefined;
}

