import { availableParallelism } from "node:os";
import { open, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { mapColumns } from "../answers/columns.js";
import type { Survey } from "../definition/model.js";
import type { Diagnostic } from "../diagnostics.js";
import { DiagnosticSink } from "../diagnostics-sink.js";
import { sniffCsv } from "../io/csv.js";
import { settledByHead } from "../io/encoding.js";
import { CsvScanner, cellText, type CsvRecord, type ScannerOptions } from "../io/fast-csv.js";
import { MAX_COLUMNS, MAX_ROW_CHARS } from "../io/limits.js";
import { openTable, type InputFile } from "../io/table.js";
import type { ScanSummary } from "../validate/scan.js";
import { DurationMedian, Screener } from "../validate/screen.js";
import { buildPlan, type Plan } from "../tally/plan.js";
import { emptyState, mergeInto, stateFromJson, type TallyState } from "../tally/state.js";
import { TaskRunner, type FileSpec, type TaskResult, type TaskSpec } from "./task.js";
import type { FilesMessage, WorkerInit } from "./worker.js";

export interface FastOptions {
  by?: string;
  issued?: number;
  /** Threads to read with, the main one included (default: the cores, at most 4). */
  threads?: number;
  /** Below this many bytes of answers, one thread reads (worker threads take a moment to start). */
  parallelFrom?: number;
  /** Bytes per range handed to a thread. */
  rangeBytes?: number;
  /** Told why the fast path stepped aside (tests, SURVEY_TRACE). */
  onStepAside?: (why: string) => void;
}

const PARALLEL_FROM = 32 << 20;
const RANGE_BYTES = 16 << 20;
const MAX_THREADS = 4;

/**
 * The tally of big CSV files, read as bytes and in parallel: each file is cut into ranges at record
 * starts, threads read and count the ranges, and the main thread adds their counts up in reading order
 * (row numbers, examples of problems and open answers come out as one reader would give them).
 * Returns undefined when the data is not for this path — spreadsheets, GB18030, speeders to be left
 * out (the median must be known first), odd CSV, an id repeated across ranges — and the caller then reads
 * it the general way; `readCsv` and papaparse remain the reference for what every file means.
 */
export async function tallyFast(survey: Survey, files: InputFile[], plan: Plan, opts: FastOptions = {}): Promise<{ state: TallyState; summary: ScanSummary } | undefined> {
  const stepAside = (why: string) => {
    opts.onStepAside?.(why);
    if (process.env.SURVEY_TRACE) process.stderr.write(`survey: the fast reader stepped aside: ${why}\n`);
    return undefined;
  };
  // SURVEY_READER=general: a way round the fast path, should it ever read a file wrongly.
  if (process.env.SURVEY_READER === "general") return stepAside("SURVEY_READER=general");
  if (files.length === 0) return stepAside("no files");

  // Worker threads take a few tenths of a second to load their modules: they start before the files are
  // looked at, when the files are big enough for them.
  const bytes = (await Promise.all(files.map((f) => stat(f.path).then((s) => s.size, () => 0)))).reduce((n, size) => n + size, 0);
  const threads = Math.max(1, Math.min(opts.threads ?? Math.min(availableParallelism(), MAX_THREADS), 16));
  const parallel = threads > 1 && bytes >= (opts.parallelFrom ?? PARALLEL_FROM) && survey.definition !== undefined;
  const pool = parallel ? new Pool(survey, plan, threads - 1, opts) : undefined;
  try {
    const specs: FileSpec[] = [];
    const headerDiagnostics: Diagnostic[][] = [];
    for (const file of files) {
      const diagnostics: Diagnostic[] = [];
      const spec = await inspect(survey, file, diagnostics).catch(() => undefined);
      if (!spec) return stepAside(`${file.name} is not a plain UTF-8 CSV file`);
      specs.push(spec);
      headerDiagnostics.push(diagnostics);
    }
    const ranges = await cutRanges(specs, parallel ? (opts.rangeBytes ?? RANGE_BYTES) : Number.POSITIVE_INFINITY);
    const main = new TaskRunner(survey, plan, specs);
    pool?.setFiles(specs);

    const run = async (mode: TaskSpec["mode"], median?: number) => {
      const results = await runAll(
        ranges.map((r) => ({ ...r, mode, median })),
        main,
        pool,
      );
      return results && chained(specs, ranges, results) ? results : undefined;
    };
    // Leaving speeders out needs the median duration before any verdict: a first pass over the durations.
    let median: number | undefined;
    if (survey.data.invalidIf.speeder !== undefined) {
      const parts = await run("durations");
      if (!parts) return stepAside("a range could not be read");
      if (main.hasDurations()) {
        const durations = new DurationMedian();
        for (const p of parts) durations.absorb(p.durations!);
        median = durations.median();
      }
    }
    const results = await run("tally", median);
    // The workers' memory is given back before the statistics and the output need theirs.
    await pool?.close();
    if (!results) return stepAside("a range could not be read");
    return (await mergeResults(survey, plan, files, specs, ranges, results, headerDiagnostics, median, main)) ?? stepAside("a range read again did not end where it did");
  } catch (err) {
    // The general reader gives the same result, or the user-facing error (a file that vanished midway).
    return stepAside(`an error in the fast path (${(err as Error)?.message ?? String(err)})`);
  } finally {
    await pool?.close();
  }
}

/** Whether every range started where the one before it ended (the cuts were at record starts). */
function chained(specs: FileSpec[], ranges: Omit<TaskSpec, "mode">[], results: TaskResult[]): boolean {
  let expected = -1;
  let file = -1;
  for (let t = 0; t < ranges.length; t++) {
    const range = ranges[t]!;
    if (range.fileIndex !== file) {
      file = range.fileIndex;
      expected = specs[file]!.dataStart;
    }
    if (results[t]!.start !== expected) return false;
    expected = results[t]!.nextStart;
  }
  return true;
}

/**
 * What `scan` finds (validity, problems, screening), by the fast path — for `survey validate` of big
 * files; undefined when the fast path steps aside.
 */
export async function scanFast(survey: Survey, files: InputFile[], opts: FastOptions = {}): Promise<ScanSummary | undefined> {
  return (await tallyFast(survey, files, buildPlan(survey), opts))?.summary;
}

/** What the fast path needs of a file, or undefined when the file is not a plain UTF-8 CSV it reads. */
async function inspect(survey: Survey, file: InputFile, diagnostics: Diagnostic[]): Promise<FileSpec | undefined> {
  // Detecting the encoding reads the whole file; when its start settles it, the ranges check the rest.
  const settled = survey.data.encoding === "auto" ? settledByHead(await readAt(file.path, 0, 4 << 20)) : undefined;
  const table = await openTable(file, { encoding: survey.data.encoding, detected: settled, headerOnly: true, onDiagnostic: (d) => diagnostics.push(d) });
  await table.rows[Symbol.asyncIterator]().return?.();
  if (table.format !== "csv" || table.encoding !== "utf-8") return undefined;
  const bom = table.bom ?? 0;
  const { newline, delimiter } = await sniffCsv(file.path, "utf-8", bom);
  if (newline === "\r" || delimiter.length !== 1 || delimiter.charCodeAt(0) >= 0x80) return undefined;
  const scanner: ScannerOptions = { delimiter: delimiter.charCodeAt(0), newline, maxFields: MAX_COLUMNS, maxRecordBytes: MAX_ROW_CHARS };

  // The header as the scanner reads it must be the general reader's, and the data starts after it.
  const size = (await stat(file.path)).size;
  const head = await readAt(file.path, bom, Math.min(size - bom, 4 << 20));
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
  diagnostics.push(...problems);
  return { file, header, scanner, dataStart, size, checkUtf8: bom > 0 || settled !== undefined || survey.data.encoding !== "auto" };
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
 * never lands inside a quoted cell that holds line breaks; `mergeResults` checks it against where the
 * range before really ended.
 */
async function cutRanges(specs: FileSpec[], rangeBytes: number): Promise<Omit<TaskSpec, "mode">[]> {
  const tasks: Omit<TaskSpec, "mode">[] = [];
  for (let f = 0; f < specs.length; f++) {
    const spec = specs[f]!;
    const length = spec.size - spec.dataStart;
    const pieces = Number.isFinite(rangeBytes) ? Math.max(1, Math.round(length / rangeBytes)) : 1;
    const starts = [spec.dataStart];
    for (let k = 1; k < pieces; k++) {
      const nominal = spec.dataStart + Math.floor((length * k) / pieces);
      const start = await recordStartAfter(spec, nominal);
      if (start !== undefined && start > starts[starts.length - 1]! && start < spec.size) starts.push(start);
    }
    starts.forEach((start, k) => tasks.push({ index: tasks.length, fileIndex: f, start, end: starts[k + 1] ?? Number.POSITIVE_INFINITY }));
  }
  return tasks;
}

const PROBE_BYTES = 256 << 10;
const PROBE_RECORDS = 4;

async function recordStartAfter(spec: FileSpec, nominal: number): Promise<number | undefined> {
  const window = await readAt(spec.file.path, nominal, PROBE_BYTES);
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

/**
 * A worker thread running worker.js beside this file — or, when this file is the TypeScript source (under
 * vitest), worker.ts through tsx's loader, which a worker must register itself.
 */
function startWorker(workerData: WorkerInit): Worker {
  // A smaller young generation than V8's default: a range's garbage is short-lived, and the run must stay
  // under 250 MB with a worker per core (measured on the 1M-row bench file: 264 → 239 MB, no slower).
  const resourceLimits = { maxYoungGenerationSizeMb: 8 };
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url), { workerData, resourceLimits });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href.replace(/\.cjs$/, ".mjs");
  const source = new URL("./worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData, resourceLimits });
}

/** One worker thread, asked for one range at a time; a thread that failed refuses every range at once. */
class Thread {
  private pending: { resolve: (r: TaskResult) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on("message", (r: TaskResult) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(r);
    });
    worker.on("error", (e: Error) => this.fail(e));
    worker.on("exit", (code: number) => this.fail(new Error(`the worker thread stopped (${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  ask(task: TaskSpec): Promise<TaskResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(task);
    });
  }
}

/** Worker threads that read ranges, started once for both passes of a run. */
class Pool {
  readonly threads: Thread[];

  constructor(survey: Survey, plan: Plan, size: number, opts: FastOptions) {
    const init: WorkerInit = {
      definition: survey.definition!,
      data: survey.data,
      issued: survey.issued,
      planOptions: { by: opts.by, issued: opts.issued },
      plan,
    };
    this.threads = Array.from({ length: size }, () => new Thread(startWorker(init)));
  }

  setFiles(files: FileSpec[]): void {
    const message: FilesMessage = { files };
    for (const t of this.threads) t.worker.postMessage(message);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

/**
 * The main thread and the pool's workers take ranges in turn until none is left. A range a worker cannot
 * read (it failed to start, say) is read here; a range that is not for the fast path stops it all.
 */
async function runAll(tasks: TaskSpec[], main: TaskRunner, pool: Pool | undefined): Promise<TaskResult[] | undefined> {
  const results: TaskResult[] = new Array(tasks.length);
  let next = 0;
  let stop = false;
  const take = () => (stop || next >= tasks.length ? undefined : tasks[next++]);
  const keep = (r: TaskResult) => {
    results[r.index] = r;
    if (r.bailed) stop = true;
  };
  const trace = process.env.SURVEY_TRACE ? (who: string, task: TaskSpec, since: number) => process.stderr.write(`survey: ${task.mode} range ${task.index} read by ${who} in ${Math.round(performance.now() - since)} ms\n`) : undefined;
  const onWorker = async (thread: Thread, n: number) => {
    for (let task = take(); task; task = take()) {
      const since = performance.now();
      const result = await thread.ask(task).catch(() => undefined);
      keep(result && result.bailed !== "definition" && !result.bailed?.startsWith("error") ? result : await main.run(task));
      trace?.(`worker ${n + 1}`, task, since);
    }
  };
  const onMain = async () => {
    for (let task = take(); task; task = take()) {
      const since = performance.now();
      keep(await main.run(task));
      trace?.("the main thread", task, since);
    }
  };
  await Promise.all([onMain(), ...(pool?.threads ?? []).map(onWorker)]);
  return stop ? undefined : results;
}

/**
 * Adds the ranges up in reading order, as one reader would have: each file's header problems, then its
 * ranges (rows renumbered), then the speeders found over all durations. A range that repeats an id of an
 * earlier one (a questionnaire submitted twice) is read again here, knowing the ids before it, so that
 * the later copy is the duplicate, as in one reading.
 */
async function mergeResults(
  survey: Survey,
  plan: Plan,
  files: InputFile[],
  specs: FileSpec[],
  tasks: Omit<TaskSpec, "mode">[],
  results: TaskResult[],
  headerDiagnostics: Diagnostic[][],
  median: number | undefined,
  main: TaskRunner,
): Promise<{ state: TallyState; summary: ScanSummary } | undefined> {
  const sink = new DiagnosticSink();
  const screener = new Screener(survey, median, sink.add);
  const state = emptyState(plan);
  const summary: ScanSummary = {
    files,
    returned: 0,
    valid: 0,
    invalid: 0,
    invalidReasons: {},
    bySource: Object.fromEntries(files.map((f) => [f.name, { returned: 0, valid: 0 }])),
    medianDuration: median,
    screening: { speeders: screener.speeders, straightliners: screener.straightliners },
    diagnostics: sink,
  };
  const pool = new Map<string, string>();
  const intern = (t: string) => {
    const known = pool.get(t);
    if (known !== undefined) return known;
    pool.set(t, t);
    return t;
  };

  let t = 0;
  for (let f = 0; f < specs.length; f++) {
    headerDiagnostics[f]!.forEach(sink.add);
    let expected = specs[f]!.dataStart;
    let rowsBefore = 0;
    for (; t < tasks.length && tasks[t]!.fileIndex === f; t++) {
      let r = results[t]!;
      if (r.screener && screener.sharesIds(r.screener)) {
        r = await main.run({ ...tasks[t]!, mode: "tally", median, seenIds: screener.idsPart() });
      }
      if (r.bailed || r.start !== expected || !r.counts || !r.sink || !r.screener) return undefined;
      sink.absorb(r.sink, rowsBefore);
      screener.absorb(r.screener, rowsBefore);
      const part = stateFromJson(r.counts.state);
      r.counts.texts.forEach((packed, i) => {
        if (packed) part.items[i]!.texts = Array.from(packed.order, (k) => intern(packed.dictionary[k]!));
      });
      mergeInto(state, part);
      summary.returned += r.counts.returned;
      summary.valid += r.counts.valid;
      summary.invalid += r.counts.invalid;
      for (const [reason, n] of Object.entries(r.counts.invalidReasons)) {
        const key = reason as keyof ScanSummary["invalidReasons"];
        summary.invalidReasons[key] = (summary.invalidReasons[key] ?? 0) + n;
      }
      const source = summary.bySource[files[f]!.name]!;
      source.returned += r.counts.returned;
      source.valid += r.counts.valid;
      rowsBefore += r.records;
      expected = r.nextStart;
      results[t] = undefined as unknown as TaskResult;
    }
  }
  screener.finish();
  summary.medianDuration = screener.medianDuration;
  return { state, summary };
}
