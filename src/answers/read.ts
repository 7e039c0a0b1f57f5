import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Survey } from "../definition/model.js";
import type { RawRow } from "../io/raw-row.js";
import { openTable, type InputFile } from "../io/table.js";
import { itemOptionIndex, MISSING, readAnswer, type Answer, type CellProblem, type OptionIndex } from "./cells.js";
import { mapColumns, type ColumnMap } from "./columns.js";
import { reportBadDuration, reportBadWeight, reportCellTooLong, reportEmptyRow, reportRowWidth, parseWeight, settleAnswers, type Response, type RowContext } from "./row.js";
import { cellsAsRead, isBlankRow, metadataValue, readDuration } from "./rules.js";

/** Response is row.ts' (both readers give it); named here too, where the readers of answers have found it. */
export type { Response } from "./row.js";

export interface ReadOptions {
  onDiagnostic: (d: Diagnostic) => void;
  /** Told the bytes read as the files are read (for a progress line). */
  onBytes?: (bytes: number) => void;
}

/**
 * Reads every answer file in the order given and yields one Response per non-empty row, streaming.
 * Cell problems, row-shape problems and header problems go to `onDiagnostic` with file, row and column.
 * Skip logic is applied here: an item whose `when` does not hold is skipped, whatever the cell says.
 */
export async function* readResponses(survey: Survey, files: InputFile[], opts: ReadOptions): AsyncGenerator<Response> {
  for (const input of files) {
    const answers = await openAnswers(survey, input, opts);
    answers.headerProblems.forEach(opts.onDiagnostic);
    for await (const raw of answers.rows) {
      const response = answers.read(raw, opts.onDiagnostic);
      if (response) yield response;
    }
  }
}

/** One answer file opened: its header, where each question's cells are, the header's problems, its rows. */
export interface AnswerFile {
  input: InputFile;
  header: string[];
  columns: ColumnMap;
  /** Problems of the header (unknown or missing columns), not yet told to anyone. */
  headerProblems: Diagnostic[];
  /** Data rows after the header, streamed. */
  rows: AsyncIterable<RawRow>;
  /** A row as a questionnaire, its problems told to `report`; undefined for a blank row. */
  read(raw: RawRow, report: (d: Diagnostic) => void): Response | undefined;
}

/**
 * Opens one answer file for `readResponses`, or for a caller that decides row by row where each row's
 * questionnaire and problems go (`--each`'s groups, validate/scan.ts). Problems of the file itself (its
 * encoding, its quoting) go to `onDiagnostic`.
 */
export async function openAnswers(survey: Survey, input: InputFile, opts: ReadOptions): Promise<AnswerFile> {
  const file = input.name;
  const table = await openTable(input, { encoding: survey.data.encoding, onDiagnostic: opts.onDiagnostic, onBytes: opts.onBytes });
  const headerProblems: Diagnostic[] = [];
  const columns = mapColumns(survey, table.header, file, headerProblems);
  const indexes = survey.items.map(itemOptionIndex);
  return {
    input,
    header: table.header,
    columns,
    headerProblems,
    rows: table.rows,
    read: (raw, report) => readRow(survey, raw, table.header, columns, indexes, file, report),
  };
}

function readRow(
  survey: Survey,
  raw: RawRow,
  header: string[],
  columns: ColumnMap,
  indexes: (OptionIndex | undefined)[],
  file: string,
  report: (d: Diagnostic) => void,
): Response | undefined {
  const { row } = raw;
  const ctx: RowContext = { survey, header, columns, file, report };
  if (isBlankRow(raw.cells)) {
    reportEmptyRow(ctx, row, raw.cells.length);
    return undefined;
  }
  if (raw.cells.length !== header.length) reportRowWidth(ctx, row, raw.cells.length);
  const cells = cellsAsRead(raw.cells, (i, chars) => reportCellTooLong(ctx, row, i, chars));

  const problems: CellProblem[] = [];
  const answers: Answer[] = new Array(survey.items.length);
  survey.items.forEach((item, i) => {
    const where = columns.items.get(item.id);
    answers[i] = where ? readAnswer(item, where, cells, survey.data, indexes[i], problems) : MISSING;
  });
  const { asked, answered } = settleAnswers(ctx, row, answers, problems);

  let duration: number | undefined;
  if (columns.durationIndex !== undefined) {
    const text = cells[columns.durationIndex] ?? "";
    const read = readDuration(text);
    duration = read.seconds;
    if (read.bad) reportBadDuration(ctx, row, text);
  }
  const id = columns.idIndex === undefined ? undefined : metadataValue(cells[columns.idIndex] ?? "");
  const group = columns.sourceIndex === undefined ? undefined : metadataValue(cells[columns.sourceIndex] ?? "");
  const response: Response = { file, row, id, duration, group, answers, asked, answered };
  if (columns.weightIndex !== undefined) {
    const text = cells[columns.weightIndex] ?? "";
    response.weight = parseWeight(text);
    if (response.weight === undefined) reportBadWeight(ctx, row, text);
  }
  return response;
}
