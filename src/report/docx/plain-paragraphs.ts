import { escapeXml } from "./xml-safe.js";

/**
 * The appendix lists open answers verbatim: a 5,000-answer survey gives ten thousand paragraphs of one
 * plain run each, and building them as docx objects took most of the report's time (1.3 s of 2.4 s for
 * the 60-question bench). Such paragraphs are written here as the XML docx itself writes for
 * `new Paragraph({ style, children: [new TextRun(text)] })` — test/report-plain.test.ts proves the bytes
 * equal — and, with the other blocks of block-xml.ts, put in place of a marker paragraph after docx has
 * compiled the document.
 */

/** U+FDD0 is a noncharacter: `xmlSafe` drops it from every text, so no answer can contain a marker. */
const MARK = "\ufdd0";
const MARKER_PARAGRAPH = new RegExp(`<w:p>(?:(?!</w:p>).)*?${MARK}(\\d+)${MARK}(?:(?!</w:p>).)*?</w:p>`, "gs");

export function markerText(index: number): string {
  return `${MARK}${index}${MARK}`;
}

export function plainParagraphXml(styleId: string, text: string): string {
  return `<w:p><w:pPr><w:pStyle w:val="${styleId}"/></w:pPr><w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
}

/** Puts each block of prepared paragraphs where its marker paragraph is in word/document.xml. */
export function substituteMarkers(documentXml: string, blocks: readonly string[]): string {
  if (blocks.length === 0) return documentXml;
  return documentXml.replace(MARKER_PARAGRAPH, (whole, index: string) => blocks[Number(index)] ?? whole);
}
