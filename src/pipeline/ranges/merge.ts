import type { Survey } from "../../definition/model.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { DiagnosticSink } from "../../diagnostics/sink.js";
import type { InputFile } from "../../io/table.js";
import { emptySummary, type ScanSummary } from "../../validate/scan.js";
import { Screener } from "../../validate/screen.js";
import type { Plan } from "../../tally/plan.js";
import { emptyState, mergeInto, stateFromJson, type TallyState } from "../../tally/state.js";
import { answerWords } from "../segmenter.js";
import { countDistinct } from "../../tally/keywords.js";
import { AnswerSpool } from "../spool.js";
import type { FileSpec, TaskResult, TaskRunner, TaskSpec } from "./task.js";

/**
 * Whether ranges, taken in reading order, each start where the one before ended (a file's first where its
 * data starts): the cuts were at record starts, as the ranges' readers found them.
 */
export class RangeChain {
  private file = -1;
  private expected = 0;

  constructor(private readonly specs: FileSpec[]) {}

  /** Whether this range's result follows on from the one before it. */
  follows(range: { fileIndex: number }, result: { start: number; nextStart: number }): boolean {
    if (range.fileIndex !== this.file) {
      this.file = range.fileIndex;
      this.expected = this.specs[this.file]!.dataStart;
    }
    if (result.start !== this.expected) return false;
    this.expected = result.nextStart;
    return true;
  }
}

/**
 * Adds the ranges up in reading order, as one reader would have: each file's header problems, then its
 * ranges (rows renumbered), then the speeders found over all durations. Ranges are taken as they come
 * and added as soon as every range before them is in, so that the adding is done while threads still
 * read, and a range's counts are let go once added. A range that repeats an id of an earlier one (a
 * questionnaire submitted twice) is read again here, knowing the ids before it, so that the later copy
 * is the duplicate, as in one reading.
 */
export class RangeMerger {
  private readonly sink = new DiagnosticSink();
  private readonly screener: Screener;
  private readonly state: TallyState;
  private readonly summary: ScanSummary;
  private readonly waiting = new Map<number, TaskResult>();
  /**
   * Texts kept once each however many ranges give them (a range sends its own copies, each distinct text
   * of the range once), up to INTERN_LIMIT of them: the answers that repeat across ranges (无, 停车难) come
   * early, and a pool of every distinct answer would cost more than the copies it saves when most answers
   * are distinct (measured on the real-shaped bench file: half of 1.6M answers distinct).
   */
  private readonly texts = new Map<string, string>();
  /** Per plan item whose answers the ranges spooled: their files, in reading order. */
  private readonly spools = new Map<number, AnswerSpool>();
  /** The next range to add, the file it is in (-1: none begun), rows before it in that file. */
  private next = 0;
  private file = -1;
  private rowsBefore = 0;
  private readonly chain: RangeChain;
  private failed = false;
  private error: unknown;
  private adding: Promise<void> = Promise.resolve();

  constructor(
    survey: Survey,
    plan: Plan,
    private readonly files: InputFile[],
    private readonly specs: FileSpec[],
    private readonly tasks: Omit<TaskSpec, "mode">[],
    private readonly headerDiagnostics: Diagnostic[][],
    private readonly median: number | undefined,
    private readonly main: TaskRunner,
  ) {
    this.screener = new Screener(survey, median, this.sink.add);
    this.state = emptyState(plan);
    this.summary = emptySummary(files, this.screener, this.sink, median);
    this.chain = new RangeChain(specs);
  }

  /** A range's result, in any order. */
  offer(result: TaskResult): void {
    this.waiting.set(result.index, result);
    // Caught here: a rejection left waiting for finish() would end the process as unhandled.
    this.adding = this.adding
      .then(() => this.addReady())
      .catch((e: unknown) => {
        this.failed = true;
        this.error ??= e;
      });
  }

  /** The whole run, once every range has been offered; undefined when a range did not chain on. */
  async finish(): Promise<{ state: TallyState; summary: ScanSummary } | undefined> {
    await this.adding;
    if (this.error !== undefined) throw this.error;
    if (this.failed || this.next < this.tasks.length) return undefined;
    this.beginFile(this.specs.length);
    this.screener.finish();
    this.summary.medianDuration = this.screener.medianDuration;
    for (const [i, spool] of this.spools) Object.assign(this.state.items[i]!, { texts: undefined, spooled: spool });
    return { state: this.state, summary: this.summary };
  }

  /** Files before `f` are done (their header problems come first, even with no rows); `f` begins. */
  private beginFile(f: number): void {
    while (this.file < f) {
      this.file++;
      if (this.file >= this.specs.length) break;
      this.headerDiagnostics[this.file]!.forEach(this.sink.add);
      this.rowsBefore = 0;
    }
  }

  private async addReady(): Promise<void> {
    for (let r = this.waiting.get(this.next); r && !this.failed; r = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      await this.add(this.next, r);
      this.next++;
    }
  }

  private async add(t: number, result: TaskResult): Promise<void> {
    const task = this.tasks[t]!;
    const { screener, sink, summary } = this;
    this.beginFile(task.fileIndex);
    let r = result;
    if (r.screener && screener.sharesIds(r.screener)) {
      r = await this.main.run({ ...task, mode: "tally", median: this.median, seenIds: screener.idsPart() });
    }
    if (r.bailed || !this.chain.follows(task, r) || !r.counts || !r.sink || !r.screener) {
      this.failed = true;
      return;
    }
    sink.absorb(r.sink, this.rowsBefore);
    screener.absorb(r.screener, this.rowsBefore);
    // The result was cloned on its way here (or made for this merge alone): it is taken over, not copied.
    const part = stateFromJson(r.counts.state, { adopt: true });
    r.counts.texts.forEach((packed, i) => {
      if (!packed) return;
      if (packed.spooled) {
        let spool = this.spools.get(i);
        if (!spool) this.spools.set(i, (spool = new AnswerSpool()));
        spool.add(packed.spooled);
      }
      const texts = packed.dictionary.map((t) => this.intern(t));
      part.items[i]!.texts = Array.from(packed.order, (k) => texts[k]!);
      const words = (part.items[i]!.words = new Map(packed.words));
      // a range's few distinct answers, segmented here (the main thread) once for every range
      if (packed.unsegmented) countDistinct(packed.unsegmented, answerWords, words);
    });
    mergeInto(this.state, part);
    summary.returned += r.counts.returned;
    summary.valid += r.counts.valid;
    summary.invalid += r.counts.invalid;
    for (const [reason, n] of Object.entries(r.counts.invalidReasons)) {
      const key = reason as keyof ScanSummary["invalidReasons"];
      summary.invalidReasons[key] = (summary.invalidReasons[key] ?? 0) + n;
    }
    const source = summary.bySource[this.files[task.fileIndex]!.name]!;
    source.returned += r.counts.returned;
    source.valid += r.counts.valid;
    this.rowsBefore += r.records;
  }

  private intern(text: string): string {
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size < INTERN_LIMIT) this.texts.set(text, text);
    return text;
  }
}

/** Distinct texts pooled across ranges at most (as the Counter pools a range's own). */
const INTERN_LIMIT = 100_000;
