import { append } from "../arrays.js";
import type { Survey } from "../definition/model.js";
import type { TallyResult } from "../tally/types.js";
import { appendixBlocks } from "./appendix.js";
import { comparisonNotes, wavesOf } from "./appendix-waves.js";
import { coverageSentence, rateName, renderLabel, sectionEvidence, type EvidenceInput } from "./evidence.js";
import type { Finding } from "./finding.js";
import { deriveFindings } from "./findings.js";
import type { Block, Paragraph, ReportModel, TextRun } from "./model.js";
import type { Narrative } from "./narrative.js";
import { formatNumber } from "./numbering.js";
import { largestMargin } from "../tally/margin.js";
import { subjectOf } from "../definition/question-kind.js";
import { peopleView } from "./people.js";
import { resolveRules } from "./rules.js";
import { renderPattern, sentence, type SectionKey, type Template } from "./template.js";

export interface BuildOptions {
  /** The author's narrative; without it every section gets a marked place to write. */
  narrative?: Narrative;
  /** --title: replaces the title from the narrative or the definition. */
  title?: string;
  charts?: boolean;
  appendix?: boolean;
  /** Names an invalid-questionnaire reason (duplicate → 重复提交) in the report's language. */
  reasonLabel?: (reason: string) => string;
  /** χ² and p in the body's sentences (--technical). */
  technical?: boolean;
  /** The date under the 落款 when the definition has no `date:` (SOURCE_DATE_EPOCH, else today). */
  date?: { y: number; m: number; d: number };
  /** A per-group report (--each): the group it is about, named in its title and opening. */
  group?: string;
}

/** How the answers were weighted, for the 说明: the weight column, the raking questions by subject, the effective size. */
function weightingVars(tally: TallyResult, survey: Survey) {
  const w = tally.weighting;
  if (!w) return null;
  return {
    column: w.column,
    rake: w.rake.map((r) => {
      const q = survey.questionById.get(r.question);
      return q ? subjectOf(q) : r.question;
    }),
    effectiveN: w.effectiveN,
    designEffect: w.designEffect,
  };
}

const SECTIONS: SectionKey[] = ["situation", "practices", "problems", "suggestions"];

/**
 * The report as a document model: title, opening with the coverage sentence, the four sections (the
 * author's text with the generated evidence after its first paragraphs) and the appendix. Pure: reads
 * nothing, writes nothing, and the same inputs give the same model.
 */
export function buildReport(counted: TallyResult, survey: Survey, template: Template, opts: BuildOptions = {}): ReportModel {
  // A weighted report gives weighted shares of real numbers of people.
  const tally = peopleView(counted);
  const charts = opts.charts ?? true;
  const narrative = opts.narrative;
  const rules = resolveRules(template.text.rules, survey.rules);
  const findings = deriveFindings({
    tally,
    survey,
    rules,
    rateName: (scale) => rateName(scale, template),
    narrative: [...(narrative?.opening ?? []), ...Object.values(narrative?.sections ?? {}).flat()].flatMap(textOf),
    quote: (s) => (template.lang === "en" ? `"${s}"` : `“${s}”`),
  });
  const written = Object.fromEntries(SECTIONS.map((k) => [k, Boolean(narrative?.sections[k]?.length)]));
  const input: EvidenceInput = { tally, survey, template, charts, findings, technical: opts.technical ?? false, written };
  const topic = topicOf(survey.title, template.lang);
  const baseTitle = opts.title ?? narrative?.title ?? sentence(template, "title", { title: survey.title });
  const title = opts.group ? renderLabel(template, template.text.labels.groupTitle, { title: baseTitle, group: opts.group }) : baseTitle;

  const opening: Block[] = [];
  if (narrative?.opening.length) append(opening, narrative.opening);
  else if (survey.purpose || survey.organization || survey.methods.length) {
    opening.push(
      body(
        sentence(template, "opening", {
          title: survey.title,
          topic,
          organization: survey.organization ?? "",
          period: survey.period ?? "",
          purpose: survey.purpose ?? "",
          methods: survey.methods,
        }),
      ),
    );
  } else opening.push(placeholder(template, "opening"));
  // Chinese sentences follow each other directly; English ones after a space.
  const gap = template.lang === "en" ? " " : "";
  opening.push(body(`${coverageSentence(input, opts.reasonLabel ?? ((r) => r), opts.group)}${gap}${sentence(template, "openingEnd", {})}`));

  const blocks: Block[] = [];
  SECTIONS.forEach((key, i) => {
    blocks.push({ kind: "heading", level: 1, number: formatNumber(template.text.numerals.level1, i + 1), text: template.text.sections[key] });
    const written = narrative?.sections[key] ?? [];
    const evidence = sectionEvidence(input, key);
    const firstHeading = written.findIndex((b) => b.kind === "heading");
    const lead = firstHeading < 0 ? written : written.slice(0, firstHeading);
    const rest = firstHeading < 0 ? [] : written.slice(firstHeading);
    if (!written.length) blocks.push(placeholder(template, key));
    // The author's opening words, then the survey's evidence, then the author's numbered points.
    for (const part of [lead, evidence, rest]) append(blocks, part);
  });
  const appendix = opts.appendix ?? true;
  const margin = largestMargin(tally);
  // GB/T 9704 §7.3.4–7.3.5: the attachment note one blank line under the body, the 落款 two lines under that.
  if (appendix) blocks.push(blankLine(), body(sentence(template, "attachmentNote", { title: template.text.labels.appendixTitle })));
  append(blocks, [blankLine(), blankLine(), ...signature(survey, template, opts.date)]);
  if (appendix) {
    const notes = sentence(template, "notes", {
      minGroup: rules.minGroup,
      strongGapPoints: Math.round(rules.strongGap * 1000) / 10,
      significance: rules.significance,
      // Said only when a difference in the body was tested so: Fisher's exact test, for small expected counts.
      exactTests: findings.some((f) => f.kind === "difference" && !f.omitted && f.test.method !== "chi-square"),
      differences: findings.some((f) => f.kind === "difference" && !f.omitted),
      // With --previous: the rule of the change column, and the test only when a sentence says a change is beyond it.
      comparison: comparisonNotes(wavesOf(tally, survey, template), findings.some((f) => f.kind === "change" && !f.omitted && f.significant)),
      // Points, one decimal, rounded up: the 说明 must not understate the margin.
      marginPoints: margin ? Math.ceil(margin.margin * 1000 - 1e-9) / 10 : null,
      weighting: weightingVars(tally, survey),
    });
    append(blocks, appendixBlocks(tally, survey, template, charts, notes));
  }

  const model: ReportModel = {
    lang: template.lang,
    title,
    opening,
    body: blocks,
    meta: { organization: survey.organization, subject: topic },
    findings,
  };
  numberHeadings(model, template);
  numberCaptions(model, template);
  return model;
}

/** A paragraph of generated text; a 【请补充：…】 left in a definition's value (a drafted title, say) is marked for the author. */
function body(text: string, style?: Paragraph["style"]): Paragraph {
  const runs: TextRun[] = text
    .split(/(【请补充[：:][^】]*】)/u)
    .filter(Boolean)
    .map((t) => (t.startsWith("【请补充") ? { text: t, placeholder: true } : { text: t }));
  return { kind: "paragraph", runs, ...(style ? { style } : {}) };
}

function blankLine(): Paragraph {
  return { kind: "paragraph", style: "plain", runs: [{ text: "" }] };
}

function textOf(b: Block): string[] {
  return b.kind === "paragraph" ? [b.runs.map((r) => r.text).join("")] : b.kind === "heading" ? [b.text] : [];
}

/** 落款: who wrote the report and when, flush right under the body (GB/T 9704 §7.3.5). */
function signature(survey: Survey, template: Template, date: BuildOptions["date"]): Paragraph[] {
  const organization = survey.organization ?? renderPattern(template, template.text.placeholder, { what: template.text.placeholders.organization }, "placeholder");
  const when = survey.date ?? (date ? renderLabel(template, template.text.labels.date, date) : undefined);
  return [organization, ...(when ? [when] : [])].map((t) => body(t, "signature"));
}

function placeholder(template: Template, key: SectionKey | "opening"): Paragraph {
  const text = renderPattern(template, template.text.placeholder, { what: template.text.placeholders[key] }, "placeholder");
  return { kind: "paragraph", runs: [{ text, placeholder: true }] };
}

/** 关于农村社区党建工作的调研 → 农村社区党建工作: what the opening sentence says was surveyed. */
export function topicOf(title: string, lang: Template["lang"]): string {
  if (lang === "en") return title.replace(/^(a )?(survey|report|study)( on| of)?\s+/i, "").replace(/\s*(survey|report)$/i, "") || title;
  const m = /^(?:关于)?(.+?)(?:的)?(?:专题)?(?:问卷)?(?:调研|调查|研究)(?:报告)?$/u.exec(title);
  return m?.[1] || title;
}

/** (一)(二) restart under each 一、; 1. 2. restart under each (一). */
function numberHeadings(model: ReportModel, template: Template): void {
  let level2 = 0;
  let level3 = 0;
  for (const b of model.body) {
    if (b.kind !== "heading") continue;
    if (b.level === 1) (level2 = 0), (level3 = 0);
    else if (b.level === 2) {
      level2++;
      level3 = 0;
      b.number = formatNumber(template.text.numerals.level2, level2);
    } else {
      level3++;
      b.number = formatNumber(template.text.numerals.level3, level3);
    }
  }
}

/** 表1, 表2 … and 图1, 图2 … in print order over the whole report. */
function numberCaptions(model: ReportModel, template: Template): void {
  const space = template.lang === "en" ? " " : "";
  let tables = 0;
  let figures = 0;
  for (const b of [...model.opening, ...model.body]) {
    if (b.kind === "table") {
      b.number = ++tables;
      b.caption = `${template.text.labels.table}${space}${b.number}${b.caption ? ` ${b.caption}` : ""}`;
    } else if (b.kind === "figure") {
      b.number = ++figures;
      b.caption = `${template.text.labels.figure}${space}${b.number}${b.caption ? ` ${b.caption}` : ""}`;
    }
  }
}
