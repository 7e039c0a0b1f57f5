/**
 * The catalogue of diagnostics. Every problem the tool reports about a user's input has a stable code,
 * a location and, where one exists, a fix. Tests assert on codes and locations, never on prose.
 */

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** The file the problem is in (definition, data file, narrative). */
  file?: string;
  /** 1-based line and column inside a text file (survey.yaml, report.md). */
  line?: number;
  col?: number;
  /** The row number a spreadsheet shows for a data row: the header is row 1. */
  row?: number;
  /** The header of the data column concerned. */
  column?: string;
  /** How to fix it. */
  hint?: string;
}

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
 * Renders one diagnostic as the single line the user sees. Headers, cells and file names quoted in it come
 * from the user's files and may hold line breaks, control characters or megabytes (a never-closed quote
 * makes the rest of a file one header cell): each part is flattened and shortened so the line stays one line.
 */
export function formatDiagnostic(d: Diagnostic): string {
  let place = d.file === undefined ? "" : oneLine(d.file, 300);
  if (d.line !== undefined) place += `:${d.line}${d.col !== undefined ? `:${d.col}` : ""}`;
  if (d.row !== undefined) place += `:row ${d.row}`;
  if (d.column !== undefined) place += `${d.row !== undefined ? "," : ":"} column "${oneLine(d.column, 80)}"`;
  const hint = d.hint ? ` (${oneLine(d.hint, 300)})` : "";
  return `${place ? `${place}: ` : ""}${d.severity} ${d.code}: ${oneLine(d.message, 500)}${hint}`;
}

/**
 * Text from a user's file made fit for a one-line message: line breaks shown as ↵, other control
 * characters (NUL, ESC, …) as \xNN, and anything longer than `max` characters cut with an ellipsis.
 */
export function oneLine(text: string, max = 100): string {
  // Cut first: a 10 MB cell is not worth escaping in full.
  const head = text.length > max ? text.slice(0, max) : text;
  const flat = head
    .replace(/\r\n|[\r\n\u2028\u2029]/g, "↵")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (text.length <= max) return flat;
  // Do not leave half of a surrogate pair at the cut.
  return `${/[\ud800-\udbff]$/.test(flat) ? flat.slice(0, -1) : flat}…`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
