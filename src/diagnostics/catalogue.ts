/**
 * The catalogue of diagnostics: every problem the tool reports about a user's input has a stable code,
 * what it means, and how to fix it. The README's error catalogue is generated from this file.
 */

/** Code → what it means. The README's error catalogue is checked against this list. */
export const CATALOGUE = {
  // survey.yaml
  YAML_SYNTAX: "survey.yaml is not valid YAML",
  YAML_ALIASES: "survey.yaml expands too many aliases",
  DEF_INVALID: "a key of survey.yaml has a wrong value or type",
  DEF_UNKNOWN_KEY: "survey.yaml has a key that is not part of the definition (often a typo)",
  DEF_MISSING_KEY: "a required key of survey.yaml is missing",
  DEF_DUPLICATE_ID: "two questions, matrix rows or groups share an id",
  DEF_DUPLICATE_OPTION: "two options of one question share a code or a label",
  DEF_UNKNOWN_REF: "a key refers to a question or scale that is not defined",
  DEF_BAD_REF: "a key refers to a question of the wrong type",
  DEF_BAD_WHEN: "a `when` expression cannot be parsed or uses something that is not allowed",
  DEF_BAD_CODE: "a scale's positive/negative/na/scores do not fit its options, or run against its wording (非常满意 as negative, or scoring lowest)",
  DEF_TOO_LARGE: "survey.yaml has more than 1,000 questions (matrix rows counted one by one)",
  // answer files
  FILE_NOT_FOUND: "an answer file does not exist or cannot be read",
  FILE_ENCODING: "an answer file is neither UTF-8 nor GB18030, or holds a byte that is not the encoding it is read in",
  FILE_ENCODING_GUESS: "an answer file is too short to tell UTF-8 from GB18030 for sure",
  FILE_ENCODING_BOM: "an answer file starts with the byte-order mark of another encoding than data.encoding names: the mark wins",
  FILE_FORMAT: "an answer file is not a CSV, TSV, .xlsx or .xls file that can be read",
  FILE_EMPTY: "an answer file has no header row",
  FILE_TOO_LARGE: "an .xlsx/.xls file is larger than 50 MB, unpacks to more than 128 MB, or its sheet spans more than 16,777,216 cells (it is read whole; save it as CSV, which is streamed)",
  TOO_MANY_COLUMNS: "a file or row has more than 16,384 columns (Excel's limit)",
  ROW_TOO_LONG: "a CSV row is longer than 16 Mi characters, usually a quote that is never closed; reading stops there",
  CELL_TOO_LONG: "a cell holds more than 32,767 characters (Excel's limit); it is left out",
  HEADER_UNMATCHED: "a column matches no question (it is ignored)",
  HEADER_MISSING: "a question has no column in an answer file",
  HEADER_DUPLICATE: "two columns map to the same question",
  HEADER_NUMBERING: "the file numbers its questions otherwise than survey.yaml, so which question its 第N题(…) columns belong to was worked out from the questions around them",
  CSV_PARSE: "a CSV row could not be parsed (stray quote)",
  ROW_WIDTH: "a row has a different number of cells than the header",
  ROW_EMPTY: "a row has no answers at all (it is not counted as returned)",
  // answers
  UNKNOWN_OPTION: "an answer is not one of the question's options",
  OPTION_AMBIGUOUS: "an answer is a bare number that is one option's label and another option's code: read as the label, though a 按选项序号 export means the code",
  CODES_GUESSED: "an answer is an option code, but the definition's codes were guessed from labels (`codes: guessed`): which option it means is unknown",
  NOT_A_NUMBER: "a number question holds something that is not a number",
  NOT_AN_INTEGER: "an integer question holds a fraction",
  OUT_OF_RANGE: "a number is outside the question's min/max",
  TOO_MANY_CHOICES: "a multi-select answer has more choices than max_choices",
  TOO_FEW_CHOICES: "a multi-select answer has fewer choices than min_choices",
  RANK_REPEATED: "a ranking names the same option twice",
  ANSWERED_WHEN_SKIPPED: "a question was answered although its `when` condition excluded it",
  SKIPPED_WHEN_ASKED: "a question is marked skipped although its `when` condition held",
  REQUIRED_MISSING: "a required question was left blank",
  BAD_DURATION: "the duration column holds something that is not a time",
  BAD_WEIGHT: "the weight column holds no positive number (the questionnaire is invalid)",
  RAKE_FAILED: "raking cannot make the weighted shares match the targets in weights.rake",
  // questionnaires
  DUPLICATE_ID: "the same respondent id appears more than once (later copies are invalid)",
  TOO_FEW_ANSWERS: "a questionnaire answers less than min_answered of the questions it was asked",
  SPEEDER: "a questionnaire was filled in much faster than the median",
  STRAIGHTLINE: "a questionnaire gives the same answer to every item of a matrix or group",
  NO_VALID_ANSWERS: "not one questionnaire is valid (or there are none), so tally, merge and report have nothing to count",
  // command line
  USAGE: "a command-line argument is wrong",
  TALLY_INVALID: "a saved tally (survey merge, survey report --tally) is not the JSON that survey tally --format json writes",
  OUTPUT_EXISTS: "the output file exists (use --force to overwrite)",
  OUTPUT_IS_INPUT: "the output file is one of the command's own inputs (never replaced, even with --force)",
  FILE_SYSTEM: "a file or folder cannot be read or written: permissions, a read-only or full disk, a file where a folder should be, a link loop, a name too long",
  // report
  TEMPLATE_INVALID: "a report template's template.yaml or style.yaml is wrong, or a sentence pattern cannot be rendered",
  NARRATIVE_EXPR: "an expression in the narrative (report.md) names something unknown or cannot be parsed",
  NARRATIVE_SECTION: "a `##` heading of the narrative matches none of the report's sections",
  NARRATIVE_TOO_DEEP: "the narrative nests blockquotes, lists or emphasis more than 50 levels deep",
} as const;

export type DiagnosticCode = keyof typeof CATALOGUE;

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
