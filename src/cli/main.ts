import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { formatDiagnostic } from "../diagnostics/diagnostic.js";
import { EXIT, SurveyError } from "../diagnostics/errors.js";
import { exitCodeFor } from "../diagnostics/exit-code.js";
import { systemDiagnostic } from "../diagnostics/system-errors.js";
import type { Run } from "./command.js";
import { displayPath, processIo, type Io } from "./io.js";
import { initCommand } from "./init.js";
import { mergeCommand } from "./merge.js";
import { withProgress, type ProgressOptions } from "./progress.js";
import { reportCommand } from "./report.js";
import { schemaCommand } from "./schema.js";
import { tallyCommand } from "./tally.js";
import { validateCommand } from "./validate.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

/**
 * Builds the program. Each command lives in its own file and returns its exit code; this file only wires
 * them up, and reports what stopped a command (its exit code by exitCodeFor). No module imports this one.
 */
export function buildProgram(io: Io, setExit: (code: number) => void, progress: Omit<ProgressOptions, "quiet"> = {}): Command {
  const program = new Command("survey")
    .description("Compile survey questionnaires into exact statistics and a Word research report (调研报告).")
    .version(pkg.version, "-V, --version")
    .option("--debug", "show stack traces of internal errors")
    .option("--no-color", "never colour the output")
    .option("-q, --quiet", "print only results and errors")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  # a working example project, then its Word report
  $ survey init 调研 && cd 调研 && survey report
  # draft survey.yaml from a 问卷星 export, then check every answer against it
  $ survey init --from 问卷星导出.xls && survey validate
  # one report per answer file (or per answer to a question: --each q4)
  $ survey report --each file -o reports/

An answer file named - is standard input (CSV or TSV, in any encoding a file may have); -o - is
standard output (tally, merge; report only into a pipe or a file).
Colour only on a terminal: NO_COLOR or --no-color turn it off, FORCE_COLOR on. A progress line (rows
read, share of the input, time left) appears on stderr only when stderr is a terminal and a command
takes more than a second.
Exit codes: 0 success, 1 the data has errors, 2 the command could not run, 70 a bug in survey; what
"the data has errors" means for each command is under Exit codes in each command's --help.`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(s),
      // Help is wrapped to the terminal it is shown on, and to 80 columns anywhere else (files, tests).
      getOutHelpWidth: () => (io.stdoutIsTTY ? process.stdout.columns : undefined) ?? 80,
      getErrHelpWidth: () => (io.stderrIsTTY ? process.stderr.columns : undefined) ?? 80,
    });
  // Every command runs with a progress line on stderr when it takes long and stderr is a terminal.
  const run: Run = (command) => async (...args) => {
    const cmd = args[args.length - 1] as Command;
    const { quiet } = cmd.optsWithGlobals<{ quiet?: boolean }>();
    // What a command leaves to clean up (standard input's copy) goes when it ends, whatever the outcome.
    const cleanups: (() => Promise<void>)[] = [];
    const cio: Io = { ...io, atEnd: (cleanup) => void cleanups.push(cleanup), inputs: new Set<string>() };
    try {
      setExit(await withProgress(cio, `survey ${cmd.name()}`, (pio) => command(pio, ...args), { ...progress, quiet }));
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  };

  initCommand(program, run);
  validateCommand(program, run);
  schemaCommand(program, run);
  tallyCommand(program, run);
  mergeCommand(program, run);
  reportCommand(program, run);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 data errors, 2 cannot run, 70 a bug. `progress` times the progress line (tests). */
export async function main(argv: string[], io: Io = processIo(), progress?: Omit<ProgressOptions, "quiet">): Promise<number> {
  let exit: number = EXIT.ok;
  const program = buildProgram(io, (code) => (exit = code), progress);
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (err) {
    return reportError(err, io, debug);
  }
}

/**
 * Tells the user what stopped the command, in one line per problem (a stack trace only with --debug), and
 * returns its exit code by the one mapping, exitCodeFor.
 */
function reportError(err: unknown, io: Io, debug: boolean): number {
  const exit = exitCodeFor(err);
  // commander has printed its own message (or the help) already.
  if (err instanceof CommanderError) return exit;
  if (err instanceof SurveyError) {
    for (const d of err.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    if (debug) io.stderr(`${err.stack}\n`);
    return exit;
  }
  // The system's errors (a read-only disk, a path through a file…) are the environment's, not a bug.
  const path = (err as NodeJS.ErrnoException | undefined)?.path;
  const system = systemDiagnostic(err, path === undefined ? undefined : displayPath(io, path));
  if (system) {
    io.stderr(`${formatDiagnostic(system)}\n`);
    if (debug) io.stderr(`${(err as Error).stack}\n`);
    return exit;
  }
  const e = err as NodeJS.ErrnoException;
  io.stderr(`internal error: ${e?.message ?? String(err)}\n`);
  io.stderr(debug ? `${e?.stack ?? ""}\n` : "This is a bug in survey; please report it with the output of --debug.\n");
  return exit;
}
