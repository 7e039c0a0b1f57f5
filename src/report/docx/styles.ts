import type { IStylesOptions } from "docx";
import type { FontBox, StyleSheet } from "../template.js";

/**
 * Every style of the document, from the template's style sheet, in one place. Units: Word sizes are
 * half-points (3号 16 pt → 32), lengths twips (1/20 pt; 1 mm = 56.69 twips).
 */

export const twipsOfMm = (mm: number): number => Math.round((mm / 25.4) * 1440);
export const halfPoints = (pt: number): number => Math.round(pt * 2);
export const twipsOfPt = (pt: number): number => Math.round(pt * 20);

/**
 * How wide a text sets, in ems of its size: CJK and other wide characters one em, the narrow rest (digits,
 * Latin letters, %, ASCII punctuation) six tenths, a generous estimate for Times New Roman and its stand-ins.
 * Quotation marks “” count as wide: Chinese faces set them a full em.
 */
export function textEms(text: string): number {
  let ems = 0;
  for (const ch of text) ems += (ch.codePointAt(0) ?? 0) >= 0x1100 ? 1 : 0.6;
  return ems;
}

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

/** The type area in twips: A4 less the margins. */
export const typeWidth = (s: StyleSheet): number => 11906 - twipsOfMm(s.page.margins.left) - twipsOfMm(s.page.margins.right);
export const typeHeight = (s: StyleSheet): number => 16838 - twipsOfMm(s.page.margins.top) - twipsOfMm(s.page.margins.bottom);

/**
 * The document grid of the style sheet's `grid` (GB/T 9704: 28 characters × 22 lines on a 156 × 225 mm type
 * area), or undefined. `linePitch` is the type area's height over the lines, in twips (225 mm / 22 = 579);
 * `condense` is the character spacing, in twips, that makes body-size text (3号, 16 pt) fit `chars` to the
 * line: 28 × 16 pt = 448 pt is wider than 156 mm (442 pt), so each character is set 0.25 pt closer (315 twips
 * a character, 28 of them 8,820 of the 8,845 twips). `charSpace` is the pitch Word's character grid would
 * give (in 1/4096 pt over the body size: -841 for 28 characters), written for an author who switches Word's
 * Page Setup to a character grid.
 *
 * Why spacing and not Word's character grid (docGrid type="linesAndChars"): LibreOffice (7.4 here) sets a
 * character that is wider than the grid's pitch in two cells, so 16 pt characters on a 15.8 pt grid come out
 * 14 to the line, and it ignores character spacing in a document with a character grid, so no setting gives
 * it 28. A line grid with condensed characters gives 28 × 22 in both Word and LibreOffice.
 */
export function documentGrid(s: StyleSheet): { linePitch: number; charSpace: number; condense: number } | undefined {
  if (!s.grid) return undefined;
  const pitch = typeWidth(s) / s.grid.chars;
  return {
    linePitch: Math.floor(typeHeight(s) / s.grid.lines),
    charSpace: Math.round((pitch / 20 - s.body.size) * 4096),
    condense: Math.min(0, Math.floor(pitch) - twipsOfPt(s.body.size)),
  };
}

function run(box: FontBox, latin: string, lang?: string, characterSpacing?: number) {
  return {
    // The language decides line breaking: zh-CN keeps LibreOffice from treating “…” as word boundaries.
    ...(lang ? { language: { value: lang === "en" ? "en-GB" : "en-US", eastAsia: "zh-CN" } } : {}),
    font: fonts(box, latin),
    size: halfPoints(box.size),
    sizeComplexScript: halfPoints(box.size),
    bold: box.bold ?? false,
    italics: box.italic ?? false,
    color: "000000",
    ...(characterSpacing !== undefined ? { characterSpacing } : {}),
  };
}

export function documentStyles(s: StyleSheet, lang: "zh-CN" | "en"): IStylesOptions {
  const exact = { line: twipsOfPt(s.line), lineRule: "exact" as const, before: 0, after: 0 };
  const bodyIndent = s.body.firstLineChars ?? 2;
  const grid = documentGrid(s);
  // Text of the body's size is set to the grid's pitch; every other size at its own (typesetDefaults
  // writes their 0, which docx leaves out).
  const spacing = (box: FontBox) => (grid && box.size === s.body.size && grid.condense ? grid.condense : undefined);
  const heading = (id: string, name: string, box: FontBox, outlineLevel: number) => ({
    id,
    name,
    basedOn: STYLE.body,
    next: STYLE.body,
    quickFormat: true,
    run: run(box, s.latin, undefined, spacing(box)),
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
        run: run(s.body, s.latin, lang, spacing(s.body)),
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
        run: run(s.title, s.latin, undefined, spacing(s.title)),
        paragraph: {
          alignment: s.title.align === "left" ? "left" : "center",
          indent: { firstLine: 0, firstLineChars: 0 },
          // The title is as tall as its size needs; one blank line (at body spacing) follows it.
          spacing: { line: twipsOfPt(Math.max(s.line, s.title.size * 1.3)), lineRule: "exact", before: 0, after: twipsOfPt(s.line * (s.title.spaceAfter ?? 1)) },
          outlineLevel: 0,
          // The appendix's title stays with its first question.
          keepNext: true,
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
        run: run(s.heading1, s.latin, undefined, spacing(s.heading1)),
        paragraph: { indent: { firstLine: 0, firstLineChars: 0 }, keepNext: true },
      },
      {
        id: STYLE.caption,
        name: "caption",
        basedOn: STYLE.body,
        next: STYLE.body,
        quickFormat: true,
        run: run(s.caption, s.latin, undefined, spacing(s.caption)),
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
        run: run(s.table, s.latin, undefined, spacing(s.table)),
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
        run: run(s.footer, s.latin, undefined, spacing(s.footer)),
        paragraph: { indent: { firstLine: 0, firstLineChars: 0 }, spacing: { line: 240, lineRule: "auto", before: 0, after: 0 } },
      },
    ],
  };
}

/**
 * What docx cannot write into the document's default paragraph properties, put into word/styles.xml:
 * - in Chinese, no automatic space between Chinese and Latin text or digits (w:autoSpaceDE/DN off): Word
 *   otherwise adds about a quarter em on each side of every number, so that a line with numbers holds
 *   fewer characters than the grid's and stretches further when justified. (LibreOffice 7.4 ignores these
 *   two elements on import and always adds its own, smaller, space.)
 * - with a grid, no paragraph snaps to it (w:snapToGrid off): the exact line spacing already gives the grid's
 *   lines, and LibreOffice draws a table row that snaps to a 28.9 pt grid two lines high.
 * The elements go first in w:pPr, where the schema's order puts them before w:spacing.
 */
export function typesetDefaults(stylesXml: string, s: StyleSheet, lang: "zh-CN" | "en"): string {
  const add = (lang === "zh-CN" ? '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>' : "") + (s.grid ? '<w:snapToGrid w:val="0"/>' : "");
  let xml = add ? stylesXml.replace("<w:pPrDefault><w:pPr>", `<w:pPrDefault><w:pPr>${add}`) : stylesXml;
  // A style of another size than the body's does not inherit the body's condensing: docx does not write a
  // character spacing of 0, so it goes in here, where the schema's order puts it, before w:sz.
  if (documentGrid(s)?.condense) {
    const body = `<w:sz w:val="${halfPoints(s.body.size)}"/>`;
    xml = xml.replace(/<w:style [^>]*>.*?<\/w:style>/gs, (st) =>
      /<w:sz w:val="\d+"\/>/.test(st) && !st.includes(body) && !st.includes("<w:spacing w:val=") ? st.replace(/<w:sz w:val=/, '<w:spacing w:val="0"/><w:sz w:val=') : st,
    );
  }
  return xml;
}
