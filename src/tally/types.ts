/**
 * The result of a tally: the JSON contract of PRODUCT §6 (`survey tally --format json`), which the
 * report, the terminal tables, CSV/Markdown output and `survey merge` all read. Fractions are numbers from
 * 0 to 1, unrounded; a rate with no base is `null`. Per-type fields appear only for that type.
 *
 * Every percentage names its base in its JSDoc. `base` = answered minus answers in the scale's `na` codes.
 *
 * A pure leaf: this file imports nothing, so every module of tally/ can name these types. The raw counts
 * that `survey tally --format json` adds beside them (`_state`) are the state's, typed where the state is:
 * `StatefulTally` in state.ts.
 */

export interface TallyResult {
  schemaVersion: 1;
  /** `period` is the definition's (2025年), when it has one: what a later round's report calls this one. */
  survey: { title: string; issued: number | null; period?: string };
  responses: Responses;
  roles: Roles | null;
  questions: Record<string, QuestionTally>;
  groups: Record<string, GroupTally>;
  screening: { speeders: RowRef[]; straightliners: RowRef[] };
  /** Examples of the problems found while reading (errors first; the first 20 of each code), for context. `survey validate` lists and counts them all. */
  problems: Problem[];
  /** With weights (`data.weight_column`, `weights.rake`): how the answers were weighted. Absent without. */
  weighting?: WeightingSummary;
  /** With `--previous`: the earlier round compared with, and what could not be matched (see compare.ts). */
  comparison?: Comparison;
}

/** `comparison` of a tally compared with an earlier round (`compareTallies` in compare.ts). */
export interface Comparison {
  /** The earlier round: its title, `period` (null when its definition had none) and valid questionnaires. */
  previous: { title: string; period: string | null; valid: number };
  unmatched: Unmatched[];
}

/**
 * Something one round has and the other has not. `question` is this round's id, `previous` the earlier
 * round's; a matrix row or an option is named by its label.
 */
export type Unmatched =
  | { kind: "question-added"; question: string; text: string; previous?: string }
  | { kind: "question-dropped"; previous: string; text: string }
  | { kind: "type-changed"; question: string; previous: string; type: string; previousType: string }
  | { kind: "row-added" | "row-removed"; question: string; previous: string; row: string }
  | { kind: "option-added" | "option-removed"; question: string; previous: string; row?: string; option: string };

/**
 * How a weighted tally was weighted. With weights, every `count` and `base` is a sum of weights, with the
 * number of questionnaires beside it (`unweightedCount`, `unweightedBase`) and Kish's effective sample
 * size (`effectiveBase`, what intervals and tests are computed on); `answered`, `skipped`, `missing` and
 * the response counts stay numbers of questionnaires.
 */
export interface WeightingSummary {
  /** The weight column, or null. */
  column: string | null;
  /** The raking questions with their target shares by option label; empty without raking. */
  rake: { question: string; targets: Record<string, number> }[];
  /** Rounds of raking (0 without). */
  iterations: number;
  /** The largest gap left between a raking question's weighted share and its target. */
  maxGap: number;
  /** Valid questionnaires weighted, and the sum of their weights (raking keeps the column's sum). */
  n: number;
  sum: number;
  /** Kish's effective sample size of the whole sample, (Σw)² / Σw², and the design effect n / that. */
  effectiveN: number;
  designEffect: number;
  /** The smallest and largest weight of a questionnaire. */
  min: number;
  max: number;
}

export interface Responses {
  issued: number | null;
  /** Data rows read, empty rows not counted (收回). */
  returned: number;
  /** Valid questionnaires (有效问卷). */
  valid: number;
  invalid: number;
  /** 回收率 = returned / issued (formulas of every statistic: stats.ts). */
  responseRate: number | null;
  /** 有效率 = valid / returned. */
  validRate: number | null;
  /** 有效回收率 = valid / issued. */
  effectiveRate: number | null;
  invalidReasons: Record<string, number>;
  bySource: Record<string, { returned: number; valid: number }>;
}

export interface Roles {
  question: string;
  /** pct: count / valid questionnaires that answered the role question. */
  counts: { code: number; label: string; count: number; pct: number | null; ci95: Interval | null; unweightedCount?: number }[];
}

/**
 * A 95% Wilson score interval `[low, high]` of a share, as fractions (see `wilsonInterval` in stats.ts):
 * on the share's unweighted base, or with weights on Kish's effective sample size. Null when the share is.
 */
export type Interval = [low: number, high: number];

export interface OptionTally {
  code: number;
  label: string;
  count: number;
  /** With weights: the questionnaires that chose the option (`count` is then the sum of their weights). */
  unweightedCount?: number;
  /** single/scale/matrix row: 比例 = count / base. */
  pct?: number | null;
  /** multi: 普及率 = count / respondents who answered; shares add up to more than 100%. */
  pctOfRespondents?: number | null;
  /** The 95% interval of `pct` (single/scale) or of `pctOfRespondents` (multi); null where that share is. */
  ci95?: Interval | null;
  /** multi: 响应率 = count / all selections. */
  pctOfSelections?: number | null;
  /** Added beyond §6: fill-in texts of an `other` option (问卷星 `其他〖……〗`), in reading order, for the appendix. */
  others?: string[];
  /** Added beyond §6, with `other_codes:`: answers recoded into this option that added to its `count`. */
  recoded?: number;
  /** Added beyond §6, with `other_codes:`: fill-ins of this `other` option recoded to another option (its `count` is without them). */
  recodedAway?: number;
  /**
   * With `--previous`, on an option matched by label: its share in the earlier round (`pct`, or
   * `pctOfRespondents` for multi-select) and this round's minus it, in fractions (0.052 = 5.2 points).
   */
  previous?: OptionShares;
  change?: OptionShares;
}

/** The share field(s) of an option that a comparison gives: the same name as the option's own share. */
export interface OptionShares {
  pct?: number | null;
  pctOfRespondents?: number | null;
}

/**
 * With `--previous`, on a matched question or matrix row: the earlier round's id and base and, for an
 * evaluation, its positive rate and mean score (`meanScore` there). `change` is this round's minus it.
 */
export interface PreviousFigures {
  id: string;
  base: number;
  /** When the earlier round was weighted: its questionnaires in the base, and Kish's effective size of it. */
  unweightedBase?: number;
  effectiveBase?: number;
  positiveRate?: number | null;
  mean?: number | null;
}

export interface ChangeFigures {
  positiveRate: number | null;
  mean: number | null;
}

export interface ScaleFields {
  /** 满意率, 认同率 … (named by the scale: `rateName` in report/evidence.ts) = answers in the positive codes / base (`positiveRate` in stats.ts). */
  positiveRate?: number | null;
  /** The 95% interval of `positiveRate`. */
  positiveRateCi95?: Interval | null;
  /** 负向率 = answers in the negative codes / base. */
  negativeRate?: number | null;
  /** The 95% interval of `negativeRate`. */
  negativeRateCi95?: Interval | null;
  /** 平均分: the mean of the options' scores (`scoreSummary` in stats.ts). */
  meanScore?: number | null;
  /** 标准差: their sample standard deviation (n − 1). */
  sdScore?: number | null;
  /** With `--previous`: the matched question or row of the earlier round (see `PreviousFigures`). */
  previous?: PreviousFigures;
  /** With `--previous`, evaluations only: the change of `positiveRate` and `mean`, in fractions and score points. */
  change?: ChangeFigures;
}

/** Who answered a question or matrix row, and its base (基数): what every share of it is of. */
export interface BaseFields {
  /** Valid questionnaires with an answer. */
  answered: number;
  /** Not asked: `when` false or a skip marker. */
  skipped: number;
  /** Asked but blank. */
  missing: number;
  /** answered − answers in `na` codes: the base of every percentage of this question. */
  base: number;
  /** With weights: the questionnaires in the base (`base` is then the sum of their weights)… */
  unweightedBase?: number;
  /** …and Kish's effective sample size of the base (有效样本量, `kishEffectiveN`), on which its intervals are computed. */
  effectiveBase?: number;
}

/** A question's or matrix row's breakdowns (交叉分析) and their tests. */
export interface BreakdownFields {
  /** The breakdown by the role (or the first --by): the first entry of `breakdowns`. */
  byRole?: BreakdownGroup[];
  chiSquare?: ChiSquare | null;
  /**
   * Breakdown by each breakdown question (the role and `crosstabs:`, or every --by), keyed by its id:
   * entries shaped like `byRole` (which is the first of them), over each group's own base.
   */
  breakdowns?: Record<string, BreakdownGroup[]>;
  /** The test of independence of each breakdown (null for multi-select and rank questions). */
  breakdownTests?: Record<string, ChiSquare | null>;
}

export interface QuestionTally extends ScaleFields, BaseFields, BreakdownFields {
  type: "single" | "multi" | "scale" | "matrix" | "rank" | "number" | "text";
  text: string;
  options?: OptionTally[];
  // number
  n?: number;
  mean?: number | null;
  sd?: number | null;
  median?: number | null;
  min?: number | null;
  max?: number | null;
  /** pct: count / n (the answers); ci95 its 95% interval. */
  bins?: { label: string; count: number; pct: number | null; ci95: Interval | null; unweightedCount?: number }[];
  // text
  /** Every answer, in reading order: in memory, or spooled to disk by the pipeline when only the JSON lists them. */
  answers?: string[] | SpooledAnswers;
  keywords?: { word: string; count: number }[];
  /** text with `themes:`: per theme of the codebook, in its order (see themes.ts). */
  themes?: ThemeTally[];
  /** text with `themes:`: the answers that mention no theme; pct of the answers, `answers` in reading order. */
  unmatched?: { count: number; pct: number | null; ci95: Interval | null; answers: string[] };
  /** single/multi with `other_codes:`: every fill-in recoded to an option, in reading order (see other-codes.ts). */
  recoded?: RecodedAnswer[];
  // matrix
  rows?: Record<string, RowTally>;
  // rank
  ranks?: RankTally[];
}

/**
 * One theme of a text question's codebook. count: answers that mention it (an answer may mention several
 * themes); pct: count / the question's answers (its base); ci95: the 95% interval of pct; examples: up to
 * three representative answers, the most typical first (see `typicalAnswers` in themes.ts).
 */
export interface ThemeTally {
  theme: string;
  count: number;
  pct: number | null;
  ci95: Interval | null;
  examples: string[];
}

/**
 * A 其他 fill-in counted as an option (`other_codes:`): its text, the `other` option it was written in and
 * the option it now counts as (labels); added: whether that option's count gained it (false when the
 * respondent of a multi-select question had chosen the option as well).
 */
export interface RecodedAnswer {
  text: string;
  from: string;
  to: string;
  added: boolean;
}

export interface RowTally extends ScaleFields, BaseFields, BreakdownFields {
  label: string;
  options: OptionTally[];
}

/**
 * One group of a breakdown — an option of the breakdown question: a role (身份) of the role question, or
 * an option of a `crosstabs:`/`--by` question — with the question's statistics over the group's own
 * base: an entry of `byRole` and of `breakdowns[id]`.
 */
export interface BreakdownGroup {
  code: number;
  label: string;
  base: number;
  /** With weights: the group's questionnaires in the base, and Kish's effective size of it. */
  unweightedBase?: number;
  effectiveBase?: number;
  options: OptionTally[];
  positiveRate?: number | null;
  /** The 95% interval of `positiveRate`, on this group's base. */
  positiveRateCi95?: Interval | null;
  meanScore?: number | null;
  /** Added beyond §6: rank questions, the rank statistics within this group (score over the group's respondents). */
  ranks?: RankTally[];
}

/**
 * Which test gave `p`: Pearson's chi-square ("chi-square"); Fisher's exact test ("fisher", by
 * enumeration), or its seeded Monte-Carlo estimate ("fisher-monte-carlo") when the table is too large to
 * enumerate — both used when more than 20% of the expected counts are below 5.
 */
export type TestMethod = "chi-square" | "fisher" | "fisher-monte-carlo" | "rao-scott-kish";

export interface ChiSquare {
  /** The test that gave `p`. */
  method: TestMethod;
  /** Pearson's χ² of the table, whatever the method. */
  statistic: number;
  df: number;
  p: number;
  cramersV: number;
  /** More than 20% of expected counts are below 5: Pearson's p would be unreliable, so Fisher's test gives `p`. */
  lowExpected: boolean;
  /** fisher-monte-carlo: the tables drawn, and the seed of the generator (the same table gives the same p). */
  replicates?: number;
  seed?: number;
}

export interface RankTally {
  code: number;
  label: string;
  /** How often the option was put at position 1, 2, … */
  positions: number[];
  /** 平均排位 (`rankStatistics` in stats.ts). */
  meanPosition: number | null;
  /** 问卷星's 综合得分: Σ count at p × (n − p + 1) / respondents (`rankStatistics` in stats.ts). */
  score: number | null;
}

export interface GroupTally {
  label: string;
  /** Cronbach's alpha over complete cases; null with fewer than 2 complete cases or zero total variance. */
  alpha: number | null;
  /** Complete cases. */
  n: number;
  items: string[];
  alphaIfDeleted: Record<string, number | null>;
}

export interface RowRef {
  file: string;
  row: number;
}

export interface Problem {
  severity: "error" | "warning";
  code: string;
  file?: string;
  row?: number;
  column?: string;
  message: string;
}

/**
 * Open answers kept out of memory: the pipeline spools a million of them to disk, in reading order, when
 * only the JSON lists them (src/pipeline/spool.ts). The JSON writes them a slice at a time.
 */
export interface SpooledAnswers {
  readonly spooled: true;
  readonly length: number;
  /** What follows a line break between two answers in the chunks: the indent of the JSON they were made for. */
  readonly indent: string;
  /**
   * The answers as JSON string literals (`JSON.stringify(text)`, which never holds a line break) in UTF-8,
   * in reading order, joined by `,`, a line break and `indent`: as a tally's JSON lists them, ready to copy.
   * A chunk at a time, with nothing before the first answer or after the last.
   */
  jsonChunks(): Iterable<Uint8Array>;
  /** Every answer, read back into memory. */
  texts(): string[];
}
