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
 * command could not run (exit 2: a definition, file, option or output the user must fix first). RAKE_FAILED
 * is the data's too: raking fails when an option with a target has no questionnaire, or the answers'
 * shares cannot be brought to the targets (README, "Weights": "RAKE_FAILED (exit 1)").
 */
const DATA_CODES: ReadonlySet<DiagnosticCode> = new Set(["NO_VALID_ANSWERS", "CODES_GUESSED", "RAKE_FAILED"]);

/** The exit code of a command stopped by these diagnostics: 1 when one says the data cannot be counted, else 2. */
export function exitCodeOfDiagnostics(diagnostics: readonly Diagnostic[]): typeof EXIT.dataErrors | typeof EXIT.cannotRun {
  return diagnostics.some((d) => DATA_CODES.has(d.code)) ? EXIT.dataErrors : EXIT.cannotRun;
}

/**
 * A mistake of the user's that stops the command. It carries every diagnostic found, so the user can
 * fix them all at once; what kind of mistake it is, and so its exit code, follows from their codes alone
 * (exitCodeOfDiagnostics), never from what the thrower says.
 */
export class SurveyError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("; "));
    this.name = "SurveyError";
  }

  get exitCode(): number {
    return exitCodeOfDiagnostics(this.diagnostics);
  }
}

export function usageError(message: string, hint?: string): SurveyError {
  return new SurveyError([{ code: "USAGE", severity: "error", message, hint }]);
}
