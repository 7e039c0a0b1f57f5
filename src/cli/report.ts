import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { EXIT, usageError } from "../diagnostics/errors.js";
import type { Survey } from "../definition/model.js";
import type { TallyResult } from "../tally/types.js";
import type { ReportModel } from "../report/model.js";
import type { Template } from "../report/template.js";
import { REASON_LABELS, type InvalidReason } from "../validate/screen.js";
import { surveyOption, type Run } from "./command.js";
import { loadSurvey, resolveFiles } from "./context.js";
import { eachOption, runEach, summaryOption } from "./each.js";
import { noteInputs, type Io } from "./io.js";
import { writeOutput, writeStdout } from "./output.js";
import { dateParts, findNarrative, readTemplate, sourceDate } from "./report-inputs.js";
import { STREAM_ARG } from "./streams.js";
import { requireValidAnswers } from "./valid-answers.js";
import { compareWithPrevious, fromSavedTally, readSavedTally } from "./saved-tally.js";

interface ReportOptions {
  survey: string;
  output?: string;
  template?: string;
  /** A path; false with --no-narrative. */
  narrative?: string | false;
  lang?: "zh-CN" | "en";
  /** "native" unless --charts image; false with --no-charts. */
  charts: "native" | "image" | false;
  appendix: boolean;
  title?: string;
  force?: boolean;
  by?: string;
  issued?: string;
  tally?: string;
  each?: string;
  summary?: "json" | "text";
  technical?: boolean;
  explain?: boolean;
  previous?: string;
}

export function reportCommand(program: Command, run: Run): void {
  program
    .command("report")
    .description("write the research report (调研报告) as a Word document")
    .argument("[files...]", "answer files or globs; - reads standard input (default: data.files of the definition)")
    .addOption(surveyOption())
    .option("-o, --output <file>", "the .docx to write (default: 调研报告.docx, or report.docx in English); - writes it to stdout, which must not be a terminal")
    .option("--template <name|dir>", "a template folder, or the name of a built-in one: zh-research-report, en-research-report")
    .option("--narrative <file>", "the author's text, Markdown with one ## per section (default: report.md beside survey.yaml)")
    .option("--no-narrative", "ignore report.md: a draft with a marked place for the author's text in each section")
    .addOption(new Option("--lang <lang>", "language of the report (default: lang of the definition)").choices(["zh-CN", "en"]))
    // Defined before --no-charts, so that --charts keeps its default.
    .addOption(
      new Option("--charts <kind>", "native: Word charts, editable in Word; image: PNG pictures in a bundled Chinese font (slower: about 0.5 s, then 50 ms a chart)")
        .choices(["native", "image"])
        .default("native"),
    )
    .option("--no-charts", "leave out the charts")
    .option("--no-appendix", "leave out the appendix (附件) of per-question tables and open answers")
    .option("--title <text>", "the report's title (default: from the narrative's # heading, else the definition)")
    .option("--by <question>", "break down by this question instead of the role")
    .option("--issued <n>", "questionnaires handed out (发放), overriding `issued` in the definition")
    .option("--tally <file>", "build from a saved `survey tally --format json` (or `survey merge`) instead of reading answers")
    .option("--previous <file>", "compare with an earlier round: its saved `survey tally --format json` (or `survey merge`); the text says each change, the appendix gains its columns")
    .option("--technical", "print the test (χ², p) beside each group difference in the text; by default only the appendix's note names it")
    .option("--explain", "also list on stdout every finding behind the generated sentences: its section, numbers, and the rule that wrote it or kept it out")
    .option("--force", "overwrite the output file if it exists")
    .addOption(eachOption())
    .addOption(summaryOption())
    .addHelpText(
      "after",
      `
The report: title; an opening with the coverage sentence (发放/收回/回收率/有效问卷/有效率); 一、基本情况 (who
answered, by role, as a sentence and a table; every background question in counts and shares);
二、主要做法与成效 (evaluations whose positive rate reaches 70%, strongest first); 三、存在的问题
(evaluations below 70%, the leading answers to problem questions in words such as 三分之二以上, what
open answers say most often, and differences between groups); 四、对策建议 (ranked answers, what people
suggested, and a marked place for a suggestion beside each problem); the 附件 note, 落款 and date;
附件 (per question: 选项/小计/比例/本题有效填写人次, a chart, open answers verbatim). Every fact is said
once, in one section; one the narrative already says is not repeated. A difference between groups is
called 明显 only when the gap is at least 10 points and significant, and no group of fewer than 10 is
given a percentage (survey.yaml's \`rules:\` changes these). --explain lists every finding and the rule
behind it. Sections come from each question's \`section:\`, else from its wording (background,
problem, suggestion).

With --previous last.json (the earlier round's \`survey tally --format json\` or \`survey merge\`), each
evaluation's rate and each leading answer the text states is followed by its change since then:
比2025年提高5.2个百分点 (the earlier round named by its \`period:\`, else 上一轮调查), 与2025年基本持平 under
one point as written, 下降 when it fell, and 变化超出抽样误差 only when a two-proportion z-test of the two
rounds' bases is significant. Questions match by id or survey.yaml's previous.map, options by label; the
appendix's tables gain the earlier share and the change, and say what could not be compared.

The narrative (report.md): text before the first ## opens the report; "## 基本情况" etc. hold the author's
text for each section (### and #### are (一) and 1.); Liquid expressions pull any statistic of
\`survey tally --format json\`: {{ q5.positiveRate | pct }}, {{ q8.options[0].label }},
{{ q8.options[0].pctOfRespondents | approx }}, {{ responses.valid | count: "份" }}. Without a narrative,
every section gets a highlighted 【请补充:……】 place to write.

Layout: GB/T 9704-2012 — A4, margins 37/35/28/26 mm, title 2号 方正小标宋简体, headings 3号 黑体/楷体/仿宋,
body 3号 仿宋_GB2312 at a fixed 28.9 pt (22 lines a page), page numbers "— 1 —"; charts are native Word
charts (editable in Word, drawn in the reader's fonts), or with --charts image 200 dpi PNG pictures drawn
in a bundled Chinese font (Noto Sans), which look the same on every machine, one without Chinese fonts
too, but cannot be edited. The same input gives the same bytes on the same day; the document's
properties are dated SOURCE_DATE_EPOCH when set, else 2000-01-01, and the date under the 落款 is the
definition's \`date:\`, else SOURCE_DATE_EPOCH, else today (China time).

Exit codes: 0 written (problems in the data are left out, as by tally); 1 the data cannot be counted
(no valid questionnaire, CODES_GUESSED: nothing is written); 2 the command could not run (bad
definition, template or narrative — named with file:line —, missing file, output exists without --force,
-o - on a terminal). With --each, the highest code of any group.

Example:
  $ survey report -s fixtures/example/survey.yaml -o 调研报告.docx
  调研报告.docx: 4 sections, 12 tables, 13 charts`,
    )
    .action(run(report));
}

async function report(io: Io, args: string[], opts: ReportOptions, command: Command): Promise<number> {
  const survey = await loadSurvey(io, opts.survey);
  const lang = opts.lang ?? survey.lang;
  const output = opts.output ?? (lang === "en" ? "report.docx" : "调研报告.docx");
  const stdout = !opts.each && output === STREAM_ARG;
  if (stdout) refuseStdout(io, opts);
  else if (!opts.each && !output.toLowerCase().endsWith(".docx")) throw usageError(`${output}: the report is a Word document and its name must end in .docx`);
  const date = sourceDate(io);
  const issued = opts.issued === undefined ? undefined : positiveInteger(opts.issued, "--issued");
  return reportWith(io, args, opts, command, survey, { lang, output, date, issued });
}

async function reportWith(
  io: Io,
  args: string[],
  opts: ReportOptions,
  command: Command,
  survey: Survey,
  { lang, output, date, issued }: { lang: "zh-CN" | "en"; output: string; date: Date; issued: number | undefined },
): Promise<number> {
  const globals = command.optsWithGlobals<{ quiet?: boolean }>();
  // Started first: the answers are read, on the worker threads too, while this thread loads the report's
  // modules and template. Its errors still come after theirs, where it is awaited.
  const counting = opts.tally || opts.each ? undefined : computeTally(io, survey, args, opts.by, issued);
  counting?.catch(() => undefined);

  // Loaded only here, so the other commands start without docx, liquidjs and marked.
  const [{ parseTemplate }, { buildReport }, { renderDocx }] = await Promise.all([
    import("../report/template.js"),
    import("../report/build.js"),
    import("../report/docx/render.js"),
  ]);
  const [templateName, templateFiles, templateShown] = await readTemplate(io, opts.template ?? (lang === "en" ? "en-research-report" : "zh-research-report"));
  const template = parseTemplate(templateName, templateFiles, templateShown);
  // The font for chart images, loaded only when they are asked for.
  const chartImages = opts.charts === "image" ? (await import("./chart-font.js")).bundledChartFont : undefined;
  const narrativeFile = opts.narrative === false ? undefined : await findNarrative(io, survey, opts.narrative);
  // marked, loaded only for a narrative.
  const narrate = narrativeFile
    ? await Promise.all([import("../report/narrative.js"), import("../report/context.js")]).then(
        ([{ parseNarrative }, { narrativeContext }]) =>
          (tally: TallyResult, survey: Survey) => parseNarrative(narrativeFile.text, narrativeFile.shown, template, narrativeContext(tally, survey)),
      )
    : undefined;
  const signatureDate = dateParts(io.env.SOURCE_DATE_EPOCH ? date : new Date());
  const write = async (tally: TallyResult, survey: Survey, output: string, group?: string): Promise<ReportModel> => {
    requireValidAnswers(tally.responses, lang, opts.tally);
    const narrative = narrate?.(tally, survey);
    const model = buildReport(tally, survey, template, {
      narrative,
      title: opts.title,
      charts: opts.charts !== false,
      appendix: opts.appendix,
      reasonLabel: (r) => REASON_LABELS[r as InvalidReason]?.[lang === "en" ? "en" : "zh"] ?? r,
      technical: opts.technical,
      date: signatureDate,
      group,
    });
    const bytes = await renderDocx(model, template.style, date, { chartImages });
    if (output === STREAM_ARG && !opts.each) writeStdout(io, bytes);
    else await writeOutput(io, output, bytes, Boolean(opts.force));
    return model;
  };
  if (opts.each) {
    if (opts.tally) throw usageError("--each reads the answers, so it cannot be used with --tally");
    // A group's figures against the whole earlier round would be no comparison at all.
    if (opts.previous !== undefined) throw usageError("--previous compares the whole survey with the earlier round, so it cannot be used with --each");
    const files = await resolveFiles(io, survey, args);
    const { fromEnvironment } = await import("../pipeline/index.js");
    return runEach(io, survey, files, { ...opts, each: opts.each, quiet: globals.quiet }, ".docx", { by: opts.by, issued, ...fromEnvironment(io.env, io.stderr) }, async (group) => {
      const model = await write(await group.tally(), group.survey, group.output, group.value);
      if (opts.explain) io.stdout(`${group.output}\n${(await import("../report/explain.js")).explainFindings(model)}`);
    });
  }
  const counted = counting ? await counting : await readTally(io, opts.tally!);
  const tally = opts.previous === undefined ? counted : await compareWithPrevious(io, counted, opts.previous, survey);
  const model = opts.tally ? await fromSavedTally([opts.tally], () => write(tally, survey, output)) : await write(tally, survey, output);
  // With the document on stdout, the line saying what it holds goes where diagnostics go.
  if (!globals.quiet) (output === STREAM_ARG ? io.stderr : io.stdout)(`${summary(output === STREAM_ARG ? "stdout" : output, model, template)}\n`);
  if (opts.explain) io.stdout((await import("../report/explain.js")).explainFindings(model));
  return EXIT.ok;
}

async function computeTally(io: Io, survey: Survey, args: string[], by: string | undefined, issued: number | undefined): Promise<TallyResult> {
  const { tallySurvey, fromEnvironment } = await import("../pipeline/index.js");
  const files = await resolveFiles(io, survey, args);
  return tallySurvey(survey, files, { by, issued, progress: io.progress, ...fromEnvironment(io.env, io.stderr) });
}

async function readTally(io: Io, path: string): Promise<TallyResult> {
  noteInputs(io, [path]);
  return readSavedTally(resolve(io.cwd, path), path, "give --tally the output of `survey tally --format json`");
}

/**
 * `-o -`: the .docx goes to stdout as bytes, for a pipe or a redirection; on a terminal it would be
 * binary noise, and --explain's lines would be mixed into the document.
 */
function refuseStdout(io: Io, opts: ReportOptions): void {
  if (io.stdoutIsTTY) {
    throw usageError("-o -: stdout is a terminal, and a .docx is binary; redirect it to a file or a pipe", "e.g. survey report -o - > 调研报告.docx, or -o 调研报告.docx");
  }
  if (opts.explain) throw usageError("--explain prints on stdout, where -o - writes the document", "write the document to a file with -o, or leave out --explain");
}

function positiveInteger(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} must be a whole number of at least 1, not "${raw}"`);
  return n;
}

function summary(output: string, model: ReportModel, template: Template): string {
  const all = [...model.opening, ...model.body];
  const tables = all.filter((b) => b.kind === "table").length;
  const figures = all.filter((b) => b.kind === "figure").length;
  const todo = all.filter((b) => b.kind === "paragraph" && b.runs.some((r) => r.placeholder)).length;
  const places = todo ? `, ${todo} place${todo === 1 ? "" : "s"} for the author to fill in (highlighted)` : "";
  return `${output}: ${Object.keys(template.text.sections).length} sections, ${tables} tables, ${figures} charts${places}`;
}
