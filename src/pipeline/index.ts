import type { Survey } from "../definition/model.js";
import type { InputFile } from "../io/table.js";
import { addSummary, finalize, mergeTallies as mergeCounted } from "../tally/index.js";
import { countWords } from "../tally/keywords.js";
import { buildPlan, type Plan } from "../tally/plan.js";
import { Counter, emptyState, type StatefulTally, type TallyState } from "../tally/state.js";
import type { TallyResult } from "../tally/types.js";
import { scan, scanGroups, type ScanSummary } from "../validate/scan.js";
import { AnswerGroups } from "./groups.js";
import type { PipelineOptions } from "./options.js";
import { scanFast, tallyFast, tallyFastGroups } from "./ranges/index.js";
import { answerWords } from "./segmenter.js";

export { fromEnvironment, type PipelineOptions } from "./options.js";

/**
 * The one way answers become a tally: read (the fast byte path of big UTF-8 CSV files, in ranges on every
 * core, or the general reader of every file), validate, count (tally/, pure), then the statistics. This
 * module alone chooses the reader, starts threads and segments open answers; the commands and the report
 * come here, never to the readers or the threads.
 *
 * Open answers: each is segmented for its keywords by the thread that read it, as it is read (in ranges:
 * identical answers once per range), and the word counts add up. Their texts are kept only where the
 * output lists them (`answers`).
 */
export async function tallySurvey(survey: Survey, files: InputFile[], opts: PipelineOptions = {}): Promise<StatefulTally> {
  return finalize(await tallyState(survey, files, opts), { wordsOf: answerWords });
}

/** The raw counts of a run, before statistics, keyword counts included: what `survey merge` adds up. */
export async function tallyState(survey: Survey, files: InputFile[], opts: PipelineOptions = {}): Promise<TallyState> {
  const plan = buildPlan(survey, opts);
  const keepTexts = textsKept(plan, opts.answers ?? true);
  if ((opts.reader ?? "auto") === "auto") {
    const spool = opts.spool === undefined ? undefined : { folder: opts.spool, items: spooled(plan, keepTexts) };
    const fast = await tallyFast(survey, files, plan, { by: opts.by, issued: opts.issued, progress: opts.progress, keepTexts, spool, trace: opts.trace, ...opts.fast });
    if (fast) return finished(fast.state, fast.summary, keepTexts);
  } else {
    opts.trace?.("survey: the fast reader stepped aside: SURVEY_READER=general\n");
  }
  const state = emptyState(plan);
  const counter = new Counter(state);
  const words = new GeneralWords(state, keepTexts);
  const summary = await scan(survey, files, {
    progress: opts.progress,
    onResponse: (r, verdict) => {
      if (!verdict.valid) return;
      counter.add(r.answers, r.weight);
      words.counted();
    },
  });
  words.finish();
  return finished(state, summary, keepTexts);
}

/** A run's counts once read: its summary added, and the open answers the output does not list let go. */
function finished(state: TallyState, summary: ScanSummary, keepTexts: readonly boolean[]): TallyState {
  addSummary(state, summary);
  dropTexts(state, keepTexts);
  return state;
}

/** One group of `tallyByAnswer`: the option that names it, and its tally. */
export interface AnswerGroup {
  code: number;
  /** The option's label. */
  value: string;
  /**
   * The group's tally, as a run over its rows alone would give it; throws what that run would throw
   * (cells holding guessed codes of another question, weights that cannot be raked).
   */
  tally(): TallyResult;
}

/**
 * `--each <question>`: one tally per answer to a single-choice or scale question (one per village), the
 * files read once. Each row goes to its group's accumulators — counter, screener, problems — so that each
 * group's tally is the one its rows alone would give, with the original files' names and row numbers (see
 * `scanGroups`). Groups come in the order of the question's options; rows with no answer to it are counted
 * in `ungrouped`. A cell of the question holding a guessed code (CODES_GUESSED) stops the run: its rows
 * could not be told apart. Big CSV files are read by the fast byte path, in ranges on every core, each range
 * keeping a part per group.
 */
export async function tallyByAnswer(survey: Survey, files: InputFile[], questionId: string, opts: PipelineOptions = {}): Promise<{ groups: AnswerGroup[]; ungrouped: number }> {
  const groups = new AnswerGroups(survey, questionId);
  const plan = buildPlan(survey, opts);
  const keepTexts = textsKept(plan, opts.answers ?? true);
  const done = await readGroups(survey, files, plan, groups, keepTexts, opts);
  return {
    ungrouped: done.ungrouped,
    groups: [...done.groups]
      .sort(([a], [b]) => a - b)
      .map(([code, { state, summary, words }]) => {
        // Finished when the job asks for it (one group's statistics at a time), and once.
        let result: TallyResult | undefined;
        const tally = () => {
          if (result) return result;
          words?.finish();
          return (result = finalize(finished(state, summary, keepTexts), { wordsOf: answerWords }));
        };
        return { code, value: groups.label(code), tally };
      }),
  };
}

/** Each group's counts and summary: by the fast path where it reads the files, else by the general reader. */
async function readGroups(
  survey: Survey,
  files: InputFile[],
  plan: Plan,
  groups: AnswerGroups,
  keepTexts: boolean[],
  opts: PipelineOptions,
): Promise<{ groups: Map<number, { state: TallyState; summary: ScanSummary; words?: GeneralWords }>; ungrouped: number }> {
  if ((opts.reader ?? "auto") === "auto") {
    const fast = await tallyFastGroups(survey, files, plan, groups.questionId, { by: opts.by, issued: opts.issued, keepTexts, trace: opts.trace, ...opts.fast });
    if (fast) return fast;
  } else {
    opts.trace?.("survey: the fast reader stepped aside: SURVEY_READER=general\n");
  }
  const counts = new Map<number, { state: TallyState; counter: Counter; words: GeneralWords }>();
  const scanned = await scanGroups(survey, files, groups, {
    onResponse: (key, r, verdict) => {
      if (!verdict.valid) return;
      let group = counts.get(key);
      if (!group) {
        const state = emptyState(plan);
        counts.set(key, (group = { state, counter: new Counter(state), words: new GeneralWords(state, keepTexts) }));
      }
      group.counter.add(r.answers, r.weight);
      group.words.counted();
    },
  });
  const read = new Map<number, { state: TallyState; summary: ScanSummary; words?: GeneralWords }>();
  for (const [key, summary] of scanned.groups) {
    // A group without one valid questionnaire has counted nothing: its state is still empty.
    const group = counts.get(key);
    read.set(key, { state: group?.state ?? emptyState(plan), summary, words: group?.words });
  }
  return { groups: read, ungrouped: scanned.ungrouped };
}

/**
 * What `scan` finds (validity, problems, screening), by the fast path where it can read the files and by
 * the general reader otherwise: `survey validate`.
 */
export async function validateAnswers(survey: Survey, files: InputFile[], opts: Omit<PipelineOptions, "answers" | "by" | "issued"> = {}): Promise<ScanSummary> {
  const fast = (opts.reader ?? "auto") === "auto" ? await scanFast(survey, files, { progress: opts.progress, trace: opts.trace, ...opts.fast }) : undefined;
  return fast ?? (await scan(survey, files, { progress: opts.progress }));
}

/**
 * Merges tallies of disjoint parts of the data (see tally's `mergeTallies`); saved tallies keep no
 * keyword counts, so their open answers are segmented again here.
 */
export function mergeTallies(parts: StatefulTally[], names?: string[], opts: { issued?: number } = {}): StatefulTally {
  return mergeCounted(parts, names, { ...opts, wordsOf: answerWords });
}

/**
 * Per plan item: whether its open answers are kept — listed by the output, or counted by a codebook. A
 * weighted tally keeps them all: its `answered` is weighted, and the readable outputs give the number of
 * answers from the list (weights are read by the general reader, on small files).
 */
function textsKept(plan: Plan, answers: boolean): boolean[] {
  return plan.items.map((item) => item.type === "text" && (answers || plan.weighting !== undefined || (item.themes?.length ?? 0) > 0));
}

/** Per plan item: whether its kept answers may be spooled, not needed in memory (no codebook counts them). */
function spooled(plan: Plan, keepTexts: readonly boolean[]): boolean[] {
  return plan.items.map((item, i) => (keepTexts[i] ?? false) && !(item.themes?.length ?? 0));
}

/** Open answers the output does not list: gone once counted (`answered` and `words` stay). */
function dropTexts(state: TallyState, keepTexts: readonly boolean[]): void {
  state.items.forEach((item, i) => {
    if (item.texts && !keepTexts[i]) item.texts = undefined;
  });
}

/** Answers counted between two segmentings of the general reader's open answers that are not kept. */
const BATCH = 65_536;

/**
 * Keyword counts on the general reader's path, on this thread: the answers of an item whose texts are not
 * kept are segmented every BATCH questionnaires (identical ones once per batch) and let go; kept ones at
 * the end, each distinct text once.
 */
class GeneralWords {
  private since = 0;

  constructor(
    private readonly state: TallyState,
    private readonly keepTexts: readonly boolean[],
  ) {}

  counted(): void {
    if (++this.since < BATCH) return;
    this.since = 0;
    this.state.items.forEach((item, i) => {
      if (!item.texts || this.keepTexts[i]) return;
      countWords(item.texts, answerWords, (item.words ??= new Map()));
      item.texts.length = 0;
    });
  }

  finish(): void {
    for (const item of this.state.items) {
      if (!item.texts) continue;
      countWords(item.texts, answerWords, (item.words ??= new Map()));
    }
  }
}
