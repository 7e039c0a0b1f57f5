import type { CsvRecord } from "../io/fast-csv.js";
import { cellText } from "../io/fast-csv.js";
import type { ScanMemory } from "../io/scan-memory.js";
import { append } from "../arrays.js";
import { smallWholeNumberOfBytes } from "./id-set.js";
import { ByteCache, ByteDictionaries, type CellDictionaries } from "./byte-cache.js";
import { itemOptionIndex, MISSING, readAnswer, type Answer, type CellProblem, type OptionIndex } from "./cells.js";
import type { ItemColumns } from "./columns.js";
import { reportBadDuration, reportCellTooLong, reportEmptyRow, reportRowWidth, settleAnswers, type Response, type RowContext } from "./row.js";
import { cellBytesMayBeTooLong, cellIsTooLong, isBlankRecord, metadataValue, readDuration } from "./rules.js";

export interface CellRead {
  answer: Answer;
  /** Shared by every row with the same cell: read, never changed. */
  problems: CellProblem[];
  /**
   * The answer's place among the item's distinct answers that may be counted by how often they occur
   * (not open answers or fill-ins, whose lists keep reading order), or -1.
   */
  slot: number;
}

const NO_PROBLEMS: CellProblem[] = [];
const NO_COLUMN = -1;
const FLAGS = -2;

/**
 * Reads a questionnaire from a scanned CSV record: `readResponses`' row reading, for big files. A cell is
 * read once per distinct content: the answer (and any problem) found for its bytes is found again by the
 * bytes, so most cells of a million rows cost a hash and no string. What is read is exactly what
 * `readAnswer` reads from the decoded cell; the rules of rows and cells are rules.ts' (their byte forms
 * made there from them), and everything after the cells (problems, skip logic, counts of asked and
 * answered) is row.ts', as for the general reader.
 */
export class ByteRowReader {
  private readonly items: { where: ItemColumns | undefined; index: OptionIndex | undefined; kept: CellRead[]; slots: Answer[] }[];
  /** Per item, the column of its cell (NO_COLUMN, FLAGS), and its kept reads: the row loop's data as arrays. */
  private readonly cellAt: Int32Array;
  private readonly kept: CellRead[][];
  /** Where the cells read before are found again by their bytes; item k's cell kept as i was read as kept[k][i]. */
  private readonly dictionaries: CellDictionaries;
  /** Per item, the cached read the current row's answer came from (undefined when it was read otherwise). */
  readonly reads: (CellRead | undefined)[];
  private readonly durations = new ByteCache<{ seconds: number | undefined; bad: boolean; text: string }>();
  private readonly groups = new ByteCache<string | undefined>();
  /** Cells handed to readAnswer: only the ones it reads are set, and cleared after. */
  private readonly scratch: string[];
  /** One response, refilled for every row: a million rows allocate no answer arrays. */
  private readonly answers: Answer[];
  private readonly response: Response;

  constructor(
    private readonly ctx: RowContext,
    /** The scanner's WebAssembly memory, when records are scanned into it: cells are looked up there. */
    memory?: ScanMemory,
  ) {
    const { survey, columns } = ctx;
    this.items = survey.items.map((item) => ({
      where: columns.items.get(item.id),
      index: itemOptionIndex(item),
      kept: [],
      slots: [],
    }));
    this.reads = new Array<CellRead | undefined>(this.items.length).fill(undefined);
    this.cellAt = Int32Array.from(this.items, ({ where }) => (where === undefined ? NO_COLUMN : where.kind === "flags" ? FLAGS : where.index));
    this.kept = this.items.map((item) => item.kept);
    this.dictionaries = memory ? memory.dictionaries(this.cellAt) : new ByteDictionaries(this.cellAt);
    this.scratch = new Array<string>(ctx.header.length);
    this.answers = new Array<Answer>(this.items.length).fill(MISSING);
    this.response = { file: ctx.file, row: 0, id: undefined, idNumber: undefined, duration: undefined, group: undefined, answers: this.answers, asked: 0, answered: 0 };
  }

  /** 0/1 columns: one answer from several cells, read the general way. */
  private readFlags(r: CsvRecord, k: number, problems: CellProblem[]): Answer {
    const { where, index } = this.items[k]!;
    const flags = where as ItemColumns & { kind: "flags" };
    for (const at of flags.byCode.values()) this.scratch[at] = cellText(r, at);
    const answer = readAnswer(this.ctx.survey.items[k]!, flags, this.scratch, this.ctx.survey.data, index, problems);
    for (const at of flags.byCode.values()) this.scratch[at] = undefined as unknown as string;
    return answer;
  }

  /** A cell not in the cache: decoded and read as the general reader reads it, then kept by its bytes. */
  private readCell(r: CsvRecord, k: number, at: number, start: number, end: number): CellRead {
    const { where, index, kept, slots } = this.items[k]!;
    this.scratch[at] = cellText(r, at);
    const found: CellProblem[] = [];
    const answer = readAnswer(this.ctx.survey.items[k]!, where!, this.scratch, this.ctx.survey.data, index, found);
    this.scratch[at] = undefined as unknown as string;
    const keeps = this.dictionaries.keep(k, r, start, end, at < r.fields ? r.hashes[at]! : -1) >= 0;
    const read: CellRead = { answer, problems: found.length ? found : NO_PROBLEMS, slot: keeps && countable(answer) ? slots.push(answer) - 1 : -1 };
    if (keeps) kept.push(read);
    return read;
  }

  /** Item k's distinct countable answers, by slot. */
  slotsOf(k: number): readonly Answer[] {
    return this.items[k]!.slots;
  }

  /**
   * The questionnaire in a record (`row` as a spreadsheet numbers it), or undefined for a blank row. The
   * response is the reader's own and is refilled by the next call: judge and count it before reading on.
   */
  read(r: CsvRecord, row: number): Response | undefined {
    const { ctx } = this;
    const { survey, columns, file, header } = ctx;
    const n = r.fields;
    if (isBlankRecord(r)) {
      reportEmptyRow(ctx, row, n);
      return undefined;
    }
    if (n !== header.length) reportRowWidth(ctx, row, n);
    // Only a record longer than a cell may be has a cell too long.
    for (let i = 0; n > 0 && cellBytesMayBeTooLong(r.ends[n - 1]! - r.starts[0]!) && i < n; i++) {
      if (!cellBytesMayBeTooLong(r.ends[i]! - r.starts[i]!)) continue;
      const chars = cellText(r, i).length;
      if (!cellIsTooLong(chars)) continue;
      reportCellTooLong(ctx, row, i, chars);
      r.ends[i] = r.starts[i]!;
      r.escaped[i] = 0;
      r.hashes[i] = -1;
    }

    let problems: CellProblem[] = NO_PROBLEMS;
    const answers = this.answers;
    const { cellAt, kept, reads } = this;
    const { starts, ends } = r;
    const ids = this.dictionaries.lookUp(r);
    for (let k = 0; k < cellAt.length; k++) {
      const at = cellAt[k]!;
      if (at < 0) {
        reads[k] = undefined;
        answers[k] = at === NO_COLUMN ? MISSING : this.readFlags(r, k, (problems = problems === NO_PROBLEMS ? [] : problems));
        continue;
      }
      const id = ids[k]!;
      const read = id >= 0 ? kept[k]![id]! : this.readCell(r, k, at, at < n ? starts[at]! : 0, at < n ? ends[at]! : 0);
      reads[k] = read;
      answers[k] = read.answer;
      if (read.problems.length) {
        if (problems === NO_PROBLEMS) problems = [];
        append(problems, read.problems);
      }
    }
    const { asked, answered } = settleAnswers(ctx, row, answers, problems === NO_PROBLEMS ? [] : problems);

    let duration: number | undefined;
    if (columns.durationIndex !== undefined) {
      const at = columns.durationIndex;
      const start = at < n ? r.starts[at]! : 0;
      const end = at < n ? r.ends[at]! : 0;
      let d = this.durations.get(r.buf, start, end, at < n ? r.hashes[at]! : -1);
      if (!d) {
        const text = cellText(r, at);
        d = { ...readDuration(text), text };
        this.durations.set(r.buf, start, end, d);
      }
      duration = d.seconds;
      if (d.bad) reportBadDuration(ctx, row, d.text);
    }
    // A whole-number id (问卷星's 序号) is read as a number: a million rows, no string each.
    let id: string | undefined;
    let idNumber: number | undefined;
    if (columns.idIndex !== undefined) {
      const at = columns.idIndex;
      const n = at < r.fields ? smallWholeNumberOfBytes(r.buf, r.starts[at]!, r.ends[at]!) : -1;
      if (n >= 0) idNumber = n;
      else id = metadataValue(cellText(r, at));
    }
    let group: string | undefined;
    if (columns.sourceIndex !== undefined) {
      const at = columns.sourceIndex;
      const start = at < n ? r.starts[at]! : 0;
      const end = at < n ? r.ends[at]! : 0;
      group = this.groups.get(r.buf, start, end);
      if (group === undefined) {
        group = metadataValue(cellText(r, at));
        this.groups.set(r.buf, start, end, group);
      }
    }
    const out = this.response;
    out.row = row;
    out.id = id;
    out.idNumber = idNumber;
    out.duration = duration;
    out.group = group;
    out.asked = asked;
    out.answered = answered;
    return out;
  }
}

/** Answers that can be counted by how often they occur: no text whose place in a list matters. */
function countable(a: Answer): boolean {
  return a.kind === "skipped" || a.kind === "missing" || a.kind === "number" || (a.kind === "choice" && !a.others);
}
