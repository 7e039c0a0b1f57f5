import { access, link, rename, stat, unlink, writeFile } from "node:fs/promises";
import { closeSync, openSync, rmSync, writeSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import { SurveyError } from "../diagnostics/errors.js";
import { fromSystemError } from "../diagnostics/system-errors.js";
import type { Io } from "./io.js";
import { tmpdir } from "node:os";
import { rm } from "node:fs/promises";
import { displayPath } from "./io.js";
import { makeWorkFolder, removeStaleOutputTemporaries, removeStaleWorkFolders, temporaryName } from "./temporaries.js";

export { temporaryName };

/** Temporary files being written right now: removed if the process is interrupted. */
const pending = new Set<string>();

/**
 * Writes a command's output to `path`: into a temporary file in the same folder, then moved into place,
 * so a reader never sees half a file and a failed or interrupted run leaves nothing behind. Without
 * `force` an existing file is never replaced — not even one another run creates meanwhile: the final
 * step is a hard link, which fails if the name exists, instead of a rename, which would replace it.
 *
 * Never replaced, even with `force`: one of the command's own inputs (`io.inputs`, compared by device and
 * inode, so also through another name or link). A character device or a pipe (/dev/null, a FIFO) is
 * written to directly, as `>` would: a rename would replace the device itself by a regular file. Errors
 * of the system (read-only or full disk, a path through a file…) become one FILE_SYSTEM line naming `path`.
 */
export async function writeOutput(io: Io, path: string, content: Content, force: boolean): Promise<void> {
  try {
    await writeOutputFile(io, path, content, force);
  } catch (err) {
    throw fromSystemError(err, path);
  }
}

/** A command's output: text, bytes, or a writer that hands its text over in pieces (big JSON). */
export type Content = string | Uint8Array | ((write: (piece: string | Uint8Array) => void) => void);

async function writeOutputFile(io: Io, path: string, content: Content, force: boolean): Promise<void> {
  const full = resolve(io.cwd, path);
  const existing = await stat(full).catch(() => undefined);
  if (existing) {
    if (await isInput(io, existing)) throw outputIsInput(path);
    if (existing.isCharacterDevice() || existing.isFIFO()) return writeDirectly(full, content);
    if (!existing.isFile()) throw notAFile(path, existing);
    if (!force) throw outputExists(path);
  }
  // A run killed with -9 left its temporary file: this run, writing to the same folder, removes it.
  await removeStaleOutputTemporaries(dirname(full));
  const temp = temporaryName(full);
  pending.add(temp);
  try {
    if (typeof content === "function") writePieces(temp, content);
    else await writeFile(temp, content, { flag: "wx" });
    if (force) {
      await rename(temp, full);
    } else {
      try {
        await link(temp, full);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") throw outputExists(path);
        // File systems without hard links (some network and FAT drives): fall back to a checked rename.
        if (await exists(full)) throw outputExists(path);
        await rename(temp, full);
      }
    }
  } finally {
    pending.delete(temp);
    await unlink(temp).catch(() => undefined);
  }
}

/** Writes into an existing device or pipe, as the shell's `>` would: nothing to move into place. */
async function writeDirectly(full: string, content: Content): Promise<void> {
  if (typeof content === "function") writePieces(full, content, "w");
  else await writeFile(full, content, { flag: "w" });
}

function writePieces(path: string, content: (write: (piece: string | Uint8Array) => void) => void, flag = "wx"): void {
  const fd = openSync(path, flag);
  try {
    content((piece) => {
      if (typeof piece === "string") writeSync(fd, piece);
      // A write may take fewer bytes than given (a pipe): the rest follows.
      else for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at);
    });
  } finally {
    closeSync(fd);
  }
}

/** Writes a command's output to stdout: bytes (a .docx) as they are, never decoded as text. */
export function writeStdout(io: Io, content: Content): void {
  if (typeof content === "function") content((piece) => (typeof piece === "string" ? io.stdout(piece) : io.stdoutBytes ? io.stdoutBytes(piece) : io.stdout(Buffer.from(piece).toString("utf8"))));
  else if (typeof content === "string") io.stdout(content);
  else if (io.stdoutBytes) io.stdoutBytes(content);
  else throw new Error("this Io cannot write bytes to stdout");
}

/** Registers a temporary file or folder written outside writeOutput, so an interruption removes it too. */
export function trackTemporary(path: string): () => void {
  pending.add(path);
  return () => pending.delete(path);
}

/**
 * Runs `job` with a private folder in the temporary folder (TMPDIR), removed when it ends, on Ctrl-C or a
 * kill; one that kill -9 left is removed by the next run.
 */
export async function withWorkFolder<T>(io: Io, job: (folder: string) => Promise<T>): Promise<T> {
  const base = io.env.TMPDIR || tmpdir();
  await removeStaleWorkFolders(base);
  const folder = await makeWorkFolder(base).catch((err: unknown) => {
    throw fromSystemError(err, displayPath(io, base));
  });
  const untrack = trackTemporary(folder);
  try {
    return await job(folder);
  } finally {
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    untrack();
  }
}

let installed = false;
/**
 * On Ctrl-C or a kill, removes the temporary files of outputs being written (and standard input's spooled
 * copy), then exits with the conventional code (130 for SIGINT, 143 for SIGTERM). Installed by
 * bin/survey.js, not by tests. kill -9 cannot be caught: the next run removes what it leaves (temporaries.ts).
 */
export function removeTemporariesOnSignal(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      for (const temp of pending) {
        try {
          rmSync(temp, { recursive: true, force: true });
        } catch {
          // Exiting on a signal: whatever cannot be removed now, the next run removes.
        }
      }
      process.exit(code);
    });
  }
}

function outputExists(path: string): SurveyError {
  return new SurveyError([{ code: "OUTPUT_EXISTS", severity: "error", file: path, message: "the output file exists; it was not changed", hint: "pass --force to overwrite it" }]);
}

/** Whether `output` (its stat) is one of the files the command read, by device and inode. */
async function isInput(io: Io, output: Stats): Promise<boolean> {
  for (const input of io.inputs ?? []) {
    const s = await stat(input).catch(() => undefined);
    if (s && s.dev === output.dev && s.ino === output.ino) return true;
  }
  return false;
}

function outputIsInput(path: string): SurveyError {
  return new SurveyError([{ code: "OUTPUT_IS_INPUT", severity: "error", file: path, message: "the output is one of the command's own inputs; it was not changed, --force or not", hint: "write the output under another name (-o)" }]);
}

function notAFile(path: string, s: Stats): SurveyError {
  const what = s.isDirectory() ? "a folder" : s.isBlockDevice() ? "a block device (a disk)" : s.isSocket() ? "a socket" : "not a regular file";
  return new SurveyError([{ code: "FILE_SYSTEM", severity: "error", file: path, message: `the output is ${what}; survey writes files, character devices (/dev/null) and pipes`, hint: "name a file with -o" }]);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

