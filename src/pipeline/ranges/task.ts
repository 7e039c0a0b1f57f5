import { open } from "node:fs/promises";
import { threadId } from "node:worker_threads";
import { ByteCache } from "../../answers/byte-cache.js";
import { parseDuration } from "../../answers/cells.js";
import type { Answer } from "../../answers/cells.js";
import type { Response } from "../../answers/row.js";
import { ByteRowReader } from "../../answers/fast-read.js";
import { mapColumns, type ColumnMap } from "../../answers/columns.js";
import type { Survey } from "../../definition/model.js";
import { DiagnosticSink, type SinkPart } from "../../diagnostics/sink.js";
import { Utf8Stream } from "../../io/encoding.js";
import { cellText, CsvScanner, type CsvRecord, type ScannerOptions } from "../../io/fast-csv.js";
import { ScanMemory } from "../../io/scan-memory.js";
import type { InputFile } from "../../io/table.js";
import type { IdSetPart } from "../../answers/id-set.js";
import { DurationMedian, Screener, type InvalidReason, type ScreenerPart } from "../../validate/screen.js";
import type { Plan } from "../../tally/plan.js";
import { RangeTexts, type PackedTexts, type RangeSpool } from "./texts.js";
import { Counter, emptyState, stateToJson, type TallyStateJson } from "../../tally/state.js";
import { isBlankRecord } from "../../answers/rules.js";
import { AnswerGroups } from "../groups.js";

/** A CSV file the fast path reads: what the main thread learnt from its start. */
export interface FileSpec {
  file: InputFile;
  header: string[];
  scanner: ScannerOptions;
  /** Byte offset of the first data record (after the byte-order mark and the header). */
  dataStart: number;
  size: number;
  /** Files with a byte-order mark were not checked for UTF-8 when opened: the reader checks them. */
  checkUtf8: boolean;
}

/**
 * What a range does with its open answers: `keep[i]`, whether item i's answers are sent back (the output
 * lists them) or only their keywords; `keywords`, whether they are segmented at all (not for `validate`);
 * `spool`, the folder that kept answers of the items it names are written to instead (see spool.ts).
 */
export interface OpenAnswers {
  keep: readonly boolean[];
  keywords: boolean;
  spool?: { folder: string; items: readonly boolean[] };
}

/** One byte range of one file: the records that start in [start, end). `start` is a record start. */
export interface TaskSpec {
  index: number;
  fileIndex: number;
  start: number;
  end: number;
  /** "durations": only the durations' histogram, for the median that speeders are judged by. */
  mode: "tally" | "durations";
  /** The median duration, known in advance when speeders are left out. */
  median?: number;
  /** Ids seen before the range, when it is read again because it repeats one of them. */
  seenIds?: [string, IdSetPart][];
  /** Grouped runs (`--each`): each group's median duration and ids seen before, as `median` and `seenIds`. */
  groupMedians?: [number, number | undefined][];
  groupSeenIds?: [number, [string, IdSetPart][]][];
}

export interface TaskResult {
  index: number;
  /** Why the range could not be read the fast way; the whole run is then read the general way. */
  bailed?: string;
  start: number;
  /** Offset of the first record at or after `end` (the file's size at its end): the next range's start. */
  nextStart: number;
  /** Records read, blank ones included: rows of the range are numbered from 2 as if it followed the header. */
  records: number;
  counts?: CountsPart;
  sink?: SinkPart;
  screener?: ScreenerPart;
  /** Mode "durations": seconds → how many records took them. */
  durations?: [number, number][];
  /** Grouped runs: what each group's rows gave (in place of counts, sink and screener), and the rows in none. */
  groups?: GroupPart[];
  ungrouped?: number;
  /** Grouped runs, mode "durations": each group's durations (groups with rows in a file with a duration column). */
  groupDurations?: [number, [number, number][]][];
}

/** What a range's rows of one group gave: a range of its own, in effect. */
export interface GroupPart {
  key: number;
  counts: CountsPart;
  sink: SinkPart;
  screener: ScreenerPart;
}

/** Counts of a range, and its open answers with their keyword counts (see RangeTexts). */
export interface CountsPart {
  returned: number;
  valid: number;
  invalid: number;
  invalidReasons: Partial<Record<InvalidReason, number>>;
  state: TallyStateJson;
  texts: (PackedTexts | null)[];
}

const CHUNK = 1 << 20;
const NOT_A_DURATION = -1;

/**
 * Reads ranges of big CSV files: scans records as bytes, reads each questionnaire, judges it and counts
 * it, as `scan` and `tallyState` do for a whole run — or, grouped (`--each <question>`), as `scanGroups`
 * does: each row's problems, verdict and counts go to its group's part of the range. One runner per
 * thread; the main thread merges the ranges' results in reading order.
 */
export class TaskRunner {
  private readonly columns: ColumnMap[];
  /** Ranges this runner has read: a part of their spool files' names. */
  private runs = 0;

  constructor(
    private readonly survey: Survey,
    private readonly plan: Plan,
    private readonly files: FileSpec[],
    private readonly open: OpenAnswers,
    /** `--each <question>`: the question whose answer puts each row in its group. */
    groupBy?: string,
  ) {
    this.columns = files.map((f) => mapColumns(survey, f.header, f.file.name, []));
    this.groups = groupBy === undefined ? undefined : new AnswerGroups(survey, groupBy);
  }

  private readonly groups: AnswerGroups | undefined;

  /**
   * A record's group, read from the few cells the grouping question has (undefined: in none); its
   * identical cells read once per range. Throws where the general reader would stop the run.
   */
  private groupReader(fileIndex: number): ((record: CsvRecord, row: number) => number | undefined) | undefined {
    if (!this.groups) return undefined;
    const spec = this.files[fileIndex]!;
    const file = { input: spec.file, header: spec.header, columns: this.columns[fileIndex]! };
    const groupOf = this.groups.forFile(file);
    const at = this.groups.columnsOf(file);
    const cells: string[] = new Array<string>(spec.header.length).fill("");
    const one = at.length === 1 ? at[0]! : undefined;
    const seen = new ByteCache<number>();
    return (record, row) => {
      if (one !== undefined && one < record.fields) {
        const start = record.starts[one]!;
        const end = record.ends[one]!;
        const hash = record.hashes[one]!;
        const known = seen.get(record.buf, start, end, hash);
        if (known !== undefined) return known < 0 ? undefined : known;
        cells[one] = cellText(record, one);
        const key = groupOf(cells, row);
        seen.set(record.buf, start, end, key ?? -1, hash);
        return key;
      }
      for (const i of at) cells[i] = i < record.fields ? cellText(record, i) : "";
      return groupOf(cells, row);
    };
  }

  /** Whether any file has a duration column. */
  hasDurations(): boolean {
    return this.columns.some((c) => c.durationIndex !== undefined);
  }

  async run(task: TaskSpec): Promise<TaskResult> {
    return task.mode === "durations" ? this.durations(task) : this.tally(task);
  }

  /** The general reader's first pass (`durationMedian` in scan.ts): every record's duration cell. */
  private async durations(task: TaskSpec): Promise<TaskResult> {
    const spec = this.files[task.fileIndex]!;
    const at = this.columns[task.fileIndex]!.durationIndex;
    let median = new DurationMedian();
    const seen = new ByteCache<number | undefined>();
    const groupOf = at === undefined ? undefined : this.groupReader(task.fileIndex);
    const medians = new Map<number, DurationMedian>();
    let records = 0;
    let nextStart = spec.size;
    const memory = ScanMemory.acquire(spec.scanner.maxFields, 0);
    const bailed = await scanRange(spec, task, memory, (record) => {
      if (record.offset >= task.end) {
        nextStart = record.offset;
        return true;
      }
      const row = 2 + records++;
      if (at === undefined) return;
      if (groupOf) {
        if (isBlankRecord(record)) return;
        const key = groupOf(record, row);
        if (key === undefined) return;
        const mine = medians.get(key);
        if (mine) median = mine;
        else medians.set(key, (median = new DurationMedian()));
      }
      const inside = at < record.fields;
      const start = inside ? record.starts[at]! : 0;
      const end = inside ? record.ends[at]! : 0;
      const hash = inside ? record.hashes[at]! : -1;
      let seconds = seen.get(record.buf, start, end, hash);
      if (seconds === undefined) {
        seconds = parseDuration(cellText(record, at)) ?? NOT_A_DURATION;
        seen.set(record.buf, start, end, seconds, hash);
      }
      if (seconds !== NOT_A_DURATION) median.add(seconds);
    }).finally(() => memory?.release());
    if (this.groups) return { index: task.index, bailed, start: task.start, nextStart, records, groupDurations: [...medians].map(([key, m]) => [key, m.toPart()]) };
    return { index: task.index, bailed, start: task.start, nextStart, records, durations: median.toPart() };
  }

  private async tally(task: TaskSpec): Promise<TaskResult> {
    const spec = this.files[task.fileIndex]!;
    const file = spec.file.name;
    const memory = ScanMemory.acquire(spec.scanner.maxFields, this.survey.items.length);
    // The reader tells a row's problems to the part the row belongs to.
    let part: RangePart | undefined;
    const reader = new ByteRowReader({ survey: this.survey, header: spec.header, columns: this.columns[task.fileIndex]!, file, report: (d) => part!.sink.add(d) }, memory);
    // A range read twice (it repeated an id) spools under a new name: its first result is still named.
    const name = `r${task.index}-t${threadId}-${++this.runs}`;
    const newPart = (median: number | undefined, seenIds: [string, IdSetPart][] | undefined, key?: number) => {
      const spool = this.open.spool && { ...this.open.spool, name: key === undefined ? name : `${name}-g${key}` };
      return new RangePart(this.survey, this.plan, this.open, reader, median, seenIds, spool);
    };
    const groupOf = this.groupReader(task.fileIndex);
    const parts = new Map<number, RangePart>();
    const medians = new Map(task.groupMedians);
    const seenIds = new Map(task.groupSeenIds);
    if (!groupOf) part = newPart(task.median, task.seenIds);
    let ungrouped = 0;
    let records = 0;
    let nextStart = spec.size;

    const onRecord = (record: CsvRecord): boolean | void => {
      if (record.offset >= task.end) {
        nextStart = record.offset;
        return true;
      }
      const row = 2 + records++;
      if (groupOf) {
        // As scanGroups: a blank row and a row in no group are passed over, and nothing is said of them.
        if (isBlankRecord(record)) return;
        const key = groupOf(record, row);
        if (key === undefined) {
          ungrouped++;
          return;
        }
        part = parts.get(key);
        if (!part) parts.set(key, (part = newPart(medians.get(key), seenIds.get(key))));
      }
      const r = reader.read(record, row);
      if (r) part!.add(r);
    };

    const bailed = await scanRange(spec, task, memory, onRecord).finally(() => memory?.release());
    if (bailed) {
      for (const p of part && !groupOf ? [part] : parts.values()) p.release();
      return { index: task.index, bailed, start: task.start, nextStart, records };
    }
    const result: TaskResult = { index: task.index, start: task.start, nextStart, records };
    if (groupOf) {
      result.groups = [...parts].map(([key, p]) => ({ key, ...p.finish() }));
      result.ungrouped = ungrouped;
    } else {
      Object.assign(result, part!.finish());
    }
    return result;
  }
}

/** A range's counts, problems and screening: of all its rows, or of one group's. */
class RangePart {
  readonly sink = new DiagnosticSink();
  private readonly screener: Screener;
  private readonly state;
  private readonly texts: RangeTexts;
  private readonly counter: SlotCounter;
  private readonly counts = { returned: 0, valid: 0, invalid: 0, invalidReasons: {} as Partial<Record<InvalidReason, number>> };

  constructor(
    survey: Survey,
    plan: Plan,
    open: OpenAnswers,
    reader: ByteRowReader,
    median: number | undefined,
    seenIds: [string, IdSetPart][] | undefined,
    spool: RangeSpool | undefined,
  ) {
    this.screener = new Screener(survey, median, this.sink.add);
    if (seenIds) this.screener.seeIds(seenIds);
    this.state = emptyState(plan);
    this.texts = new RangeTexts(plan, open.keep, open.keywords, spool);
    for (const i of this.texts.indices) this.state.items[i]!.texts = undefined;
    this.counter = new SlotCounter(new Counter(this.state), reader, plan);
  }

  add(r: Response): void {
    const verdict = this.screener.judge(r);
    const counts = this.counts;
    counts.returned++;
    if (verdict.valid) {
      counts.valid++;
      this.counter.add(r.answers);
      this.texts.add(r.answers);
    } else {
      counts.invalid++;
      for (const reason of verdict.reasons) counts.invalidReasons[reason] = (counts.invalidReasons[reason] ?? 0) + 1;
    }
  }

  /** Closes the spool files of a range given up. */
  release(): void {
    this.texts.release();
  }

  finish(): { counts: CountsPart; sink: SinkPart; screener: ScreenerPart } {
    this.counter.flush();
    return {
      counts: { ...this.counts, state: stateToJson(this.state), texts: this.texts.pack(this.state.items.length) },
      sink: this.sink.toPart(),
      screener: this.screener.toPart(),
    };
  }
}

/**
 * Breakdown groups of one questionnaire as one number: digit b (radix groups_b + 1) is its group of
 * breakdown b plus one (0: none). Slot tallies are kept per combination while there are at most this many.
 */
const MAX_COMBINATIONS = 4096;

/**
 * Counts a range's valid questionnaires as Counter.add does, but an answer read from the cache is counted
 * by incrementing one number — its slot, with the row's combination of breakdown groups — and added to
 * the Counter with its weight at the end: a million rows cost an increment per item, not the Counter's
 * work per item. Everything else (open answers, fill-ins, answers changed by skip logic, matrices and
 * groups) goes to the Counter row by row, in reading order; so does every answer when the breakdowns
 * have more than MAX_COMBINATIONS combinations of groups.
 */
class SlotCounter {
  private readonly tallies: Int32Array[];
  private readonly stride: number;
  private readonly radix: number[];
  private readonly slots: boolean;

  constructor(
    private readonly counter: Counter,
    private readonly reader: ByteRowReader,
    plan: Plan,
  ) {
    this.radix = plan.breakdowns.map((b) => plan.items[b.item]!.options.length + 1);
    const stride = this.radix.reduce((a, r) => a * r, 1);
    this.slots = stride <= MAX_COMBINATIONS;
    this.stride = this.slots ? stride : 1;
    this.tallies = plan.items.map(() => new Int32Array(this.slots ? this.stride * 16 : 0));
  }

  /** The combination of groups as one number (see MAX_COMBINATIONS). */
  private combination(groups: readonly number[]): number {
    let at = 0;
    for (let b = groups.length - 1; b >= 0; b--) at = at * this.radix[b]! + groups[b]! + 1;
    return at;
  }

  /** The groups of a combination. */
  private groupsOf(at: number): number[] {
    return this.radix.map((r) => {
      const g = (at % r) - 1;
      at = Math.floor(at / r);
      return g;
    });
  }

  add(answers: readonly Answer[]): void {
    const groups = this.counter.groupsOf(answers);
    const reads = this.reader.reads;
    const combination = this.slots ? this.combination(groups) : 0;
    for (let k = 0; k < answers.length; k++) {
      const a = answers[k]!;
      const read = reads[k];
      if (!this.slots || read === undefined || read.slot < 0 || read.answer !== a) {
        this.counter.addAnswer(k, a, groups);
        continue;
      }
      const at = read.slot * this.stride + combination;
      let tally = this.tallies[k]!;
      if (at >= tally.length) {
        const grown = new Int32Array(Math.max(tally.length * 2, at + this.stride));
        grown.set(tally);
        this.tallies[k] = tally = grown;
      }
      tally[at]!++;
    }
    this.counter.addAcrossItems(answers);
  }

  /** Adds the slots' counts to the Counter. */
  flush(): void {
    this.tallies.forEach((tally, k) => {
      const slots = this.reader.slotsOf(k);
      for (let at = 0; at < tally.length; at++) {
        if (tally[at] === 0) continue;
        const slot = Math.floor(at / this.stride);
        this.counter.addAnswer(k, slots[slot]!, this.groupsOf(at % this.stride), tally[at]!);
      }
      tally.fill(0);
    });
  }
}

/** Feeds the range's bytes to a scanner, up to the end of its last record; returns why it gave up, if it did. */
async function scanRange(spec: FileSpec, task: TaskSpec, memory: ScanMemory | undefined, onRecord: (r: CsvRecord) => boolean | void): Promise<string | undefined> {
  const scanner = new CsvScanner(spec.scanner, task.start, memory);
  const handle = await open(spec.file.path, "r");
  const buf = spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
  try {
    let position = task.start;
    const utf8 = spec.checkUtf8 ? new Utf8Stream() : undefined;
    for (;;) {
      // Into the scanner's WebAssembly memory when it has one: no copy of every byte there.
      const into = scanner.target(CHUNK) ?? buf;
      const { bytesRead } = await handle.read(into, 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const chunk = into.subarray(0, bytesRead);
      if (utf8 && !utf8.push(chunk)) return "encoding";
      if (!scanner.push(chunk, onRecord)) return scanner.bailed;
    }
    if (utf8 && !utf8.end()) return "encoding";
    if (!scanner.end(onRecord)) return scanner.bailed ?? "scan";
    return undefined;
  } finally {
    spare.push(buf);
    await handle.close();
  }
}

/**
 * Read buffers, reused from range to range (see CsvScanner's join); more than one only when a thread
 * reads two ranges at once (the main thread, reading one for a worker that failed).
 */
const spare: Buffer[] = [];
