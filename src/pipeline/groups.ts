import { itemOptionIndex, readAnswer, type CellProblem, type OptionIndex } from "../answers/cells.js";
import type { ItemColumns } from "../answers/columns.js";
import { cellsAsRead } from "../answers/rules.js";
import type { Item, Survey } from "../definition/model.js";
import { SurveyError, usageError } from "../diagnostics/errors.js";
import type { GroupedFile, RowGroups } from "../validate/scan.js";

/**
 * `--each <question>`'s groups: a row's group is its answer to a single-choice or scale question (the
 * village), read as every reader reads the cell (a cell too long is blank); the option's code names the
 * group. Both readers use it: the general one on a row's cells, the byte reader of big files on the few
 * cells it decodes for it (`columnsOf`).
 */
export class AnswerGroups implements RowGroups {
  readonly item: Item;
  readonly index: OptionIndex;

  constructor(
    private readonly survey: Survey,
    readonly questionId: string,
  ) {
    const item = survey.itemById.get(questionId);
    if (!item || (item.type !== "single" && item.type !== "scale")) {
      throw usageError(
        `--each ${questionId}: ${item ? `${questionId} is a ${item.type} question` : "no such question"}`,
        "name a single-choice or scale question (e.g. the village), or use --each file",
      );
    }
    this.item = item;
    this.index = itemOptionIndex(item)!;
  }

  /** The label of a group's option. */
  label(code: number): string {
    return this.index.byCode.get(code)!.label;
  }

  /** The question's columns in a file; a file without them cannot be grouped (HEADER_MISSING). */
  private columns(file: GroupedFile): ItemColumns {
    const columns = file.columns.items.get(this.item.id);
    if (!columns) {
      throw new SurveyError([
        { code: "HEADER_MISSING", severity: "error", file: file.input.name, row: 1, message: `no column for ${this.item.id} (${this.item.text}), so --each ${this.questionId} cannot group its rows` },
      ]);
    }
    return columns;
  }

  /** The indices of the cells a row's group is read from. */
  columnsOf(file: GroupedFile): number[] {
    const columns = this.columns(file);
    return columns.kind === "cell" ? [columns.index] : [...columns.byCode.values()];
  }

  forFile(file: GroupedFile): (cells: readonly string[], row: number) => number | undefined {
    const { item, index, survey } = this;
    const columns = this.columns(file);
    const name = file.input.name;
    return (cells, row) => {
      const problems: CellProblem[] = [];
      const answer = readAnswer(item, columns, cellsAsRead(cells), survey.data, index, problems);
      // A code that cannot be told apart would put rows in the wrong group: the run stops here, as a tally would.
      const guessed = problems.find((p) => p.code === "CODES_GUESSED");
      if (guessed) {
        throw new SurveyError([{ code: "CODES_GUESSED", severity: "error", file: name, row, column: file.header[guessed.index], message: guessed.message, hint: guessed.hint }]);
      }
      const code = answer.kind === "choice" ? answer.codes[0] : undefined;
      return code !== undefined && index.byCode.has(code) ? code : undefined;
    };
  }
}
