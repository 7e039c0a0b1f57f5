import type { Io } from "../../src/cli/io.js";

/** An Io that records what a command prints, for running commands in-process in tests. */
export interface MemoryIo extends Io {
  out(): string;
  err(): string;
}

export function memoryIo(cwd: string, env: NodeJS.ProcessEnv = {}, tty = false): MemoryIo {
  let out = "";
  let err = "";
  return {
    cwd,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
    env,
    out: () => out,
    err: () => err,
  };
}
