import type { Item, Survey } from "../definition/model.js";
import { usageError } from "../diagnostics/errors.js";

/**
 * What a tally needs to know about the survey, as plain JSON. It travels with every partial tally, so
 * that `survey merge` can finish a tally without the definition, and refuses to merge parts that were
 * counted against different definitions.
 */
export interface Plan {
  title: string;
  issued: number | null;
  lang: "zh-CN" | "en";
  /** The first breakdown question (the role, or the first --by), whose groups are `byRole`: `breakdowns[0]`. */
  role: { id: string; item: number } | null;
  /**
   * Every breakdown question, each an index into `items`: the role and then `crosstabs:` of the
   * definition, or the --by questions instead. Each gives every question `breakdowns[id]`.
   */
  breakdowns: { id: string; item: number }[];
  items: PlanItem[];
  questions: PlanQuestion[];
  groups: { id: string; label: string; items: number[] }[];
  /** The definition's `period` (2025年), when it has one: how a later round's report names this round. */
  period?: string;
  /** How answers are weighted; absent when they are not (every questionnaire counts 1). */
  weighting?: Weighting;
  /**
   * The definition's `previous.map` (this round's id → the earlier round's), when it has one, so that
   * `survey merge --previous` matches renamed questions as `survey tally --previous` does.
   */
  previousMap?: Record<string, string>;
}

/**
 * Weights: a column of weights (`data.weight_column`), raking to population shares (`weights.rake`), or
 * both (the column's weights are then the starting weights that raking adjusts).
 */
export interface Weighting {
  column: string | null;
  /** Each raking question as an index into `items`, with the population's share of each of its options (null: `na`). */
  rake: { id: string; item: number; targets: (number | null)[] }[];
  tolerance: number;
  maxIterations: number;
}

export interface PlanOption {
  code: number;
  label: string;
}

export type ItemType = "single" | "multi" | "scale" | "rank" | "number" | "text";

export interface PlanItem {
  id: string;
  type: ItemType;
  text: string;
  options: PlanOption[];
  /** Matrix rows: the row's own label (the text is "question—row"). */
  rowLabel?: string;
  /** Scale items: option codes left out of every base, counted as positive / negative, and each option's score. */
  scale?: { positive: number[]; negative: number[]; na: number[]; scores: (number | null)[] };
  /** Number items: upper bounds of the bins (a value ≤ bins[0] falls in the first), their labels, integer or not. */
  bins?: number[];
  binLabels?: string[];
  /** Text items: the codebook (`themes:`), each theme's patterns as written (see definition/patterns.ts). */
  themes?: { theme: string; patterns: string[] }[];
  /** Single and multi items: `other_codes:`, fill-ins of the `from` options moved to option `to` (see other-codes.ts). */
  otherCodes?: { from: number[]; rules: { to: number; patterns: string[] }[] };
}

export interface PlanQuestion {
  id: string;
  type: Survey["questions"][number]["type"];
  text: string;
  /** Its items: one, or a matrix's rows. */
  items: number[];
}

/** At most this many breakdown questions in one tally (each adds a table per question to every result). */
export const MAX_BREAKDOWNS = 20;

/**
 * Builds the plan of a survey. `by` names the breakdown questions (single or scale questions, or matrix
 * rows) instead of the definition's role and `crosstabs:`; an unknown or unsuitable id is a usage error.
 */
export function buildPlan(survey: Survey, opts: { by?: string | string[]; issued?: number } = {}): Plan {
  const index = new Map(survey.items.map((item, i) => [item.id, i]));
  const given = typeof opts.by === "string" ? [opts.by] : (opts.by ?? []);
  const ids = [...new Set(given.length ? given : [...(survey.role === undefined ? [] : [survey.role]), ...(survey.crosstabs ?? [])])];
  if (ids.length > MAX_BREAKDOWNS) throw usageError(`--by: ${ids.length} breakdowns; at most ${MAX_BREAKDOWNS}`);
  const breakdowns = ids.map((byId) => {
    const at = index.get(byId);
    const item = at === undefined ? undefined : survey.items[at];
    if (at === undefined || !item) throw usageError(`--by ${byId}: no such question`, `questions: ${[...index.keys()].slice(0, 8).join(", ")}`);
    if (item.type !== "single" && item.type !== "scale") throw usageError(`--by ${byId}: a breakdown needs a single-choice or scale question, not ${item.type}`);
    return { id: byId, item: at };
  });
  const role: Plan["role"] = breakdowns[0] ?? null;
  const items = survey.items.map((item) => planItem(item, survey.lang));
  const questions = survey.questions.map((q) => ({
    id: q.id,
    type: q.type,
    text: q.text,
    items: q.type === "matrix" ? q.rows.map((r) => index.get(r.id)!) : [index.get(q.id)!],
  }));
  const groups = survey.groups.map((g) => ({ id: g.id, label: g.label, items: g.items.map((id) => index.get(id)!) }));
  const plan: Plan = { title: survey.title, issued: opts.issued ?? survey.issued ?? null, lang: survey.lang, role, breakdowns, items, questions, groups };
  if (survey.period !== undefined) plan.period = survey.period;
  if (Object.keys(survey.previousMap).length) plan.previousMap = { ...survey.previousMap };
  if (survey.data.weightColumn !== undefined || survey.weights) {
    plan.weighting = {
      column: survey.data.weightColumn ?? null,
      rake: (survey.weights?.rake ?? []).map((r) => ({ id: r.id, item: index.get(r.id)!, targets: [...r.targets] })),
      tolerance: survey.weights?.tolerance ?? 1e-6,
      maxIterations: survey.weights?.maxIterations ?? 100,
    };
  }
  return plan;
}

function planItem(item: Item, lang: "zh-CN" | "en"): PlanItem {
  const options = "options" in item ? item.options.map((o) => ({ code: o.code, label: o.label })) : [];
  const base: PlanItem = { id: item.id, type: item.type, text: item.text, options };
  if ("rowLabel" in item) base.rowLabel = item.rowLabel;
  if (item.type === "scale") {
    const s = item.scale;
    base.scale = {
      positive: [...s.positive],
      negative: [...s.negative],
      na: [...s.na],
      scores: item.options.map((o) => (s.na.includes(o.code) ? null : (s.scores.get(o.code) ?? null))),
    };
  }
  if (item.type === "text" && item.themes?.length) base.themes = item.themes.map((t) => ({ theme: t.theme, patterns: [...t.patterns] }));
  if ((item.type === "single" || item.type === "multi") && item.otherCodes?.length) {
    base.otherCodes = { from: item.options.filter((o) => o.other).map((o) => o.code), rules: item.otherCodes.map((r) => ({ to: r.to, patterns: [...r.patterns] })) };
  }
  if (item.type === "number") {
    base.bins = [...item.bins];
    base.binLabels = binLabels(item.bins, item.integer, item.unit, lang);
  }
  return base;
}

/**
 * Labels of number bins, upper bounds inclusive: [30, 40, 50] with unit 岁 and whole numbers gives
 * 30岁及以下 / 31-40岁 / 41-50岁 / 51岁及以上, as the seed reports write them.
 */
export function binLabels(bins: number[], integer: boolean, unit: string, lang: "zh-CN" | "en"): string[] {
  if (bins.length === 0) return [];
  const en = lang === "en";
  const u = unit;
  const labels = [en ? `${bins[0]}${u} or less` : `${bins[0]}${u}及以下`];
  for (let i = 1; i < bins.length; i++) {
    const low = integer ? `${bins[i - 1]! + 1}` : `${bins[i - 1]}`;
    labels.push(integer ? `${low}-${bins[i]}${u}` : en ? `over ${low} to ${bins[i]}${u}` : `${low}(不含)-${bins[i]}${u}`);
  }
  const last = bins[bins.length - 1]!;
  labels.push(integer ? (en ? `${last + 1}${u} or more` : `${last + 1}${u}及以上`) : en ? `over ${last}${u}` : `${last}${u}以上`);
  return labels;
}

/** The bin a value falls in: the first whose upper bound it does not exceed, else the last. */
export function binOf(bins: number[], value: number): number {
  for (let i = 0; i < bins.length; i++) if (value <= bins[i]!) return i;
  return bins.length;
}
