import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { parseSurvey } from "../definition/load.js";
import { formatDiagnostic } from "../diagnostics.js";
import { EXIT, usageError } from "../errors.js";
import { draftFromExport } from "../init/from-export.js";
import { scaffold } from "../init/scaffold.js";
import { scan } from "../validate/scan.js";
import { displayPath, type Io } from "./context.js";
import { writeOutput } from "./output.js";
import type { Run } from "./main.js";
import { summaryLine } from "./validate.js";

interface InitOptions {
  from?: string;
  output?: string;
  force?: boolean;
}

export function initCommand(program: Command, run: Run): void {
  program
    .command("init")
    .description("scaffold a working example project, or draft survey.yaml from an export (--from)")
    .argument("[dir]", "the project folder, created if needed", ".")
    .option("--from <export>", "draft survey.yaml from an answer export: CSV, TSV, .xlsx or .xls (问卷星, 腾讯问卷, Excel)")
    .option("-o, --output <file>", "with --from: where to write the definition (default: <dir>/survey.yaml)")
    .option("--force", "with --from: replace an existing definition")
    .addHelpText(
      "after",
      `
Without --from, writes survey.yaml (every key explained in comments), data/answers.csv (324 sample
questionnaires in 问卷星's 按选项文本 form) and report.md (the narrative) into <dir>, and lists on stdout
the files it created. A file that exists is never replaced: running it twice changes nothing.

With --from, reads the export once and writes a draft definition: questions from the headers (问卷星
numbering removed), metadata columns (序号, 所用时间 …) recognised, types guessed from the answers
(┋ multi, → rank, 第N题(x) 0/1 columns multi, numbers number, 非常满意…很不满意 scale, few values single,
long or varied answers text), and the data keys set to read the export (files, encoding, header,
id_column, duration_column, separators, skip/blank markers). Every guess that could be wrong is marked
"# 请核对". The draft is then checked against the export, and the result printed.

Exit codes: 0 written (or nothing to do), 2 the command could not run (unreadable export, the
definition exists without --force).

Examples:
  $ survey init 调研 && cd 调研 && survey report
  $ survey init --from 123456_2_调查问卷_800_800.xls
  wrote survey.yaml: 8 questions drafted from 123456_2_调查问卷_800_800.xls (800 rows), 8 to check (请核对)
  check: 800 rows read: 800 valid, 0 invalid; 0 errors, 0 warnings`,
    )
    .action(run(init));
}

async function init(io: Io, dir: string, opts: InitOptions, command: Command): Promise<number> {
  const { quiet } = command.optsWithGlobals<{ quiet?: boolean }>();
  const target = resolve(io.cwd, dir);
  if (opts.from) return draft(io, opts.from, opts.output ? resolve(io.cwd, opts.output) : join(target, "survey.yaml"), opts.force ?? false);
  if (opts.output || opts.force) throw usageError("-o/--output and --force only apply with --from", "survey init --from export.xls -o survey.yaml");

  const { created, kept } = await scaffold(target);
  const shown = (file: string) => displayPath(io, join(target, file));
  for (const file of created) io.stdout(`created ${shown(file)}\n`);
  if (!quiet) {
    for (const file of kept) io.stderr(`kept ${shown(file)} (exists)\n`);
    if (created.length === 0) io.stderr("nothing to do: every file exists\n");
    else {
      const cd = displayPath(io, target);
      io.stderr(`\nnext:${cd && cd !== "." && target !== io.cwd ? ` cd ${cd} &&` : ""} survey report    (or: survey validate, survey tally)\n`);
    }
  }
  return EXIT.ok;
}

async function draft(io: Io, from: string, output: string, force: boolean): Promise<number> {
  const input = { path: resolve(io.cwd, from), name: from };
  const shownOutput = displayPath(io, output);
  const result = await draftFromExport(input, output);
  for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);

  await mkdir(dirname(output), { recursive: true });
  await writeOutput(io, shownOutput, result.yaml, force);

  const toCheck = result.draft.questions.filter((q) => q.check.length).length;
  io.stdout(
    `wrote ${shownOutput}: ${plural(result.draft.questions.length, "question")} drafted from ${from} (${plural(result.rows, "row")}), ${toCheck} to check (请核对)\n`,
  );
  // Read the export with the draft, as `survey validate` would: the user sees at once whether it works.
  const parsed = parseSurvey(result.yaml, shownOutput);
  if (!parsed.survey) {
    for (const d of parsed.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr("the draft does not load; this is a bug in survey init, please report it with the export's header row\n");
    return EXIT.internal;
  }
  const summary = await scan(parsed.survey, [input]);
  io.stdout(`check: ${summaryLine(summary, parsed.survey.lang)}\n`);
  return EXIT.ok;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
