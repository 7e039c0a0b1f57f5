import { CATALOGUE, type DiagnosticCode } from "./diagnostics.js";

/**
 * How to fix each diagnostic: the second half of the error catalogue. A Record over every code, so a new
 * code without a fix does not compile; the README's catalogue is generated from this and checked by a test.
 */
export const FIXES: Record<DiagnosticCode, string> = {
  YAML_SYNTAX: "Fix the indentation at the line shown; quote values that contain `: ` or start with `[`, `{`, `*`, `&`.",
  YAML_ALIASES: "Write the repeated parts out; more than 100 aliases are refused as a resource attack.",
  DEF_INVALID: "Give the key a value of the type the message names (see `survey schema`).",
  DEF_UNKNOWN_KEY: "Correct the spelling (the message suggests the nearest key) or remove the key.",
  DEF_MISSING_KEY: "Add the key; `survey init` shows a complete definition.",
  DEF_DUPLICATE_ID: "Give every question, matrix row and group its own id.",
  DEF_DUPLICATE_OPTION: "Give every option of a question its own code and label.",
  DEF_UNKNOWN_REF: "Use an id defined under `questions` or a name defined under `scales`.",
  DEF_BAD_REF: "`role` must be a single-choice question; group items must be scale or number questions.",
  DEF_BAD_WHEN: 'Use question ids, option labels in quotes, numbers and == != < <= > >= in && || ! (e.g. `q1 == "群众" && q5 >= 4`).',
  DEF_TOO_LARGE: "Split the questionnaire into parts of at most 1,000 questions (matrix rows counted) and report each.",
  DEF_BAD_CODE: "List only codes the scale has in positive/negative/na, and one score per option; list a scale from most positive, or give `scores` that make the most positive answer score highest.",
  FILE_NOT_FOUND: "Check the path; quote globs (`'data/*.csv'`) so the tool expands them.",
  FILE_ENCODING: "Save the file from Excel as “CSV UTF-8”, or export .xlsx, or set `data.encoding`.",
  FILE_ENCODING_GUESS: "If Chinese text looks wrong, set `data.encoding: gb18030` (or `utf-8`).",
  FILE_ENCODING_BOM: "Set `data.encoding: auto` (each file is then read by its own mark), or save the file again in the encoding named.",
  FILE_FORMAT: "Open the file in Excel or WPS and save it as .xlsx or CSV.",
  FILE_TOO_LARGE: "Save the workbook as CSV (CSV UTF-8 in Excel): CSV files are streamed and have no size limit.",
  TOO_MANY_COLUMNS: "Remove the empty or stray columns at the right of the sheet; a questionnaire never needs 16,384.",
  ROW_TOO_LONG: "Close the quote that opens the row shown (or the row before it); a quote inside a cell must be doubled.",
  CELL_TOO_LONG: "Shorten the answer: Excel itself cannot hold more than 32,767 characters in a cell.",
  FILE_EMPTY: "Export again with the header row (the question texts) as the first row.",
  HEADER_UNMATCHED: "Add the question to survey.yaml, or set `column:` on the question it belongs to; metadata columns are ignored.",
  HEADER_MISSING: "Name the column by the question id or text, or set `column:` on the question.",
  HEADER_DUPLICATE: "Remove or rename one of the two columns; the first is used.",
  HEADER_NUMBERING:
    "Check the question named; set `number:` on it (its number in this export) so the columns are found by it. Two versions of a questionnaire are best given a definition each.",
  CSV_PARSE: "Close the quote, or double a quote inside a quoted cell (`\"\"`).",
  ROW_WIDTH: "Look for a missing or extra delimiter, or a line break inside an unquoted cell.",
  ROW_EMPTY: "Nothing to do: empty rows are not counted.",
  UNKNOWN_OPTION: "Correct the answer to one of the options (label or code), or add the option to survey.yaml.",
  OPTION_AMBIGUOUS:
    "Label such options with words (`0人`, `1人` …, not bare numbers that are also codes), or give them explicit codes; then both export forms read alike.",
  CODES_GUESSED:
    "Draft the definition from both exports, `survey init --from <按选项文本> --from <按选项序号>`; or list the options in the questionnaire's order (its 按序号 codes 1, 2, …) and delete `codes: guessed`. tally and report refuse such a file.",
  NOT_A_NUMBER: "Type the number in digits (a unit such as 岁 is allowed when `unit` is set).",
  NOT_AN_INTEGER: "Round the answer, or remove `integer: true`.",
  OUT_OF_RANGE: "Correct the answer, or widen `min`/`max`.",
  TOO_MANY_CHOICES: "Correct the answer, or raise `max_choices`.",
  TOO_FEW_CHOICES: "Correct the answer, or lower `min_choices`.",
  RANK_REPEATED: "Give each option one position in the ranking.",
  ANSWERED_WHEN_SKIPPED: "Check the `when` condition against the questionnaire's skip logic, or the answer.",
  SKIPPED_WHEN_ASKED: "Check the `when` condition: the export says the question was not asked.",
  REQUIRED_MISSING: "Fill in the answer, or remove `required: true`.",
  BAD_DURATION: "Write durations as seconds (`123秒`, `123`), `2分3秒` or `0:02:03`.",
  RAKE_FAILED: "Give targets that one population can have (each question's shares of the same people), merge an option nobody chose with a neighbour, or raise `weights.max_iterations`.",
  BAD_WEIGHT: "Give every questionnaire a positive weight (`1`, `0.85`, `1.2`) in the column `data.weight_column` names.",
  DUPLICATE_ID: "Nothing to do if it is a double submission (the later copy is left out); otherwise correct the id.",
  TOO_FEW_ANSWERS: "Nothing to do if the questionnaire is really incomplete; otherwise lower `data.min_answered`.",
  SPEEDER: "Review the questionnaire; set `data.invalid_if.speeder` to leave such questionnaires out.",
  STRAIGHTLINE: "Review the questionnaire; set `data.invalid_if.straightline: true` to leave them out.",
  NO_VALID_ANSWERS:
    "Run `survey validate` to see why each row is left out: often another file or export than the definition describes (HEADER_MISSING), or `data.min_answered` / `data.invalid_if` too strict for these answers.",
  USAGE: "Run the command with --help for its options and a worked example.",
  OUTPUT_EXISTS: "Pass --force to replace the file, or choose another name with -o.",
  OUTPUT_IS_INPUT: "Write the output under another name with -o: survey never writes over a file it reads.",
  FILE_SYSTEM: "Fix what the message names at the path shown (permissions, free space, the path itself), or write to another folder with -o.",
  TALLY_INVALID: "Give `survey merge` or `report --tally` files written by `survey tally --format json` of the same definition.",
  TEMPLATE_INVALID: "Fix the template file named in the message; start from templates/zh-research-report.",
  NARRATIVE_EXPR: "Correct the name in `{{ … }}` at the line shown; `survey tally --format json` lists every statistic.",
  NARRATIVE_SECTION: "Use a section title of the template (基本情况, 主要做法与成效, 存在的问题, 对策建议) or one of its `sectionAliases` as the `##` heading.",
  NARRATIVE_TOO_DEEP: "Write the text at the line shown out flat: a report has paragraphs, lists and at most a few levels of quotation.",
};

/** The README's error catalogue: every code, what it means, and the fix. */
export function catalogueMarkdown(): string {
  const rows = (Object.keys(CATALOGUE) as DiagnosticCode[]).map(
    (code) => `| \`${code}\` | ${CATALOGUE[code]} | ${FIXES[code].replace(/\|/g, "\\|")} |`,
  );
  return ["| code | meaning | fix |", "| --- | --- | --- |", ...rows].join("\n");
}
