import { Option, type Command } from "commander";
import { EXIT } from "../diagnostics/errors.js";
import { usageError } from "../diagnostics/errors.js";
import { fromEnvironment, tallySurvey } from "../pipeline/index.js";
import type { TallyResult } from "../tally/index.js";
import { surveyOption, wholeNumber, type Run } from "./command.js";
import { loadSurvey, resolveFiles } from "./context.js";
import { eachOption, runEach, summaryOption } from "./each.js";
import { toStdout } from "./streams.js";
import { requireValidAnswers } from "./valid-answers.js";
import type { Io } from "./io.js";
import { withWorkFolder, writeOutput, writeStdout } from "./output.js";
import { chalkFor, render, type Format } from "./render.js";
import { compareWithPrevious } from "./saved-tally.js";

interface TallyOptions {
  survey: string;
  format: Format;
  decimals: string;
  by?: string[];
  issued?: string;
  output?: string;
  force?: boolean;
  strict?: boolean;
  each?: string;
  summary?: "json" | "text";
  previous?: string;
}

export function tallyCommand(program: Command, run: Run): void {
  program
    .command("tally")
    .description("compute every statistic; readable tables, or --format json|csv|md for scripts")
    .argument("[files...]", "answer files or globs, read in the order given; - reads standard input (default: data.files of the definition)")
    .addOption(surveyOption())
    .addOption(new Option("--format <format>", "text (tables), json (the scripting contract), csv (tidy), md").choices(["text", "json", "csv", "md"]).default("text"))
    .option("--decimals <n>", "decimals of displayed percentages (text, md); rounded half away from zero", "1")
    .option(
      "--by <question>",
      "break down by this single-choice or scale question instead of the role and crosstabs; repeat for several (--by q3 --by q4)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--issued <n>", "questionnaires handed out (发放), overriding `issued` in the definition")
    .option("-o, --output <file>", "write to this file instead of stdout (- for stdout)")
    .option("--force", "overwrite the output file if it exists")
    .option("--strict", "exit 1 when the data has errors (the tally is still written)")
    .option("--previous <file>", "compare with an earlier round: its saved `survey tally --format json` (or `survey merge`)")
    .addOption(eachOption())
    .addOption(summaryOption())
    .addHelpText(
      "after",
      `
Only valid questionnaires (有效问卷) are counted. For each question: answered, skipped (not asked),
missing (asked, left blank) and base = answered minus the scale's na answers. Every percentage is of the
base shown beside it, except multi-select: 比例 is of the respondents who answered (普及率, shares add
up to more than 100%) and 响应率 of all selections. Role tables give each role's own base, and a
chi-square test (df over the roles and options that have answers); where over 20% of expected counts
are below 5, Fisher's exact test gives p instead (a seeded Monte-Carlo p when the table is too large to
enumerate), and the line says which.
Letters in a breakdown table mark significant differences: a group's cell carries the letters of the
groups whose share is significantly lower (two-proportion z-test, Bonferroni-corrected over the pairs of
groups of the column). \`crosstabs: [q3, q4]\` in the definition (or --by q3 --by q4) adds one table per
breakdown question; in JSON, \`breakdowns\` and \`breakdownTests\` hold them all, \`byRole\` and
\`chiSquare\` the first.

--format json  the contract of PRODUCT §6: fractions 0–1 unrounded, null for a rate with no base, plus
               a "_state" section with the raw counts that \`survey merge\` adds up.
--previous     the earlier round's tally: questions matched by id (or survey.yaml's previous.map, new id
               → old id), options and matrix rows by label; in JSON each matched option gains
               previous.pct and change.pct (multi-select: pctOfRespondents), each evaluation
               previous/change of positiveRate and mean, and "comparison" lists what could not be
               matched. Changes are fractions: this round's share minus the earlier one; in
               CSV, the statistics previous.<field> and change.<field>.
--format csv   tidy, one row per statistic; columns question, item, type, text, by, by_code,
               by_label, option_code, option_label, statistic, value, base (by: the breakdown
               question). Cells that a spreadsheet would run as formulas (= + - @ tab CR) are
               prefixed with an apostrophe.

Exit codes: 0 done (problems in the data are reported on stderr and their rows or cells left out);
1 the data cannot be counted (no valid questionnaire, CODES_GUESSED: nothing is written), or under
--strict has errors (the tally is still written); 2 the command could not run (bad definition, missing
file, bad option, output exists without --force). With --each, the highest code of any group.

Example:
  $ survey tally -s fixtures/wjx800/survey.yaml ../shared/realdata/wjx-800/wjx-800-text.xls
  1. 手机部数 [单选题] (phones)
  选项       小计   比例
  1部         521  65.1%
  …
  本题有效填写人次: 800`,
    )
    .action(run(tally));
}

async function tally(io: Io, args: string[], opts: TallyOptions, command: Command): Promise<number> {
  const globals = command.optsWithGlobals<{ color?: boolean; quiet?: boolean }>();
  const decimals = wholeNumber(opts.decimals, "--decimals", 0, 10);
  const issued = opts.issued === undefined ? undefined : wholeNumber(opts.issued, "--issued", 1, Number.MAX_SAFE_INTEGER);
  const survey = await loadSurvey(io, opts.survey);
  const files = await resolveFiles(io, survey, args);
  // Only the JSON lists open answers: the other formats give their keywords and number, so the texts of
  // a million answers are not kept for them.
  const answers = opts.format === "json";
  const reading = fromEnvironment(io.env, io.stderr);
  if (opts.each) {
    // A group's figures against the whole earlier round would be no comparison at all.
    if (opts.previous !== undefined) throw usageError("--previous compares the whole survey with the earlier round, so it cannot be used with --each");
    const extension = `.${opts.format === "text" ? "txt" : opts.format}`;
    return runEach(io, survey, files, { ...opts, each: opts.each, quiet: globals.quiet }, extension, { by: opts.by, issued, answers, ...reading }, async (group) => {
      const result = await group.tally();
      requireValidAnswers(result.responses, survey.lang);
      const text = render(result, opts.format, { decimals, lang: survey.lang, chalk: chalkFor(io, false, false) });
      await writeOutput(io, group.output, text, Boolean(opts.force));
    });
  }
  const run = async (spool?: string): Promise<number> => {
    const counted = await tallySurvey(survey, files, { by: opts.by, issued, progress: io.progress, answers, spool, ...reading });
    const result = opts.previous === undefined ? counted : await compareWithPrevious(io, counted, opts.previous, survey);
    requireValidAnswers(result.responses, survey.lang);
    if (!globals.quiet) reportProblems(io, result);
    const stdout = toStdout(opts.output);
    const text = render(result, opts.format, { decimals, lang: survey.lang, chalk: chalkFor(io, globals.color, stdout && io.stdoutIsTTY) });
    if (stdout) writeStdout(io, text);
    else await writeOutput(io, opts.output!, text, Boolean(opts.force));
    return opts.strict && result.problems.some((p) => p.severity === "error") ? EXIT.dataErrors : EXIT.ok;
  };
  // The JSON lists every open answer: big files' answers wait on disk, not in memory, until it is written.
  return answers ? withWorkFolder(io, run) : run();
}

/** One line on stderr: problems do not stop a tally, but the user should know rows or cells were left out. */
export function reportProblems(io: Io, result: TallyResult): void {
  const errors = result.problems.filter((p) => p.severity === "error").length;
  if (result.responses.invalid > 0 || errors > 0) {
    io.stderr(
      `${result.responses.returned} rows read: ${result.responses.valid} valid, ${result.responses.invalid} invalid` +
        `${errors ? `; the data has errors (see \`survey validate\`)` : ""}\n`,
    );
  }
}
