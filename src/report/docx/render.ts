import {
  AlignmentType,
  Document,
  DocumentGridType,
  Footer,
  Header,
  HighlightColor,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  Table,
  TextRun,
  type ParagraphChild,
} from "docx";
import { markerText, substituteMarkers } from "./plain-paragraphs.js";
import { blockXml, boldHeading, headingStyle, markerPrefix, PARAGRAPH_STYLE, plainParagraph } from "./block-xml.js";
import { xmlSafe } from "./xml-safe.js";
import { append } from "../../arrays.js";
import { breakableModel } from "./line-breaks.js";
import { strFromU8, strToU8, unzipSync } from "fflate";
import type { Block, Figure, ReportModel, TextRun as ModelRun } from "../model.js";
import type { StyleSheet } from "../template.js";
import { chartOptions } from "./charts.js";
import { threeLineTable } from "./three-line-table.js";
import { barSpec, type BarSpec } from "./chart-xml.js";
import { addChartParts, chartFiles, chartMarkerText, reservedIds, substituteChartMarkers, workbookName } from "./chart-parts.js";
import { chartWorkbooks, rewrittenWorkbook } from "./chart-workbook.js";
import { zipPackage } from "./package-zip.js";
import type { FontSource } from "../image/font.js";
import { documentGrid, documentStyles, fonts, halfPoints, STYLE, twipsOfMm, twipsOfPt, typesetDefaults } from "./styles.js";

export interface RenderOptions {
  /** Draw figures as PNG images in this font (image-charts.ts) instead of as native, editable Word charts. */
  chartImages?: FontSource;
  /**
   * "docx": every block built as docx objects and every native chart with docx/charts' ChartRun, where
   * block-xml.ts and chart-xml.ts would write their XML directly. The two give the same bytes; tests
   * compare them.
   */
  writer?: "docx";
}

/**
 * Renders a report model as a .docx. Layout after GB/T 9704-2012: A4, margins from the style sheet, page
 * numbers "— 1 —" at the foot, odd pages right and even pages left; three-line tables with captions above,
 * native Word charts (or, with `chartImages`, PNG images) with captions below. The bytes depend only on
 * the model, the style sheet, `date` and the options.
 */
export async function renderDocx(unsafe: ReportModel, style: StyleSheet, date: Date, options: RenderOptions = {}): Promise<Buffer> {
  const model = breakableModel(xmlSafe(unsafe));
  const { runs, fast } = await figureRuns([...model.opening, ...model.body].filter((b): b is Figure => b.kind === "figure"), style, options);
  // SheetJS writes the charts' workbooks while docx compiles the document.
  const workbooks = chartWorkbooks(fast);
  const parts = await packageParts(model, style, date, runs, fast, options.writer === "docx");
  (await workbooks).forEach((book, i) => (parts[workbookName(i + 1)] = book));
  return Buffer.from(zipPackage({ ...parts, ...chartFiles(fast) }, date));
}

/** The package's parts by path: the document compiled, with the charts of chart-xml.ts put in but their workbooks. */
async function packageParts(model: ReportModel, style: StyleSheet, date: Date, runs: Map<Figure, ParagraphChild>, fast: BarSpec[], docx: boolean): Promise<Record<string, Uint8Array>> {
  const prepared: string[] = [];
  const children = [
    new Paragraph({ style: STYLE.title, children: [new TextRun(model.title)] }),
    ...blocks(model.opening, style, runs, prepared, docx),
    ...blocks(model.body, style, runs, prepared, docx),
  ];
  const face = (f: string) => ({ latin: style.latin, eastAsia: f, scripts: { Hans: f } });
  const grid = documentGrid(style);
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
          ...(grid ? { grid: { type: DocumentGridType.LINES, linePitch: grid.linePitch, charSpace: grid.charSpace } } : {}),
        },
        // Word needs an even header as well, or even pages lose their footer too.
        headers: { default: new Header({ children: [] }), even: new Header({ children: [] }) },
        footers: { default: pageFooter(style, "odd"), even: pageFooter(style, "even") },
        children,
      },
    ],
  });
  const parts = await compiledParts(doc);
  for (const name of Object.keys(parts)) if (name.endsWith(".xlsx")) parts[name] = await rewrittenWorkbook(parts[name]!);
  const drawings = addChartParts(parts, fast);
  const typeset = (xml: string) => typesetDefaults(xml, style, model.lang);
  return reproducible(parts, date, prepared, drawings, reservedIds(fast.length), typeset);
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
  if (options.writer !== "docx" && specs.every((s): s is BarSpec => s !== undefined)) {
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
 * The document's blocks: written as XML by block-xml.ts, each run of them prepared in `prepared` and
 * standing in the document as one marker paragraph; figures (and what block-xml.ts does not write) as
 * docx objects. With `docx`, all as docx objects: the reference the XML must equal.
 */
function blocks(list: Block[], style: StyleSheet, figures: Map<Figure, ParagraphChild>, prepared: string[], docx: boolean): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length) out.push(new Paragraph({ children: [new TextRun(markerText(prepared.push(run.join("")) - 1))] }));
    run = [];
  };
  for (const b of list) {
    const xml = docx ? undefined : blockXml(b, style);
    if (xml !== undefined) run.push(xml);
    else {
      flush();
      append(out, block(b, style, figures));
    }
  }
  flush();
  return out;
}

function block(b: Block, style: StyleSheet, figures: Map<Figure, ParagraphChild>): (Paragraph | Table)[] {
  switch (b.kind) {
    case "heading":
      return [new Paragraph({ style: headingStyle(b.level), children: [new TextRun(`${b.number}${b.text}`)] })];
    case "paragraph": {
      const plain = plainParagraph(b);
      if (plain) return [new Paragraph({ style: plain.style, children: [new TextRun(plain.text)] })];
      const runs: ParagraphChild[] = [];
      if (b.marker) runs.push(new TextRun(markerPrefix(b.marker)));
      append(runs, b.runs.flatMap((r) => textRuns(r, style)));
      return [new Paragraph({ style: PARAGRAPH_STYLE[b.style ?? "body"], keepNext: boldHeading(b) || undefined, children: runs })];
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
 * The files of the package by path, as docx's public Packer zips them, unzipped: the charts and blocks
 * written as XML go into them next, and they are zipped again dated `date` (package-zip.ts). Zipping and
 * unzipping the parts docx writes costs 0.1–0.2 s of CPU on the bench's 60-question report.
 */
async function compiledParts(doc: Document): Promise<Record<string, Uint8Array>> {
  return unzipSync(await Packer.pack(doc, "uint8array"));
}

/**
 * Same input, same bytes. docx stamps the current time into docProps/core.xml and every zip entry (the
 * package is zipped again by package-zip.ts, ChartRun's workbooks written again by chart-workbook.ts), and
 * docx/charts names relationships with random ids. The times become `date` (SOURCE_DATE_EPOCH or a fixed
 * date) and the random ids are renumbered in order of first appearance, which depends only on the
 * document, as are drawings' ids, after the `reserved` ids that chart-parts.ts gave its charts. `charts`
 * are the drawings of chart-xml.ts' charts, put in before the drawings are counted so that they are
 * counted as ChartRun's are.
 *
 * Why these are edits of docx's XML and not docx options (docx 9.15, issue 16): docx has no option for
 * the core properties' dates, for its relationship ids (nanoid) or for where its drawing counter starts
 * (test/report-docx.test.ts: same bytes, SOURCE_DATE_EPOCH); ChartRun has none for its data labels'
 * wrapping (unwrapDataLabels); the styles' defaults need `w:autoSpaceDE` and a character spacing of 0,
 * which docx does not write (styles.ts, test/report-typesetting.test.ts). The blocks and charts written
 * as XML go in by marker because docx takes XML only by parsing it again (`ImportedXmlComponent`), and
 * building them as docx objects (`writer: "docx"`, ChartRun) doubled the render's time. Measured for the
 * charts alone (issue 16): each chart and workbook a `PackagePart`, the chart's XML and drawing parsed by
 * `ImportedXmlComponent` (an empty `<c:v></c:v>` given back its empty text), gave these same bytes but
 * took the bench report's render from 1.0 to 1.5 s of CPU, about 15% of the whole `survey report`.
 * test/report-block-xml.test.ts and report-chart-xml.test.ts prove the bytes equal.
 */
function reproducible(
  parts: Record<string, Uint8Array>,
  date: Date,
  prepared: readonly string[],
  charts: readonly string[],
  reserved: number,
  typeset: (stylesXml: string) => string,
): Record<string, Uint8Array> {
  const stamp = date.toISOString().replace(/\.\d{3}Z$/, "Z");
  const ids = new Map<string, string>();
  let drawings = 0;
  const renumber = (xml: string) =>
    xml.replace(RANDOM_ID, (id) => {
      let fixed = ids.get(id);
      if (!fixed) ids.set(id, (fixed = `rIdS${reserved + ids.size + 1}`));
      return fixed;
    });
  const out: Record<string, Uint8Array> = {};
  // In name order, which numbers the ids.
  for (const name of Object.keys(parts).sort()) out[name] = fixed(name, parts[name]!);
  return out;

  function fixed(name: string, data: Uint8Array): Uint8Array {
    if (!/\.(xml|rels)$/.test(name)) return data;
    const text = name === "word/document.xml" ? substituteChartMarkers(strFromU8(data), charts) : strFromU8(data);
    // docx numbers drawings with a counter that lives as long as the process: count from 1 per document.
    let xml = renumber(text).replace(/(<wp:docPr id=")\d+/g, (_, head: string) => `${head}${++drawings}`);
    if (name.startsWith("word/charts/chart")) xml = unwrapDataLabels(xml);
    // After renumbering: the prepared paragraphs are the user's text, never ids.
    if (name === "word/document.xml") xml = substituteMarkers(xml, prepared);
    if (name === "word/styles.xml") xml = typeset(xml);
    if (name === "docProps/core.xml") {
      xml = xml
        .replace(/(<dcterms:created[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${stamp}$2`)
        .replace(/(<dcterms:modified[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${stamp}$2`);
    }
    return strToU8(xml);
  }
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
