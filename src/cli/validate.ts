import { Option, type Command } from "commander";
import { CATALOGUE, type DiagnosticCode } from "../diagnostics/catalogue.js";
import { formatDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { EXIT } from "../diagnostics/errors.js";
import { fromEnvironment, validateAnswers } from "../pipeline/index.js";
import type { ScanSummary } from "../validate/scan.js";
import { surveyOption, type Run } from "./command.js";
import { loadSurvey, resolveFiles } from "./context.js";
import type { Io } from "./io.js";
import { chalkFor, summaryLine } from "./render.js";
import { noValidAnswers } from "./valid-answers.js";

interface ValidateOptions {
  survey: string;
  format: "text" | "json";
  examples: string;
}

export function validateCommand(program: Command, run: Run): void {
  program
    .command("validate")
    .description("check the definition and every answer; list each problem with file, row and column")
    .argument("[files...]", "answer files or globs: CSV, TSV, .xlsx, .xls; - reads standard input (default: data.files of the definition)")
    .addOption(surveyOption())
    .addOption(new Option("--format <format>", "text for people, json for scripts").choices(["text", "json"]).default("text"))
    .option("--examples <n>", "examples shown for each kind of problem", "5")
    .addHelpText(
      "after",
      `
Rows are numbered as a spreadsheet shows them: the header is row 1.
A questionnaire is valid (有效问卷) unless it is a duplicate id, answers less than data.min_answered of
the questions it was asked (or nothing), or is screened out by data.invalid_if (speeder, straightline).

Exit codes: 0 the data is usable (warnings only); 1 the data has errors: an error listed, or not one
valid questionnaire (NO_VALID_ANSWERS); 2 the command could not run (bad definition, missing file, bad
option).

Example:
  $ survey validate -s fixtures/example/survey.yaml fixtures/example/answers.csv
  fixtures/example/answers.csv:row 14, column "3、您的年龄": error OUT_OF_RANGE: 210 is outside 18–99
  …
  320 rows read: 312 valid, 8 invalid (重复提交 2, 作答题数不足 6); 1 error, 10 warnings`,
    )
    .action(run(validate));
}

async function validate(io: Io, args: string[], opts: ValidateOptions, command: Command): Promise<number> {
  const globals = command.optsWithGlobals<{ quiet?: boolean; color?: boolean }>();
  const survey = await loadSurvey(io, opts.survey);
  const files = await resolveFiles(io, survey, args);
  const summary = await validateAnswers(survey, files, { progress: io.progress, ...fromEnvironment(io.env, io.stderr) });
  const sink = summary.diagnostics;
  // Nothing valid is unusable data even when each row's problems are only warnings (all duplicates).
  const none = noValidAnswers(summary, survey.lang, undefined, true);
  const exit = sink.errorCount > 0 || none ? EXIT.dataErrors : EXIT.ok;
  if (opts.format === "json") {
    if (none) io.stderr(`${formatDiagnostic(none)}\n`);
    io.stdout(`${JSON.stringify(toJson(summary), null, 2)}\n`);
    return exit;
  }
  const color = chalkFor(io, globals.color);
  const examples = Math.max(0, Number.parseInt(opts.examples, 10) || 0);
  const lines: string[] = [];
  for (const [code, { severity, count }] of sortedCounts(summary)) {
    if (globals.quiet && severity === "warning") continue;
    const tag = severity === "error" ? color.red.bold(`${count} × ${code}`) : color.yellow(`${count} × ${code}`);
    lines.push(`${tag} ${color.dim(`— ${CATALOGUE[code]}`)}`);
    for (const d of (sink.examples.get(code) ?? []).slice(0, examples)) lines.push(`  ${formatDiagnostic(d)}`);
    if (count > examples && examples > 0) lines.push(color.dim(`  … and ${count - Math.min(examples, count)} more`));
  }
  if (none) lines.push(formatDiagnostic(none));
  if (lines.length) io.stderr(`${lines.join("\n")}\n\n`);
  io.stdout(`${summaryLine(summary, survey.lang)}\n`);
  return exit;
}

function sortedCounts(summary: ScanSummary): [DiagnosticCode, { severity: Diagnostic["severity"]; count: number }][] {
  return [...summary.diagnostics.counts].sort(([, a], [, b]) =>
    a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1,
  );
}

function toJson(summary: ScanSummary) {
  const sink = summary.diagnostics;
  return {
    files: summary.files.map((f) => f.name),
    returned: summary.returned,
    valid: summary.valid,
    invalid: summary.invalid,
    invalidReasons: summary.invalidReasons,
    bySource: summary.bySource,
    medianDuration: summary.medianDuration ?? null,
    errors: sink.errorCount,
    warnings: sink.warningCount,
    screening: summary.screening,
    problems: Object.fromEntries(
      [...sink.counts].map(([code, { severity, count }]) => [
        code,
        { severity, count, meaning: CATALOGUE[code], examples: sink.examples.get(code) ?? [] },
      ]),
    ),
  };
}
