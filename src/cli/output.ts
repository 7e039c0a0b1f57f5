import { randomBytes } from "node:crypto";
import { access, link, rename, unlink, writeFile } from "node:fs/promises";
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EXIT, SurveyError } from "../errors.js";
import type { Io } from "./context.js";

/** Temporary files being written right now: removed if the process is interrupted. */
const pending = new Set<string>();

/**
 * Writes a command's output to `path`: into a temporary file in the same folder, then moved into place,
 * so a reader never sees half a file and a failed or interrupted run leaves nothing behind. Without
 * `force` an existing file is never replaced — not even one another run creates meanwhile: the final
 * step is a hard link, which fails if the name exists, instead of a rename, which would replace it.
 */
/** A command's output: text, bytes, or a writer that hands its text over in pieces (big JSON). */
export type Content = string | Uint8Array | ((write: (text: string) => void) => void);

export async function writeOutput(io: Io, path: string, content: Content, force: boolean): Promise<void> {
  const full = resolve(io.cwd, path);
  if (!force && (await exists(full))) throw outputExists(path);
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

function writePieces(path: string, content: (write: (text: string) => void) => void): void {
  const fd = openSync(path, "wx");
  try {
    content((text) => {
      writeSync(fd, text);
    });
  } finally {
    closeSync(fd);
  }
}

/** Writes a command's output to stdout: bytes (a .docx) as they are, never decoded as text. */
export function writeStdout(io: Io, content: Content): void {
  if (typeof content === "function") content((text) => io.stdout(text));
  else if (typeof content === "string") io.stdout(content);
  else if (io.stdoutBytes) io.stdoutBytes(content);
  else throw new Error("this Io cannot write bytes to stdout");
}

export function temporaryName(full: string): string {
  return join(dirname(full), `.${basename(full)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** Registers a temporary file written outside writeOutput, so an interruption removes it too. */
export function trackTemporary(path: string): () => void {
  pending.add(path);
  return () => pending.delete(path);
}

let installed = false;
/**
 * On Ctrl-C or a kill, removes the temporary files of outputs being written, then exits with the
 * conventional code (130 for SIGINT, 143 for SIGTERM). Installed by bin/survey.js, not by tests.
 */
export function removeTemporariesOnSignal(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      for (const temp of pending) rmSync(temp, { force: true });
      process.exit(code);
    });
  }
}

function outputExists(path: string): SurveyError {
  return new SurveyError(
    [{ code: "OUTPUT_EXISTS", severity: "error", file: path, message: "the output file exists; it was not changed", hint: "pass --force to overwrite it" }],
    EXIT.cannotRun,
  );
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

