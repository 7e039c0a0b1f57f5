import { mkdir } from "node:fs/promises";
import { basename, extname, isAbsolute, relative, resolve } from "node:path";
import { Option } from "commander";
import type { Survey } from "../definition/model.js";
import { formatDiagnostic } from "../diagnostics/diagnostic.js";
import { EXIT, SurveyError, usageError } from "../diagnostics/errors.js";
import { exitCodeFor } from "../diagnostics/exit-code.js";
import type { InputFile } from "../io/table.js";
import type { PipelineOptions } from "../pipeline/options.js";
import type { TallyResult } from "../tally/types.js";
import { displayPath, type Io } from "./io.js";
import { systemDiagnostic } from "../diagnostics/system-errors.js";
import { MAX_NAME_BYTES, truncateBytes } from "./temporaries.js";
import { STREAM_ARG, STDIN_NAME } from "./streams.js";

/**
 * Batch runs (`--each`): one output per input file, or per answer to a question (one report per
 * village), in one process. Shared by `survey tally` and `survey report`: the command gives the job for
 * one group; the pipeline counts the groups (a file each, or every group of rows in one reading of the
 * files); this module names their outputs safely, runs every group even when one fails, and reports what
 * was written.
 */

export interface EachOptions {
  /** `file`, or the id of a single-choice or scale question. */
  each: string;
  /** The folder the outputs go into (default: the working folder). */
  output?: string;
  summary?: "json" | "text";
  quiet?: boolean;
}

/** One group: the definition its tally is of, its tally, and where its output goes. */
export interface EachGroup {
  /** The file name or the option label that names the group. */
  value: string;
  survey: Survey;
  /** The group's tally; throws what stops this group alone (no valid questionnaire is the job's to refuse). */
  tally(): Promise<TallyResult>;
  /** Where the group's output goes, as a path relative to the working folder (or absolute). */
  output: string;
}

export interface EachOutcome {
  value: string;
  output: string;
  ok: boolean;
  exitCode: number;
  error?: string;
}

/** `--each <question|file>`, for a command's option list. */
export function eachOption(): Option {
  return new Option(
    "--each <question|file>",
    "one output per input file (file), or per answer to a single-choice question, into the -o folder, named from the value",
  );
}

/** `--summary json|text`: what `--each` wrote, as JSON on stdout or a line on stderr. */
export function summaryOption(): Option {
  return new Option("--summary <format>", "with --each: what was written, as json on stdout or text on stderr").choices(["json", "text"]);
}

/**
 * Runs `job` once per group and returns the exit code of the whole batch: 0 when every group was
 * written, else the highest exit code of the failed groups (2 could not run, 70 a bug). A failing group
 * is reported and the others still run. `reading` is how the groups are read and counted (the command's
 * --by, --issued, which open answers it lists).
 */
export async function runEach(
  io: Io,
  survey: Survey,
  files: InputFile[],
  opts: EachOptions,
  extension: string,
  reading: PipelineOptions,
  job: (group: EachGroup) => Promise<void>,
): Promise<number> {
  if (opts.output === STREAM_ARG) {
    throw usageError(`with --each, -o names a folder for the outputs; standard output (-o -) cannot hold several`, `e.g. -o reports/ writes reports/<value>${extension}`);
  }
  const outDir = resolve(io.cwd, opts.output ?? ".");
  if (extname(outDir) && extname(outDir).toLowerCase() === extension.toLowerCase()) {
    throw usageError(`with --each, -o names a folder, not a ${extension} file`, `e.g. -o reports/ writes reports/<value>${extension}`);
  }
  // `issued` counts the questionnaires handed out for the whole survey: a group's response rate
  // against it would be wrong, so groups have none unless the command passes --issued.
  const groupSurvey: Survey = { ...survey, issued: undefined };
  const groups = await formGroups(io, groupSurvey, files, opts, reading);
  if (groups.length === 0) throw usageError(`--each ${opts.each}: no group has any answers`);
  await mkdir(outDir, { recursive: true });
  const names = uniqueNames(groups.map((g) => safeFileName(g.value)));
  const outcomes: EachOutcome[] = [];
  for (const [i, g] of groups.entries()) {
    const output = displayPath(io, outputPath(outDir, names[i]!, extension));
    const outcome: EachOutcome = { value: g.value, output, ok: true, exitCode: EXIT.ok };
    try {
      await job({ value: g.value, survey: groupSurvey, tally: g.tally, output });
    } catch (err) {
      Object.assign(outcome, failure(err));
      io.stderr(`${output}: failed: ${outcome.error}\n`);
    }
    if (outcome.ok && !opts.quiet && opts.summary !== "json") io.stderr(`wrote ${output}\n`);
    outcomes.push(outcome);
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (opts.summary === "json") {
    io.stdout(`${JSON.stringify({ each: opts.each, written: outcomes.length - failed.length, failed: failed.length, groups: outcomes }, null, 2)}\n`);
  } else if (opts.summary === "text" || failed.length) {
    io.stderr(`${outcomes.length - failed.length} of ${outcomes.length} written${failed.length ? `; failed: ${failed.map((f) => f.value).join(", ")}` : ""}\n`);
  }
  return failed.reduce((code, f) => Math.max(code, f.exitCode), EXIT.ok as number);
}

interface Grouped {
  value: string;
  tally(): Promise<TallyResult>;
}

/**
 * The groups and how each is counted: per input file, a run of the pipeline over that file; per answer to
 * a question, the pipeline's one reading of every file (`tallyByAnswer`), whose rows without an answer
 * belong to no group and are counted on stderr.
 */
async function formGroups(io: Io, survey: Survey, files: InputFile[], opts: EachOptions, reading: PipelineOptions): Promise<Grouped[]> {
  // The pipeline, loaded only when it counts (report's other paths read a saved tally).
  const pipeline = await import("../pipeline/index.js");
  if (opts.each === "file") {
    return files.map((f) => ({ value: f.name === STDIN_NAME ? "stdin" : basename(f.name, extname(f.name)), tally: () => pipeline.tallySurvey(survey, [f], reading) }));
  }
  const { groups, ungrouped } = await pipeline.tallyByAnswer(survey, files, opts.each, reading);
  if (ungrouped && !opts.quiet) {
    const q = opts.each;
    io.stderr(`--each ${q}: ${ungrouped === 1 ? "1 row has" : `${ungrouped} rows have`} no answer to ${q} and ${ungrouped === 1 ? "belongs" : "belong"} to no group\n`);
  }
  return groups.map((g) => ({ value: g.value, tally: async () => g.tally() }));
}

/** How a group failed: its exit code by the one mapping (exitCodeFor), and the line that says why. */
function failure(err: unknown): Pick<EachOutcome, "ok" | "exitCode" | "error"> {
  const exitCode = exitCodeFor(err);
  if (err instanceof SurveyError) return { ok: false, exitCode, error: err.diagnostics.map(formatDiagnostic).join("; ") };
  const system = systemDiagnostic(err);
  if (system) return { ok: false, exitCode, error: formatDiagnostic(system) };
  const e = err as NodeJS.ErrnoException;
  return { ok: false, exitCode, error: `internal error: ${e?.message ?? String(err)} (a bug in survey; please report it)` };
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const MAX_NAME = 80;
/**
 * Bytes of a name's UTF-8: 80 characters of Chinese are 240, and with the longest extension (.docx) and a
 * `-2` to tell two groups apart still under the 255 bytes file systems allow.
 */
const MAX_NAME_UTF8 = MAX_NAME_BYTES - 15;
/**
 * Characters that are invisible or change how a name is shown: the controls (C0, DEL, C1), format
 * characters (category Cf: the bidirectional overrides and isolates such as U+202E, which make
 * `exe.docx` look like `xcod.exe`, zero-width spaces and joiners, the BOM, soft hyphens), line and
 * paragraph separators, and halves of surrogate pairs.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * A file name made from an answer or a file name, safe on every platform: no path separators or
 * characters Windows forbids, no control characters (NUL) and no invisible ones (INVISIBLE), no leading
 * or trailing dots and spaces (so never `.` or `..`), not a reserved Windows device name, at most 80
 * characters and MAX_NAME_UTF8 bytes. The result never names anything outside the output folder.
 */
export function safeFileName(value: string): string {
  let name = value
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, "_")
    .replace(INVISIBLE, "")
    .replace(/^[\s.]+|[\s.]+$/g, "")
    .replace(/\s+/g, " ");
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  name = truncateBytes([...name].slice(0, MAX_NAME).join(""), MAX_NAME_UTF8).replace(/[\s.]+$/, "");
  return name || "_";
}

/** Distinct names for distinct groups whose safe names coincide (`a/b` and `a_b`): `a_b`, `a_b-2`. */
function uniqueNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${n}-${k}`;
    used.add(name.toLowerCase());
    return name;
  });
}

function outputPath(outDir: string, name: string, extension: string): string {
  const full = resolve(outDir, `${name}${extension}`);
  const rel = relative(outDir, full);
  // Defence in depth: safeFileName already makes escaping impossible.
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) throw new Error(`unsafe output name ${JSON.stringify(name)}`);
  return full;
}
