import { oneLine, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Item, Survey } from "../definition/model.js";
import type { WhenValue } from "../definition/when.js";
import { MAX_CELL_CHARS } from "../io/limits.js";
import { SKIPPED, MISSING, type Answer, type CellProblem } from "./cells.js";
import type { ColumnMap } from "./columns.js";
import { blankRowIsReported } from "./rules.js";

/**
 * What both readers of rows — the general one (read.ts, cells as strings) and the byte reader of big files
 * (fast-read.ts) — do with a row once its cells are read: the problems reported with their place, skip
 * logic, the counts of questions asked and answered. Written once here, called by both; the rules of the
 * cells themselves are rules.ts'.
 */

/** One questionnaire as read: where it came from, and an answer per item (aligned with `survey.items`). */
export interface Response {
  file: string;
  /** The row number a spreadsheet shows (header = row 1). */
  row: number;
  id?: string;
  /**
   * The id when it is a whole number as String() writes it (1–9 digits, no leading zero): then `id` may be
   * left out, meaning String(idNumber). The byte reader of big files gives this instead of a string a row.
   */
  idNumber?: number;
  /** Seconds taken, from the duration column. */
  duration?: number;
  /** The value of data.source_column, if set. */
  group?: string;
  /** The questionnaire's weight from data.weight_column; undefined there when not a positive number (BAD_WEIGHT). */
  weight?: number;
  answers: Answer[];
  /** Items the questionnaire was asked (not skipped) and of those, answered. */
  asked: number;
  answered: number;
}

/** What reading a row needs to know besides its cells (shared with the byte reader of big files). */
export interface RowContext {
  survey: Survey;
  header: string[];
  columns: ColumnMap;
  file: string;
  report: (d: Diagnostic) => void;
}

/** A row of blank cells (rules.ts' isBlankRow): not a questionnaire; a warning when it is worth one. */
export function reportEmptyRow(ctx: RowContext, row: number, width: number): void {
  if (blankRowIsReported(width)) ctx.report({ code: "ROW_EMPTY", severity: "warning", file: ctx.file, row, message: "the row is empty; it is not counted" });
}

export function reportRowWidth(ctx: RowContext, row: number, cells: number): void {
  ctx.report({
    code: "ROW_WIDTH",
    severity: "error",
    file: ctx.file,
    row,
    message: `${cells} cells, but the header has ${ctx.header.length}`,
    hint: "a missing or extra delimiter, or a line break inside an unquoted cell",
  });
}

export function reportCellTooLong(ctx: RowContext, row: number, index: number, chars: number): void {
  ctx.report({
    code: "CELL_TOO_LONG",
    severity: "error",
    file: ctx.file,
    row,
    column: ctx.header[index],
    message: `${chars.toLocaleString("en-US")} characters; a cell may hold at most ${MAX_CELL_CHARS.toLocaleString("en-US")}, so it is left out`,
  });
}

/**
 * A weight as written in a weight column: a positive finite number ("1.25", "0.8", "1e0"; a decimal comma
 * is not read, as it cannot be told from a thousands separator). Anything else is undefined.
 */
export function parseWeight(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const w = Number(t);
  return Number.isFinite(w) && w > 0 ? w : undefined;
}

export function reportBadWeight(ctx: RowContext, row: number, text: string): void {
  const at = ctx.columns.weightIndex!;
  ctx.report({
    code: "BAD_WEIGHT",
    severity: "error",
    file: ctx.file,
    row,
    column: ctx.header[at],
    message: text.trim() === "" ? "no weight; the questionnaire is left out" : `"${oneLine(text)}" is not a positive number; the questionnaire is left out`,
  });
}

export function reportBadDuration(ctx: RowContext, row: number, text: string): void {
  const at = ctx.columns.durationIndex!;
  ctx.report({ code: "BAD_DURATION", severity: "warning", file: ctx.file, row, column: ctx.header[at], message: `"${oneLine(text)}" is not a duration` });
}

/**
 * Reports the cells' problems, applies skip logic to the answers read from a row, and counts what the
 * questionnaire was asked and answered.
 */
export function settleAnswers(ctx: RowContext, row: number, answers: Answer[], problems: CellProblem[]): { asked: number; answered: number } {
  const { survey, header, columns, file, report } = ctx;
  for (const p of problems) {
    report({ code: p.code, severity: p.severity ?? "error", file, row, column: header[p.index], message: p.message, hint: p.hint });
  }

  // A cell already reported as wrong is not reported again as blank.
  if (needsSkipLogic(survey)) {
    const wrong = problems.length ? new Set(problems.filter((p) => p.severity !== "warning").map((p) => p.item ?? "")) : NONE;
    applySkipLogic(survey, answers, wrong, (item, code, message) => {
      const where = columns.items.get(item.id);
      const index = where?.kind === "cell" ? where.index : where ? [...where.byCode.values()][0] : undefined;
      report({ code, severity: code === "SKIPPED_WHEN_ASKED" ? "warning" : "error", file, row, column: index === undefined ? item.id : header[index], message });
    });
  }

  let asked = 0;
  let answered = 0;
  for (const a of answers) {
    if (a.kind === "skipped") continue;
    asked++;
    if (a.kind !== "missing") answered++;
  }
  return { asked, answered };
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Evaluates `when` in questionnaire order, so that a question skipped by its own condition reads as
 * unanswered (null) for the conditions of later questions.
 */
export function applySkipLogic(
  survey: Survey,
  answers: Answer[],
  wrong: ReadonlySet<string>,
  report: (item: Item, code: "ANSWERED_WHEN_SKIPPED" | "SKIPPED_WHEN_ASKED" | "REQUIRED_MISSING", message: string) => void,
): void {
  if (!needsSkipLogic(survey)) return;
  const position = itemPositions(survey);
  const lookup = (id: string): WhenValue => {
    const i = position.get(id);
    return i === undefined ? null : whenValue(survey.items[i]!, answers[i]!);
  };
  survey.items.forEach((item, i) => {
    const answer = answers[i]!;
    if (item.when) {
      const asked = item.when.evaluate(lookup);
      if (!asked) {
        if (answer.kind !== "skipped" && answer.kind !== "missing") {
          report(item, "ANSWERED_WHEN_SKIPPED", `answered although "${item.when.source}" does not hold; the answer is not counted`);
        }
        answers[i] = SKIPPED;
        return;
      }
      if (answer.kind === "skipped") {
        report(item, "SKIPPED_WHEN_ASKED", `marked skipped although "${item.when.source}" holds`);
        answers[i] = MISSING;
      }
    }
    if (item.required && answers[i]!.kind === "missing" && !wrong.has(item.id)) report(item, "REQUIRED_MISSING", `${item.id} is required but blank`);
  });
}

/** Most surveys have no `when` and no `required`: nothing for skip logic to do on any row. */
const skipLogicCache = new WeakMap<Survey, boolean>();
function needsSkipLogic(survey: Survey): boolean {
  let needed = skipLogicCache.get(survey);
  if (needed === undefined) {
    needed = survey.items.some((item) => item.when !== undefined || item.required);
    skipLogicCache.set(survey, needed);
  }
  return needed;
}

const positionsCache = new WeakMap<Survey, Map<string, number>>();
function itemPositions(survey: Survey): Map<string, number> {
  let p = positionsCache.get(survey);
  if (!p) {
    p = new Map(survey.items.map((item, i) => [item.id, i]));
    positionsCache.set(survey, p);
  }
  return p;
}

function whenValue(item: Item, answer: Answer): WhenValue {
  switch (answer.kind) {
    case "choice":
      return item.type === "multi" || item.type === "rank" ? answer.codes : (answer.codes[0] ?? null);
    case "number":
    case "text":
      return answer.value;
    default:
      return null;
  }
}
