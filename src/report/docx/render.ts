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
import { markerText, MIN_RUN, plainParagraphXml, substituteMarkers } from "./plain-paragraphs.js";
import { xmlSafe } from "./xml-safe.js";
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate";
import type { Block, Figure, ReportModel, Table as TableBlock, TextRun as ModelRun } from "../model.js";
import type { StyleSheet } from "../template.js";
import { chartOptions } from "./charts.js";
import { barSpec, type BarSpec } from "./chart-xml.js";
import { addChartParts, chartMarkerText, substituteChartMarkers } from "./chart-parts.js";
import type { FontSource } from "../image/font.js";
import { documentStyles, fonts, halfPoints, STYLE, twipsOfMm, twipsOfPt } from "./styles.js";

export interface RenderOptions {
  /** Draw figures as PNG images in this font (image-charts.ts) instead of as native, editable Word charts. */
  chartImages?: FontSource;
  /**
   * "docx": native charts from docx/charts' ChartRun even where chart-xml.ts writes them. The two give the
   * same bytes; tests compare them.
   */
  chartWriter?: "docx";
}

/**
 * Renders a report model as a .docx. Layout after GB/T 9704-2012: A4, margins from the style sheet, page
 * numbers "— 1 —" at the foot, odd pages right and even pages left; three-line tables with captions above,
 * native Word charts (or, with `chartImages`, PNG images) with captions below. The bytes depend only on
 * the model, the style sheet, `date` and the options.
 */
export async function renderDocx(unsafe: ReportModel, style: StyleSheet, date: Date, options: RenderOptions = {}): Promise<Buffer> {
  const model = xmlSafe(unsafe);
  const { runs, fast } = await figureRuns([...model.opening, ...model.body].filter((b): b is Figure => b.kind === "figure"), style, options);
  const prepared: string[] = [];
  const children = [
    new Paragraph({ style: STYLE.title, children: [new TextRun(model.title)] }),
    ...blocks(model.opening, style, runs, prepared),
    ...blocks(model.body, style, runs, prepared),
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
  const parts = await packageParts(doc);
  const drawings = addChartParts(parts, fast);
  return reproducible(parts, date, prepared, drawings);
}

/**
 * What stands in each figure's paragraph: an image, a ChartRun, or a marker for a chart that chart-xml.ts
 * writes (`fast`, in document order). ChartRun draws all of them if it must draw one, so the charts keep
 * one numbering. The images are drawn here because that is asynchronous and the builders are not.
 */
async function figureRuns(figures: Figure[], style: StyleSheet, options: RenderOptions): Promise<{ runs: Map<Figure, ParagraphChild>; fast: BarSpec[] }> {
  if (options.chartImages) return { runs: await (await import("./image-charts.js")).imageChartRuns(figures, style, options.chartImages), fast: [] };
  const all = figures.map((f) => chartOptions(f, style));
  const specs = all.map(barSpec);
  if (options.chartWriter !== "docx" && specs.every((s): s is BarSpec => s !== undefined)) {
    return { runs: new Map(figures.map((f, i) => [f, new TextRun(chartMarkerText(i))])), fast: specs };
  }
  // Loaded only here: docx/charts is a large module that the usual report does not need.
  const { ChartRun } = await import("docx/charts");
  return { runs: new Map(figures.map((f, i) => [f, new ChartRun(all[i]!)])), fast: [] };
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

/**
 * The document's blocks as docx objects, except long runs of plain paragraphs (open answers), which are
 * prepared as XML in `prepared` and stand in the document as one marker paragraph each.
 */
function blocks(list: Block[], style: StyleSheet, figures: Map<Figure, ParagraphChild>, prepared: string[]): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  for (let i = 0; i < list.length; ) {
    let end = i;
    while (end < list.length && plainParagraph(list[end]!)) end++;
    if (end - i >= MIN_RUN) {
      const xml = list.slice(i, end).map((b) => {
        const p = plainParagraph(b)!;
        return plainParagraphXml(p.style, p.text);
      });
      out.push(new Paragraph({ children: [new TextRun(markerText(prepared.push(xml.join("")) - 1))] }));
      i = end;
    } else {
      out.push(...block(list[i]!, style, figures));
      i++;
    }
  }
  return out;
}

/** A paragraph of one plain run (every open answer): its style id and text, else undefined. */
function plainParagraph(b: Block): { style: string; text: string } | undefined {
  if (b.kind !== "paragraph" || b.runs.length !== 1) return undefined;
  const run = b.runs[0]!;
  if (run.bold || run.italic || run.placeholder || run.text.includes("\n")) return undefined;
  const marker = b.marker ? `${b.marker}${b.marker === "•" ? " " : ""}` : "";
  return { style: { body: STYLE.body, plain: STYLE.plain, label: STYLE.label, title: STYLE.title }[b.style ?? "body"], text: `${marker}${run.text}` };
}

function block(b: Block, style: StyleSheet, figures: Map<Figure, ParagraphChild>): (Paragraph | Table)[] {
  switch (b.kind) {
    case "heading": {
      const id = b.level === 1 ? STYLE.heading1 : b.level === 2 ? STYLE.heading2 : STYLE.heading3;
      return [new Paragraph({ style: id, children: [new TextRun(`${b.number}${b.text}`)] })];
    }
    case "paragraph": {
      const plain = plainParagraph(b);
      if (plain) return [new Paragraph({ style: plain.style, children: [new TextRun(plain.text)] })];
      const runs: ParagraphChild[] = [];
      if (b.marker) runs.push(new TextRun(`${b.marker}${b.marker === "•" ? " " : ""}`));
      runs.push(...b.runs.flatMap((r) => textRuns(r, style)));
      const paraStyle = { body: STYLE.body, plain: STYLE.plain, label: STYLE.label, title: STYLE.title }[b.style ?? "body"];
      return [new Paragraph({ style: paraStyle, children: runs })];
    }
    case "table":
      return [new Paragraph({ style: STYLE.caption, children: [new TextRun(b.caption)] }), threeLineTable(b, style), spacer(style)];
    case "figure":
      return figure(b, style, figures.get(b)!);
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

function figure(f: Figure, style: StyleSheet, run: ParagraphChild): Paragraph[] {
  return [
    new Paragraph({ style: STYLE.plain, alignment: AlignmentType.CENTER, keepNext: true, spacing: { line: 240, lineRule: "auto" }, children: [run] }),
    new Paragraph({ style: STYLE.caption, children: [new TextRun(f.caption)] }),
    spacer(style),
  ];
}

/** An empty line after a table or figure, so the next paragraph does not touch the rule or the caption. */
function spacer(style: StyleSheet): Paragraph {
  return new Paragraph({ style: STYLE.plain, spacing: { line: twipsOfPt(style.line / 2), lineRule: "exact" }, children: [] });
}

/**
 * The files of the package by path. docx's compiler gives them before zipping, which saves compressing
 * everything twice (docx's zip, then ours); if a later docx hides it, its zip is unpacked instead.
 */
async function packageParts(doc: Document): Promise<Record<string, Uint8Array>> {
  const compiler = (Packer as unknown as { compiler?: { compile?: (file: Document) => Map<string, string | Uint8Array> } }).compiler;
  if (typeof compiler?.compile !== "function") return unzipSync(await Packer.toBuffer(doc));
  const parts: Record<string, Uint8Array> = {};
  for (const [path, data] of compiler.compile(doc)) parts[path] = typeof data === "string" ? strToU8(data) : data;
  return parts;
}

/**
 * Same input, same bytes. docx stamps the current time into docProps/core.xml and every zip entry (also
 * inside each chart's embedded workbook), and docx/charts names relationships with random ids. The times
 * become `date` (SOURCE_DATE_EPOCH or a fixed date) and the random ids are renumbered in order of first
 * appearance, which depends only on the document, as are drawings' ids. `charts` are the drawings of
 * chart-xml.ts' charts, put in before the ids are counted so that they are counted as ChartRun's are.
 */
function reproducible(parts: Record<string, Uint8Array>, date: Date, prepared: readonly string[], charts: readonly string[]): Buffer {
  const stamp = date.toISOString().replace(/\.\d{3}Z$/, "Z");
  const ids = new Map<string, string>();
  let drawings = 0;
  const renumber = (xml: string) =>
    xml.replace(RANDOM_ID, (id) => {
      let fixed = ids.get(id);
      if (!fixed) ids.set(id, (fixed = `rIdS${ids.size + 1}`));
      return fixed;
    });
  return zipParts(parts, date, (name, data) => {
    if (name.endsWith(".xlsx")) return redate(data, date);
    if (!/\.(xml|rels)$/.test(name)) return data;
    const text = name === "word/document.xml" ? substituteChartMarkers(strFromU8(data), charts) : strFromU8(data);
    // docx numbers drawings with a counter that lives as long as the process: count from 1 per document.
    let xml = renumber(text).replace(/(<wp:docPr id=")\d+/g, (_, head: string) => `${head}${++drawings}`);
    if (name.startsWith("word/charts/chart")) xml = unwrapDataLabels(xml);
    // After renumbering: the prepared paragraphs are the user's text, never ids.
    if (name === "word/document.xml") xml = substituteMarkers(xml, prepared);
    if (name === "docProps/core.xml") {
      xml = xml
        .replace(/(<dcterms:created[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${stamp}$2`)
        .replace(/(<dcterms:modified[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${stamp}$2`);
    }
    return strToU8(xml);
  });
}

/**
 * docx/charts writes data labels as text boxes that wrap ("square"): LibreOffice then breaks "56人，17.5%"
 * into three lines beside its bar. A label is one short line, so it must not wrap.
 */
function unwrapDataLabels(xml: string): string {
  return xml.replace(/<c:dLbls?>[\s\S]*?<\/c:dLbls?>/g, (labels) => labels.replace(/(<a:bodyPr\b[^>]*?\bwrap=")square"/g, '$1none"'));
}

/** docx/charts' relationship ids: "rId" and 21 characters of nanoid's alphabet, lower-cased. */
const RANDOM_ID = /rId[a-z0-9_-]{21}(?=")/g;

/** Zips files in name order, each dated `date` and passed through `edit`. */
function zipParts(entries: Record<string, Uint8Array>, date: Date, edit: (name: string, data: Uint8Array) => Uint8Array): Buffer {
  // fflate writes the zip date from local-time fields: shift by the zone offset so the bytes are the
  // same in every time zone.
  // Zip dates start in 1980.
  const when = Math.max(date.getTime(), Date.UTC(1980, 0, 2));
  const mtime = new Date(when + new Date(when).getTimezoneOffset() * 60_000);
  const files: Zippable = {};
  // [Content_Types].xml sorts first, where readers look for it.
  for (const name of Object.keys(entries).sort()) {
    if (name.endsWith("/")) continue;
    files[name] = [edit(name, entries[name]!), { mtime, level: 6 }];
  }
  return Buffer.from(zipSync(files));
}

/**
 * Sets the date of every entry of a zip (a chart's embedded workbook) in place, in its local header and
 * in the central directory, without recompressing anything. Plain zips only, as fflate writes them.
 */
function redate(zip: Uint8Array, date: Date): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const { time, day } = dosDateTime(date);
  let eocd = out.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) return zip;
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  for (let i = 0; i < entries && view.getUint32(at, true) === 0x02014b50; i++) {
    view.setUint16(at + 12, time, true);
    view.setUint16(at + 14, day, true);
    const local = view.getUint32(at + 42, true);
    if (view.getUint32(local, true) === 0x04034b50) {
      view.setUint16(local + 10, time, true);
      view.setUint16(local + 12, day, true);
    }
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return out;
}

/** MS-DOS time and date fields of a zip entry, in UTC, from 1980 on. */
function dosDateTime(date: Date): { time: number; day: number } {
  const d = new Date(Math.max(date.getTime(), Date.UTC(1980, 0, 2)));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    day: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}
