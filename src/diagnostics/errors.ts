import type { DiagnosticCode } from "./catalogue.js";
import type { Diagnostic } from "./diagnostic.js";

/** Exit codes, the same for every command (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /**
   * The data has errors: validate found errors, tally --strict counted around them, or the answers cannot
   * be counted at all (no valid questionnaire, option codes the definition cannot read).
   */
  dataErrors: 1,
  /** The command could not run: bad arguments, unreadable or invalid definition, missing file. */
  cannotRun: 2,
  /** A bug in survey itself. */
  internal: 70,
} as const;

/**
 * The codes that, when they stop a command, say the data cannot be counted (exit 1) rather than that the
 * command could not run (exit 2: a definition, file, option or output the user must fix first).
 */
const DATA_CODES: ReadonlySet<DiagnosticCode> = new Set(["NO_VALID_ANSWERS", "CODES_GUESSED"]);

/**
 * A mistake of the user's that stops the command. It carries every diagnostic found, so the user can
 * fix them all at once, and the exit code that says what kind of mistake it was (by default, from the
 * codes: 1 for the data, 2 for everything else).
 */
export class SurveyError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly exitCode: number = diagnostics.some((d) => DATA_CODES.has(d.code)) ? EXIT.dataErrors : EXIT.cannotRun,
  ) {
    super(diagnostics.map((d) => d.message).join("; "));
    this.name = "SurveyError";
  }
}

export function usageError(message: string, hint?: string): SurveyError {
  return new SurveyError([{ code: "USAGE", severity: "error", message, hint }], EXIT.cannotRun);
}
