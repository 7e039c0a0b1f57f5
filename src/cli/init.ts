import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { parseSurvey } from "../definition/load.js";
import { formatDiagnostic } from "../diagnostics/diagnostic.js";
import { EXIT, usageError } from "../diagnostics/errors.js";
import { draftFromExports } from "../init/from-export.js";
import { checkForms } from "../init/check.js";
import { scaffold } from "../init/scaffold.js";
import { scan, type ScanSummary } from "../validate/scan.js";
import type { Run } from "./command.js";
import { displayPath, noteInputs, type Io } from "./io.js";
import { writeOutput } from "./output.js";
import { STREAM_ARG } from "./streams.js";
import { summaryLine } from "./render.js";
import { noValidAnswers } from "./valid-answers.js";

interface InitOptions {
  from?: string[];
  output?: string;
  force?: boolean;
}

export function initCommand(program: Command, run: Run): void {
  program
    .command("init")
    .description("scaffold a working example project, or draft survey.yaml from an export (--from)")
    .argument("[dir]", "the project folder, created if needed", ".")
    .option(
      "--from <export>",
      "draft survey.yaml from an answer export: CSV, TSV, .xlsx or .xls (问卷星, 腾讯问卷, Excel); twice for 问卷星's 按选项文本 and 按选项序号 exports of the same answers",
      (value: string, previous: string[] = []) => [...previous, value],
    )
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

A 按选项文本 export does not say the questionnaire's option order, which is what the codes of a
按选项序号 export mean: a draft from it alone orders options by the numbers in them (16~19岁 …
60岁以上, 没有投入 … 50%以上) or by how often they were chosen, and marks them "codes: guessed", so that
reading a 按选项序号 export with it is an error (CODES_GUESSED), never shifted counts. Give --from twice,
the 按选项文本 and the 按选项序号 export of the same answers (in either order), for one definition with
the questionnaire's codes and order from the codes, the labels from the text (and from 第N题(label)
headers), rows paired by 序号; an option nobody chose gets a placeholder (选项1) marked 请核对. Both
exports are then read with it and must give the same counts, and the same answers row by row.

Exit codes: 0 written (or nothing to do): problems the check finds in the answers do not change it, as
the draft is there to be corrected (survey validate lists them); 1 written, but not one questionnaire of
the export is valid (NO_VALID_ANSWERS: a header alone, or every row left out), so there is nothing to
count yet; 2 the command could not run (unreadable export, two exports of one form, the definition
exists without --force).

Examples:
  $ survey init 调研 && cd 调研 && survey report
  $ survey init --from 123456_2_调查问卷_800_800.xls
  wrote survey.yaml: 8 questions drafted from 123456_2_调查问卷_800_800.xls (800 rows), 8 to check (请核对)
  check: 800 rows read: 800 valid, 0 invalid; 0 errors, 0 warnings
  $ survey init --from 按文本.xls --from 按序号.xls
  wrote survey.yaml: 8 questions drafted from 按文本.xls (按选项文本) and 按序号.xls (按选项序号), 800 rows paired, 8 to check (请核对)
  check: 按文本.xls: 800 rows read: 800 valid, 0 invalid; 0 errors, 0 warnings
  check: 按序号.xls: 800 rows read: 800 valid, 0 invalid; 0 errors, 0 warnings
  check: both exports give the same counts for all 8 items`,
    )
    .action(run(init));
}

async function init(io: Io, dir: string, opts: InitOptions, command: Command): Promise<number> {
  const { quiet } = command.optsWithGlobals<{ quiet?: boolean }>();
  const target = resolve(io.cwd, dir);
  if (opts.from?.length) return draft(io, opts.from, opts.output ? resolve(io.cwd, opts.output) : join(target, "survey.yaml"), opts.force ?? false, quiet ?? false);
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

async function draft(io: Io, from: string[], output: string, force: boolean, quiet: boolean): Promise<number> {
  // The draft's data.files names the export, so that validate, tally and report read it without arguments.
  if (from.includes(STREAM_ARG)) {
    throw usageError("--from -: a draft names its export in data.files, so it is drafted from a file, not standard input", "save the export first, e.g. … > export.csv, then survey init --from export.csv");
  }
  const inputs = from.map((name) => ({ path: resolve(io.cwd, name), name }));
  noteInputs(io, inputs.map((i) => i.path));
  const shownOutput = displayPath(io, output);
  const result = await draftFromExports(inputs, output);
  for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);

  await mkdir(dirname(output), { recursive: true });
  await writeOutput(io, shownOutput, result.yaml, force);

  const toCheck = result.draft.questions.filter((q) => q.check.length).length;
  const questions = plural(result.draft.questions.length, "question");
  if (result.both) {
    const [a, b] = result.exports;
    const { paired, unpaired } = result.both.pairing;
    io.stdout(
      `wrote ${shownOutput}: ${questions} drafted from ${a!.input.name} (${FORM[a!.form]}) and ${b!.input.name} (${FORM[b!.form]}), ` +
        `${plural(paired, "row")} paired${unpaired ? ` (${unpaired} not)` : ""}, ${toCheck} to check (请核对)\n`,
    );
    if (!quiet) for (const note of result.both.notes) io.stderr(`note: ${note}\n`);
  } else {
    io.stdout(`wrote ${shownOutput}: ${questions} drafted from ${from[0]} (${plural(result.rows, "row")}), ${toCheck} to check (请核对)\n`);
  }
  // Read the export(s) with the draft, as `survey validate` would: the user sees at once whether it works.
  const parsed = parseSurvey(result.yaml, shownOutput);
  if (!parsed.survey) {
    for (const d of parsed.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    io.stderr("the draft does not load; this is a bug in survey init, please report it with the export's header row\n");
    return EXIT.internal;
  }
  const checked: { name: string; summary: ScanSummary }[] = [];
  if (result.both) {
    const [a, b] = result.exports;
    const check = await checkForms(parsed.survey, [a!.input, b!.input]);
    result.exports.forEach(({ input }, k) => checked.push({ name: input.name, summary: check.summaries[k]! }));
    result.exports.forEach(({ input }, k) => io.stdout(`check: ${input.name}: ${summaryLine(check.summaries[k]!, parsed.survey!.lang)}\n`));
    const items = parsed.survey.items.length;
    if (check.counts.length) {
      io.stdout(`check: warning: the two exports give different counts for ${check.counts.join(", ")}; compare \`survey tally\` of each and correct the options\n`);
    } else {
      io.stdout(`check: both exports give the same counts for all ${plural(items, "item")}\n`);
    }
    const { count, compared, first } = check.rows;
    if (first) {
      io.stdout(`check: warning: ${count} of ${plural(compared, "questionnaire")} answer differently in the two exports (first: row ${first.row}, ${first.items.join(", ")})\n`);
    }
  } else {
    const summary = await scan(parsed.survey, [result.exports[0]!.input]);
    checked.push({ name: result.exports[0]!.input.name, summary });
    io.stdout(`check: ${summaryLine(summary, parsed.survey.lang)}\n`);
  }
  // The draft is written (its questions come from the header), but a run on it would count nothing.
  const empty = checked.flatMap(({ name, summary }) => noValidAnswers(summary, parsed.survey!.lang, name) ?? []);
  if (!result.both && result.exports[0]!.form === "text" && /codes: guessed/.test(result.yaml) && !quiet && !empty.length) {
    io.stderr(`note: option codes are guessed from labels (codes: guessed); to read a 按选项序号 export of these answers too, draft from both: survey init --from ${from[0]} --from <按选项序号 export>\n`);
  }
  for (const d of empty) io.stderr(`${formatDiagnostic(d)}\n`);
  return empty.length ? EXIT.dataErrors : EXIT.ok;
}

const FORM = { text: "按选项文本", code: "按选项序号" } as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
