import { isAbsolute, relative, resolve } from "node:path";
import type { ReadProgress } from "../io/read-progress.js";

/*
 * A command's surroundings (working folder, standard streams, environment), at the bottom of cli/: every
 * other module of it takes an Io, none is taken by this one.
 */

/** What a command needs from its surroundings; tests pass their own to run commands in-process. */
export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout/stderr are terminals: colour and progress only then. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Standard input, read when `-` is given as an answer file; tests that pass none have none. */
  stdin?: AsyncIterable<Uint8Array>;
  stdinIsTTY?: boolean;
  /** Bytes to stdout as they are (`report -o -`); text goes through `stdout`. */
  stdoutBytes?: (bytes: Uint8Array) => void;
  /** Told how reading goes, while a progress line shows it (set by `withProgress`). */
  progress?: ReadProgress;
  /** Work to do when the command ends, whether it succeeded or not (set by the program for each command). */
  atEnd?: (cleanup: () => Promise<void>) => void;
  /** The files the command reads (absolute paths): never replaced by its output (see noteInputs). */
  inputs?: Set<string>;
}

/** Records files the command reads, so that writeOutput never replaces one of them (even with --force). */
export function noteInputs(io: Io, paths: Iterable<string>): void {
  for (const path of paths) io.inputs?.add(resolve(io.cwd, path));
}

/** The surroundings of the running process: what bin/survey.js gives main. */
export function processIo(): Io {
  // `survey tally | head` closes the pipe early: that is the reader's choice, not an error to report.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  return {
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutBytes: (b) => process.stdout.write(b),
  };
}

/** Paths are shown relative to the working directory, as the user typed them. */
export function displayPath(io: Io, full: string): string {
  const rel = relative(io.cwd, full);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : full;
}
