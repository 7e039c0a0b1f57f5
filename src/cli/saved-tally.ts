import { SurveyError } from "../errors.js";

/**
 * Runs `work` on tallies read from files (`survey merge`, `survey report --tally`). Only `schemaVersion`
 * is checked when such a file is read, so a tally edited by hand, cut short or from another version fails
 * deep inside merging or the report (a TypeError, or the word segmenter refusing a number for a text):
 * that becomes a diagnostic naming the file (exit 2).
 * A tally computed in this run never passes through here, so a bug of our own is still reported as one.
 */
export async function fromSavedTally<T>(files: string[], work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // System errors (a full disk, a folder without write permission) are not the tally's fault.
    if (err instanceof SurveyError || !(err instanceof Error) || (err as NodeJS.ErrnoException).syscall !== undefined) throw err;
    throw new SurveyError(
      files.map((file) => ({
        code: "TALLY_INVALID" as const,
        severity: "error" as const,
        file,
        message: `does not have the shape of \`survey tally --format json\` (${err.message})`,
        hint: "make it again with `survey tally --format json`; do not edit it by hand",
      })),
    );
  }
}
