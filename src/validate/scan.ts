import { openAnswers, readResponses, type AnswerFile, type Response } from "../answers/read.js";
import { parseDuration } from "../answers/cells.js";
import { mapColumns } from "../answers/columns.js";
import { isBlankRow } from "../answers/rules.js";
import type { Survey } from "../definition/model.js";
import { DiagnosticSink } from "../diagnostics/sink.js";
import { inputBytes, type ReadProgress } from "../io/read-progress.js";
import { openTable, type InputFile } from "../io/table.js";
import { DurationMedian, Screener, type InvalidReason, type RowRef, type Verdict } from "./screen.js";

export interface ScanSummary {
  files: InputFile[];
  /** Data rows read, empty rows not counted (收回). */
  returned: number;
  valid: number;
  invalid: number;
  invalidReasons: Partial<Record<InvalidReason, number>>;
  bySource: Record<string, { returned: number; valid: number }>;
  medianDuration?: number;
  screening: { speeders: RowRef[]; straightliners: RowRef[] };
  diagnostics: DiagnosticSink;
}

export interface ScanOptions {
  /** Called for every questionnaire read, valid or not, in reading order. */
  onResponse?: (r: Response, verdict: Verdict) => void;
  sink?: DiagnosticSink;
  /** Told how far reading has come (a progress line). */
  progress?: ReadProgress;
}

/**
 * Reads every answer file once (twice when a duration column needs its median first), checks every
 * cell and decides the validity of every questionnaire. The one pipeline behind validate, tally and report.
 */
export async function scan(survey: Survey, files: InputFile[], opts: ScanOptions = {}): Promise<ScanSummary> {
  const sink = opts.sink ?? new DiagnosticSink();
  // Leaving speeders out needs the median before the first verdict: a cheap first pass over the duration
  // column. Merely reporting them does not: the screener keeps durations and finds them at the end.
  const progress = opts.progress;
  const speeders = survey.data.invalidIf.speeder !== undefined;
  if (progress) progress.expect((await inputBytes(files)) * (speeders ? 2 : 1));
  const medianDuration = speeders ? await durationMedian(survey, files, progress) : undefined;
  const screener = new Screener(survey, medianDuration, sink.add);
  const summary = emptySummary(files, screener, sink, medianDuration);
  const onBytes = progress ? (bytes: number) => progress.advance(bytes, 0) : undefined;
  for await (const r of readResponses(survey, files, { onDiagnostic: sink.add, onBytes })) {
    progress?.advance(0, 1);
    const verdict = judge(screener, summary, r);
    opts.onResponse?.(r, verdict);
  }
  screener.finish();
  summary.medianDuration = screener.medianDuration;
  return summary;
}

/** Judges a questionnaire and counts it in the summary: returned, valid or invalid and why. */
function judge(screener: Screener, summary: ScanSummary, r: Response): Verdict {
  const verdict = screener.judge(r);
  summary.returned++;
  const source = summary.bySource[r.file]!;
  source.returned++;
  if (verdict.valid) {
    summary.valid++;
    source.valid++;
  } else {
    summary.invalid++;
    for (const reason of verdict.reasons) summary.invalidReasons[reason] = (summary.invalidReasons[reason] ?? 0) + 1;
  }
  return verdict;
}

/**
 * How `scanGroups` puts rows into groups: for each file, before its rows, the function that gives a
 * non-blank row's group (a number; undefined for a row in no group). Either may throw, which stops the run.
 */
export interface RowGroups {
  forFile(file: GroupedFile): (cells: readonly string[], row: number) => number | undefined;
}

/** What grouping a file's rows may know of it. */
export type GroupedFile = Pick<AnswerFile, "input" | "header" | "columns">;

export interface GroupScan {
  /** Each group's own summary, by group, in the order groups were first met. */
  groups: Map<number, ScanSummary>;
  /** Non-blank rows that belong to no group. */
  ungrouped: number;
}

/**
 * `scan` of every group of rows at once (`--each`: one tally per village), reading the files once: each
 * group is judged as if its rows alone had been read, in their files and with their row numbers —
 * its own duplicate ids, its own median duration for speeders, its own problems, the header's problems
 * once for each file it has rows in, and `bySource` for those files alone. Blank rows, rows in no group
 * and problems of a file itself (its encoding, its quoting) belong to no group and are told nowhere.
 */
export async function scanGroups(
  survey: Survey,
  files: InputFile[],
  groups: RowGroups,
  opts: { onResponse?: (group: number, r: Response, verdict: Verdict) => void } = {},
): Promise<GroupScan> {
  const medians = survey.data.invalidIf.speeder !== undefined ? await groupDurationMedians(survey, files, groups) : undefined;
  const runs = new Map<number, GroupRun>();
  let ungrouped = 0;
  for (const input of files) {
    const file = await openAnswers(survey, input, { onDiagnostic: () => {} });
    const groupOf = groups.forFile(file);
    for await (const raw of file.rows) {
      if (isBlankRow(raw.cells)) continue;
      const key = groupOf(raw.cells, raw.row);
      if (key === undefined) {
        ungrouped++;
        continue;
      }
      let run = runs.get(key);
      if (!run) runs.set(key, (run = new GroupRun(survey, medians?.get(key))));
      run.enter(file);
      const r = file.read(raw, run.sink.add);
      if (r) opts.onResponse?.(key, r, judge(run.screener, run.summary, r));
    }
  }
  const summaries = new Map<number, ScanSummary>();
  for (const [key, run] of runs) {
    run.screener.finish();
    run.summary.medianDuration = run.screener.medianDuration;
    summaries.set(key, run.summary);
  }
  return { groups: summaries, ungrouped };
}

/** One group of `scanGroups`: its own problems, screening and counts, and the files it has rows in. */
class GroupRun {
  readonly sink = new DiagnosticSink();
  readonly screener: Screener;
  readonly summary: ScanSummary;
  private file: AnswerFile | undefined;

  constructor(survey: Survey, median: number | undefined) {
    this.screener = new Screener(survey, median, this.sink.add);
    this.summary = emptySummary([], this.screener, this.sink, median);
  }

  /** The group's row about to be read is in `file`: on its first, the file's header problems and its count. */
  enter(file: AnswerFile): void {
    if (this.file === file) return;
    this.file = file;
    file.headerProblems.forEach(this.sink.add);
    this.summary.files.push(file.input);
    this.summary.bySource[file.input.name] = { returned: 0, valid: 0 };
  }
}

/**
 * `durationMedian` per group: each group's median over its own rows, undefined for a group with no row
 * in a file that has a duration column.
 */
async function groupDurationMedians(survey: Survey, files: InputFile[], groups: RowGroups): Promise<Map<number, number | undefined>> {
  const medians = new Map<number, DurationMedian>();
  for (const input of files) {
    const file = await openAnswers(survey, input, { onDiagnostic: () => {} });
    const at = file.columns.durationIndex;
    const groupOf = groups.forFile(file);
    for await (const { cells, row } of file.rows) {
      if (isBlankRow(cells)) continue;
      // Grouped even without a duration column: a row that cannot be grouped stops the run here, in order.
      const key = groupOf(cells, row);
      if (key === undefined || at === undefined) continue;
      let median = medians.get(key);
      if (!median) medians.set(key, (median = new DurationMedian()));
      const seconds = parseDuration(cells[at] ?? "");
      if (seconds !== undefined) median.add(seconds);
    }
  }
  return new Map([...medians].map(([key, median]) => [key, median.median()]));
}

/** A summary before the first row, its screening lists the screener's own. */
export function emptySummary(files: InputFile[], screener: Screener, sink: DiagnosticSink, medianDuration: number | undefined): ScanSummary {
  return {
    files,
    returned: 0,
    valid: 0,
    invalid: 0,
    invalidReasons: {},
    bySource: Object.fromEntries(files.map((f) => [f.name, { returned: 0, valid: 0 }])),
    medianDuration,
    screening: { speeders: screener.speeders, straightliners: screener.straightliners },
    diagnostics: sink,
  };
}

/** A first, cheap pass over the duration column only: the median must be known before judging speeders. */
async function durationMedian(survey: Survey, files: InputFile[], progress: ReadProgress | undefined): Promise<number | undefined> {
  const median = new DurationMedian();
  let any = false;
  for (const file of files) {
    let read = 0;
    const onBytes = progress ? (bytes: number) => (progress.advance(bytes, 0), (read += bytes)) : undefined;
    const table = await openTable(file, { encoding: survey.data.encoding, onDiagnostic: () => {}, onBytes });
    const columns = mapColumns(survey, table.header, file.name, []);
    if (columns.durationIndex === undefined) {
      // Not read in this pass: as far as the progress line goes, it is behind us.
      if (progress) progress.advance(Math.max(0, (await inputBytes([file])) - read), 0);
      continue;
    }
    any = true;
    for await (const { cells } of table.rows) {
      const seconds = parseDuration(cells[columns.durationIndex] ?? "");
      if (seconds !== undefined) median.add(seconds);
    }
  }
  return any ? median.median() : undefined;
}
