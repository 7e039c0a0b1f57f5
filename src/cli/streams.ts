import { randomBytes } from "node:crypto";
import { createWriteStream, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { usageError } from "../diagnostics/errors.js";
import type { InputFile } from "../io/table.js";
import type { Io } from "./io.js";
import { trackTemporary } from "./output.js";

/** `-` among the answer files: standard input; as `-o`, standard output. */
export const STREAM_ARG = "-";
/** The name standard input goes by in messages, `bySource` and `--each file`. */
export const STDIN_NAME = "<stdin>";

/**
 * Copies standard input into a private temporary file and returns it as an answer file named <stdin>.
 * Every reader takes a path, and reads it more than once: the encoding is detected over the whole file
 * before a row is parsed, the fast reader cuts a big file into ranges that worker threads open on their
 * own, a speeder check reads the durations first, spreadsheets are recognised by their first bytes. A
 * copy on disk gives standard input all of that unchanged, in flat memory, where a buffer in memory
 * would cost the input's size in RAM and a second path through every reader. The copy is removed when
 * the command ends (`io.atEnd`), and on Ctrl-C like every temporary file.
 */
export async function spoolStdin(io: Io): Promise<InputFile> {
  if (!io.stdin) throw usageError(`${STREAM_ARG}: there is no standard input to read`);
  if (io.stdinIsTTY) {
    throw usageError(`${STREAM_ARG}: standard input is a terminal; pipe or redirect the answers into it`, "e.g. survey tally - < answers.csv, or: cat answers.csv | survey tally -");
  }
  const path = join(tmpdir(), `survey-stdin-${process.pid}-${randomBytes(6).toString("hex")}`);
  const untrack = trackTemporary(path);
  const remove = async () => {
    untrack();
    await rm(path, { force: true });
  };
  try {
    await pipeline(io.stdin, createWriteStream(path, { flags: "wx" }));
  } catch (err) {
    await remove();
    throw err;
  }
  if (io.atEnd) io.atEnd(remove);
  else process.once("exit", () => rmSync(path, { force: true }));
  return { path, name: STDIN_NAME };
}

/** Whether a command's output goes to standard output: no -o, or `-o -`. */
export function toStdout(output: string | undefined): boolean {
  return output === undefined || output === STREAM_ARG;
}
