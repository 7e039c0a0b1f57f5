import { append, maxOf, minOf } from "../arrays.js";
import type { Question, Scale, Survey } from "../definition/model.js";
import { questionKind, sectionOfKind, subjectOf, type QuestionKind } from "../definition/question-kind.js";
import { chiSquareTest, fisherTest, independenceTest, lowExpected, twoProportionTest } from "../tally/stats.js";
import type { BreakdownGroup, ChiSquare, OptionTally, QuestionTally, RowTally, TallyResult } from "../tally/types.js";
import { answerTexts } from "../tally/spooled.js";
import { approx, fixed, pct, typography } from "./format.js";
import type { ReportRules } from "./rules.js";
import { changeFindings } from "./changes.js";
import type { Finding, Share, Side } from "./finding.js";
import { themesFinding } from "./themes.js";
import type { SectionKey } from "./template.js";

/**
 * Findings: what the report's generated sentences claim, decided before any sentence is worded. One pure
 * step turns the tally into findings — each with its subject, numbers and base, its materiality, its
 * polarity and exactly one section — and `evidence.ts` words them with the template's patterns. A fact is
 * one finding, so it is said once; a finding that a rule keeps out of the text stays in the list with the
 * reason (`omitted`), which `survey report --explain` prints.
 */

export interface FindingsInput {
  tally: TallyResult;
  survey: Survey;
  rules: ReportRules;
  /** 满意率 / 认同率: named by the template from what the scale's positive options say. */
  rateName: (scale: Scale | undefined) => string;
  /** The author's paragraphs (report.md), in which a fact already said is not said again. */
  narrative?: readonly string[];
  /** Quotation marks of the report's language around an option or a row label. */
  quote?: (s: string) => string;
}

export function deriveFindings(input: FindingsInput): Finding[] {
  const { tally, survey, rules } = input;
  const quote = input.quote ?? ((s: string) => `“${s}”`);
  const out: Finding[] = [];
  const kindOf = (q: Question) => questionKind(q, survey.role);
  const sectionOf = (q: Question, kind: QuestionKind): SectionKey | undefined => q.section ?? sectionOfKind(kind);

  // The role question is stated as who answered (参与本次调研的有…); a --by question like any other question.
  const roleQuestion = tally.roles && (survey.role === undefined || tally.roles.question === survey.role) ? tally.roles.question : undefined;
  if (tally.roles && roleQuestion) {
    const items = tally.roles.counts.filter((r) => r.count > 0).map((r) => ({ label: r.label, count: r.count, pct: r.pct }));
    const n = tally.questions[tally.roles.question]?.answered ?? items.reduce((s, r) => s + r.count, 0);
    if (items.length) {
      out.push({
        id: tally.roles.question,
        kind: "roles",
        section: "situation",
        polarity: "neutral",
        why: "who answered: the breakdown question, in counts and shares of all who answered it",
        keys: items.slice(0, 2).map((r) => `${r.label}${r.count}人`),
        n,
        small: n < rules.minGroup,
        items,
      });
    }
  }

  for (const q of survey.questions) {
    const t = tally.questions[q.id];
    if (!t || q.id === roleQuestion) continue;
    const kind = kindOf(q);
    const subject = subjectOf(q);
    const small = t.base > 0 && t.base < rules.minGroup;
    const section = sectionOf(q, kind);
    switch (q.type) {
      case "scale": {
        const f = rateFinding(q.id, subject, false, t, q.scale, input, q.section);
        if (f) out.push(f);
        break;
      }
      case "matrix":
        for (const row of q.rows) {
          const r = t.rows?.[row.id];
          const f = r && rateFinding(row.id, quote(row.label), true, r, q.scale, input, q.section);
          if (f) out.push(f);
        }
        break;
      case "single":
      case "multi": {
        if (t.base === 0) break;
        const items = ranked(t);
        if (kind === "background" && q.type === "single") {
          const inOrder = (t.options ?? []).filter((o) => o.count > 0).map((o) => ({ label: spoken(o.label), count: o.count, pct: o.pct ?? null }));
          out.push({
            id: q.id,
            kind: "composition",
            section: section ?? "situation",
            polarity: "neutral",
            why: `background question (${subject}): composition in counts and shares, in the questionnaire's order`,
            keys: inOrder.slice(0, 1).map((o) => `${o.label}${o.count}人`),
            subject,
            base: t.base,
            small,
            items: inOrder,
          });
        } else if (items.length) {
          out.push({
            id: q.id,
            kind: "choices",
            section: section ?? "situation",
            polarity: kind === "problem" ? "problem" : "neutral",
            why: `${kind} question${q.section ? ` (section: ${q.section})` : ""}: the leading answers`,
            keys: [items[0]!.label, shareKey(items[0]!.pct)],
            subject,
            text: q.text,
            questionKind: kind,
            multi: q.type === "multi",
            base: t.base,
            small,
            items,
          });
        }
        append(out, othersFindings(q, t, subject, section ?? "situation"));
        break;
      }
      case "number": {
        if (!t.n) break;
        if (t.bins?.length) {
          const items = t.bins.filter((b) => b.count > 0).map((b) => ({ label: b.label, count: b.count, pct: b.pct }));
          out.push({
            id: q.id,
            kind: "composition",
            section: section ?? "situation",
            polarity: "neutral",
            why: `number question (${subject}) with bins: composition in counts and shares`,
            keys: items.slice(0, 1).map((o) => `${o.label}${o.count}人`),
            subject,
            base: t.base,
            small,
            items,
          });
        } else {
          out.push({
            id: q.id,
            kind: "number",
            section: section ?? "situation",
            polarity: "neutral",
            why: `number question (${subject}): mean, least and largest`,
            keys: [subject, fixed(t.mean, 1)],
            subject,
            n: t.n,
            mean: t.mean ?? null,
            median: t.median ?? null,
            min: t.min ?? null,
            max: t.max ?? null,
            unit: q.unit,
          });
        }
        break;
      }
      case "rank": {
        const items = (t.ranks ?? [])
          .filter((r) => r.score !== null)
          .map((r) => ({ label: r.label, score: r.score as number }))
          .sort((a, b) => b.score - a.score);
        if (!items.length) break;
        out.push({
          id: q.id,
          kind: "rank",
          section: section ?? "suggestions",
          polarity: kind === "problem" ? "problem" : "neutral",
          why: `ranking (${kind}): options by 综合得分`,
          keys: [items[0]!.label, fixed(items[0]!.score)],
          subject,
          text: q.text,
          base: t.base,
          items,
        });
        break;
      }
      case "text": {
        const answers = answerTexts(t.answers);
        if (!answers.length) break;
        const themed = themesFinding(q.id, t, subject, q.text, kind, section ?? (kind === "problem" ? "problems" : "suggestions"), rules);
        if (themed) {
          out.push(themed);
          break;
        }
        const { quotes, keyword } = openAnswers(answers, q.text, t.keywords ?? []);
        out.push({
          id: q.id,
          kind: "open",
          section: section ?? (kind === "problem" ? "problems" : "suggestions"),
          polarity: kind === "problem" ? "problem" : "neutral",
          why: quotes.length
            ? `open question (${kind}): the answers most often given, with how many gave them`
            : `open question (${kind}): every answer differs, so the word most answers mention, with a typical answer`,
          keys: quotes.length ? [quotes[0]!.text] : keyword ? [keyword.example] : [q.text],
          subject,
          text: q.text,
          questionKind: kind,
          n: answers.length,
          quotes,
          keyword,
        });
        break;
      }
    }
  }

  append(out, differences(input, kindOf, subjectOf, sectionOf, quote));
  const findings = capRates(markSaid(out, input.narrative ?? []));
  // A change is said with its figure, so it is decided once the figures are placed (or kept out).
  for (const f of changeFindings(findings, tally, rules)) findings.push(f);
  return findings;
}

/** A share as an author may write it: "70.0%", or in words ("七成", "七成以上"). */
function shareKey(x: number | null | undefined): string[] {
  return [pct(x), approx(x)];
}

/**
 * One sentence lists a section's results (or its problems): every scale question, up to ten, and of the
 * matrix rows the five strongest (or weakest); the rest are in the appendix's tables.
 */
const QUESTIONS_PER_SENTENCE = 10;
const ROWS_PER_SENTENCE = 5;

function capRates(findings: Finding[]): Finding[] {
  const rates = findings.filter((f): f is Extract<Finding, { kind: "rate" }> => f.kind === "rate" && !f.omitted);
  for (const polarity of ["success", "problem"] as const) {
    for (const section of new Set(rates.map((f) => f.section))) {
      for (const row of [false, true]) {
        const cap = row ? ROWS_PER_SENTENCE : QUESTIONS_PER_SENTENCE;
        const list = rates
          .filter((f) => f.polarity === polarity && f.section === section && f.row === row)
          .sort((a, b) => (polarity === "success" ? b.rate - a.rate : a.rate - b.rate));
        for (const f of list.slice(cap)) f.omitted = `beyond the ${cap} ${polarity === "success" ? "highest" : "lowest"} ${row ? "matrix rows" : "questions"} of the section (in the appendix)`;
      }
    }
  }
  return findings;
}

// ---------------------------------------------------------------- rates

function rateFinding(
  id: string,
  subject: string,
  row: boolean,
  t: QuestionTally | RowTally,
  scale: Scale,
  input: FindingsInput,
  section: SectionKey | undefined,
): Finding | undefined {
  const { rules } = input;
  if (t.base === 0 || t.positiveRate == null) return undefined;
  const options = t.options ?? [];
  const positive = options.filter((o) => scale.positive.includes(o.code));
  const success = t.positiveRate >= rules.successRate;
  // An evaluation is placed by its result; a definition may still send it to 基本情况 or 对策建议.
  const placed: SectionKey = section === "situation" || section === "suggestions" ? section : success ? "practices" : "problems";
  return {
    id,
    kind: "rate",
    section: placed,
    polarity: success ? "success" : "problem",
    why: `evaluation: positive rate ${pct(t.positiveRate)} ${success ? "≥" : "<"} success_rate ${pct(rules.successRate, 0)}`,
    keys: [subject.replace(/^[“"](.*)[”"]$/u, "$1"), shareKey(t.positiveRate)],
    subject,
    row,
    base: t.base,
    small: t.base < rules.minGroup,
    rate: t.positiveRate,
    rateName: input.rateName(scale),
    positiveCount: positive.reduce((s, o) => s + o.count, 0),
    positive: positive.map((o) => ({ label: o.label, count: o.count, pct: o.pct ?? null })),
    negativeRate: t.negativeRate ?? 0,
    negative: options.filter((o) => scale.negative.includes(o.code)).map((o) => o.label),
  };
}

// ---------------------------------------------------------------- choices

/** An option as a sentence names it: 问卷星's "其他【请注明】" is 其他 once it is quoted in a sentence. */
export function spoken(label: string): string {
  return label.replace(/\s*[【\[(（]\s*请(注明|填写|说明)[^】\])）]*[】\])）]\s*$/u, "").trim() || label;
}

/** Options by count, largest first; ties keep the questionnaire's order. Shares of respondents for multi. */
function ranked(t: QuestionTally): Share[] {
  return (t.options ?? [])
    .filter((o) => o.count > 0)
    .map((o) => ({ label: spoken(o.label), count: o.count, pct: shareOf(t, o) }))
    .sort((a, b) => b.count - a.count);
}

/** The share shown for an option: of respondents for multi-select (普及率), of the base otherwise. */
export function shareOf(t: Pick<QuestionTally, "type">, o: OptionTally): number | null {
  return (t.type === "multi" ? o.pctOfRespondents : o.pct) ?? null;
}

/** 其他〖…〗 fill-ins, grouped by what they say (punctuation and spaces aside) and counted. */
function othersFindings(q: Question, t: QuestionTally, subject: string, section: SectionKey): Finding[] {
  const out: Finding[] = [];
  for (const o of t.options ?? []) {
    const texts = (o.others ?? []).map((s) => s.trim()).filter(Boolean);
    if (!texts.length) continue;
    const items = countDistinct(texts.map((s) => [s]));
    out.push({
      id: `${q.id}.other`,
      kind: "others",
      section,
      polarity: "neutral",
      why: `fill-ins of “${spoken(o.label)}”, grouped by text and counted`,
      keys: [items[0]!.text],
      subject,
      text: q.text,
      option: spoken(o.label),
      n: texts.length,
      items,
    });
  }
  return out;
}

// ---------------------------------------------------------------- open answers

/** Clauses of an answer: "多培养年轻党员;建议定期学习" says two things. */
const CLAUSE = /[;；。\n\r]+/u;
const NOT_TEXT = /[\s\p{P}\p{S}]/gu;
/** Words that say nothing about what people want. */
const EMPTY_WORDS = new Set(["没有", "问题", "希望", "建议", "加强", "提高", "工作", "一些", "应该", "进一步", "可以", "需要", "无", "暂无", "不知道", "意见", "没", "其他"]);

/**
 * What people wrote, in a form a reader can use: the clauses most answers share, each with how many
 * answers (people) gave it; when every answer differs, the word the most answers contain and the answer
 * that best represents it (the one sharing the most frequent words, then the shortest).
 */
export function openAnswers(
  answers: readonly string[],
  questionText: string,
  keywords: readonly { word: string; count: number }[],
): { quotes: { text: string; count: number }[]; keyword?: { word: string; count: number; example: string } } {
  const clauses = countDistinct(answers.map((a) => a.split(CLAUSE)));
  const quotes = clauses.filter((c) => c.count >= 2).slice(0, 3);
  if (quotes.length) return { quotes };
  const words = keywords
    .map((k) => k.word)
    .filter((w) => w.length >= 2 && !EMPTY_WORDS.has(w) && !questionText.includes(w))
    .slice(0, 10);
  const scored = words
    .map((word) => ({ word, count: answers.filter((a) => a.includes(word)).length }))
    .filter((w) => w.count >= 2)
    .sort((a, b) => b.count - a.count);
  const top = scored[0];
  if (!top) return { quotes: [] };
  const typical = answers
    .filter((a) => a.includes(top.word))
    .map((a, i) => ({ a: a.trim(), i, shared: words.filter((w) => a.includes(w)).length }))
    .sort((x, y) => y.shared - x.shared || x.a.length - y.a.length || x.i - y.i)[0]!;
  return { quotes: [], keyword: { word: top.word, count: top.count, example: typography(typical.a) } };
}

/** Distinct texts by how many entries (answers) contain them, most first, then first seen. */
function countDistinct(entries: readonly (readonly string[])[]): { text: string; count: number }[] {
  const seen = new Map<string, { text: string; count: number; first: number }>();
  entries.forEach((parts, i) => {
    const inThis = new Set<string>();
    for (const raw of parts) {
      const text = raw.trim();
      const key = text.replace(NOT_TEXT, "");
      if (!key || inThis.has(key)) continue;
      inThis.add(key);
      const entry = seen.get(key);
      if (entry) entry.count++;
      else seen.set(key, { text: typography(text), count: 1, first: i });
    }
  });
  return [...seen.values()].sort((a, b) => b.count - a.count || a.first - b.first).map(({ text, count }) => ({ text, count }));
}

// ---------------------------------------------------------------- group differences

interface Measure {
  option?: string;
  /** Per compared group: how many chose it (or rated positively). */
  counts: number[];
}

/**
 * For every closed question, the largest material difference between groups of the breakdown (the role,
 * or --by): a gap of at least `strongGap` that is significant both across the groups compared (chi-square
 * of chosen/not by group) and between the two groups named (the two-proportion z-test); each by Fisher's
 * exact test instead where its expected counts are small, as the tally's breakdown tests. Groups under `minGroup` are left out of the comparison. The largest gaps are written, up to
 * `maxDifferences`; the others are kept with the reason.
 */
function differences(
  input: FindingsInput,
  kindOf: (q: Question) => QuestionKind,
  subjectOf: (q: Question) => string,
  sectionOf: (q: Question, kind: QuestionKind) => SectionKey | undefined,
  quote: (s: string) => string,
): Finding[] {
  const { tally, survey, rules } = input;
  if (!tally.roles) return [];
  const by = survey.questionById.get(tally.roles.question);
  const noun = by ? breakdownNoun(subjectOf(by)) : "身份";
  const found: Finding[] = [];
  const consider = (q: Question, id: string, subject: string, t: QuestionTally | RowTally, type: QuestionTally["type"], scale?: Scale) => {
    const groups = (t.byRole ?? []).filter((r) => r.base > 0);
    const big = groups.filter((r) => r.base >= rules.minGroup);
    const smallGroups = groups.filter((r) => r.base < rules.minGroup).map((r) => ({ label: r.label, base: r.base }));
    const kind = kindOf(q);
    if (groups.length < 2) return;
    // With weights, groups are compared at their effective sizes (Kish): each group's weighted share times
    // n_eff stands for its count, n_eff for its base; unweighted, the counts themselves.
    const sizes = big.map((r) => r.effectiveBase ?? r.base);
    const weighted = big.some((r) => r.effectiveBase !== undefined);
    const share = (r: BreakdownGroup, o: OptionTally | undefined) => (o?.pct ?? o?.pctOfRespondents ?? 0) * (r.effectiveBase ?? r.base);
    const measures: Measure[] =
      type === "scale" && scale
        ? [
            {
              counts: big.map((r) =>
                weighted ? (r.positiveRate ?? 0) * (r.effectiveBase ?? r.base) : r.options.filter((o) => scale.positive.includes(o.code)).reduce((s, o) => s + o.count, 0),
              ),
            },
          ]
        : (t.options ?? []).map((o) => ({
            option: spoken(o.label),
            counts: big.map((r) => {
              const x = r.options.find((y) => y.code === o.code);
              return weighted ? share(r, x) : (x?.count ?? 0);
            }),
          }));
    const best = bestGap(big, measures, rules, sizes);
    const base = {
      id: `${id}@${tally.roles!.question}`,
      subject,
      noun,
      questionKind: kind,
      rateName: scale ? input.rateName(scale) : undefined,
      small: smallGroups,
    };
    const evaluation = type === "scale";
    const section: SectionKey = evaluation ? "problems" : kind === "background" ? "situation" : (sectionOf(q, kind) ?? "situation");
    if (!best) {
      if (big.length < 2) {
        found.push(omittedDifference(base, section, `fewer than two groups of ${rules.minGroup} or more`));
      }
      return;
    }
    const finding: Finding = {
      ...base,
      kind: "difference",
      section,
      polarity: evaluation ? "problem" : "neutral",
      why: `largest gap between groups of ${rules.minGroup}+: ${fixed(best.gap * 100, 1)} points (${best.option ? quote(best.option) : base.rateName}), pair p=${fixed(best.pairP, 3)}, across groups p=${fixed(best.test.p, 3)}`,
      keys: [pct(best.low.value), pct(best.high.value)],
      option: best.option,
      high: best.high,
      low: best.low,
      gap: best.gap,
      pairP: best.pairP,
      test: best.test,
      groups: big.map((r, i) => ({ label: r.label, base: r.base, value: best.values[i]! })),
    };
    if (!best.material) finding.omitted = best.reason;
    found.push(finding);
  };
  for (const q of survey.questions) {
    if (q.id === tally.roles.question) continue;
    const t = tally.questions[q.id];
    if (!t) continue;
    if (q.type === "matrix") {
      for (const row of q.rows) {
        const r = t.rows?.[row.id];
        if (r) consider(q, row.id, quote(row.label), r, "scale", q.scale);
      }
    } else if (q.type === "scale" || q.type === "single" || q.type === "multi") {
      consider(q, q.id, subjectOf(q), t, q.type, q.type === "scale" ? q.scale : undefined);
    }
  }
  // The largest material gaps are written; the rest are kept with the reason.
  const material = found.filter((f) => !f.omitted && f.kind === "difference") as Extract<Finding, { kind: "difference" }>[];
  material.sort((a, b) => b.gap - a.gap || a.pairP - b.pairP);
  material.slice(rules.maxDifferences).forEach((f) => (f.omitted = `beyond the ${rules.maxDifferences} largest differences (max_differences)`));
  const order = new Map(material.map((f, i) => [f, i]));
  return found.sort((a, b) => (order.get(a as never) ?? Infinity) - (order.get(b as never) ?? Infinity));
}

/** What the groups of a breakdown are, for "不同{noun}的被调查者": 身份, 性别, 社区 (所在社区 → 社区). */
export function breakdownNoun(subject: string): string {
  return subject.replace(/^(所在|居住)(的)?/u, "").replace(/(是|为)$/u, "") || subject;
}

function omittedDifference(base: { id: string; subject: string }, section: SectionKey, reason: string): Finding {
  return { id: base.id, subject: base.subject, kind: "note", section, polarity: "neutral", why: "group difference", keys: [], omitted: reason };
}

interface Gap {
  option?: string;
  values: number[];
  high: Side;
  low: Side;
  gap: number;
  pairP: number;
  test: ChiSquare;
  material: boolean;
  reason?: string;
}

/** The largest material gap over all measures, else the largest gap with why it is not material. */
function bestGap(groups: readonly BreakdownGroup[], measures: readonly Measure[], rules: ReportRules, sizes = groups.map((g) => g.base)): Gap | undefined {
  if (groups.length < 2) return undefined;
  // Counts of people are tested as the tally tests its breakdowns: Fisher's exact test where the
  // chi-square's expected counts are small. Weighted groups stand at effective sizes, which are not counts:
  // the chi-square there, at a stricter level where its expected counts are small (it is approximate).
  const counted = sizes.every(Number.isInteger) && measures.every((m) => m.counts.every(Number.isInteger));
  const test = counted ? independenceTest : chiSquareTest;
  let bestMaterial: Gap | undefined;
  let largest: Gap | undefined;
  for (const m of measures) {
    const values = m.counts.map((c, i) => c / sizes[i]!);
    const max = maxOf(values);
    const min = minOf(values);
    const gap = max - min;
    if (!(gap > 0)) continue;
    const across = test(m.counts.map((c, i) => [c, sizes[i]! - c]));
    if (!across) continue;
    const at = (v: number) => values.flatMap((x, i) => (x === v ? [i] : []));
    // Of tied groups, the pair whose test is the strongest is the one tested; all tied groups are named.
    let pair: { hi: number; lo: number; p: number; exact: boolean } | undefined;
    for (const hi of at(max)) {
      for (const lo of at(min)) {
        const table = [
          [m.counts[hi]!, sizes[hi]! - m.counts[hi]!],
          [m.counts[lo]!, sizes[lo]! - m.counts[lo]!],
        ];
        // Fisher's exact test where the tally would give it (counts of people, small expected counts); else the z-test.
        const exact = counted && lowExpected(table);
        const p = exact ? fisherTest(table).p : (twoProportionTest(m.counts[hi]!, sizes[hi]!, m.counts[lo]!, sizes[lo]!)?.p ?? 1);
        if (!pair || p < pair.p) pair = { hi, lo, p, exact };
      }
    }
    if (!pair) continue;
    const side = (idx: number[], chosen: number): Side => ({
      labels: idx.map((i) => groups[i]!.label),
      value: values[chosen]!,
      base: groups[chosen]!.base,
      count: m.counts[chosen]!,
    });
    // With many small expected counts the chi-square p is approximate: a stricter level stands in.
    const level = across.method === "chi-square" && across.lowExpected ? rules.significance / 5 : rules.significance;
    const significant = across.p < level && pair.p < (pair.exact ? rules.significance : level);
    const g: Gap = {
      option: m.option,
      values,
      high: side(at(max), pair.hi),
      low: side(at(min), pair.lo),
      gap,
      pairP: pair.p,
      test: across,
      material: gap >= rules.strongGap - 1e-12 && significant,
    };
    if (!g.material) {
      g.reason =
        gap < rules.strongGap - 1e-12
          ? `largest gap ${fixed(gap * 100, 1)} points, under strong_gap ${fixed(rules.strongGap * 100, 0)}`
          : `gap ${fixed(gap * 100, 1)} points not significant (pair p=${fixed(pair.p, 3)}, across groups p=${fixed(across.p, 3)}, ${across.method === "chi-square" ? "" : `, ${across.method}`}, level ${rules.significance}${level < rules.significance ? "/5: small expected counts" : ""})`;
    }
    if (g.material && (!bestMaterial || g.gap > bestMaterial.gap)) bestMaterial = g;
    if (!largest || g.gap > largest.gap) largest = g;
  }
  return bestMaterial ?? largest;
}

// ---------------------------------------------------------------- said once

/** A finding whose key texts all appear in one of the author's paragraphs is already said there. */
function markSaid(findings: Finding[], paragraphs: readonly string[]): Finding[] {
  if (!paragraphs.length) return findings;
  for (const f of findings) {
    if (f.omitted || !f.keys.length) continue;
    const says = (p: string, k: string | string[]) => (typeof k === "string" ? p.includes(k) : k.some((x) => p.includes(x)));
    if (paragraphs.some((p) => f.keys.every((k) => says(p, k)))) f.omitted = "already said in the author's text (report.md)";
  }
  return findings;
}

/** The findings a section writes, in the order they were found. */
export function findingsIn(findings: readonly Finding[], section: SectionKey): Finding[] {
  return findings.filter((f) => f.section === section && !f.omitted);
}
