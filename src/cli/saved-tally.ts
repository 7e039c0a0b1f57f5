import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Survey } from "../definition/model.js";
import { SurveyError } from "../errors.js";
import { compareTallies } from "../tally/compare.js";
import type { TallyResult } from "../tally/types.js";
import { displayPath, type Io } from "./context.js";

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

/**
 * `--previous last.json`: reads the earlier round's saved tally (`survey tally --format json` or `survey
 * merge`) and returns `current` compared with it (src/tally/compare.ts), its questions matched through the
 * definition's `previous.map`. A file that cannot be read is FILE_NOT_FOUND, one that is not a tally
 * TALLY_INVALID, both naming the file (exit 2).
 */
export async function compareWithPrevious(io: Io, current: TallyResult, file: string, survey: Pick<Survey, "previousMap">): Promise<TallyResult> {
  const full = resolve(io.cwd, file);
  const name = displayPath(io, full);
  let text: string;
  try {
    text = await readFile(full, "utf8");
  } catch {
    throw new SurveyError([{ code: "FILE_NOT_FOUND", severity: "error", file: name, message: "the earlier round's tally (--previous) cannot be read" }]);
  }
  let previous: TallyResult;
  try {
    previous = JSON.parse(text) as TallyResult;
  } catch (err) {
    throw new SurveyError([{ code: "TALLY_INVALID", severity: "error", file: name, message: `is not JSON (${(err as Error).message})`, hint: "give --previous the output of `survey tally --format json` of the earlier round" }]);
  }
  if (!previous || typeof previous !== "object" || previous.schemaVersion !== 1 || typeof previous.questions !== "object" || previous.questions === null || typeof previous.responses !== "object") {
    throw new SurveyError([{ code: "TALLY_INVALID", severity: "error", file: name, message: "is not the JSON of `survey tally --format json` (schemaVersion 1)", hint: "give --previous the output of `survey tally --format json` of the earlier round" }]);
  }
  return fromSavedTally([name], () => compareTallies(current, previous, { map: survey.previousMap }));
}
