import type { ChartRunOptions } from "docx/charts";
import { escapeXml } from "./xml-safe.js";

/**
 * The XML of a native chart, written directly for the two kinds of chart the report draws (labelled
 * horizontal bars, 100% stacked horizontal bars). docx/charts' ChartRun builds a tree of objects per chart
 * and then serialises it, which cost about half a second for the 57 charts of a 60-question survey; this
 * writes the same bytes as text (test/report-chart-xml.test.ts compares them). Options outside that
 * subset give undefined, and the renderer draws those charts with ChartRun.
 */

interface Font {
  name: string;
  size: number;
  color: string;
}

interface Series {
  name: string;
  values: number[];
  color: string;
  /** Each bar's own label text (bars only). */
  labels?: { text: string; font: Font }[];
}

export interface BarSpec {
  stacked: boolean;
  categories: string[];
  series: Series[];
  /** Labels showing each value (stacked bars only). */
  valueLabels?: { numberFormat: string; font: Font };
  legend?: Font;
  gapWidth: number;
  overlap: number;
  /** `hidden`: no axis line or labels, where every bar is labelled with its value. */
  valueAxis: { minimum?: number; maximum?: number; numberFormat?: string; font: Font; hidden?: boolean };
  categoryFont: Font;
  /** Pixels, as ChartRun's transformation. */
  width: number;
  height: number;
  alt: { name: string; description: string; title: string };
}

const HEX = /^[0-9A-F]{6}$/;

function fontOf(f: unknown): Font | undefined {
  if (!f || typeof f !== "object") return undefined;
  const { name, size, color, ...rest } = f as Record<string, unknown>;
  if (Object.keys(rest).length || typeof name !== "string" || typeof size !== "number" || !(size >= 1 && size <= 4000)) return undefined;
  if (typeof color !== "string" || !HEX.test(color)) return undefined;
  return { name, size, color };
}

function only(o: object, keys: string[]): boolean {
  return Object.entries(o).every(([k, v]) => v === undefined || keys.includes(k));
}

const finite = (xs: readonly unknown[]): xs is number[] => xs.every((x) => typeof x === "number" && Number.isFinite(x));

/** The options as a BarSpec, or undefined when they use anything this writer does not write as ChartRun does. */
export function barSpec(o: ChartRunOptions): BarSpec | undefined {
  if (o.type !== "bar") return undefined;
  if (!only(o, ["type", "categories", "series", "stacking", "overlap", "gapWidth", "dataLabels", "legend", "font", "valueAxis", "categoryAxis", "chartArea", "transformation", "altText"])) return undefined;
  const stacked = o.stacking === "percent";
  if (!stacked && o.stacking !== undefined) return undefined;
  const categories = o.categories as readonly unknown[];
  if (categories.length === 0 || !categories.every((c): c is string => typeof c === "string")) return undefined;
  if (o.series.length === 0 || o.chartArea?.border !== "none" || !only(o.chartArea, ["border"])) return undefined;
  if (!o.font || !only(o.font, ["name"]) || typeof o.gapWidth !== "number") return undefined;
  const t = o.transformation;
  if (!t || !only(t, ["width", "height"]) || !Number.isInteger(t.width) || !Number.isInteger(t.height)) return undefined;
  const alt = o.altText;
  if (!alt || !only(alt, ["name", "description", "title"]) || typeof alt.description !== "string" || !alt.description) return undefined;
  if (typeof alt.name !== "string" || typeof alt.title !== "string") return undefined;

  const series: Series[] = [];
  for (const s of o.series) {
    if (!only(s, ["name", "values", "color", "pointLabels"]) || typeof s.color !== "string" || !HEX.test(s.color)) return undefined;
    if (s.values.length !== categories.length || !finite(s.values)) return undefined;
    let labels: Series["labels"];
    if (s.pointLabels) {
      if (stacked || s.pointLabels.length !== categories.length) return undefined;
      labels = [];
      for (const p of s.pointLabels) {
        if (!p || !only(p, ["text", "position", "font"]) || typeof p.text !== "string" || p.position !== "outsideEnd") return undefined;
        const font = fontOf(p.font);
        if (!font) return undefined;
        labels.push({ text: p.text, font });
      }
    }
    series.push({ name: s.name, values: [...s.values], color: s.color, labels });
  }

  let valueLabels: BarSpec["valueLabels"];
  if (o.dataLabels) {
    const d = o.dataLabels;
    if (!stacked || !only(d, ["value", "numberFormat", "font", "position"]) || d.value !== true || d.position !== "center" || typeof d.numberFormat !== "string") return undefined;
    const font = fontOf(d.font);
    if (!font) return undefined;
    valueLabels = { numberFormat: d.numberFormat, font };
  }
  if (stacked && !valueLabels) return undefined;

  let legend: Font | undefined;
  if (o.legend !== false) {
    if (!o.legend || !only(o.legend, ["position", "font"]) || o.legend.position !== "bottom") return undefined;
    legend = fontOf(o.legend.font);
    if (!legend) return undefined;
  }

  const v = o.valueAxis;
  if (!v || !only(v, ["minimum", "maximum", "numberFormat", "font", "gridlines", "visible"]) || v.gridlines !== false) return undefined;
  if (v.visible !== undefined && typeof v.visible !== "boolean") return undefined;
  const valueFont = fontOf(v.font);
  if (!valueFont || (stacked && (v.minimum !== undefined || v.maximum !== undefined || v.numberFormat !== undefined))) return undefined;
  if (!finite([v.minimum ?? 0, v.maximum ?? 0])) return undefined;
  const c = o.categoryAxis;
  const categoryFont = c && only(c, ["font"]) ? fontOf(c.font) : undefined;
  if (!categoryFont) return undefined;
  const overlap = stacked ? 100 : (o.overlap ?? 0);

  return {
    stacked,
    categories: [...categories],
    series,
    valueLabels,
    legend,
    gapWidth: o.gapWidth,
    overlap,
    valueAxis: { minimum: v.minimum, maximum: v.maximum, numberFormat: v.numberFormat, font: valueFont, hidden: v.visible === false },
    categoryFont,
    width: t.width,
    height: t.height,
    alt: { name: alt.name, description: alt.description, title: alt.title },
  };
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
/** The namespace of relationship types and `r:` attributes in a package's parts. */
export const OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NO_SHAPE = "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln><a:effectLst/></c:spPr>";
/** Data labels' text boxes do not wrap: render.ts' unwrapDataLabels makes docx's output so, and this writes it so. */
const LABEL_BODY =
  '<a:bodyPr rot="0" spcFirstLastPara="1" vertOverflow="ellipsis" vert="horz" wrap="none" lIns="38100" tIns="19050" rIns="38100" bIns="19050" anchor="ctr" anchorCtr="1"><a:spAutoFit/></a:bodyPr>';
const AXIS_BODY = '<a:bodyPr rot="-60000000" spcFirstLastPara="1" vertOverflow="ellipsis" vert="horz" wrap="square" anchor="ctr" anchorCtr="1"/>';
const LEGEND_BODY = '<a:bodyPr rot="0" spcFirstLastPara="1" vertOverflow="ellipsis" vert="horz" wrap="square" anchor="ctr" anchorCtr="1"/>';
const AXIS_LINE =
  '<c:spPr><a:noFill/><a:ln w="9525" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="tx1"><a:lumMod val="15000"/><a:lumOff val="85000"/></a:schemeClr></a:solidFill><a:round/></a:ln><a:effectLst/></c:spPr>';

const shown = (value: boolean) =>
  `<c:showLegendKey val="0"/><c:showVal val="${value ? 1 : 0}"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>`;

function defRPr(f: Font): string {
  const face = escapeXml(f.name);
  return `<a:defRPr sz="${Math.round(f.size * 100)}" b="0" i="0" u="none" strike="noStrike" kern="1200" baseline="0"><a:solidFill><a:srgbClr val="${f.color}"/></a:solidFill><a:latin typeface="${face}"/><a:ea typeface="+mn-ea"/><a:cs typeface="${face}"/></a:defRPr>`;
}

const txPr = (body: string, f: Font) => `<c:txPr>${body}<a:lstStyle/><a:p><a:pPr>${defRPr(f)}</a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>`;

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(column: number): string {
  return (column >= 26 ? columnName(Math.floor(column / 26) - 1) : "") + String.fromCharCode(65 + (column % 26));
}

function range(column: number, firstRow: number, rows: number): string {
  const first = `$${columnName(column)}$${firstRow + 1}`;
  return rows === 1 ? `Sheet1!${first}` : `Sheet1!${first}:$${columnName(column)}$${firstRow + rows}`;
}

function pointLabel(index: number, text: string, font: Font): string {
  const lines = text
    .split("\n")
    .map((line) => `<a:p><a:pPr>${defRPr(font)}</a:pPr><a:r><a:rPr lang="en-US"/><a:t>${escapeXml(line)}</a:t></a:r></a:p>`)
    .join("");
  return `<c:dLbl><c:idx val="${index}"/><c:tx><c:rich>${LABEL_BODY}<a:lstStyle/>${lines}</c:rich></c:tx>${NO_SHAPE}${txPr(LABEL_BODY, font)}<c:dLblPos val="outEnd"/>${shown(true)}</c:dLbl>`;
}

function seriesXml(spec: BarSpec, s: Series, index: number, categoryCache: string): string {
  const n = spec.categories.length;
  let labels = "";
  if (s.labels) labels = `<c:dLbls>${s.labels.map((l, i) => pointLabel(i, l.text, l.font)).join("")}${shown(false)}</c:dLbls>`;
  else if (spec.valueLabels) {
    const v = spec.valueLabels;
    labels = `<c:dLbls><c:numFmt formatCode="${escapeXml(v.numberFormat)}" sourceLinked="0"/>${NO_SHAPE}${txPr(LABEL_BODY, v.font)}<c:dLblPos val="ctr"/>${shown(true)}</c:dLbls>`;
  }
  let points = "";
  for (let i = 0; i < n; i++) points += `<c:pt idx="${i}"><c:v>${String(s.values[i])}</c:v></c:pt>`;
  return (
    `<c:ser><c:idx val="${index}"/><c:order val="${index}"/>` +
    `<c:tx><c:strRef><c:f>${range(index + 1, 0, 1)}</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>${escapeXml(s.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>` +
    `<c:spPr><a:solidFill><a:srgbClr val="${s.color}"/></a:solidFill><a:ln><a:noFill/></a:ln><a:effectLst/></c:spPr><c:invertIfNegative val="0"/>` +
    labels +
    categoryCache +
    `<c:val><c:numRef><c:f>${range(index + 1, 1, n)}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="${n}"/>${points}</c:numCache></c:numRef></c:val></c:ser>`
  );
}

/** The chart part (word/charts/chartN.xml); `workbookId` is the relationship id of its embedded workbook. */
export function chartXml(spec: BarSpec, workbookId: string): string {
  const n = spec.categories.length;
  const categoryCache = `<c:cat><c:strRef><c:f>${range(0, 1, n)}</c:f><c:strCache><c:ptCount val="${n}"/>${spec.categories
    .map((c, i) => `<c:pt idx="${i}"><c:v>${escapeXml(c)}</c:v></c:pt>`)
    .join("")}</c:strCache></c:strRef></c:cat>`;
  const v = spec.valueAxis;
  const scaling = `<c:orientation val="minMax"/>${v.maximum === undefined ? "" : `<c:max val="${String(v.maximum)}"/>`}${v.minimum === undefined ? "" : `<c:min val="${String(v.minimum)}"/>`}`;
  const valueFormat =
    v.numberFormat === undefined ? `<c:numFmt formatCode="${spec.stacked ? "0%" : "General"}" sourceLinked="1"/>` : `<c:numFmt formatCode="${escapeXml(v.numberFormat)}" sourceLinked="0"/>`;
  const legend = spec.legend ? `<c:legend><c:legendPos val="b"/><c:overlay val="0"/>${NO_SHAPE}${txPr(LEGEND_BODY, spec.legend)}</c:legend>` : "";
  return (
    `${XML_DECLARATION}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${OFFICE_REL}">` +
    `<c:date1904 val="0"/><c:lang val="en-US"/><c:roundedCorners val="0"/><c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>` +
    `<c:barChart><c:barDir val="bar"/><c:grouping val="${spec.stacked ? "percentStacked" : "clustered"}"/><c:varyColors val="0"/>` +
    spec.series.map((s, i) => seriesXml(spec, s, i, categoryCache)).join("") +
    `<c:dLbls>${shown(false)}</c:dLbls><c:gapWidth val="${Math.round(spec.gapWidth)}"/><c:overlap val="${Math.round(spec.overlap)}"/><c:axId val="1"/><c:axId val="2"/></c:barChart>` +
    `<c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="1"/>` +
    `<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>${AXIS_LINE}${txPr(AXIS_BODY, spec.categoryFont)}` +
    `<c:crossAx val="2"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>` +
    `<c:valAx><c:axId val="2"/><c:scaling>${scaling}</c:scaling><c:delete val="${v.hidden ? 1 : 0}"/><c:axPos val="b"/>${valueFormat}` +
    `<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>${NO_SHAPE}${txPr(AXIS_BODY, v.font)}` +
    `<c:crossAx val="1"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>${NO_SHAPE}</c:plotArea>` +
    `${legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>` +
    `<c:spPr><a:solidFill><a:schemeClr val="bg1"/></a:solidFill><a:ln><a:noFill/></a:ln><a:effectLst/></c:spPr>` +
    `<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr/></a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>` +
    `<c:externalData r:id="${workbookId}"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>`
  );
}

/** The run that shows the chart in word/document.xml, inline, with the caption as its alternative text. */
export function drawingRunXml(spec: BarSpec, chartId: string): string {
  const a = spec.alt;
  return (
    `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${spec.width * 9525}" cy="${spec.height * 9525}"/><wp:effectExtent t="0" r="0" b="0" l="0"/>` +
    `<wp:docPr id="0" name="${escapeXml(a.name)}" descr="${escapeXml(a.description)}" title="${escapeXml(a.title)}"/><wp:cNvGraphicFramePr/>` +
    `<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">` +
    `<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="${OFFICE_REL}" r:id="${chartId}"/>` +
    `</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`
  );
}
