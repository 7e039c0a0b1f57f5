import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HighlightColor,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type IBorderOptions,
  type ParagraphChild,
} from "docx";
import JSZip from "jszip";
import type { Block, Figure, ReportModel, Table as TableBlock, TextRun as ModelRun } from "../model.js";
import type { StyleSheet } from "../template.js";
import { chartRun } from "./charts.js";
import { documentStyles, fonts, halfPoints, STYLE, twipsOfMm, twipsOfPt } from "./styles.js";

/**
 * Renders a report model as a .docx. Layout after GB/T 9704-2012: A4, margins from the style sheet, page
 * numbers "— 1 —" at the foot, odd pages right and even pages left; three-line tables with captions above,
 * native Word charts with captions below. The bytes depend only on the model, the style sheet and `date`.
 */
export async function renderDocx(model: ReportModel, style: StyleSheet, date: Date): Promise<Buffer> {
  const children = [
    new Paragraph({ style: STYLE.title, children: [new TextRun(model.title)] }),
    ...model.opening.flatMap((b) => block(b, style)),
    ...model.body.flatMap((b) => block(b, style)),
  ];
  const face = (f: string) => ({ latin: style.latin, eastAsia: f, scripts: { Hans: f } });
  const doc = new Document({
    title: model.title,
    subject: model.meta.subject,
    creator: model.meta.organization ?? "survey",
    lastModifiedBy: "survey",
    revision: 1,
    styles: documentStyles(style, model.lang),
    // Charts take their text from the theme's fonts: without East Asian faces here, Chinese labels in
    // charts fall back to whatever the reader's default is.
    theme: { fonts: { headings: face(style.heading1.font), body: face(style.chart.font) } },
    evenAndOddHeaderAndFooters: true,
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: {
              top: twipsOfMm(style.page.margins.top),
              bottom: twipsOfMm(style.page.margins.bottom),
              left: twipsOfMm(style.page.margins.left),
              right: twipsOfMm(style.page.margins.right),
              header: twipsOfMm(15),
              footer: twipsOfMm(20),
            },
          },
        },
        // Word needs an even header as well, or even pages lose their footer too.
        headers: { default: new Header({ children: [] }), even: new Header({ children: [] }) },
        footers: { default: pageFooter(style, "odd"), even: pageFooter(style, "even") },
        children,
      },
    ],
  });
  const packed = await Packer.toBuffer(doc);
  return reproducible(packed, date);
}

/** "— 1 —" in 4号 宋体: odd pages at the right, even pages at the left, one character in from the edge. */
function pageFooter(style: StyleSheet, side: "odd" | "even"): Footer {
  const [before, after] = (style.footer.text ?? "— {PAGE} —").split("{PAGE}");
  const inset = twipsOfPt(style.footer.size);
  const runFont = { font: fonts(style.footer, style.latin), size: halfPoints(style.footer.size) };
  return new Footer({
    children: [
      new Paragraph({
        style: STYLE.footer,
        alignment: side === "odd" ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === "odd" ? { right: inset } : { left: inset },
        children: [new TextRun({ ...runFont, children: [before ?? "", PageNumber.CURRENT, after ?? ""] })],
      }),
    ],
  });
}

function block(b: Block, style: StyleSheet): (Paragraph | Table)[] {
  switch (b.kind) {
    case "heading": {
      const id = b.level === 1 ? STYLE.heading1 : b.level === 2 ? STYLE.heading2 : STYLE.heading3;
      return [new Paragraph({ style: id, children: [new TextRun(`${b.number}${b.text}`)] })];
    }
    case "paragraph": {
      const runs: ParagraphChild[] = [];
      if (b.marker) runs.push(new TextRun(`${b.marker}${b.marker === "•" ? " " : ""}`));
      runs.push(...b.runs.flatMap((r) => textRuns(r, style)));
      const paraStyle = b.style === "plain" || b.style === "centered" ? STYLE.plain : STYLE.body;
      return [new Paragraph({ style: paraStyle, alignment: b.style === "centered" ? AlignmentType.CENTER : undefined, children: runs })];
    }
    case "table":
      return [new Paragraph({ style: STYLE.caption, children: [new TextRun(b.caption)] }), threeLineTable(b, style), spacer(style)];
    case "figure":
      return figure(b, style);
    case "pageBreak":
      return [new Paragraph({ children: [new PageBreak()] })];
  }
}

/** Model runs → docx runs; a line break inside a run becomes a break, a placeholder is highlighted. */
function textRuns(r: ModelRun, style: StyleSheet): TextRun[] {
  return r.text.split("\n").map(
    (text, i) =>
      new TextRun({
        text,
        break: i > 0 ? 1 : undefined,
        bold: r.bold,
        italics: r.italic,
        highlight: r.placeholder ? (style.placeholder.highlight as (typeof HighlightColor)[keyof typeof HighlightColor]) : undefined,
      }),
  );
}

const RULE_THICK: IBorderOptions = { style: BorderStyle.SINGLE, size: 12, color: "000000" }; // 1.5 pt
const RULE_THIN: IBorderOptions = { style: BorderStyle.SINGLE, size: 6, color: "000000" }; // 0.75 pt
const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: "auto" };

/** 三线表: a thick rule above and below the table, a thin one under the header, no vertical lines. */
function threeLineTable(t: TableBlock, style: StyleSheet): Table {
  // The type area: A4's 11906 twips less the side margins.
  const textWidth = 11906 - twipsOfMm(style.page.margins.left) - twipsOfMm(style.page.margins.right);
  const align = (i: number) => (t.align[i] === "right" ? AlignmentType.RIGHT : t.align[i] === "center" ? AlignmentType.CENTER : AlignmentType.LEFT);
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      borders: header ? { bottom: RULE_THIN, top: NONE, left: NONE, right: NONE } : { top: NONE, bottom: NONE, left: NONE, right: NONE },
      margins: { left: t.compact ? 40 : 80, right: t.compact ? 40 : 80 },
      children: [
        new Paragraph({
          style: t.compact ? STYLE.tableCompact : STYLE.table,
          alignment: header ? AlignmentType.CENTER : align(i),
          children: [new TextRun({ text, bold: header })],
        }),
      ],
    });
  const rows = [
    new TableRow({ tableHeader: true, cantSplit: true, children: t.header.map((h, i) => cell(h, i, true)) }),
    ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
    ...(t.footer ? [new TableRow({ cantSplit: true, children: t.footer.map((c, i) => cell(c, i, false)) })] : []),
  ];
  // The first column holds the labels: it gets two or three shares of the width, the numbers one each.
  const weights = t.header.map((_, i) => (i === 0 ? (t.header.length <= 3 ? 3 : 2) : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: weights.map((w) => Math.floor((textWidth * w) / total)),
    layout: TableLayoutType.FIXED,
    borders: { top: RULE_THICK, bottom: RULE_THICK, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE },
    rows,
  });
}

function figure(f: Figure, style: StyleSheet): Paragraph[] {
  return [
    new Paragraph({ style: STYLE.plain, alignment: AlignmentType.CENTER, keepNext: true, spacing: { line: 240, lineRule: "auto" }, children: [chartRun(f, style)] }),
    new Paragraph({ style: STYLE.caption, children: [new TextRun(f.caption)] }),
    spacer(style),
  ];
}

/** An empty line after a table or figure, so the next paragraph does not touch the rule or the caption. */
function spacer(style: StyleSheet): Paragraph {
  return new Paragraph({ style: STYLE.plain, spacing: { line: twipsOfPt(style.line / 2), lineRule: "exact" }, children: [] });
}

/**
 * Same input, same bytes. docx stamps the current time into docProps/core.xml, JSZip into every zip entry
 * (also inside each chart's embedded workbook), and docx/charts names relationships with random ids. The
 * times become `date` (SOURCE_DATE_EPOCH or a fixed date) and the random ids are renumbered in order of
 * first appearance, which depends only on the document, as are drawings' ids.
 */
async function reproducible(packed: Buffer, date: Date): Promise<Buffer> {
  const stamp = date.toISOString().replace(/\.\d{3}Z$/, "Z");
  const ids = new Map<string, string>();
  let drawings = 0;
  const renumber = (xml: string) =>
    xml.replace(RANDOM_ID, (id) => {
      let fixed = ids.get(id);
      if (!fixed) ids.set(id, (fixed = `rIdS${ids.size + 1}`));
      return fixed;
    });
  return rezip(packed, date, (name, data) => {
    if (name.endsWith(".xlsx")) return rezip(data, date, (_, inner) => inner);
    if (!/\.(xml|rels)$/.test(name)) return data;
    // docx numbers drawings with a counter that lives as long as the process: count from 1 per document.
    let xml = renumber(data.toString("utf8")).replace(/(<wp:docPr id=")\d+/g, (_, head: string) => `${head}${++drawings}`);
    if (name === "docProps/core.xml") {
      xml = xml
        .replace(/(<dcterms:created[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${stamp}$2`)
        .replace(/(<dcterms:modified[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${stamp}$2`);
    }
    return Buffer.from(xml, "utf8");
  });
}

/** docx/charts' relationship ids: "rId" and 21 characters of nanoid's alphabet, lower-cased. */
const RANDOM_ID = /rId[a-z0-9_-]{21}(?=")/g;

/** Rewrites a zip with its entries in name order, each dated `date` and passed through `edit`. */
async function rezip(zipped: Buffer, date: Date, edit: (name: string, data: Buffer) => Buffer | Promise<Buffer>): Promise<Buffer> {
  const zip = await JSZip.loadAsync(zipped);
  const out = new JSZip();
  // [Content_Types].xml sorts first, where readers look for it.
  for (const name of Object.keys(zip.files).sort()) {
    const entry = zip.files[name]!;
    if (entry.dir) continue;
    out.file(name, await edit(name, await entry.async("nodebuffer")), { date, createFolders: false });
  }
  return out.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 6 }, platform: "UNIX" });
}
