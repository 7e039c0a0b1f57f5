import type { Question, Scale, Survey } from "../definition/model.js";
import type { OptionTally, QuestionTally, RoleBreakdown, RowTally, TallyResult } from "../tally/types.js";
import { pct } from "./format.js";
import type { Block, Figure, Paragraph } from "./model.js";
import { renderPattern, sentence, type SectionKey, type Template } from "./template.js";

/**
 * The generated evidence of each section: the numeric sentences in the seeds' idiom, built only from the
 * tally (never recomputed), worded by the template's sentence patterns.
 */

/** Satisfaction below this share is reported under 存在的问题. */
const WEAK_RATE = 0.7;
/** Role differences are reported when the chi-square test gives p below this. */
const SIGNIFICANT_P = 0.05;
/**
 * When over 20% of expected counts are below 5 the p-value is only approximate: such a difference is
 * reported only below this stricter p, and the sentence says the test is approximate.
 */
const SIGNIFICANT_P_LOW_EXPECTED = 0.01;
/** At most this many role differences and weak results are written, the clearest first. */
const MAX_FINDINGS = 3;

export interface EvidenceInput {
  tally: TallyResult;
  survey: Survey;
  template: Template;
  charts: boolean;
}

const para = (text: string): Paragraph => ({ kind: "paragraph", runs: [{ text }] });

/** A short noun phrase for a question in a sentence: its `subject`, else its text without "您的…是". */
export function subjectOf(q: Question, lang: Template["lang"]): string {
  if (q.subject) return q.subject;
  if (lang === "en") return q.text.replace(/[?:\uff1a\uff1f]\s*$/u, "");
  return q.text
    .replace(/[(\uff08][^)\uff09]*[)\uff09]\s*$/u, "")
    .replace(/^您(的|对|认为)?/u, "")
    .replace(/(是|为)?[:\uff1a?\uff1f]?\s*$/u, "");
}

/** 满意率 / 认同率 …: named after what the scale's positive options say. */
export function rateName(scale: Scale | undefined, template: Template): string {
  const names = template.text.labels.rateNames;
  if (scale) {
    const positive = scale.options.filter((o) => scale.positive.includes(o.code)).map((o) => o.label.toLowerCase());
    for (const [key, name] of Object.entries(names)) {
      if (key !== "default" && positive.some((l) => l.includes(key.toLowerCase()))) return name;
    }
  }
  return names.default ?? "";
}

/** Options of a choice question by count, largest first; ties keep questionnaire order. */
function ranked(q: QuestionTally): { label: string; count: number; pct: number | null }[] {
  return (q.options ?? [])
    .map((o) => ({ label: o.label, count: o.count, pct: shareOf(q, o) }))
    .filter((o) => o.count > 0)
    .sort((a, b) => b.count - a.count);
}

/** The share shown for an option: of respondents for multi-select (普及率), of the base otherwise. */
export function shareOf(q: Pick<QuestionTally, "type">, o: OptionTally): number | null {
  return (q.type === "multi" ? o.pctOfRespondents : o.pct) ?? null;
}

function scaleOf(survey: Survey, id: string): Scale | undefined {
  const q = survey.questionById.get(id);
  return q && (q.type === "scale" || q.type === "matrix") ? q.scale : undefined;
}

// ---------------------------------------------------------------- opening

export function coverageSentence({ tally, template }: EvidenceInput, reasonLabel: (r: string) => string): string {
  const r = tally.responses;
  return sentence(template, "coverage", {
    issued: r.issued,
    returned: r.returned,
    valid: r.valid,
    invalid: r.invalid,
    validRate: r.validRate,
    responseRate: r.responseRate,
    reasons: Object.entries(r.invalidReasons)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => ({ label: reasonLabel(reason), count: n })),
  });
}

// ---------------------------------------------------------------- 基本情况

export function situationEvidence(input: EvidenceInput): Block[] {
  const { tally, survey, template } = input;
  const blocks: Block[] = [];
  const roles = (tally.roles?.counts ?? []).filter((r) => r.count > 0);
  if (tally.roles && roles.length) {
    blocks.push(para(sentence(template, "roles", { roles })));
    // The base of the role shares, as the tally states it: valid questionnaires that answered the role question.
    const n = tally.questions[tally.roles.question]?.answered ?? roles.reduce((s, r) => s + r.count, 0);
    const l = template.text.labels;
    blocks.push({
      kind: "table",
      number: 0,
      caption: renderLabel(template, l.roleTableCaption, { n }),
      header: [l.role, l.people, l.share],
      rows: roles.map((r) => [r.label, String(r.count), pctText(r.pct)]),
      align: ["left", "right", "right"],
      footer: [l.validN, String(n), ""],
    });
  }
  for (const q of questionsIn(survey, "situation")) {
    if (q.id === survey.role) continue;
    const t = tally.questions[q.id];
    if (!t || t.base === 0) continue;
    if (q.type === "number" && t.bins?.length) {
      const items = t.bins.filter((b) => b.count > 0).map((b) => ({ label: b.label, count: b.count, pct: b.pct }));
      blocks.push(para(sentence(template, "distribution", { subject: subjectOf(q, template.lang), items })));
    } else if (q.type === "number") {
      blocks.push(para(numberSentence(q, t, template)));
    } else if (q.type === "single") {
      const items = (t.options ?? []).filter((o) => o.count > 0).map((o) => ({ label: o.label, count: o.count, pct: o.pct }));
      blocks.push(para(sentence(template, "distribution", { subject: subjectOf(q, template.lang), items })));
    } else {
      blocks.push(...questionEvidence(input, q, t));
    }
  }
  return blocks;
}

// ---------------------------------------------------------------- 主要做法与成效

/**
 * The section's questions, strongest results first: the scale questions together in one sentence (as the
 * seeds list satisfaction rates), then the other questions.
 */
export function practicesEvidence(input: EvidenceInput): Block[] {
  const { tally, survey, template } = input;
  const found = questionsIn(survey, "practices")
    .filter((q) => q.id !== survey.role)
    .map((q, order) => ({ q, t: tally.questions[q.id], order }))
    .filter((x): x is { q: Question; t: QuestionTally; order: number } => Boolean(x.t && hasData(x.t)))
    .map((x) => ({ ...x, strength: strength(x.t) }))
    .sort((a, b) => b.strength - a.strength || a.order - b.order);
  const scales = found.flatMap(({ q, t }) => (q.type === "scale" && t.positiveRate != null ? [strongItem(q, t, template)] : []));
  const blocks: Block[] = scales.length ? [para(sentence(template, "scaleStrong", { items: scales }))] : [];
  return blocks.concat(found.filter(({ q }) => q.type !== "scale").flatMap(({ q, t }) => questionEvidence(input, q, t)));
}

function strongItem(q: Question & { type: "scale" }, t: QuestionTally, template: Template) {
  const positive = (t.options ?? []).filter((o) => q.scale.positive.includes(o.code)).map((o) => ({ label: o.label, pct: o.pct }));
  return { subject: subjectOf(q, template.lang), rate: t.positiveRate, rateName: rateName(q.scale, template), positive };
}

function hasData(t: QuestionTally): boolean {
  return t.base > 0 || Object.values(t.rows ?? {}).some((r) => r.base > 0);
}

/** How strong a result is, for ordering: the positive rate, the best matrix row, or the leading share. */
function strength(t: QuestionTally): number {
  if (t.type === "scale") return t.positiveRate ?? -1;
  if (t.type === "matrix") return Math.max(-1, ...Object.values(t.rows ?? {}).map((r) => r.positiveRate ?? -1));
  if (t.type === "single" || t.type === "multi") return ranked(t)[0]?.pct ?? -1;
  return -1;
}

// ---------------------------------------------------------------- 存在的问题

export function problemsEvidence(input: EvidenceInput): Block[] {
  const { tally, survey, template } = input;
  const blocks: Block[] = [];
  // The weakest satisfaction results of the whole questionnaire, lowest first.
  const weak = scaleItems(input)
    .filter((s) => s.rate !== null && s.rate < WEAK_RATE)
    .sort((a, b) => (a.rate ?? 0) - (b.rate ?? 0) || a.order - b.order)
    .slice(0, MAX_FINDINGS);
  if (weak.length) {
    const items = weak.map((s) => ({
      subject: s.subject,
      rate: s.rate,
      rateName: rateName(s.scale, template),
      negativeRate: s.negativeRate ?? 0,
      negative: s.scale ? s.scale.options.filter((o) => s.scale!.negative.includes(o.code)).map((o) => o.label) : [],
    }));
    blocks.push(para(sentence(template, "scaleWeak", { items })));
  }
  for (const q of questionsIn(survey, "problems")) {
    const t = tally.questions[q.id];
    if (!t || !hasData(t)) continue;
    if (q.type === "single" || q.type === "multi") {
      const [top, ...rest] = ranked(t);
      if (!top) continue;
      blocks.push(para(sentence(template, "problemLead", { subject: q.subject ?? "", text: q.text, top, next: rest.slice(0, 2) })));
    } else if (q.type === "scale" || q.type === "matrix") {
      continue; // already among the weak results above when low
    } else {
      blocks.push(...questionEvidence(input, q, t));
    }
  }
  blocks.push(...roleDifferences(input));
  return blocks;
}

interface ScaleItem {
  id: string;
  subject: string;
  scale?: Scale;
  rate: number | null;
  negativeRate: number | null;
  order: number;
  tally: QuestionTally | RowTally;
}

/** Every scale question and matrix row with a positive rate, in questionnaire order. */
function scaleItems({ tally, survey, template }: EvidenceInput): ScaleItem[] {
  const out: ScaleItem[] = [];
  for (const q of survey.questions) {
    const t = tally.questions[q.id];
    if (!t) continue;
    if (q.type === "scale" && t.base > 0) {
      out.push({ id: q.id, subject: subjectOf(q, template.lang), scale: q.scale, rate: t.positiveRate ?? null, negativeRate: t.negativeRate ?? null, order: out.length, tally: t });
    } else if (q.type === "matrix") {
      for (const row of q.rows) {
        const r = t.rows?.[row.id];
        if (!r || r.base === 0) continue;
        const subject = template.lang === "en" ? `"${row.label}"` : `“${row.label}”`;
        out.push({ id: row.id, subject, scale: q.scale, rate: r.positiveRate ?? null, negativeRate: r.negativeRate ?? null, order: out.length, tally: r });
      }
    }
  }
  return out;
}

/** Role differences significant by the chi-square test, worded with the two most distant roles. */
function roleDifferences(input: EvidenceInput): Block[] {
  const { tally, survey, template } = input;
  if (!tally.roles) return [];
  const findings: { p: number; blocks: Block[] }[] = [];
  const consider = (id: string, subject: string, t: QuestionTally | RowTally, type: QuestionTally["type"], scale?: Scale) => {
    const chi = t.chiSquare;
    if (!chi || !(chi.p < (chi.lowExpected ? SIGNIFICANT_P_LOW_EXPECTED : SIGNIFICANT_P)) || !t.byRole?.length) return;
    let measure: string;
    let valueOf: (r: RoleBreakdown) => number | null;
    if (type === "scale") {
      measure = rateName(scale, template);
      valueOf = (r) => r.positiveRate ?? null;
    } else {
      const top = ranked({ ...t, type } as QuestionTally)[0];
      if (!top) return;
      measure = template.lang === "en" ? `share choosing "${top.label}"` : `选择“${top.label}”的比例`;
      valueOf = (r) => {
        const o = r.options.find((x) => x.label === top.label);
        return o ? shareOf({ type }, o) : null;
      };
    }
    const roles = t.byRole
      .filter((r) => r.base > 0)
      .map((r) => ({ label: r.label, base: r.base, value: valueOf(r) }))
      .filter((r): r is { label: string; base: number; value: number } => r.value !== null);
    if (roles.length < 2) return;
    const sorted = [...roles].sort((a, b) => a.value - b.value);
    const low = sorted[0]!;
    const high = sorted[sorted.length - 1]!;
    const blocks: Block[] = [
      para(sentence(template, "roleDifference", { subject, measure, low, high, chi: chi.statistic, p: chi.p, v: chi.cramersV, approximate: chi.lowExpected })),
    ];
    if (input.charts) {
      const figure: Figure = {
        kind: "figure",
        number: 0,
        caption: renderLabel(template, template.text.labels.roleFigureCaption, { subject, measure, n: roles.reduce((sum, r) => sum + r.base, 0) }),
        chart: {
          type: "grouped",
          categories: roles.map((r) => groupLabel(r.label, r.base, template)),
          series: [{ name: measure, values: roles.map((r) => r.value), labels: roles.map((r) => pctText(r.value)) }],
          unit: "percent",
        },
      };
      blocks.push(figure);
    }
    findings.push({ p: chi.p, blocks });
  };
  for (const q of survey.questions) {
    if (q.id === survey.role) continue;
    const t = tally.questions[q.id];
    if (!t) continue;
    if (q.type === "matrix") {
      for (const row of q.rows) {
        const r = t.rows?.[row.id];
        if (r) consider(row.id, template.lang === "en" ? `"${row.label}"` : `“${row.label}”`, r, "scale", q.scale);
      }
    } else if (q.type === "scale" || q.type === "single" || q.type === "multi") {
      consider(q.id, subjectOf(q, template.lang), t, q.type, q.type === "scale" ? q.scale : undefined);
    }
  }
  return findings
    .sort((a, b) => a.p - b.p)
    .slice(0, MAX_FINDINGS)
    .flatMap((f) => f.blocks);
}

// ---------------------------------------------------------------- 对策建议

export function suggestionsEvidence(input: EvidenceInput): Block[] {
  const { tally, survey, template } = input;
  const blocks: Block[] = [];
  for (const q of questionsIn(survey, "suggestions")) {
    const t = tally.questions[q.id];
    if (!t || !hasData(t)) continue;
    if (q.type === "single" || q.type === "multi") {
      const items = ranked(t);
      if (items.length) blocks.push(para(sentence(template, "suggestionChoices", { subject: q.subject ?? "", text: q.text, items })));
    } else {
      blocks.push(...questionEvidence(input, q, t));
    }
  }
  return blocks;
}

// ---------------------------------------------------------------- one question

/** The sentence for one question, by its type. */
function questionEvidence(input: EvidenceInput, q: Question, t: QuestionTally): Block[] {
  const { template } = input;
  const subject = subjectOf(q, template.lang);
  switch (q.type) {
    case "scale":
      return t.positiveRate == null ? [] : [para(sentence(template, "scaleStrong", { items: [strongItem(q, t, template)] }))];
    case "matrix": {
      const rows = q.rows
        .map((row, order) => ({ label: row.label, rate: t.rows?.[row.id]?.positiveRate ?? null, mean: t.rows?.[row.id]?.meanScore ?? null, order }))
        .filter((r): r is { label: string; rate: number; mean: number | null; order: number } => r.rate !== null)
        .sort((a, b) => b.rate - a.rate || a.order - b.order);
      return rows.length ? [para(sentence(template, "matrixRows", { subject, rows, rateName: rateName(q.scale, template) }))] : [];
    }
    case "single":
    case "multi": {
      const items = ranked(t);
      return items.length ? [para(sentence(template, "choices", { text: q.text, subject, multi: q.type === "multi", n: t.base, items }))] : [];
    }
    case "rank": {
      const items = (t.ranks ?? [])
        .filter((r) => r.score !== null)
        .map((r) => ({ label: r.label, score: r.score as number }))
        .sort((a, b) => b.score - a.score);
      return items.length ? [para(sentence(template, "rank", { subject: q.subject ?? "", text: q.text, items }))] : [];
    }
    case "number":
      return t.n ? [para(numberSentence(q, t, template))] : [];
    case "text":
      return t.answers?.length ? [para(sentence(template, "keywords", { text: q.text, n: t.answers.length, keywords: t.keywords ?? [] }))] : [];
  }
}

function numberSentence(q: Question, t: QuestionTally, template: Template): string {
  const unit = q.type === "number" ? q.unit : "";
  return sentence(template, "numberSummary", { subject: subjectOf(q, template.lang), mean: t.mean, median: t.median, min: t.min, max: t.max, unit, n: t.n });
}

// ---------------------------------------------------------------- helpers

export function questionsIn(survey: Survey, section: SectionKey): Question[] {
  return survey.questions.filter((q) => q.section === section);
}

export function renderLabel(template: Template, pattern: string, vars: object): string {
  return renderPattern(template, pattern, vars, "labels");
}

/** A share as the tables print it: "62.5%", or "—" with no base. */
export function pctText(x: number | null | undefined): string {
  return pct(x);
}

/** A chart category with its own base: "群众（n=52）" / "Residents (n = 52)". */
export function groupLabel(label: string, n: number, template: Template): string {
  return template.lang === "en" ? `${label} (n = ${n})` : `${label}\uff08n=${n}\uff09`;
}
