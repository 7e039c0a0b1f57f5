import type { IStylesOptions } from "docx";
import type { FontBox, StyleSheet } from "../template.js";

/**
 * Every style of the document, from the template's style sheet, in one place. Units: Word sizes are
 * half-points (3号 16 pt → 32), lengths twips (1/20 pt; 1 mm = 56.69 twips).
 */

export const twipsOfMm = (mm: number): number => Math.round((mm / 25.4) * 1440);
export const halfPoints = (pt: number): number => Math.round(pt * 2);
export const twipsOfPt = (pt: number): number => Math.round(pt * 20);

/** The paragraph style ids the renderer uses. */
export const STYLE = {
  body: "Normal",
  title: "Title",
  heading1: "Heading1",
  heading2: "Heading2",
  heading3: "Heading3",
  caption: "Caption",
  table: "TableText",
  tableCompact: "TableTextCompact",
  plain: "Plain",
  label: "Label",
  signature: "Signature",
  footer: "Footer",
} as const;

/**
 * The font of a run: Latin letters and digits in the sheet's Latin face (Times New Roman), Chinese in the
 * box's face written as `w:eastAsia`, which is where Word and WPS look for it.
 */
export function fonts(box: FontBox, latin: string) {
  const latinFace = /[^\x00-\x7f]/.test(box.font) ? latin : box.font;
  return { ascii: latinFace, hAnsi: latinFace, eastAsia: box.font, cs: latinFace };
}

function run(box: FontBox, latin: string, lang?: string) {
  return {
    // The language decides line breaking: zh-CN keeps LibreOffice from treating “…” as word boundaries.
    ...(lang ? { language: { value: lang === "en" ? "en-GB" : "en-US", eastAsia: "zh-CN" } } : {}),
    font: fonts(box, latin),
    size: halfPoints(box.size),
    sizeComplexScript: halfPoints(box.size),
    bold: box.bold ?? false,
    italics: box.italic ?? false,
    color: "000000",
  };
}

export function documentStyles(s: StyleSheet, lang: "zh-CN" | "en"): IStylesOptions {
  const exact = { line: twipsOfPt(s.line), lineRule: "exact" as const, before: 0, after: 0 };
  const bodyIndent = s.body.firstLineChars ?? 2;
  const heading = (id: string, name: string, box: FontBox, outlineLevel: number) => ({
    id,
    name,
    basedOn: STYLE.body,
    next: STYLE.body,
    quickFormat: true,
    run: run(box, s.latin),
    paragraph: {
      spacing: exact,
      // Headings start where body paragraphs do: two characters in (GB/T 9704), none in English.
      indent: { firstLine: twipsOfPt(box.size * bodyIndent), firstLineChars: Math.round(bodyIndent * 100) },
      keepNext: true,
      outlineLevel,
    },
  });
  return {
    default: {
      document: { run: run(s.body, s.latin, lang), paragraph: { spacing: exact } },
    },
    paragraphStyles: [
      {
        id: STYLE.body,
        name: "Normal",
        quickFormat: true,
        run: run(s.body, s.latin, lang),
        paragraph: {
          spacing: { ...exact, after: s.body.spaceAfter ? twipsOfPt(s.body.spaceAfter) : 0 },
          indent: { firstLine: twipsOfPt(s.body.size * bodyIndent), firstLineChars: Math.round(bodyIndent * 100) },
          alignment: "both",
        },
      },
      {
        id: STYLE.title,
        name: "Title",
        basedOn: STYLE.body,
        next: STYLE.body,
        quickFormat: true,
        run: run(s.title, s.latin),
        paragraph: {
          alignment: s.title.align === "left" ? "left" : "center",
          indent: { firstLine: 0, firstLineChars: 0 },
          // The title is as tall as its size needs; one blank line (at body spacing) follows it.
          spacing: { line: twipsOfPt(Math.max(s.line, s.title.size * 1.3)), lineRule: "exact", before: 0, after: twipsOfPt(s.line * (s.title.spaceAfter ?? 1)) },
          outlineLevel: 0,
        },
      },
      heading(STYLE.heading1, "heading 1", s.heading1, 0),
      heading(STYLE.heading2, "heading 2", s.heading2, 1),
      heading(STYLE.heading3, "heading 3", s.heading3, 2),
      {
        id: STYLE.plain,
        name: "Plain",
        basedOn: STYLE.body,
        quickFormat: true,
        paragraph: { indent: { firstLine: 0, firstLineChars: 0 } },
      },
      {
        id: STYLE.signature,
        name: "Signature",
        basedOn: STYLE.body,
        quickFormat: true,
        // 落款 and 成文日期 flush right, four characters in from the margin (GB/T 9704 §7.3.5.1).
        paragraph: { alignment: "right", indent: { firstLine: 0, firstLineChars: 0, right: twipsOfPt(s.body.size * 4) }, keepLines: true, keepNext: true },
      },
      {
        id: STYLE.label,
        name: "Label",
        basedOn: STYLE.body,
        next: STYLE.body,
        quickFormat: true,
        // 附件 at the top left of its page, in the level-1 heading's face (GB/T 9704 §8).
        run: run(s.heading1, s.latin),
        paragraph: { indent: { firstLine: 0, firstLineChars: 0 }, keepNext: true },
      },
      {
        id: STYLE.caption,
        name: "caption",
        basedOn: STYLE.body,
        next: STYLE.body,
        quickFormat: true,
        run: run(s.caption, s.latin),
        paragraph: {
          alignment: "center",
          indent: { firstLine: 0, firstLineChars: 0 },
          spacing: { line: twipsOfPt(s.line), lineRule: "exact", before: 0, after: 0 },
          keepNext: true,
        },
      },
      {
        id: STYLE.table,
        name: "Table Text",
        basedOn: STYLE.body,
        quickFormat: true,
        run: run(s.table, s.latin),
        paragraph: {
          alignment: "left",
          indent: { firstLine: 0, firstLineChars: 0 },
          spacing: { line: twipsOfPt(s.table.line ?? s.table.size * 1.5), lineRule: "exact", before: 0, after: 0 },
        },
      },
      {
        id: STYLE.tableCompact,
        name: "Table Text Compact",
        basedOn: STYLE.table,
        quickFormat: true,
        // Wide tables (a matrix's rows × options): one size down (小四 → 五号), so cells stay on one line.
        run: { size: halfPoints(Math.max(8, s.table.size - 1.5)), sizeComplexScript: halfPoints(Math.max(8, s.table.size - 1.5)) },
        paragraph: { spacing: { line: twipsOfPt((s.table.line ?? s.table.size * 1.5) - 2), lineRule: "exact", before: 0, after: 0 } },
      },
      {
        id: STYLE.footer,
        name: "footer",
        basedOn: STYLE.body,
        run: run(s.footer, s.latin),
        paragraph: { indent: { firstLine: 0, firstLineChars: 0 }, spacing: { line: 240, lineRule: "auto", before: 0, after: 0 } },
      },
    ],
  };
}
