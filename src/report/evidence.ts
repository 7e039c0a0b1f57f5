import { append, maxOf, minOf } from "../arrays.js";
import type { Scale, Survey } from "../definition/model.js";
import type { TallyResult } from "../tally/types.js";
import { namesProblem, subjectOf } from "../definition/question-kind.js";
import type { Finding } from "./finding.js";
import { breakdownNoun } from "./findings.js";
import { pct } from "./format.js";
import type { Block, Figure, Paragraph } from "./model.js";
import { renderPattern, sentence, type SectionKey, type Template } from "./template.js";

/**
 * The words of each section: the findings (findings.ts) rendered with the template's sentence patterns.
 * Nothing here decides what is true or where it goes; it only words what the findings say, groups the
 * rates of a section into one sentence as the seeds list them, and adds the charts.
 */

export interface EvidenceInput {
  tally: TallyResult;
  survey: Survey;
  template: Template;
  charts: boolean;
  findings: readonly Finding[];
  /** χ² and p in the body's sentences (--technical); otherwise they are only in the appendix's 说明. */
  technical: boolean;
  /** The section has the author's own text: no marked places for suggestions are added. */
  written: Partial<Record<SectionKey, boolean>>;
}

const para = (text: string): Paragraph => ({ kind: "paragraph", runs: [{ text }] });

type Of<K extends Finding["kind"]> = Extract<Finding, { kind: K }>;

export function sectionEvidence(input: EvidenceInput, key: SectionKey): Block[] {
  const { template } = input;
  const here = input.findings.filter((f) => f.section === key && !f.omitted);
  // Weighted shares beside numbers of people are said to be weighted.
  const weighted = input.tally.weighting !== undefined;
  // A change since the earlier round is said in its figure's sentence, right after the figure.
  const said = changeClauses(here, template);
  const blocks: Block[] = [];
  const rates = here.filter((f): f is Of<"rate"> => f.kind === "rate");
  const success = rates.filter((f) => f.polarity === "success").sort((a, b) => b.rate - a.rate);
  const weak = rates.filter((f) => f.polarity === "problem").sort((a, b) => a.rate - b.rate);
  for (const f of here) {
    switch (f.kind) {
      case "roles":
        blocks.push(
          para(sentence(template, "roles", { roles: f.items.map((r) => ({ ...r, label: groupName(r.label, template, false) })), n: f.n, small: f.small, weighted })),
          rolesTable(f, template, input),
        );
        break;
      case "composition":
        blocks.push(para(sentence(template, "distribution", { subject: f.subject, items: f.items, small: f.small, base: f.base, weighted })));
        break;
      case "number":
        blocks.push(para(sentence(template, "numberSummary", { subject: f.subject, mean: f.mean, median: f.median, min: f.min, max: f.max, unit: f.unit, n: f.n })));
        break;
      case "choices":
        blocks.push(para(choicesSentence(f, template, said(f.id), weighted)));
        break;
      case "others":
        blocks.push(para(sentence(template, "others", { text: f.text, option: f.option, n: f.n, items: f.items.slice(0, 3), repeated: f.items[0]!.count > 1 })));
        break;
      case "themes":
        blocks.push(para(sentence(template, "themes", { text: f.text, subject: f.subject, n: f.n, small: f.small, items: f.items })));
        break;
      case "rank":
        blocks.push(para(sentence(template, "rank", { text: f.text, subject: f.subject, items: f.items })));
        break;
      case "open":
        blocks.push(para(sentence(template, "openAnswers", { text: f.text, n: f.n, quotes: f.quotes, keyword: f.keyword ?? null })));
        break;
      case "rate":
        // All the section's rates in one sentence, where the first of them was found.
        if (f === rates[0]) {
          if (success.length) blocks.push(para(sentence(template, "scaleStrong", { items: success.map((r) => ({ ...rateVars(r), change: said(r.id) })) })));
          if (weak.length) blocks.push(para(sentence(template, "scaleWeak", weakVars(weak.map((r) => ({ ...rateVars(r), change: said(r.id) }))))));
        }
        break;
      case "difference":
        append(blocks, differenceBlocks(f, input));
        break;
      case "change":
      case "note":
        break;
    }
  }
  if (key === "suggestions" && !input.written.suggestions) append(blocks, suggestionPlaces(input));
  return blocks;
}

/** How many weak evaluations are said one by one before the rest are named together. */
export const WEAK_IN_DETAIL = 3;

interface WeakItem {
  subject: string;
  rate: number;
  rateName: string;
  small: boolean;
  change: string;
}

/**
 * The weak evaluations of a section, weakest first: `lead` said one by one, and `rest` — when more than
 * two more follow, all counted as rates (not small), of one rate name and without a change to say — named
 * together with the range of their rates (对……的满意率也仅在53.1%～56.6%之间), as the seeds write
 * "建成比例在30%以上" rather than a seventh "仅为". `items` stays the whole list for templates written
 * before `lead` and `rest`.
 */
export function weakVars<T extends WeakItem>(items: readonly T[]): { items: readonly T[]; lead: readonly T[]; rest: { subjects: string[]; rateName: string; min: number; max: number } | null } {
  const tail = items.slice(WEAK_IN_DETAIL);
  const groupable = tail.length >= 2 && tail.every((s) => !s.small && !s.change && s.rateName === tail[0]!.rateName);
  if (!groupable) return { items, lead: items, rest: null };
  const rates = tail.map((s) => s.rate);
  return {
    items,
    lead: items.slice(0, WEAK_IN_DETAIL),
    rest: { subjects: tail.map((s) => s.subject), rateName: tail[0]!.rateName, min: minOf(rates), max: maxOf(rates) },
  };
}

function rateVars(f: Of<"rate">) {
  return {
    subject: f.subject,
    rate: f.rate,
    rateName: f.rateName,
    small: f.small,
    base: f.base,
    positiveCount: f.positiveCount,
    positive: f.positive,
    negativeRate: f.negativeRate,
    negative: f.negative,
  };
}

/**
 * The clause that says how each figure of a section changed since the earlier round (比2025年提高5.2个百分点,
 * 与2025年基本持平), by the id of the figure's finding; "" for a figure without a change to say.
 */
function changeClauses(here: readonly Finding[], template: Template): (figure: string) => string {
  const clauses = new Map<string, string>();
  for (const f of here) {
    if (f.kind !== "change") continue;
    clauses.set(
      f.of,
      sentence(template, "change", {
        period: f.period ?? template.text.labels.waves.inText,
        rate: f.option === undefined,
        up: f.direction === "up",
        down: f.direction === "down",
        flat: f.direction === "flat",
        points: f.points,
        significant: f.significant,
      }),
    );
  }
  return (figure) => clauses.get(figure) ?? "";
}

function choicesSentence(f: Of<"choices">, template: Template, change: string, weighted: boolean): string {
  const vars = { text: f.text, subject: f.subject, multi: f.multi, n: f.base, items: f.items, top: f.items[0], next: f.items.slice(1, 3), small: f.small, change, weighted };
  // 认为 only where the question asks for a view; a problem question names its subject when that reads as a noun.
  if (f.questionKind === "problem") return sentence(template, "problemLead", { ...vars, nounSubject: namesProblem(f.subject) });
  if (f.questionKind === "suggestion") return sentence(template, "suggestionChoices", vars);
  return sentence(template, "choices", vars);
}

function differenceBlocks(f: Of<"difference">, input: EvidenceInput): Block[] {
  const { template } = input;
  const name = (label: string) => groupName(label, template);
  const side = (s: Of<"difference">["high"]) => ({ label: s.labels.map(name).join(template.lang === "en" ? " and " : "和"), value: s.value, base: s.base, count: s.count });
  const blocks: Block[] = [
    para(
      sentence(template, "difference", {
        noun: f.noun,
        subject: f.subject,
        text: f.subject,
        option: f.option ?? null,
        rateName: f.rateName ?? "",
        // `measure`: what these patterns called rateName before; a template written then keeps working
        measure: f.rateName ?? "",
        evaluation: f.option === undefined,
        background: f.questionKind === "background",
        high: side(f.high),
        low: side(f.low),
        exact: f.test.method !== "chi-square",
        technical: input.technical,
        chi: f.test.statistic,
        df: f.test.df,
        p: f.test.p,
      }),
    ),
  ];
  if (input.charts && f.option === undefined) {
    const figure: Figure = {
      kind: "figure",
      number: 0,
      caption: renderLabel(template, template.text.labels.roleFigureCaption, {
        noun: f.noun,
        subject: f.subject,
        rateName: f.rateName ?? "",
        // `measure`: what these patterns called rateName before; a template written then keeps working
        measure: f.rateName ?? "",
        n: f.groups.reduce((sum, g) => sum + g.base, 0),
      }),
      chart: {
        type: "grouped",
        categories: f.groups.map((g) => groupLabel(g.label, g.base, template)),
        series: [{ name: f.rateName ?? "", values: f.groups.map((g) => g.value), labels: f.groups.map((g) => pctText(g.value)) }],
        unit: "percent",
      },
    };
    blocks.push(figure);
  }
  return blocks;
}

/** Beside each problem the report states, a marked place for the author's suggestion. */
function suggestionPlaces({ findings, template }: EvidenceInput): Block[] {
  const problems = findings.filter((f) => f.section === "problems" && !f.omitted && (f.kind === "rate" || f.kind === "choices" || f.kind === "difference" || f.kind === "open" || f.kind === "themes"));
  const topics: string[] = [];
  for (const f of problems) {
    if (f.kind === "rate") topics.push(sentence(template, "problemTopic", { kind: "rate", subject: f.subject, rateName: f.rateName, option: null }));
    else if (f.kind === "choices") topics.push(sentence(template, "problemTopic", { kind: "choice", subject: f.subject, rateName: "", option: f.items[0]!.label }));
    else if (f.kind === "difference") {
      // A difference about a rate already named as a problem needs no place of its own.
      if (!problems.some((r) => r.kind === "rate" && r.subject === f.subject)) {
        topics.push(sentence(template, "problemTopic", { kind: "difference", subject: f.subject, rateName: f.rateName ?? "", option: f.option ?? null }));
      }
    } else if (f.kind === "themes") topics.push(sentence(template, "problemTopic", { kind: "choice", subject: f.subject, rateName: "", option: f.items[0]!.theme }));
    else if (f.kind === "open" && f.quotes[0]) topics.push(sentence(template, "problemTopic", { kind: "choice", subject: f.subject, rateName: "", option: f.quotes[0].text }));
  }
  return [...new Set(topics)].map((topic) => ({
    kind: "paragraph" as const,
    runs: [{ text: renderPattern(template, template.text.placeholder, { what: renderLabel(template, template.text.placeholders.suggestionFor, { topic }) }, "placeholder"), placeholder: true }],
  }));
}

function rolesTable(f: Of<"roles">, template: Template, { survey, tally }: EvidenceInput): Block {
  const l = template.text.labels;
  const q = survey.questionById.get(f.id);
  const noun = q ? breakdownNoun(subjectOf(q)) : l.role;
  return {
    kind: "table",
    number: 0,
    caption: renderLabel(template, l.roleTableCaption, { n: f.n, noun }),
    // Under min_group people in all, shares would be percentages of a handful: counts only.
    header: f.small ? [noun, l.people] : [noun, l.people, tally.weighting ? (l.weightedShare ?? l.share) : l.share],
    rows: f.items.map((r) => (f.small ? [r.label, String(r.count)] : [r.label, String(r.count), pctText(r.pct)])),
    align: f.small ? ["left", "right"] : ["left", "right", "right"],
    footer: f.small ? [l.validN, String(f.n)] : [l.validN, String(f.n), ""],
  };
}

// ---------------------------------------------------------------- opening

export function coverageSentence({ tally, template }: Pick<EvidenceInput, "tally" | "template">, reasonLabel: (r: string) => string, group?: string): string {
  const r = tally.responses;
  return sentence(template, "coverage", {
    issued: r.issued,
    returned: r.returned,
    valid: r.valid,
    invalid: r.invalid,
    validRate: r.validRate,
    responseRate: r.responseRate,
    group: group ?? "",
    reasons: Object.entries(r.invalidReasons)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => ({ label: reasonLabel(reason), count: n })),
  });
}

// ---------------------------------------------------------------- shared with the appendix

/**
 * The Chinese (or English) name of a scale's positive rate, `positiveRate` (formula: stats.ts): the one
 * place it is chosen, by what the scale's positive options say and the template's `labels.rateNames` —
 * 满意率 for a 满意 scale (as the seeds write: 对社区服务的满意率高达97%), 认同率 for 同意, 赞成率 for 赞成,
 * else 肯定评价比例 (en: satisfaction rate, agreement rate, share of positive answers). Every sentence, chart
 * and appendix table of a report names the rate through it.
 */
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

/**
 * A group as a sentence names it: 男 → 男性 (the template's groupNames); in a comparison an age band is
 * 30岁及以下的被调查者, in a list of who answered it stays as it is.
 */
export function groupName(label: string, template: Template, inComparison = true): string {
  const named = template.text.labels.groupNames?.[label];
  if (named) return named;
  return inComparison && /\d/u.test(label) ? renderLabel(template, template.text.labels.groupOfRange, { label }) : label;
}
