import type { ChartRunOptions } from "docx/charts";
import type { Figure } from "../model.js";
import type { StyleSheet } from "../template.js";

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

export function chartOptions(f: Figure, style: StyleSheet): ChartRunOptions {
  const c = f.chart;
  // Screen readers read the caption, which names the question and its N.
  const altText = { name: f.caption, description: f.caption, title: f.caption };
  const font = { name: style.chart.font, size: style.chart.size, color: "000000" };
  const width = Math.round(style.chart.width * PX_PER_MM);
  const percent = c.unit === "percent";
  const numberFormat = percent ? "0%" : "0.00";
  const longest = Math.max(...c.categories.map((x) => x.length));
  // One series by group (a rate by role) reads best as labelled horizontal bars, like a bar chart.
  if (c.type === "bar" || (c.type === "grouped" && c.series.length === 1)) {
    // Word draws the first category at the bottom: reverse, so the largest bar is on top.
    const categories = [...c.categories].reverse();
    const s = c.series[0]!;
    const values = [...s.values].reverse();
    const labels = s.labels ? [...s.labels].reverse() : undefined;
    const max = Math.max(0, ...values);
    return {
      type: "bar",
      categories,
      series: [{ name: s.name, values, color: BAR_COLOUR, pointLabels: labels?.map((text) => ({ text, position: "outsideEnd" as const, font })) }],
      legend: false,
      font: { name: style.chart.font },
      gapWidth: 60,
      // Room at the end of the longest bar for its label.
      valueAxis: percent
        ? { minimum: 0, maximum: Math.min(1, Math.ceil((max * 1.3 + 0.05) * 10) / 10), numberFormat, font, gridlines: false }
        : { minimum: 0, numberFormat, font, gridlines: false },
      categoryAxis: { font },
      chartArea: { border: "none" },
      transformation: { width, height: Math.round((categories.length * style.chart.barHeight + 18) * PX_PER_MM) },
      altText,
    };
  }
  if (c.type === "stacked") {
    const categories = [...c.categories].reverse();
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
      valueAxis: { font, gridlines: false },
      categoryAxis: { font },
      chartArea: { border: "none" },
      transformation: { width, height: Math.round((categories.length * style.chart.barHeight + 30) * PX_PER_MM) },
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
    transformation: { width, height: Math.round(75 * PX_PER_MM) },
    altText,
  };
}
