import type { ReportRulesDoc, Section, SurveyDoc } from "./schema.js";
import type { WhenExpr } from "./when.js";

/**
 * The normalised definition every other module works from: codes resolved, scales attached, defaults
 * filled in, matrix rows expanded into items. Built from a validated survey.yaml by `build.ts`.
 */

export interface Option {
  code: number;
  label: string;
  /** Accepts fill-in text: 问卷星 writes `其他〖……〗`. */
  other: boolean;
}

export interface Scale {
  name: string;
  options: Option[];
  positive: number[];
  negative: number[];
  /** Codes left out of every base (不了解, 不适用). */
  na: number[];
  /** Score of each code; default n..1 so the first (most positive) option scores highest. */
  scores: Map<number, number>;
  /** `codes: guessed`: the codes were inferred from labels, so a cell holding a code cannot be read. */
  codesGuessed?: boolean;
}

interface QuestionCommon {
  id: string;
  text: string;
  section?: Section;
  subject?: string;
  required: boolean;
  when?: WhenExpr;
  /** The number 问卷星 gives the question (`6、…`, `第6题(…)`). */
  number: number;
  /** An explicit header for the question's column. */
  column?: string;
}

/**
 * `other_codes:`: fill-ins of the question's `other` options that mean an existing option, moved to it when
 * counted. Each rule's patterns are as written (see patterns.ts); the first rule that matches wins.
 */
export interface OtherCode {
  to: number;
  patterns: string[];
}

/** One theme of a text question's codebook (`themes:`): its name and the patterns of its answers. */
export interface Theme {
  theme: string;
  patterns: string[];
}

export interface SingleQuestion extends QuestionCommon {
  type: "single";
  options: Option[];
  otherCodes?: OtherCode[];
  /** `codes: guessed` (see Scale.codesGuessed). */
  codesGuessed?: boolean;
}
export interface MultiQuestion extends QuestionCommon {
  type: "multi";
  options: Option[];
  otherCodes?: OtherCode[];
  codesGuessed?: boolean;
  maxChoices?: number;
  minChoices?: number;
}
export interface ScaleQuestion extends QuestionCommon {
  type: "scale";
  scale: Scale;
  options: Option[];
}
export interface MatrixRow {
  /** The item id of the row: `q9.1`, or `q9.<id>` when the row has its own id. */
  id: string;
  label: string;
}
export interface MatrixQuestion extends QuestionCommon {
  type: "matrix";
  scale: Scale;
  options: Option[];
  rows: MatrixRow[];
}
export interface RankQuestion extends QuestionCommon {
  type: "rank";
  options: Option[];
  codesGuessed?: boolean;
}
export interface NumberQuestion extends QuestionCommon {
  type: "number";
  min?: number;
  max?: number;
  integer: boolean;
  bins: number[];
  unit: string;
}
export interface TextQuestion extends QuestionCommon {
  type: "text";
  /** The codebook, in the order written. */
  themes?: Theme[];
}

export type Question =
  | SingleQuestion
  | MultiQuestion
  | ScaleQuestion
  | MatrixQuestion
  | RankQuestion
  | NumberQuestion
  | TextQuestion;

export type QuestionType = Question["type"];

/**
 * One answerable unit: a question, or one row of a matrix (which is answered and counted like a scale
 * question of its own). Answers are keyed by item id.
 */
export type Item =
  | Exclude<Question, MatrixQuestion>
  | (Omit<ScaleQuestion, "id" | "text"> & { id: string; text: string; parent: MatrixQuestion; rowLabel: string });

export interface DataOptions {
  files: string[];
  encoding: "auto" | "utf-8" | "gb18030";
  header: "auto" | "id" | "text";
  idColumn?: string;
  sourceColumn?: string;
  multiSeparator: string;
  rankSeparator: string;
  skipMarkers: string[];
  blankMarkers: string[];
  durationColumn?: string;
  /** A column of weights, one per questionnaire (`data.weight_column`). */
  weightColumn?: string;
  minAnswered: number;
  invalidIf: { speeder?: number; straightline: boolean };
}

/**
 * Raking targets (`weights.rake`): for each question, the population's share of each option, by
 * position in the question's options (null for an `na` option, which raking leaves out). Shares add to 1.
 */
export interface Weights {
  rake: { id: string; targets: (number | null)[] }[];
  tolerance: number;
  maxIterations: number;
}

export interface Group {
  id: string;
  label: string;
  items: string[];
}

export interface Survey {
  title: string;
  organization?: string;
  period?: string;
  purpose?: string;
  /** The report's date as written at its end (成文日期), when the definition gives one. */
  date?: string;
  /** Overrides of the report template's rules for generated sentences (snake_case keys as in survey.yaml). */
  rules?: ReportRulesDoc;
  issued?: number;
  methods: string[];
  lang: "zh-CN" | "en";
  /** Id of the role question (身份), if any. */
  role?: string;
  /** Ids of further breakdown questions (`crosstabs:`), after the role: single or scale items. */
  crosstabs: string[];
  /** `previous.map`: this round's question id → the earlier round's, for comparing with a saved tally (--previous). */
  previousMap: Record<string, string>;
  data: DataOptions;
  weights?: Weights;
  scales: Map<string, Scale>;
  questions: Question[];
  items: Item[];
  itemById: Map<string, Item>;
  questionById: Map<string, Question>;
  groups: Group[];
  /** Where survey.yaml is, to resolve `data.files`. */
  file?: string;
  /**
   * The checked document it was built from (plain data): worker threads build the same survey from it
   * (functions such as compiled `when` conditions cannot be sent), without loading the YAML parser and
   * the schema again.
   */
  definition?: { doc: SurveyDoc; file: string };
}

export const DEFAULT_SKIP_MARKERS = ["(跳过)", "-3"];
export const DEFAULT_BLANK_MARKERS = ["(空)", "-2"];

/** Options of a choice item (single, multi, scale, matrix row, rank); empty for number and text. */
export function optionsOf(item: Item | Question): Option[] {
  return "options" in item ? item.options : [];
}

/** Whether an item's option codes were guessed (`codes: guessed` on the question or on its scale). */
export function codesGuessed(item: Item | Question): boolean {
  if (item.type === "scale" || item.type === "matrix") return item.scale.codesGuessed === true;
  return "codesGuessed" in item && item.codesGuessed === true;
}

export function isChoice(item: Item | Question): boolean {
  return item.type === "single" || item.type === "multi" || item.type === "scale" || item.type === "rank" || item.type === "matrix";
}
