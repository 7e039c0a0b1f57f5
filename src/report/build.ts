import type { Survey } from "../definition/model.js";
import type { TallyResult } from "../tally/types.js";
import { appendixBlocks } from "./appendix.js";
import {
  coverageSentence,
  practicesEvidence,
  problemsEvidence,
  situationEvidence,
  suggestionsEvidence,
  type EvidenceInput,
} from "./evidence.js";
import type { Block, Paragraph, ReportModel } from "./model.js";
import type { Narrative } from "./narrative.js";
import { formatNumber } from "./numbering.js";
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
}

const SECTIONS: SectionKey[] = ["situation", "practices", "problems", "suggestions"];

const EVIDENCE: Record<SectionKey, (input: EvidenceInput) => Block[]> = {
  situation: situationEvidence,
  practices: practicesEvidence,
  problems: problemsEvidence,
  suggestions: suggestionsEvidence,
};

/**
 * The report as a document model: title, opening with the coverage sentence, the four sections (the
 * author's text with the generated evidence after its first paragraphs) and the appendix. Pure: reads
 * nothing, writes nothing, and the same inputs give the same model.
 */
export function buildReport(tally: TallyResult, survey: Survey, template: Template, opts: BuildOptions = {}): ReportModel {
  const charts = opts.charts ?? true;
  const input: EvidenceInput = { tally, survey, template, charts };
  const narrative = opts.narrative;
  const topic = topicOf(survey.title, template.lang);
  const title = opts.title ?? narrative?.title ?? sentence(template, "title", { title: survey.title });

  const opening: Block[] = [];
  if (narrative?.opening.length) opening.push(...narrative.opening);
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
  opening.push(body(`${coverageSentence(input, opts.reasonLabel ?? ((r) => r))}${gap}${sentence(template, "openingEnd", {})}`));

  const blocks: Block[] = [];
  SECTIONS.forEach((key, i) => {
    blocks.push({ kind: "heading", level: 1, number: formatNumber(template.text.numerals.level1, i + 1), text: template.text.sections[key] });
    const written = narrative?.sections[key] ?? [];
    const evidence = EVIDENCE[key](input);
    const firstHeading = written.findIndex((b) => b.kind === "heading");
    const lead = firstHeading < 0 ? written : written.slice(0, firstHeading);
    const rest = firstHeading < 0 ? [] : written.slice(firstHeading);
    if (!written.length) blocks.push(placeholder(template, key));
    // The author's opening words, then the survey's evidence, then the author's numbered points.
    blocks.push(...lead, ...evidence, ...rest);
  });
  if (opts.appendix ?? true) blocks.push(...appendixBlocks(tally, survey, template, charts));

  const model: ReportModel = {
    lang: template.lang,
    title,
    opening,
    body: blocks,
    meta: { organization: survey.organization, subject: topic },
  };
  numberHeadings(model, template);
  numberCaptions(model, template);
  return model;
}

function body(text: string): Paragraph {
  return { kind: "paragraph", runs: [{ text }] };
}

function placeholder(template: Template, key: SectionKey | "opening"): Paragraph {
  const text = renderPattern(template, template.text.placeholder, { what: template.text.placeholders[key] }, "placeholder");
  return { kind: "paragraph", runs: [{ text, placeholder: true }] };
}

/** 关于农村社区党建工作的调研 → 农村社区党建工作: what the opening sentence says was surveyed. */
export function topicOf(title: string, lang: Template["lang"]): string {
  if (lang === "en") return title.replace(/^(a )?(survey|report|study)( on| of)?\s+/i, "").replace(/\s*(survey|report)$/i, "") || title;
  const m = /^关于(.+?)(的)?(调研|调查|研究)(报告)?$/u.exec(title);
  return m?.[1] ?? title;
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
