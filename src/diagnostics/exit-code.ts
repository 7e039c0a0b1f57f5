import { CommanderError } from "commander";
import { EXIT, SurveyError } from "./errors.js";
import { isSystemError } from "./system-errors.js";

/** What commander throws after printing help or the version (with exitOverride): the run went well. */
const DONE = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

/**
 * The exit code for whatever stopped a command (README, "Exit codes"): the one mapping, used by the
 * top-level catch and by each group of --each.
 *
 * - a SurveyError: 1 when the data cannot be counted, 2 otherwise (by its codes: exitCodeOfDiagnostics);
 * - an error of the operating system (a read-only or full disk, a path through a file…): 2, the user's
 *   environment, not a bug;
 * - commander's own: 0 after --help or --version, 2 for a wrong option or argument;
 * - anything else: 70, a bug in survey.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof SurveyError) return err.exitCode;
  if (err instanceof CommanderError) return DONE.has(err.code) ? EXIT.ok : EXIT.cannotRun;
  if (isSystemError(err)) return EXIT.cannotRun;
  return EXIT.internal;
}
