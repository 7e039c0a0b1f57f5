import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { basename, extname, isAbsolute, join, relative, resolve } from "node:path";
import { Option } from "commander";
import Papa from "papaparse";
import { itemOptionIndex, readAnswer, type CellProblem } from "../answers/cells.js";
import { mapColumns } from "../answers/columns.js";
import { cellsAsRead, isBlankRow } from "../answers/rules.js";
import type { Survey } from "../definition/model.js";
import { formatDiagnostic } from "../diagnostics/diagnostic.js";
import { EXIT, SurveyError, usageError } from "../diagnostics/errors.js";
import { exitCodeFor } from "../diagnostics/exit-code.js";
import { openTable, type InputFile } from "../io/table.js";
import { displayPath, type Io } from "./io.js";
import { trackTemporary } from "./output.js";
import { fromSystemError, systemDiagnostic } from "../diagnostics/system-errors.js";
import { makeWorkFolder, MAX_NAME_BYTES, removeStaleWorkFolders, truncateBytes } from "./temporaries.js";
import { STREAM_ARG, STDIN_NAME } from "./streams.js";

/**
 * Batch runs (`--each`): one output per input file, or per answer to a question (one report per
 * village), in one process. Shared by `survey tally` and `survey report`: the command gives the job for
 * one group; this module forms the groups, names their outputs safely, runs every group even when one
 * fails, and reports what was written.
 */

export interface EachOptions {
  /** `file`, or the id of a single-choice or scale question. */
  each: string;
  /** The folder the outputs go into (default: the working folder). */
  output?: string;
  summary?: "json" | "text";
  quiet?: boolean;
}

/** One group's inputs: the same definition, and the answer files holding only this group's rows. */
export interface EachGroup {
  /** The file name or the option label that names the group. */
  value: string;
  survey: Survey;
  files: InputFile[];
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
 * is reported and the others still run.
 */
export async function runEach(
  io: Io,
  survey: Survey,
  files: InputFile[],
  opts: EachOptions,
  extension: string,
  job: (group: EachGroup) => Promise<void>,
): Promise<number> {
  if (opts.output === STREAM_ARG) {
    throw usageError(`with --each, -o names a folder for the outputs; standard output (-o -) cannot hold several`, `e.g. -o reports/ writes reports/<value>${extension}`);
  }
  const outDir = resolve(io.cwd, opts.output ?? ".");
  if (extname(outDir) && extname(outDir).toLowerCase() === extension.toLowerCase()) {
    throw usageError(`with --each, -o names a folder, not a ${extension} file`, `e.g. -o reports/ writes reports/<value>${extension}`);
  }
  // The split copies of the data go to the temporary folder (TMPDIR): in one folder of this process's own,
  // removed when the batch ends, on Ctrl-C or a kill; one that kill -9 left is removed here, by the next run.
  const temporary = io.env.TMPDIR || tmpdir();
  await removeStaleWorkFolders(temporary);
  const work = await makeWorkFolder(temporary).catch((err: unknown) => {
    throw fromSystemError(err, displayPath(io, temporary));
  });
  const untrack: (() => void)[] = [trackTemporary(work)];
  try {
    const groups = opts.each === "file" ? byFile(files) : await byQuestion(io, survey, files, opts.each, work, opts.quiet ?? false);
    if (groups.length === 0) throw usageError(`--each ${opts.each}: no group has any answers`);
    await mkdir(outDir, { recursive: true });
    const names = uniqueNames(groups.map((g) => safeFileName(g.value)));
    // `issued` counts the questionnaires handed out for the whole survey: a group's response rate
    // against it would be wrong, so groups have none unless the command passes --issued.
    const groupSurvey: Survey = { ...survey, issued: undefined, data: { ...survey.data, encoding: opts.each === "file" ? survey.data.encoding : "auto" } };
    const outcomes: EachOutcome[] = [];
    for (const [i, g] of groups.entries()) {
      const output = displayPath(io, outputPath(outDir, names[i]!, extension));
      const outcome: EachOutcome = { value: g.value, output, ok: true, exitCode: EXIT.ok };
      try {
        await job({ value: g.value, survey: groupSurvey, files: g.files, output });
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
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
    for (const done of untrack) done();
  }
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

interface Grouped {
  value: string;
  files: InputFile[];
}

function byFile(files: InputFile[]): Grouped[] {
  return files.map((f) => ({ value: f.name === STDIN_NAME ? "stdin" : basename(f.name, extname(f.name)), files: [f] }));
}

/**
 * Splits the answer files by the answer to `questionId`: one pass writes each row into a per-group,
 * per-input CSV (same header and row numbers; UTF-8 whatever the original was, hence encoding auto for
 * the groups), which the job then reads as usual. Rows without a readable answer
 * belong to no group and are counted on stderr.
 */
async function byQuestion(
  io: Io,
  survey: Survey,
  files: InputFile[],
  questionId: string,
  work: string,
  quiet: boolean,
): Promise<Grouped[]> {
  const item = survey.itemById.get(questionId);
  if (!item || (item.type !== "single" && item.type !== "scale")) {
    throw usageError(
      `--each ${questionId}: ${item ? `${questionId} is a ${item.type} question` : "no such question"}`,
      "name a single-choice or scale question (e.g. the village), or use --each file",
    );
  }
  const index = itemOptionIndex(item)!;
  const writers = new Map<string, Split>();
  try {
    return await split(io, survey, files, item, questionId, index, work, quiet, writers);
  } catch (err) {
    // A full disk (ENOSPC), a quota, a read-only TMPDIR: one line naming the folder, and no split left open.
    for (const w of writers.values()) w.stream.destroy();
    throw fromSystemError(err, displayPath(io, work));
  }
}

/**
 * One split copy being written. A stream reports a failed write (a full disk) as an 'error' event, which
 * unheard crashes the process: it is kept here and thrown by the next write or by `end`.
 */
class Split {
  readonly stream: WriteStream;
  private error: Error | undefined;
  row = 1;
  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: "wx" });
    this.stream.on("error", (err) => (this.error ??= err));
  }

  async write(text: string): Promise<void> {
    if (this.error) throw this.error;
    // Waiting for the disk keeps memory bounded when the data is read faster than it is written.
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  async end(): Promise<void> {
    if (this.error) throw this.error;
    await new Promise<void>((done, fail) => this.stream.end((err?: Error | null) => (err ? fail(err) : done())));
    if (this.error) throw this.error;
  }
}

async function split(
  io: Io,
  survey: Survey,
  files: InputFile[],
  item: NonNullable<ReturnType<Survey["itemById"]["get"]>>,
  questionId: string,
  index: NonNullable<ReturnType<typeof itemOptionIndex>>,
  work: string,
  quiet: boolean,
  writers: Map<string, Split>,
): Promise<Grouped[]> {
  const groups = new Map<number, Grouped>();
  let ungrouped = 0;
  for (const [fi, input] of files.entries()) {
    const table = await openTable(input, { encoding: survey.data.encoding, onDiagnostic: () => {} });
    const columns = mapColumns(survey, table.header, input.name, []).items.get(item.id);
    if (!columns) throw new SurveyError([{ code: "HEADER_MISSING", severity: "error", file: input.name, row: 1, message: `no column for ${item.id} (${item.text}), so --each ${questionId} cannot group its rows` }]);
    for await (const { cells, row } of table.rows) {
      // The readers' own rules (answers/rules.ts): a blank row is no questionnaire, a cell too long is blank.
      if (isBlankRow(cells)) continue;
      const problems: CellProblem[] = [];
      const answer = readAnswer(item, columns, cellsAsRead(cells), survey.data, index, problems);
      // A code that cannot be told apart would put rows in the wrong group: the run stops here, as a tally would.
      const guessed = problems.find((p) => p.code === "CODES_GUESSED");
      if (guessed) {
        throw new SurveyError([{ code: "CODES_GUESSED", severity: "error", file: input.name, row, column: table.header[guessed.index], message: guessed.message, hint: guessed.hint }]);
      }
      const code = answer.kind === "choice" ? answer.codes[0] : undefined;
      const option = code === undefined ? undefined : index.byCode.get(code);
      if (!option) {
        ungrouped++;
        continue;
      }
      const key = `${option.code}/${fi}`;
      let out = writers.get(key);
      if (!out) {
        const path = join(work, `${option.code}-${fi}.csv`);
        out = new Split(path);
        writers.set(key, out);
        await out.write(`\uFEFF${csvLine(table.header)}`);
        const group = groups.get(option.code) ?? { value: option.label, files: [] };
        // Shown under the original name: the row numbers are the original ones too (see below).
        group.files.push({ path, name: input.name });
        groups.set(option.code, group);
      }
      // Other groups' rows become empty lines, which the reader passes over silently: every row keeps
      // the number it has in the original file, so a group's messages point at the right row.
      if (row - out.row > 1) await out.write("\r\n".repeat(row - out.row - 1));
      await out.write(csvLine(cells));
      out.row = row;
    }
  }
  await Promise.all([...writers.values()].map((w) => w.end()));
  if (ungrouped && !quiet) {
    io.stderr(`--each ${questionId}: ${ungrouped === 1 ? "1 row has" : `${ungrouped} rows have`} no answer to ${questionId} and ${ungrouped === 1 ? "belongs" : "belong"} to no group\n`);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, g]) => g);
}

/** One row of a group's CSV, quoted by papaparse where a cell needs it, and its line ending. */
function csvLine(cells: string[]): string {
  return `${Papa.unparse([cells], { newline: "\r\n" })}\r\n`;
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
