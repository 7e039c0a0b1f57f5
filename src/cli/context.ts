import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isDynamicPattern } from "tinyglobby";
import { append } from "../arrays.js";
import { parseSurvey } from "../definition/load.js";
import type { Survey } from "../definition/model.js";
import { SurveyError, usageError } from "../diagnostics/errors.js";
import { distinctFiles, expandGlob } from "../io/glob.js";
import type { InputFile } from "../io/table.js";
import { displayPath, noteInputs, type Io } from "./io.js";
import { spoolStdin, STREAM_ARG } from "./streams.js";
import { decodeWhole } from "../io/encoding.js";

/** Reads and checks survey.yaml; every problem in it is thrown at once, with its line and column. */
export async function loadSurvey(io: Io, path: string): Promise<Survey> {
  const full = resolve(io.cwd, path);
  let bytes: Buffer;
  try {
    bytes = await readFile(full);
  } catch {
    throw new SurveyError([
      {
        code: "FILE_NOT_FOUND",
        severity: "error",
        file: path,
        message: "the survey definition cannot be read",
        hint: "pass -s path/to/survey.yaml, or run `survey init` to create one",
      },
    ]);
  }
  const shown = displayPath(io, full);
  const text = definitionText(bytes, shown);
  // A codebook file (`themes: codebook.yaml`) is found beside survey.yaml.
  const readCodebook = (path: string) => {
    const at = resolve(dirname(full), path);
    let codebook: Buffer;
    try {
      codebook = readFileSync(at);
    } catch {
      return undefined;
    }
    const file = displayPath(io, at);
    return { text: definitionText(codebook, file), file };
  };
  const { survey, diagnostics } = parseSurvey(text, shown, { readCodebook });
  if (!survey) throw new SurveyError(diagnostics);
  survey.file = full;
  noteInputs(io, [full]);
  return survey;
}

/**
 * The text of survey.yaml (or a codebook) in whatever encoding an editor saved it: UTF-8, GB18030 (Notepad
 * on Chinese Windows) or UTF-16, by the rule answer files are read by. Read as UTF-8 regardless, GB18030
 * made its Chinese options all one replacement character ("listed twice") and UTF-16 no mapping at all.
 */
function definitionText(bytes: Buffer, file: string): string {
  const decoded = decodeWhole(bytes);
  if (!decoded) {
    throw new SurveyError([
      {
        code: "YAML_SYNTAX",
        severity: "error",
        file,
        line: 1,
        col: 1,
        message: "the file is not text in UTF-8, GB18030 or UTF-16",
        hint: "save it again from your editor as UTF-8",
      },
    ]);
  }
  return decoded.text.replace(/^\uFEFF/, "");
}

/**
 * The answer files of a run: the arguments, or else the definition's `data.files` (relative to
 * survey.yaml). Globs are expanded here, not only by the shell, so they work on every platform; files
 * keep the order given, and each glob's matches are sorted.
 */
export async function resolveFiles(io: Io, survey: Survey, args: string[]): Promise<InputFile[]> {
  const base = args.length ? io.cwd : dirname(survey.file ?? resolve(io.cwd, "survey.yaml"));
  const patterns = args.length ? args : survey.data.files;
  if (!patterns.length) {
    throw new SurveyError([
      { code: "USAGE", severity: "error", message: "no answer files given", hint: "name them after the options, or set data.files in survey.yaml" },
    ]);
  }
  const files: string[] = [];
  // `-` is standard input only on the command line: in data.files it is a file of that name.
  const stdinAt = args.length ? args.indexOf(STREAM_ARG) : -1;
  if (stdinAt >= 0 && args.indexOf(STREAM_ARG, stdinAt + 1) >= 0) {
    throw usageError(`${STREAM_ARG} is given twice: standard input can be read only once`);
  }
  for (const [k, pattern] of patterns.entries()) {
    if (k === stdinAt) {
      files.push(STREAM_ARG);
    } else if (isDynamicPattern(pattern)) {
      const matches = expandGlob(pattern, base);
      if (!matches.length) {
        throw new SurveyError([{ code: "FILE_NOT_FOUND", severity: "error", file: pattern, message: "no file matches this pattern" }]);
      }
      append(files, matches);
    } else {
      files.push(resolve(base, pattern));
    }
  }
  const inputs = distinctFiles(files).map((path) => ({ path, name: displayPath(io, path) }));
  noteInputs(io, files.filter((f) => f !== STREAM_ARG));
  if (stdinAt >= 0) {
    const at = inputs.findIndex((f) => f.path === STREAM_ARG);
    inputs[at] = await spoolStdin(io);
  }
  return inputs;
}
