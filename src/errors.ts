import type { Diagnostic } from "./diagnostics.js";

/** Exit codes, the same for every command. */
export const EXIT = {
  ok: 0,
  /** The data has errors (validate, or any command under --strict). */
  dataErrors: 1,
  /** The command could not run: bad arguments, unreadable or invalid definition, missing file. */
  cannotRun: 2,
  /** A bug in survey itself. */
  internal: 70,
} as const;

/**
 * A mistake of the user's that stops the command. It carries every diagnostic found, so the user can
 * fix them all at once, and the exit code that says what kind of mistake it was.
 */
export class SurveyError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly exitCode: number = EXIT.cannotRun,
  ) {
    super(diagnostics.map((d) => d.message).join("; "));
    this.name = "SurveyError";
  }
}

export function usageError(message: string, hint?: string): SurveyError {
  return new SurveyError([{ code: "USAGE", severity: "error", message, hint }], EXIT.cannotRun);
}
