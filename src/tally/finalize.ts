import { countWords, topKeywords, type WordsOf } from "./keywords.js";
import { recodedFromTally, recodedTally } from "./other-codes.js";
import { themeTally } from "./themes.js";
import type { Plan, PlanItem } from "./plan.js";
import { stateToJson, type ItemState, type StatefulTally, type TallyState, type TallyStateJson } from "./state.js";
import {
  cronbachAlpha,
  effectiveRate,
  independenceTest,
  negativeRate,
  pctOfRespondents,
  pctOfSelections,
  positiveRate,
  rankStatistics,
  responseRate,
  scoreSummary,
  share,
  sortedCounts,
  summarize,
  validRate,
  wilsonInterval,
} from "./stats.js";
import type { BreakdownGroup, ChiSquare, GroupTally, OptionTally, QuestionTally, RankTally, RowTally, TallyResult } from "./types.js";
import { answerTexts } from "./spooled.js";
import { annotateUnweighted, weigh, type Effective, type Weighed } from "./weigh.js";

/**
 * Turns raw counts into the statistics of PRODUCT §5, in the JSON contract of §6. Pure and
 * deterministic: the same state gives the same result, field for field, whatever order it was counted in.
 * The state itself rides along in `_state`, so that `survey merge` can add partial tallies exactly.
 */
export function finalize(state: TallyState, opts: FinalizeOptions = {}): StatefulTally {
  const { plan } = state;
  const keywords = new Keywords(opts.wordsOf);
  const r = state.responses;
  const issued = plan.issued;
  // With weights, every statistic is of the weighted counts, and the unweighted ones ride beside them.
  const weighed = state.weighted ? weigh(state) : undefined;
  const questions = questionTallies(plan, weighed?.items ?? state.items, weighed?.matrices ?? state.matrices, keywords, weighed);
  if (weighed) annotateUnweighted(questions, questionTallies(plan, state.items, state.matrices, new Keywords(opts.wordsOf, false), undefined));
  const result: StatefulTally = {
    schemaVersion: 1,
    survey: plan.period === undefined ? { title: plan.title, issued } : { title: plan.title, issued, period: plan.period },
    responses: {
      issued,
      returned: r.returned,
      valid: r.valid,
      invalid: r.invalid,
      responseRate: responseRate(r.returned, issued),
      validRate: validRate(r.valid, r.returned),
      effectiveRate: effectiveRate(r.valid, issued),
      invalidReasons: sortedRecord(r.invalidReasons),
      bySource: r.bySource,
    },
    roles: roles(plan, weighed?.items ?? state.items, weighed, state.items),
    questions,
    groups: groups(plan, state),
    screening: state.screening,
    problems: state.problems,
  };
  if (weighed) result.weighting = weighed.summary;
  if (opts.keepState !== false) result._state = compactState(state);
  return result;
}

export interface FinalizeOptions {
  /** Leave out `_state` (false); kept by default. */
  keepState?: boolean;
  /**
   * The keyword set of an answer (the pipeline's segmenter): for the typical answers of themes, and for the
   * keywords of a state that has none counted (`words`), such as one read back from a saved tally.
   */
  wordsOf?: WordsOf;
}

/**
 * The keywords of open answers: from the counts the pipeline kept while reading (`words`), or counted
 * here from the answers when a state has none. Segmenting is the caller's (`wordsOf`): finalize itself
 * starts no thread and loads no dictionary.
 */
class Keywords {
  /** `listed`: false for the unweighted companion of a weighted tally, whose open answers get no keywords. */
  constructor(
    readonly wordsOf: WordsOf | undefined,
    readonly listed = true,
  ) {}

  of(s: ItemState): { word: string; count: number }[] {
    // The segmenter is asked for only when there is an answer to segment (a tally of nothing needs none).
    return topKeywords(s.words ?? countWords(s.texts ?? [], (texts) => this.need()(texts)));
  }

  need(): WordsOf {
    if (!this.wordsOf) throw new Error("finalize: open answers without keyword counts need a segmenter (wordsOf)");
    return this.wordsOf;
  }
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The state without the open answers and fill-ins, which the result already lists (`answers`, and
 * `others` of each option): a tally of a million questionnaires must not carry its texts twice.
 * `restoreState` puts them back before merging.
 */
function compactState(state: TallyState): TallyStateJson {
  // Emptied before copying: a copy of a million open answers would copy every string.
  const lists = state.items.map(({ texts, others, recoded }) => ({ texts, others, recoded }));
  for (const item of state.items) {
    // Spooled answers are listed as kept ones are: `restoreState` takes them from the result.
    if (item.texts || item.spooled) item.texts = [];
    if (item.others) item.others = [];
    if (item.recoded) item.recoded = [];
  }
  try {
    return stateToJson(state);
  } finally {
    state.items.forEach((item, i) => Object.assign(item, lists[i]));
  }
}

/** The state of a tally read back from JSON, its open answers and fill-ins taken from the result. */
export function restoreState(result: StatefulTally): TallyStateJson {
  const json = result._state!;
  return {
    ...json,
    items: json.items.map((item, i) => {
      const planItem = json.plan.items[i]!;
      const q = result.questions[planItem.id];
      const out = { ...item };
      if (item.texts) out.texts = [...answerTexts(q?.answers)];
      if (item.others) out.others = (q?.options ?? []).flatMap((o) => (o.others ?? []).map((t): [number, string] => [o.code, t]));
      // The state makes the list with its first entry: none, no list.
      if (planItem.otherCodes && q?.recoded?.length) out.recoded = recodedFromTally(planItem, q.recoded);
      return out;
    }),
  };
}

/**
 * Every question's statistics from the counts of its items (weighted or not): matrix questions by row.
 * Open answers get keywords unless `keywords.listed` is false (the unweighted companion of a weighted tally).
 */
function questionTallies(
  plan: Plan,
  items: ItemState[],
  matrices: TallyState["matrices"],
  keywords: Keywords,
  weighed: Weighed | undefined,
): Record<string, QuestionTally> {
  const questions: Record<string, QuestionTally> = {};
  for (const q of plan.questions) {
    if (q.type === "matrix") {
      const m = matrices[q.id]!;
      const rows: Record<string, RowTally> = {};
      for (const i of q.items) {
        const item = plan.items[i]!;
        const { type: _type, text: _text, ...row } = itemTally(plan, i, items[i]!, keywords, weighed?.effective(i));
        rows[item.id] = { label: item.rowLabel ?? item.text, ...row } as RowTally;
      }
      questions[q.id] = { type: "matrix", text: q.text, answered: m.answered, skipped: m.skipped, missing: m.missing, base: m.base, rows };
      if (weighed) questions[q.id]!.effectiveBase = weighed.matrixEffective(q.id);
    } else {
      questions[q.id] = itemTally(plan, q.items[0]!, items[q.items[0]!]!, keywords, weighed?.effective(q.items[0]!));
    }
  }
  return questions;
}

/**
 * Role counts; pct = count / questionnaires that answered the role question (minus `na`); with weights,
 * weighted, with `unweightedCount` beside.
 */
function roles(plan: Plan, items: ItemState[], weighed: Weighed | undefined, unweighted: ItemState[]): TallyResult["roles"] {
  if (!plan.role) return null;
  const item = plan.items[plan.role.item]!;
  const s = items[plan.role.item]!;
  const base = baseOf(item, s);
  const n = weighed?.effective(plan.role.item).base ?? base;
  return {
    question: plan.role.id,
    counts: item.options.map((o, k) => {
      const count = s.counts![k]!;
      const entry: NonNullable<TallyResult["roles"]>["counts"][number] = { code: o.code, label: o.label, count, pct: share(count, base), ci95: ciOf(count, base, n) };
      if (weighed) entry.unweightedCount = unweighted[plan.role!.item]!.counts![k]!;
      return entry;
    }),
  };
}

/** The Wilson interval of `part / base` on `n` (the base itself, or with weights its effective size). */
function ciOf(part: number, base: number, n: number): [number, number] | null {
  return wilsonInterval(share(part, base), n);
}

/** answered − answers in the scale's `na` codes. */
function baseOf(item: PlanItem, s: ItemState): number {
  if (!s.counts || item.type === "multi" || item.type === "rank") return s.answered;
  return s.counts.reduce((sum, c, k) => (isNa(item, k) ? sum : sum + c), 0);
}

function isNa(item: PlanItem, k: number): boolean {
  return item.scale?.na.includes(item.options[k]!.code) ?? false;
}

function itemTally(plan: Plan, i: number, s: ItemState, keywords: Keywords, eff: Effective | undefined): QuestionTally {
  const item = plan.items[i]!;
  const base = baseOf(item, s);
  const n = eff?.base ?? base;
  const q: QuestionTally = { type: item.type, text: item.text, answered: s.answered, skipped: s.skipped, missing: s.missing, base };
  if (eff) q.effectiveBase = eff.base;
  const others = othersByCode(s);
  switch (item.type) {
    case "single":
    case "scale":
      q.options = singleOptions(item, s.counts!, base, others, n);
      if (item.type === "scale") Object.assign(q, scaleFields(item, s.counts!, base, n));
      break;
    case "multi":
      q.options = multiOptions(item, s.counts!, base, others, n);
      break;
    case "rank":
      q.ranks = ranks(item, s.positions!, s.answered);
      q.options = item.options.map((o, k) => withOthers({ code: o.code, label: o.label, count: s.counts![k]! }, others.get(o.code)));
      break;
    case "number": {
      const sum = summarize(sortedCounts(s.values!));
      Object.assign(q, sum);
      if (item.bins && item.bins.length) {
        q.bins = item.binLabels!.map((label, k) => ({ label, count: s.bins![k]!, pct: share(s.bins![k]!, sum.n), ci95: ciOf(s.bins![k]!, sum.n, eff?.base ?? sum.n) }));
      }
      break;
    }
    case "text":
      // Left out by the pipeline when the output lists no answer (`answered` still counts them).
      if (s.texts) q.answers = s.texts;
      else if (s.spooled) q.answers = s.spooled;
      if (keywords.listed) q.keywords = keywords.of(s);
      // Counted from the answers themselves (unweighted): where the state keeps them.
      if (item.themes?.length && s.texts) {
        Object.assign(q, themeTally(item.themes, s.texts, (texts) => keywords.need()(texts)));
      }
      break;
  }
  if (item.otherCodes && q.options && s.others) q.recoded = recodedTally(item, s.recoded ?? [], q.options);
  Object.assign(q, breakdownsOf(plan, i, item, s, eff));
  return q;
}

/**
 * The item broken down by each breakdown question (not by itself): per group (an option of that
 * question) the item's statistics over the group's own base, and the test of independence. The first
 * breakdown is also `byRole` and `chiSquare`, as before there were several.
 */
function breakdownsOf(plan: Plan, i: number, item: PlanItem, s: ItemState, eff: Effective | undefined): Pick<QuestionTally, "byRole" | "chiSquare" | "breakdowns" | "breakdownTests"> {
  const breakdowns: Record<string, BreakdownGroup[]> = {};
  const tests: Record<string, ChiSquare | null> = {};
  plan.breakdowns.forEach((b, bi) => {
    if (b.item === i) return;
    const groups = plan.items[b.item]!.options;
    if (s.byPositions) {
      breakdowns[b.id] = groups.map((r, k) => {
        const respondents = s.byAnswered![bi]![k]!;
        const table = s.byPositions![bi]![k]!;
        const options = item.options.map((o, j) => ({ code: o.code, label: o.label, count: table[j]!.reduce((x, y) => x + y, 0) }));
        return { code: r.code, label: r.label, base: respondents, options, ranks: ranks(item, table, respondents) };
      });
      // Positions are not one category per respondent either; the report compares scores, not a test.
      tests[b.id] = null;
    } else if (s.byCounts) {
      const table = s.byCounts[bi]!;
      const groupN = eff?.groups?.[bi];
      breakdowns[b.id] = groups.map((r, k) => breakdownGroup(item, r, table[k]!, s.byAnswered?.[bi]?.[k], groupN?.[k]));
      // A respondent of a multi-select question sits in several cells at once, which the test of
      // independence does not allow: only single and scale questions get one.
      const tested = table.map((row) => row.filter((_, k) => !isNa(item, k)));
      tests[b.id] = item.type === "multi" ? null : eff ? eff.test(tested, bi) : independenceTest(tested);
    }
  });
  if (Object.keys(breakdowns).length === 0) return {};
  const first = plan.breakdowns[0]!;
  if (!(first.id in breakdowns)) return { breakdowns, breakdownTests: tests }; // the role question itself
  return { byRole: breakdowns[first.id], chiSquare: tests[first.id] ?? null, breakdowns, breakdownTests: tests };
}

function othersByCode(s: ItemState): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const [code, text] of s.others ?? []) {
    const list = m.get(code) ?? [];
    list.push(text);
    m.set(code, list);
  }
  return m;
}

function withOthers(o: OptionTally, others: string[] | undefined): OptionTally {
  return others ? { ...o, others } : o;
}

/** single / scale options: `pct` (see `share` in stats.ts); an `na` option keeps its count and has pct null (it is outside the base). */
function singleOptions(item: PlanItem, counts: number[], base: number, others = new Map<number, string[]>(), n = base): OptionTally[] {
  return item.options.map((o, k) =>
    withOthers(
      isNa(item, k)
        ? { code: o.code, label: o.label, count: counts[k]!, pct: null, ci95: null }
        : { code: o.code, label: o.label, count: counts[k]!, pct: share(counts[k]!, base), ci95: ciOf(counts[k]!, base, n) },
      others.get(o.code),
    ),
  );
}

/** multi options: `pctOfRespondents` (普及率) and `pctOfSelections` (响应率), whose formulas are in stats.ts. */
function multiOptions(item: PlanItem, counts: number[], respondents: number, others = new Map<number, string[]>(), n = respondents): OptionTally[] {
  const selections = counts.reduce((a, b) => a + b, 0);
  return item.options.map((o, k) =>
    withOthers(
      {
        code: o.code,
        label: o.label,
        count: counts[k]!,
        pctOfRespondents: pctOfRespondents(counts[k]!, respondents),
        ci95: ciOf(counts[k]!, respondents, n),
        pctOfSelections: pctOfSelections(counts[k]!, selections),
      },
      others.get(o.code),
    ),
  );
}

/** Scale statistics over the base: `positiveRate`, `negativeRate` and `scoreSummary`, whose formulas are in stats.ts. */
function scaleFields(item: PlanItem, counts: number[], base: number, n = base) {
  const scale = item.scale!;
  let positive = 0;
  let negative = 0;
  const pairs: [number, number][] = [];
  item.options.forEach((o, k) => {
    if (scale.positive.includes(o.code)) positive += counts[k]!;
    if (scale.negative.includes(o.code)) negative += counts[k]!;
    const score = scale.scores[k];
    if (score !== null && score !== undefined) pairs.push([score, counts[k]!]);
  });
  const { meanScore, sdScore } = scoreSummary(pairs);
  return {
    positiveRate: positiveRate(positive, base),
    positiveRateCi95: ciOf(positive, base, n),
    negativeRate: negativeRate(negative, base),
    negativeRateCi95: ciOf(negative, base, n),
    meanScore,
    sdScore,
  };
}

/** One group of a breakdown over its own base; `n` is that base's effective size with weights. */
function breakdownGroup(item: PlanItem, group: { code: number; label: string }, counts: number[], answered: number | undefined, n?: number): BreakdownGroup {
  if (item.type === "multi") {
    const base = answered ?? 0;
    const out: BreakdownGroup = { code: group.code, label: group.label, base, options: multiOptions(item, counts, base, undefined, n ?? base) };
    if (n !== undefined) out.effectiveBase = n;
    return out;
  }
  const base = counts.reduce((sum, c, k) => (isNa(item, k) ? sum : sum + c), 0);
  const out: BreakdownGroup = { code: group.code, label: group.label, base, options: singleOptions(item, counts, base, undefined, n ?? base) };
  if (n !== undefined) out.effectiveBase = n;
  if (item.type === "scale") {
    const f = scaleFields(item, counts, base, n ?? base);
    out.positiveRate = f.positiveRate;
    out.positiveRateCi95 = f.positiveRateCi95;
    out.meanScore = f.meanScore;
  }
  return out;
}

/** Rank statistics per option: `positions[p]`, the times put at position p + 1, with `rankStatistics` (stats.ts). */
function ranks(item: PlanItem, table: number[][], respondents: number): RankTally[] {
  return item.options.map((o, k) => {
    const positions = table[k]!;
    return { code: o.code, label: o.label, positions: [...positions], ...rankStatistics(positions, item.options.length, respondents) };
  });
}

function groups(plan: Plan, state: TallyState): Record<string, GroupTally> {
  const out: Record<string, GroupTally> = {};
  plan.groups.forEach((g, gi) => {
    const sums = state.groups[gi]!;
    const all = g.items.map((_, k) => k);
    const ids = g.items.map((i) => plan.items[i]!.id);
    out[g.id] = {
      label: g.label,
      alpha: cronbachAlpha(sums, all),
      n: sums.n,
      items: ids,
      alphaIfDeleted: Object.fromEntries(ids.map((id, k) => [id, cronbachAlpha(sums, all.filter((x) => x !== k))])),
    };
  });
  return out;
}
