import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { SurveyError } from "../diagnostics/errors.js";
import { REASON_LABELS, type InvalidReason } from "../validate/screen.js";

/** What a run read, as a tally's `responses` and validate's summary both hold it. */
export interface ReadCounts {
  returned: number;
  valid: number;
  invalidReasons: Partial<Record<string, number>>;
  /** Per answer file: the place the message names. */
  bySource: Record<string, unknown>;
}

/**
 * NO_VALID_ANSWERS when not one questionnaire is valid: the statistics of nothing are no statistics,
 * and a script must not take an empty tally or report for a result. Undefined otherwise. The place named
 * is `file`, else the answer files read.
 */
export function noValidAnswers(counts: ReadCounts, lang: "zh-CN" | "en", file?: string, listed = false): Diagnostic | undefined {
  if (counts.valid > 0) return undefined;
  const reasons = Object.entries(counts.invalidReasons)
    .filter(([, n]) => n)
    .map(([r, n]) => `${REASON_LABELS[r as InvalidReason]?.[lang === "en" ? "en" : "zh"] ?? r} ${n}`)
    .join(", ");
  const message =
    counts.returned === 0
      ? "no questionnaire was read: the answers hold a header and no rows; nothing to count"
      : `${counts.returned === 1 ? "the one questionnaire read is not" : `not one of the ${counts.returned} questionnaires read is`} valid${reasons ? ` (${reasons})` : ""}; nothing to count`;
  // `listed`: the problems of each row are already on screen (validate), and are the answer.
  const hint =
    counts.returned === 0 ? "export the answers again, rows and all, or name the file that holds them" : listed ? undefined : "`survey validate` says why each row is left out";
  const place = file ?? Object.keys(counts.bySource).join(", ");
  return { code: "NO_VALID_ANSWERS", severity: "error", ...(place ? { file: place } : {}), message, ...(hint ? { hint } : {}) };
}

/** Stops a tally, merge or report that has no valid questionnaire: exit 1, and no output written. */
export function requireValidAnswers(counts: ReadCounts, lang: "zh-CN" | "en", file?: string): void {
  const problem = noValidAnswers(counts, lang, file);
  if (problem) throw new SurveyError([problem]);
}
