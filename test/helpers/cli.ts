import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/io.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SHARED = fileURLToPath(new URL("../../../shared", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Everything written to stdout, as bytes (a .docx of `report -o -`, text as UTF-8). */
  stdoutBytes: Buffer;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Standard input: its bytes (a pipe), "tty" for a terminal; none by default. */
  stdin?: Uint8Array | string | "tty";
  /** Whether stdout is a terminal. */
  stdoutIsTTY?: boolean;
}

/** Runs the CLI in-process, as a user would type `survey …` in `cwd`. */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const bytes: Buffer[] = [];
  const io: Io = {
    cwd: opts.cwd ?? ROOT,
    stdout: (t) => {
      stdout += t;
      bytes.push(Buffer.from(t, "utf8"));
    },
    stderr: (t) => (stderr += t),
    stdoutBytes: (b) => void bytes.push(Buffer.from(b)),
    stdoutIsTTY: opts.stdoutIsTTY ?? false,
    stderrIsTTY: false,
    env: opts.env ?? {},
  };
  if (opts.stdin === "tty") {
    io.stdin = Readable.from([]);
    io.stdinIsTTY = true;
  } else if (opts.stdin !== undefined) {
    io.stdin = Readable.from([Buffer.from(opts.stdin)]);
    io.stdinIsTTY = false;
  }
  const code = await main(["node", "survey", ...args], io);
  return { code, stdout, stderr, stdoutBytes: Buffer.concat(bytes) };
}
