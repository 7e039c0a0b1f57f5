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
import { ANSWER_INDENT } from "../../tally/format/json.js";
import { AnswerSpool } from "../spool.js";
import type { IdSetPart } from "../../answers/id-set.js";
import type { FileSpec, GroupPart, TaskResult, TaskRunner, TaskSpec } from "./task.js";
import type { PackedTexts } from "./texts.js";

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
 * is the duplicate, as in one reading. A grouped run (`--each`) adds each group's parts up apart, as
 * if its rows alone had been read.
 */
export class RangeMerger {
  /** By group: one, key 0, for a run that is not grouped. */
  private readonly groups = new Map<number, MergedGroup>();
  private ungrouped = 0;
  private readonly waiting = new Map<number, TaskResult>();
  /**
   * Texts kept once each however many ranges give them (a range sends its own copies, each distinct text
   * of the range once), up to INTERN_LIMIT of them: the answers that repeat across ranges (无, 停车难) come
   * early, and a pool of every distinct answer would cost more than the copies it saves when most answers
   * are distinct (measured on the real-shaped bench file: half of 1.6M answers distinct).
   */
  private readonly texts = new Map<string, string>();
  /** The next range to add, the file it is in (-1: none begun), rows before it in that file. */
  private next = 0;
  private file = -1;
  private rowsBefore = 0;
  private readonly chain: RangeChain;
  private failed = false;
  private error: unknown;
  private adding: Promise<void> = Promise.resolve();

  /**
   * `grouped` (`--each`): each group's median duration, and each file's header problems, which a group is
   * told when it first has rows in the file (as `scanGroups`); `headerDiagnostics` are then not told.
   */
  constructor(
    private readonly survey: Survey,
    private readonly plan: Plan,
    private readonly files: InputFile[],
    private readonly specs: FileSpec[],
    private readonly tasks: Omit<TaskSpec, "mode">[],
    private readonly headerDiagnostics: Diagnostic[][],
    private readonly median: number | undefined,
    private readonly main: TaskRunner,
    private readonly grouped?: { medians: Map<number, number | undefined>; headerProblems: Diagnostic[][] },
  ) {
    if (!grouped) this.groups.set(0, new MergedGroup(survey, plan, files, median));
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
    return (await this.finishGroups())?.groups.get(0);
  }

  /**
   * Every group's tally and summary (one, key 0, when not grouped) and the rows in no group, once every
   * range has been offered; undefined when a range did not chain on.
   */
  async finishGroups(): Promise<{ groups: Map<number, { state: TallyState; summary: ScanSummary }>; ungrouped: number } | undefined> {
    await this.adding;
    if (this.error !== undefined) throw this.error;
    if (this.failed || this.next < this.tasks.length) return undefined;
    this.beginFile(this.specs.length);
    const groups = new Map<number, { state: TallyState; summary: ScanSummary }>();
    for (const [key, g] of this.groups) {
      g.screener.finish();
      g.summary.medianDuration = g.screener.medianDuration;
      for (const [i, spool] of g.spools) Object.assign(g.state.items[i]!, { texts: undefined, spooled: spool });
      groups.set(key, { state: g.state, summary: g.summary });
    }
    return { groups, ungrouped: this.ungrouped };
  }

  /** Files before `f` are done (their header problems come first, even with no rows); `f` begins. */
  private beginFile(f: number): void {
    while (this.file < f) {
      this.file++;
      if (this.file >= this.specs.length) break;
      if (!this.grouped) this.headerDiagnostics[this.file]!.forEach(this.groups.get(0)!.sink.add);
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

  /** The range's parts: its groups', or the one of a run that is not grouped. */
  private partsOf(r: TaskResult): GroupPart[] | undefined {
    if (this.grouped) return r.groups;
    return r.counts && r.sink && r.screener ? [{ key: 0, counts: r.counts, sink: r.sink, screener: r.screener }] : undefined;
  }

  private async add(t: number, result: TaskResult): Promise<void> {
    const task = this.tasks[t]!;
    this.beginFile(task.fileIndex);
    let r = result;
    // A part that repeats an id its group saw in an earlier range is read again, knowing them all.
    if (this.partsOf(r)?.some((p) => this.groups.get(p.key)?.screener.sharesIds(p.screener))) {
      const seen = [...this.groups].map(([key, g]): [number, [string, IdSetPart][]] => [key, g.screener.idsPart()]);
      r = await this.main.run(
        this.grouped
          ? { ...task, mode: "tally", groupMedians: [...this.grouped.medians], groupSeenIds: seen }
          : { ...task, mode: "tally", median: this.median, seenIds: seen[0]![1] },
      );
    }
    const parts = this.partsOf(r);
    if (r.bailed || !this.chain.follows(task, r) || !parts) {
      this.failed = true;
      return;
    }
    for (const p of parts) this.addPart(task.fileIndex, p);
    this.ungrouped += r.ungrouped ?? 0;
    this.rowsBefore += r.records;
  }

  private addPart(fileIndex: number, p: GroupPart): void {
    let group = this.groups.get(p.key);
    if (!group) this.groups.set(p.key, (group = new MergedGroup(this.survey, this.plan, [], this.grouped!.medians.get(p.key))));
    const { sink, screener, summary } = group;
    const name = this.files[fileIndex]!.name;
    if (this.grouped && group.file !== fileIndex) {
      group.file = fileIndex;
      this.grouped.headerProblems[fileIndex]!.forEach(sink.add);
      summary.files.push(this.files[fileIndex]!);
      summary.bySource[name] = { returned: 0, valid: 0 };
    }
    sink.absorb(p.sink, this.rowsBefore);
    screener.absorb(p.screener, this.rowsBefore);
    const counts = p.counts;
    // The result was cloned on its way here (or made for this merge alone): it is taken over, not copied.
    const part = stateFromJson(counts.state, { adopt: true });
    counts.texts.forEach((packed, i) => {
      if (!packed) return;
      part.items[i]!.texts = this.listed(group, i, packed);
      const words = (part.items[i]!.words = new Map(packed.words));
      // a range's few distinct answers, segmented here (the main thread) once for every range
      if (packed.unsegmented) countDistinct(packed.unsegmented, answerWords, words);
    });
    mergeInto(group.state, part);
    summary.returned += counts.returned;
    summary.valid += counts.valid;
    summary.invalid += counts.invalid;
    for (const [reason, n] of Object.entries(counts.invalidReasons)) {
      const key = reason as keyof ScanSummary["invalidReasons"];
      summary.invalidReasons[key] = (summary.invalidReasons[key] ?? 0) + n;
    }
    const source = summary.bySource[name]!;
    source.returned += counts.returned;
    source.valid += counts.valid;
  }

  /**
   * A range's answers to item i, for its part's state: in memory, or none when the group's answers to it
   * are spooled (the range's file, or its few kept answers, join the spool in their place).
   */
  private listed(group: MergedGroup, i: number, packed: PackedTexts): string[] {
    let spool = group.spools.get(i);
    if (packed.spooled && !spool) {
      // The first range that spooled: the answers kept from the ranges before it go first.
      group.spools.set(i, (spool = new AnswerSpool(ANSWER_INDENT)));
      const before = group.state.items[i]!;
      if (before.texts?.length) spool.addTexts(before.texts);
      before.texts = [];
    }
    const texts = packed.dictionary.map((t) => this.intern(t));
    const listed = Array.from(packed.order, (k) => texts[k]!);
    if (!spool) return listed;
    // A range of few distinct answers (see SPOOL_FROM) among ranges that spooled: kept, in its place.
    if (packed.spooled) spool.add(packed.spooled);
    else spool.addTexts(listed);
    return [];
  }

  private intern(text: string): string {
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size < INTERN_LIMIT) this.texts.set(text, text);
    return text;
  }
}

/** The run's counts, problems and screening so far: of all its rows, or of one group's. */
class MergedGroup {
  readonly sink = new DiagnosticSink();
  readonly screener: Screener;
  readonly state: TallyState;
  readonly summary: ScanSummary;
  /** The file of the group's last rows (grouped runs). */
  file = -1;
  /** Per plan item whose answers the ranges spooled: their files, in reading order. */
  readonly spools = new Map<number, AnswerSpool>();

  constructor(survey: Survey, plan: Plan, files: InputFile[], median: number | undefined) {
    this.screener = new Screener(survey, median, this.sink.add);
    this.state = emptyState(plan);
    this.summary = emptySummary(files, this.screener, this.sink, median);
  }
}

/** Distinct texts pooled across ranges at most (as the Counter pools a range's own). */
const INTERN_LIMIT = 100_000;
