import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { formatDiagnostic } from "../diagnostics.js";
import { EXIT, SurveyError } from "../errors.js";
import { processIo, type Io } from "./context.js";
import { initCommand } from "./init.js";
import { mergeCommand } from "./merge.js";
import { reportCommand } from "./report.js";
import { schemaCommand } from "./schema.js";
import { tallyCommand } from "./tally.js";
import { validateCommand } from "./validate.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/** Options every command shares. */
export interface CommonOptions {
  survey: string;
  quiet?: boolean;
  debug?: boolean;
  color?: boolean;
}

export function surveyOption(): Option {
  return new Option("-s, --survey <file>", "the survey definition").default("survey.yaml");
}

/**
 * Builds the program. Each command lives in its own file and returns its exit code; this file only wires
 * them up and maps errors to exit codes in one place.
 */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command("survey")
    .description("Compile survey questionnaires into exact statistics and a Word research report (调研报告).")
    .version(pkg.version, "-V, --version")
    .option("--debug", "show stack traces of internal errors")
    .option("--no-color", "never colour the output")
    .option("-q, --quiet", "print only results and errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(s),
    });
  const run: Run = (command) => async (...args) => setExit(await command(io, ...args));

  initCommand(program, run);
  validateCommand(program, run);
  schemaCommand(program, run);
  tallyCommand(program, run);
  mergeCommand(program, run);
  reportCommand(program, run);
  return program;
}

/** Wraps a command's action so that its exit code reaches `main`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Run = (command: (io: Io, ...args: any[]) => Promise<number>) => (...args: any[]) => Promise<void>;

/** Runs the CLI and returns the exit code: 0 ok, 1 data errors, 2 cannot run, 70 a bug. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let exit: number = EXIT.ok;
  const program = buildProgram(io, (code) => (exit = code));
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (err) {
    return reportError(err, io, debug);
  }
}

function reportError(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT.ok;
    return EXIT.cannotRun;
  }
  if (err instanceof SurveyError) {
    for (const d of err.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    if (debug) io.stderr(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === "EACCES" || e.code === "ENOENT" || e.code === "EISDIR" || e.code === "ENOSPC" || e.code === "EPERM")) {
    io.stderr(`error: ${e.message}\n`);
    return EXIT.cannotRun;
  }
  io.stderr(`internal error: ${e?.message ?? String(err)}\n`);
  io.stderr(debug ? `${e?.stack ?? ""}\n` : "This is a bug in survey; please report it with the output of --debug.\n");
  return EXIT.internal;
}
