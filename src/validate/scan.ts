import { readResponses, type Response } from "../answers/read.js";
import { parseDuration } from "../answers/cells.js";
import { mapColumns } from "../answers/columns.js";
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
    opts.onResponse?.(r, verdict);
  }
  screener.finish();
  summary.medianDuration = screener.medianDuration;
  return summary;
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
