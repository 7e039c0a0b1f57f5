import type { Block, Paragraph, TextRun } from "../model.js";
import type { StyleSheet } from "../template.js";
import { escapeXml } from "./xml-safe.js";
import { plainParagraphXml } from "./plain-paragraphs.js";
import { STYLE, twipsOfPt } from "./styles.js";
import { threeLineTableXml, writesTable } from "./three-line-table.js";

/**
 * The report's blocks as the XML docx writes for the objects render.ts would build for them, written
 * directly: building and serialising docx objects for every heading, paragraph and table was most of the
 * render. Figures, and tables with ragged rows, are left to docx (undefined). test/report-block-xml.test.ts
 * renders models both ways and compares the bytes.
 */

export const PARAGRAPH_STYLE = { body: STYLE.body, plain: STYLE.plain, label: STYLE.label, title: STYLE.title, signature: STYLE.signature } as const;

/** A heading's paragraph style id. */
export function headingStyle(level: number): string {
  return level === 1 ? STYLE.heading1 : level === 2 ? STYLE.heading2 : STYLE.heading3;
}

/** The text of a bullet or number before a paragraph's runs. */
export function markerPrefix(marker: string | undefined): string {
  return marker ? `${marker}${marker === "•" ? " " : ""}` : "";
}

export function blockXml(b: Block, style: StyleSheet): string | undefined {
  switch (b.kind) {
    case "heading":
      return plainParagraphXml(headingStyle(b.level), `${b.number}${b.text}`);
    case "paragraph":
      return paragraphXml(b, style);
    case "table":
      if (!writesTable(b)) return undefined;
      return plainParagraphXml(STYLE.caption, b.caption) + threeLineTableXml(b, style) + spacerXml(style);
    case "pageBreak":
      return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>';
    case "figure":
      return undefined;
  }
}

/** An empty line after a table or figure, so the next paragraph does not touch the rule or the caption. */
export function spacerXml(style: StyleSheet): string {
  return `<w:p><w:pPr><w:pStyle w:val="${STYLE.plain}"/><w:spacing w:line="${twipsOfPt(style.line / 2)}" w:lineRule="exact"/></w:pPr></w:p>`;
}

/** A paragraph of one plain run (every open answer): its style id and text, which docx writes as one run; else undefined. */
export function plainParagraph(b: Block): { style: string; text: string } | undefined {
  if (b.kind !== "paragraph" || b.runs.length !== 1) return undefined;
  const run = b.runs[0]!;
  if (run.bold || run.italic || run.placeholder || run.text.includes("\n")) return undefined;
  return { style: PARAGRAPH_STYLE[b.style ?? "body"], text: `${markerPrefix(b.marker)}${run.text}` };
}

/**
 * Whether a paragraph is a run-in heading: all its text bold, as the appendix's "第1题 …" and a narrative's
 * `**小标题**` line are. It then keeps with the next paragraph, as a heading does, instead of staying alone
 * at the foot of a page.
 */
export function boldHeading(p: Paragraph): boolean {
  return !p.marker && p.runs.some((r) => r.text.trim() !== "") && p.runs.every((r) => r.bold || r.text.trim() === "");
}

function paragraphXml(p: Paragraph, style: StyleSheet): string {
  const plain = plainParagraph(p);
  if (plain) return plainParagraphXml(plain.style, plain.text);
  const runs = p.runs.flatMap((r) => runXml(r, style)).join("");
  const marker = p.marker ? `<w:r><w:t xml:space="preserve">${escapeXml(markerPrefix(p.marker))}</w:t></w:r>` : "";
  return `<w:p><w:pPr><w:pStyle w:val="${PARAGRAPH_STYLE[p.style ?? "body"]}"/>${boldHeading(p) ? "<w:keepNext/>" : ""}</w:pPr>${marker}${runs}</w:p>`;
}

/** A model run: one docx run per line, a line break before each but the first; a placeholder highlighted. */
function runXml(r: TextRun, style: StyleSheet): string[] {
  let props = "";
  if (r.bold !== undefined) props += r.bold ? "<w:b/><w:bCs/>" : '<w:b w:val="false"/><w:bCs w:val="false"/>';
  if (r.italic !== undefined) props += r.italic ? "<w:i/><w:iCs/>" : '<w:i w:val="false"/><w:iCs w:val="false"/>';
  if (r.placeholder) props += `<w:highlight w:val="${escapeXml(style.placeholder.highlight)}"/>`;
  const rPr = props ? `<w:rPr>${props}</w:rPr>` : "";
  return r.text.split("\n").map((text, i) => `<w:r>${rPr}${i > 0 ? "<w:br/>" : ""}<w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r>`);
}
