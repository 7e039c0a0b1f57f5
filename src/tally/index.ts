import type { Survey } from "../definition/model.js";
import { SurveyError } from "../diagnostics/errors.js";
import type { ScanSummary } from "../validate/scan.js";
import { finalize, restoreState } from "./finalize.js";
import type { WordsOf } from "./keywords.js";
import { mergeStates, stateFromJson, upgradeState, type StatefulTally, type TallyState } from "./state.js";
import type { Problem } from "./types.js";

export { finalize, type FinalizeOptions } from "./finalize.js";
export { buildPlan, type Plan } from "./plan.js";
export { Counter, emptyState, mergeStates, stateFromJson, stateToJson, type StatefulTally, type TallyState, type TallyStateJson } from "./state.js";
export type * from "./types.js";

/**
 * The tally of big and small files alike is read and counted by the pipeline (src/pipeline/), which
 * alone reads files, starts threads and segments open answers; what is here is pure: the plan, the
 * state and its Counter, merging, and the statistics (finalize).
 */

/** Copies what `scan` decided (response counts, screening, problems) into the state. */
export function addSummary(state: TallyState, summary: ScanSummary): void {
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
 * `issued` sets the questionnaires handed out for the whole, overriding the parts'. Saved tallies keep
 * no keyword counts: `wordsOf` segments the open answers again (see finalize).
 */
export function mergeTallies(
  parts: StatefulTally[],
  names: string[] = parts.map((_, i) => `part ${i + 1}`),
  opts: { issued?: number; wordsOf?: WordsOf } = {},
): StatefulTally {
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
  return finalize(states.reduce(mergeStates), { wordsOf: opts.wordsOf });
}
