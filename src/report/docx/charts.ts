import type { ChartRunOptions } from "docx/charts";
import { maxOf } from "../../arrays.js";
import type { Figure } from "../model.js";
import type { StyleSheet } from "../template.js";
import { textEms, typeHeight, typeWidth } from "./styles.js";

/**
 * A figure as a native Word chart (DrawingML): editable in Word ("Edit Data"), drawn by the reader with
 * the document's own fonts, so Chinese labels need no bundled font and stay sharp in print. These are the
 * chart's options for docx/charts' ChartRun; chart-xml.ts writes the same XML for them much faster, and
 * ChartRun draws whatever it cannot.
 */

const PX_PER_MM = 96 / 25.4;
/** Colours that stay distinct in greyscale print: dark to light for ordered scales. */
const SCALE_COLOURS = ["1F4E79", "5B9BD5", "BDD7EE", "F4B183", "C55A11", "7F7F7F", "D9D9D9"];
const BAR_COLOUR = "2E75B6";

const MM_PER_TWIP = 25.4 / 1440;
const MM_PER_PT = 25.4 / 72;

/**
 * The tallest a figure may be, in mm, for it, its caption and the blank line under them to take at most a
 * third of the type area (75 of GB/T 9704's 225 mm). A figure keeps with its caption, so when the pair does
 * not fit under the sentence before it they move to the next page and leave the rest of this one blank; kept
 * this small, that blank is never more than a third of a page. The caption's lines are estimated from its
 * length (a long question makes two), and 3 mm are kept for the reader's line around the drawing.
 */
export function figureBudgetMm(f: Figure, style: StyleSheet): number {
  const lineMm = style.line * MM_PER_PT;
  const captionLines = Math.max(1, Math.ceil((textEms(f.caption) * style.caption.size * 20) / typeWidth(style)));
  return (typeHeight(style) * MM_PER_TWIP) / 3 - captionLines * lineMm - lineMm / 2 - 3;
}

/**
 * A chart's height in mm: a band of `barHeight` per bar and `fixed` for the axis (and legend), brought down
 * to the figure's budget, but never below a band of 1.6 lines of the labels' size per bar: LibreOffice
 * leaves out every other category label where they would crowd.
 */
function chartHeightMm(f: Figure, style: StyleSheet, bars: number, fixed: number): number {
  const natural = bars * style.chart.barHeight + fixed;
  const least = Math.min(style.chart.barHeight, style.chart.size * MM_PER_PT * 1.6);
  return Math.max(bars * least + fixed, Math.min(natural, figureBudgetMm(f, style)));
}

/**
 * The category labels' font: a point smaller where a bar's band is under two lines of the labels' size.
 * LibreOffice otherwise drops every other label of a chart whose labels differ much in length (问卷星's
 * "其他【请注明】" beside "2000-2499元") once the bands are that narrow; at a point smaller it keeps them all.
 */
function categoryFont(style: StyleSheet, font: { name: string; size: number; color: string }, heightMm: number, bars: number, fixed: number) {
  const band = (heightMm - fixed) / bars;
  return band < style.chart.size * MM_PER_PT * 2 ? { ...font, size: Math.max(7, style.chart.size - 1) } : font;
}

export function chartOptions(f: Figure, style: StyleSheet): ChartRunOptions {
  const c = f.chart;
  // Screen readers read the caption, which names the question and its N.
  const altText = { name: f.caption, description: f.caption, title: f.caption };
  const font = { name: style.chart.font, size: style.chart.size, color: "000000" };
  const width = Math.round(style.chart.width * PX_PER_MM);
  const percent = c.unit === "percent";
  const numberFormat = percent ? "0%" : "0.00";
  const longest = maxOf(c.categories.map((x) => x.length));
  // One series by group (a rate by role) reads best as labelled horizontal bars, like a bar chart.
  if (c.type === "bar" || (c.type === "grouped" && c.series.length === 1)) {
    // Word draws the first category at the bottom: reverse, so the largest bar is on top.
    const categories = [...c.categories].reverse();
    const s = c.series[0]!;
    const values = [...s.values].reverse();
    const labels = s.labels ? [...s.labels].reverse() : undefined;
    const max = maxOf(values, 0);
    const fixed = labels ? 12 : 18;
    const height = chartHeightMm(f, style, categories.length, fixed);
    return {
      type: "bar",
      categories,
      series: [{ name: s.name, values, color: BAR_COLOUR, pointLabels: labels?.map((text) => ({ text, position: "outsideEnd" as const, font })) }],
      legend: false,
      font: { name: style.chart.font },
      gapWidth: 60,
      // Room at the end of the longest bar for its label. Labelled bars need no axis of values: without it
      // the chart is shorter by a line, and reads the same.
      valueAxis: percent
        ? { minimum: 0, maximum: Math.min(1, Math.ceil((max * 1.3 + 0.05) * 10) / 10), numberFormat, font, gridlines: false, visible: labels ? false : undefined }
        : { minimum: 0, numberFormat, font, gridlines: false, visible: labels ? false : undefined },
      categoryAxis: { font: categoryFont(style, font, height, categories.length, fixed) },
      chartArea: { border: "none" },
      transformation: { width, height: Math.round(height * PX_PER_MM) },
      altText,
    };
  }
  if (c.type === "stacked") {
    const categories = [...c.categories].reverse();
    const height = chartHeightMm(f, style, categories.length, 20);
    return {
      type: "bar",
      categories,
      stacking: "percent",
      overlap: 100,
      gapWidth: 50,
      series: c.series.map((s, i) => ({ name: s.name, values: [...s.values].reverse(), color: SCALE_COLOURS[i % SCALE_COLOURS.length] })),
      // Segments under 5% get no label: it would not fit and would cover its neighbour's.
      dataLabels: { value: true, numberFormat: '[<0.05]"";0%', font: { ...font, size: Math.max(7, style.chart.size - 2) }, position: "center" },
      legend: { position: "bottom", font },
      font: { name: style.chart.font },
      // The segments are labelled with their shares, the legend names them: no axis of values.
      valueAxis: { font, gridlines: false, visible: false },
      categoryAxis: { font: categoryFont(style, font, height, categories.length, 20) },
      chartArea: { border: "none" },
      transformation: { width, height: Math.round(height * PX_PER_MM) },
      altText,
    };
  }
  return {
    type: "column",
    categories: c.categories,
    series: c.series.map((x, i) => ({ name: x.name, values: x.values, color: i === 0 ? BAR_COLOUR : SCALE_COLOURS[i % SCALE_COLOURS.length] })),
    dataLabels: { value: true, numberFormat, font, position: "outsideEnd" },
    legend: c.series.length > 1 ? { position: "bottom", font } : false,
    font: { name: style.chart.font },
    gapWidth: 80,
    valueAxis: percent ? { minimum: 0, maximum: 1, numberFormat, font, gridlines: false } : { minimum: 0, numberFormat, font },
    categoryAxis: { font, labelRotation: longest > 8 && c.categories.length > 4 ? -30 : 0 },
    chartArea: { border: "none" },
    transformation: { width, height: Math.round(Math.max(45, Math.min(75, figureBudgetMm(f, style))) * PX_PER_MM) },
    altText,
  };
}
