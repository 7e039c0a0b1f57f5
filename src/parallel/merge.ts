import type { Survey } from "../definition/model.js";
import type { Diagnostic } from "../diagnostics.js";
import { DiagnosticSink } from "../diagnostics-sink.js";
import type { InputFile } from "../io/table.js";
import { emptySummary, type ScanSummary } from "../validate/scan.js";
import { Screener } from "../validate/screen.js";
import type { Plan } from "../tally/plan.js";
import { emptyState, mergeInto, stateFromJson, type TallyState } from "../tally/state.js";
import type { FileSpec, TaskResult, TaskRunner, TaskSpec } from "./task.js";

/**
 * Adds the ranges up in reading order, as one reader would have: each file's header problems, then its
 * ranges (rows renumbered), then the speeders found over all durations. A range that repeats an id of an
 * earlier one (a questionnaire submitted twice) is read again here, knowing the ids before it, so that
 * the later copy is the duplicate, as in one reading.
 */
export async function mergeResults(
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
  const summary = emptySummary(files, screener, sink, median);
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
