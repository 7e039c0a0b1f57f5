import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Survey } from "../definition/model.js";
import { oneLine } from "../diagnostics/diagnostic.js";
import { SurveyError } from "../diagnostics/errors.js";
import { compareTallies } from "../tally/compare.js";
import type { StatefulTally } from "../tally/state.js";
import type { TallyResult } from "../tally/types.js";
import { displayPath, noteInputs, type Io } from "./io.js";

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
  noteInputs(io, [full]);
  const previous = await readSavedTally(full, name, "give --previous the output of `survey tally --format json` of the earlier round");
  return fromSavedTally([name], () => compareTallies(current, previous, { map: survey.previousMap }));
}

/**
 * Reads a saved tally (`survey merge`, `report --tally`, `--previous`): FILE_NOT_FOUND only when the file
 * cannot be read; TALLY_INVALID, at the line and column JSON.parse stopped at, when it is not JSON, and
 * when it is JSON but not `survey tally --format json`'s (schemaVersion 1).
 */
export async function readSavedTally(full: string, name: string, hint = "make it with `survey tally --format json`"): Promise<StatefulTally> {
  let text: string;
  try {
    text = await readFile(full, "utf8");
  } catch {
    throw new SurveyError([{ code: "FILE_NOT_FOUND", severity: "error", file: name, message: "the saved tally cannot be read", hint: "check the path" }]);
  }
  let parsed: StatefulTally;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, "")) as StatefulTally;
  } catch (err) {
    throw new SurveyError([{ code: "TALLY_INVALID", severity: "error", file: name, ...jsonErrorPlace(text, err as Error), message: `is not JSON: ${oneLine((err as Error).message, 120)}`, hint }]);
  }
  if (!parsed || typeof parsed !== "object" || parsed.schemaVersion !== 1 || typeof parsed.questions !== "object" || parsed.questions === null || typeof parsed.responses !== "object") {
    throw new SurveyError([{ code: "TALLY_INVALID", severity: "error", file: name, message: "is JSON, but not that of `survey tally --format json` (schemaVersion 1)", hint }]);
  }
  return parsed;
}

/**
 * Where JSON.parse stopped, as a line and column: V8 gives a position for most errors, the end for
 * "Unexpected end", and only a snippet for an unexpected token, which is then the first character when
 * the text does not even start as JSON does.
 */
function jsonErrorPlace(text: string, err: Error): { line?: number; col?: number } {
  const body = text.replace(/^\uFEFF/, "");
  const m = /at position (\d+)/.exec(err.message);
  let offset: number | undefined = m ? Number(m[1]) : /Unexpected end of JSON input/.test(err.message) ? body.length : undefined;
  if (offset === undefined) {
    const first = body.search(/\S/);
    if (first >= 0 && !/[{[]/.test(body[first]!)) offset = first;
  }
  if (offset === undefined) return {};
  const before = body.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}
