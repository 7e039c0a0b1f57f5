import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/context.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SHARED = fileURLToPath(new URL("../../../shared", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as a user would type `survey …` in `cwd`. */
export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    cwd: opts.cwd ?? ROOT,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: opts.env ?? {},
  };
  const code = await main(["node", "survey", ...args], io);
  return { code, stdout, stderr };
}
