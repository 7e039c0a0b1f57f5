import type { Survey } from "../definition/model.js";
import { SurveyError } from "../diagnostics/errors.js";
import type { ReadProgress } from "../io/read-progress.js";
import type { InputFile } from "../io/table.js";
import { scan, type ScanSummary } from "../validate/scan.js";
import { finalize, restoreState } from "./finalize.js";
import { tallyFast, type FastOptions } from "../parallel/index.js";
import { startSegmenterThread, stopSegmenterThread } from "./keywords.js";
import { buildPlan } from "./plan.js";
import { Counter, emptyState, mergeStates, stateFromJson, upgradeState, type TallyState } from "./state.js";
import type { Problem, TallyResult } from "./types.js";

export { finalize } from "./finalize.js";
export { buildPlan, type Plan } from "./plan.js";
export { Counter, emptyState, mergeStates, stateFromJson, stateToJson, type TallyState, type TallyStateJson } from "./state.js";
export type * from "./types.js";

export interface TallyOptions {
  /** Break down by these questions (single or scale questions, or matrix rows) instead of the role and `crosstabs:`. */
  by?: string | string[];
  /** Questionnaires handed out, overriding the definition's `issued`. */
  issued?: number;
  /**
   * "general" reads every file through the general reader (papaparse), never the fast path of big CSV
   * files; for tests that compare the two. Threads and range sizes of the fast path, for the same tests.
   */
  reader?: "auto" | "general";
  fast?: Pick<FastOptions, "threads" | "parallelFrom" | "rangeBytes" | "onStepAside" | "onCoreFree">;
  /** Told how far reading has come (a progress line). */
  progress?: ReadProgress;
}

/**
 * Reads every answer file once (through `scan`, which decides validity) and computes every statistic of
 * PRODUCT §5 over the valid questionnaires. Files are read in the order given.
 */
export async function tallySurvey(survey: Survey, files: InputFile[], opts: TallyOptions = {}): Promise<TallyResult> {
  // Open answers want jieba's dictionary after reading (about 0.4 s): it loads on a core that is done
  // reading, while the output is written up to the first keywords (see finalize), and the thread ends
  // once the last list of keywords has been segmented.
  const texts = survey.items.some((item) => item.type === "text");
  let started = false;
  const onCoreFree = texts ? () => void (started = startSegmenterThread()) : undefined;
  let state: TallyState;
  try {
    state = await tallyState(survey, files, { ...opts, fast: { onCoreFree, ...opts.fast } });
  } catch (err) {
    if (started) stopSegmenterThread();
    throw err;
  }
  return finalize(state, { keywordsLater: { onDone: started ? () => void stopSegmenterThread() : undefined } });
}

/** The raw counts of a run, before statistics: what `survey merge` adds up. */
export async function tallyState(survey: Survey, files: InputFile[], opts: TallyOptions = {}): Promise<TallyState> {
  const plan = buildPlan(survey, opts);
  if ((opts.reader ?? "auto") === "auto") {
    const fast = await tallyFast(survey, files, plan, { by: opts.by, issued: opts.issued, progress: opts.progress, ...opts.fast });
    if (fast) {
      addSummary(fast.state, fast.summary);
      return fast.state;
    }
  }
  const state = emptyState(plan);
  const counter = new Counter(state);
  const summary = await scan(survey, files, {
    progress: opts.progress,
    onResponse: (r, verdict) => {
      if (verdict.valid) counter.add(r.answers, r.weight);
    },
  });
  addSummary(state, summary);
  return state;
}

/** Copies what `scan` decided (response counts, screening, problems) into the state. */
function addSummary(state: TallyState, summary: ScanSummary): void {
  refuseGuessedCodes(summary);
  state.responses = {
    returned: summary.returned,
    valid: summary.valid,
    invalid: summary.invalid,
    invalidReasons: { ...summary.invalidReasons },
    bySource: structuredClone(summary.bySource),
  };
  state.screening = structuredClone(summary.screening);
  state.problems = summary.diagnostics.list().map((d): Problem => {
    const p: Problem = { severity: d.severity, code: d.code, message: d.message };
    if (d.file !== undefined) p.file = d.file;
    if (d.row !== undefined) p.row = d.row;
    if (d.column !== undefined) p.column = d.column;
    return p;
  });
}

/**
 * Cells holding option codes read with a definition whose codes were guessed (CODES_GUESSED) mean the
 * definition does not describe the file: counting the rest would give a tally with whole questions
 * missing, or (had the codes been taken) every option shifted. No statistic is given: a SurveyError names
 * each column concerned (exit 1, the data cannot be counted), then says how to fix it.
 */
function refuseGuessedCodes(summary: ScanSummary): void {
  const count = summary.diagnostics.counts.get("CODES_GUESSED")?.count ?? 0;
  if (count === 0) return;
  const examples = summary.diagnostics.examples.get("CODES_GUESSED") ?? [];
  const seen = new Set<string>();
  const shown = examples.filter((d) => {
    const key = `${d.file}\u0000${d.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const last = examples[0]!;
  throw new SurveyError([
    ...shown.map((d) => ({ ...d, hint: undefined })),
    {
      code: "CODES_GUESSED",
      severity: "error",
      message: `${count} ${count === 1 ? "cell holds an option code" : "cells hold option codes"} that the definition cannot read (a 按选项序号 export read with codes guessed from a 按选项文本 export); nothing was counted`,
      hint: last.hint,
    },
  ]);
}

/**
 * Merges tallies of disjoint parts of the data (one per village, say), in the order given: the result is
 * the tally of all the parts read in one run. Each part must carry its `_state` and come from the same
 * definition and breakdown; otherwise a SurveyError names the part (`names[i]`, for messages).
 * `issued` sets the questionnaires handed out for the whole, overriding the parts'.
 */
export function mergeTallies(
  parts: TallyResult[],
  names: string[] = parts.map((_, i) => `part ${i + 1}`),
  opts: { issued?: number } = {},
): TallyResult {
  if (parts.length === 0) throw new SurveyError([{ code: "USAGE", severity: "error", message: "nothing to merge" }]);
  const states = parts.map((p, i) => {
    if (!p._state) {
      throw new SurveyError([
        { code: "USAGE", severity: "error", file: names[i], message: "this tally has no _state section to merge", hint: "make each part with `survey tally --format json`" },
      ]);
    }
    // saved before cross-tabs: the same counts as the only breakdown
    p = { ...p, _state: upgradeState(p._state) };
    if (p._state!.version !== 2) {
      throw new SurveyError([
        {
          code: "USAGE",
          severity: "error",
          file: names[i],
          message: `this tally's _state is version ${String(p._state!.version)}, made by another version of survey`,
          hint: "make each part again with this version's `survey tally --format json`",
        },
      ]);
    }
    const state = stateFromJson(restoreState(p));
    // Parts made per village (`--each`) leave `issued` out, as it counts the whole survey's questionnaires.
    if (opts.issued !== undefined) state.plan.issued = opts.issued;
    return state;
  });
  const plan = JSON.stringify(states[0]!.plan);
  states.forEach((s, i) => {
    if (JSON.stringify(s.plan) !== plan) {
      throw new SurveyError([
        {
          code: "USAGE",
          severity: "error",
          file: names[i],
          message: `this tally was made from a different survey definition or breakdown than ${names[0]}`,
          hint: "tally every part with the same survey.yaml and the same --by",
        },
      ]);
    }
  });
  return finalize(states.reduce(mergeStates));
}
