import { availableParallelism } from "node:os";
import { stat } from "node:fs/promises";
import type { Survey } from "../../definition/model.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { ReadProgress } from "../../io/read-progress.js";
import type { InputFile } from "../../io/table.js";
import type { ScanSummary } from "../../validate/scan.js";
import { DurationMedian } from "../../validate/screen.js";
import { buildPlan, type Plan } from "../../tally/plan.js";
import type { TallyState } from "../../tally/state.js";
import { cutRanges, inspect } from "./files.js";
import { RangeChain, RangeMerger } from "./merge.js";
import { Pool, runAll } from "./pool.js";
import { TaskRunner, type FileSpec, type OpenAnswers, type TaskResult, type TaskSpec } from "./task.js";

export interface FastOptions {
  by?: string | string[];
  issued?: number;
  /** Per plan item, whether its open answers are kept (the output lists them) or only their keywords; default all. */
  keepTexts?: boolean[];
  /** The folder kept open answers of the items it names are spooled to (see spool.ts). */
  spool?: OpenAnswers["spool"];
  /** Whether open answers are segmented for their keywords (default true; `validate` needs none). */
  keywords?: boolean;
  /** Says on stderr why the fast path stepped aside and which thread read each range (SURVEY_TRACE). */
  trace?: (line: string) => void;
  /** Threads to read with, the main one included (default: the cores, at most 4). */
  threads?: number;
  /** Below this many bytes of answers, one thread reads (worker threads take a moment to start). */
  parallelFrom?: number;
  /** Bytes per range handed to a thread. */
  rangeBytes?: number;
  /** Told why the fast path stepped aside (tests). */
  onStepAside?: (why: string) => void;
  /** Called once, when a worker thread has read its last range and has ended (tests). */
  onCoreFree?: () => void;
  /** Told which thread read each range ("main", or "worker 1"…): tests. */
  onRangeRead?: (task: TaskSpec, by: string, ms: number) => void;
  /** Told how far reading has come, a range at a time (a progress line). */
  progress?: ReadProgress;
}

const PARALLEL_FROM = 32 << 20;
const RANGE_BYTES = 16 << 20;
const MAX_THREADS = 4;

/**
 * The tally of big CSV files, read as bytes and in parallel: each file is cut into ranges at record
 * starts, threads read and count the ranges, and the main thread adds their counts up in reading order
 * (row numbers, examples of problems and open answers come out as one reader would give them).
 * Speeders to be left out cost a first pass over the durations (the median must be known before any
 * verdict); a range that repeats an earlier range's id is read again knowing the ids before it. Returns
 * undefined when the data is not for this path — spreadsheets, GB18030, a byte that is not UTF-8, odd
 * quoting — and the caller then reads it the general way; `readCsv` and papaparse remain the reference for
 * what every file means.
 */
export async function tallyFast(survey: Survey, files: InputFile[], plan: Plan, opts: FastOptions = {}): Promise<{ state: TallyState; summary: ScanSummary } | undefined> {
  return (await readFast(survey, files, plan, undefined, opts))?.groups.get(0);
}

/**
 * `tallyFast` of each group of rows (`--each <question>`, see AnswerGroups): each range keeps a part per
 * group, and each group's parts are added up in reading order as `scanGroups` would have counted them —
 * its own problems, duplicates, and speeders by its own median. Undefined when the fast path steps aside.
 */
export async function tallyFastGroups(
  survey: Survey,
  files: InputFile[],
  plan: Plan,
  questionId: string,
  opts: FastOptions = {},
): Promise<{ groups: Map<number, { state: TallyState; summary: ScanSummary }>; ungrouped: number } | undefined> {
  return readFast(survey, files, plan, questionId, opts);
}

async function readFast(
  survey: Survey,
  files: InputFile[],
  plan: Plan,
  groupBy: string | undefined,
  opts: FastOptions,
): Promise<{ groups: Map<number, { state: TallyState; summary: ScanSummary }>; ungrouped: number } | undefined> {
  const stepAside = (why: string) => {
    opts.onStepAside?.(why);
    opts.trace?.(`survey: the fast reader stepped aside: ${why}\n`);
    return undefined;
  };
  if (files.length === 0) return stepAside("no files");
  // Weights are few users' need and their files are small: the general reader alone reads them.
  if (plan.weighting) return stepAside("weighted answers");

  // Worker threads take a few tenths of a second to load their modules: they start before the files are
  // looked at, when the files are big enough for them.
  const bytes = (await Promise.all(files.map((f) => stat(f.path).then((s) => s.size, () => 0)))).reduce((n, size) => n + size, 0);
  const threads = Math.max(1, Math.min(opts.threads ?? Math.min(availableParallelism(), MAX_THREADS), 16));
  const parallel = threads > 1 && bytes >= (opts.parallelFrom ?? PARALLEL_FROM) && survey.definition !== undefined;
  const open: OpenAnswers = { keep: opts.keepTexts ?? plan.items.map(() => true), keywords: opts.keywords ?? true, spool: opts.spool };
  const pool = parallel ? new Pool(survey, plan, threads - 1, { by: opts.by, issued: opts.issued }, open, groupBy) : undefined;
  const say = opts.trace;
  const trace = say ? (task: TaskSpec, by: string, ms: number) => say(`survey: ${task.mode} range ${task.index} read by ${by} in ${Math.round(ms)} ms\n`) : undefined;
  const onRead = opts.onRangeRead || trace ? (task: TaskSpec, by: string, ms: number) => (opts.onRangeRead?.(task, by, ms), trace?.(task, by, ms)) : undefined;
  try {
    const specs: FileSpec[] = [];
    const headerDiagnostics: Diagnostic[][] = [];
    const headerProblems: Diagnostic[][] = [];
    for (const file of files) {
      const diagnostics: Diagnostic[] = [];
      const problems: Diagnostic[] = [];
      const spec = await inspect(survey, file, diagnostics, problems).catch(() => undefined);
      if (!spec) return stepAside(`${file.name} is not a plain UTF-8 CSV file`);
      specs.push(spec);
      headerDiagnostics.push([...diagnostics, ...problems]);
      headerProblems.push(problems);
    }
    // The last range per thread cut finer: one thread no longer waits most of a range for the other.
    const rangeBytes = opts.rangeBytes ?? RANGE_BYTES;
    const ranges = await cutRanges(specs, parallel ? rangeBytes : Number.POSITIVE_INFINITY, threads * rangeBytes);
    const main = new TaskRunner(survey, plan, specs, open, groupBy);
    pool?.setFiles(specs);
    const progress = opts.progress;
    progress?.expect(bytes * (survey.data.invalidIf.speeder !== undefined ? 2 : 1));
    // A file's first range counts its header too, so that the bytes add up to the files' sizes.
    const advance = (r: TaskResult, counted: boolean) => {
      const from = r.start === specs[ranges[r.index]!.fileIndex]!.dataStart ? 0 : r.start;
      const returned = r.counts?.returned ?? r.groups?.reduce((n, g) => n + g.counts.returned, 0) ?? 0;
      progress?.advance(r.nextStart - from, counted ? returned : 0);
    };

    // Leaving speeders out needs the median duration before any verdict: a first pass over the durations.
    let median: number | undefined;
    const medians = new Map<number, number | undefined>();
    if (survey.data.invalidIf.speeder !== undefined) {
      const parts: TaskResult[] = [];
      const read = await runAll(
        ranges.map((r) => ({ ...r, mode: "durations" })),
        main,
        pool,
        { onResult: (r) => void ((parts[r.index] = r), advance(r, false)), onRead },
      );
      if (!read || !chained(specs, ranges, parts)) return stepAside("a range could not be read");
      if (groupBy !== undefined) {
        const durations = new Map<number, DurationMedian>();
        for (const p of parts) {
          for (const [key, part] of p.groupDurations!) {
            let mine = durations.get(key);
            if (!mine) durations.set(key, (mine = new DurationMedian()));
            mine.absorb(part);
          }
        }
        for (const [key, m] of durations) medians.set(key, m.median());
      } else if (main.hasDurations()) {
        const durations = new DurationMedian();
        for (const p of parts) durations.absorb(p.durations!);
        median = durations.median();
      }
    }
    const grouped = groupBy === undefined ? undefined : { medians, headerProblems };
    const merger = new RangeMerger(survey, plan, files, specs, ranges, headerDiagnostics, median, main, grouped);
    const groupMedians = groupBy === undefined ? undefined : [...medians];
    const done = await runAll(
      ranges.map((r) => ({ ...r, mode: "tally", median, groupMedians })),
      main,
      pool,
      { onResult: (r) => (advance(r, true), merger.offer(r)), onRead, last: { onCoreFree: opts.onCoreFree } },
    );
    // The workers' memory is given back before the statistics and the output need theirs.
    await pool?.close();
    if (!done) return stepAside("a range could not be read");
    return (await merger.finishGroups()) ?? stepAside("a range did not start where the one before it ended");
  } catch (err) {
    // The general reader gives the same result, or the user-facing error (a file that vanished midway).
    return stepAside(`an error in the fast path (${(err as Error)?.message ?? String(err)})`);
  } finally {
    await pool?.close();
  }
}

/** Whether every range started where the one before it ended (the cuts were at record starts). */
function chained(specs: FileSpec[], ranges: Omit<TaskSpec, "mode">[], results: TaskResult[]): boolean {
  const chain = new RangeChain(specs);
  return ranges.every((range, t) => chain.follows(range, results[t]!));
}

/**
 * What `scan` finds (validity, problems, screening), by the fast path — for `survey validate` of big
 * files; undefined when the fast path steps aside.
 */
export async function scanFast(survey: Survey, files: InputFile[], opts: FastOptions = {}): Promise<ScanSummary | undefined> {
  const plan = buildPlan(survey);
  // Validity needs no open answer: none is kept or segmented.
  return (await tallyFast(survey, files, plan, { ...opts, keepTexts: plan.items.map(() => false), keywords: false }))?.summary;
}
