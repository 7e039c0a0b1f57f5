import { maxOf } from "../../arrays.js";
import type { Chart, Figure } from "../model.js";
import type { StyleSheet } from "../template.js";
import { FONT_FAMILY, textWidth, wrapText } from "./metrics.js";

/**
 * A figure of the report model as an SVG chart, drawn from the model alone (the numbers and labels the
 * model carries; nothing is recomputed but the bar lengths): horizontal bars in the model's order with
 * their labels ("56人，17.5%"), 100% stacked bars with a legend, grouped bars with a legend when there is
 * more than one series. One SVG user unit is one point, and the chart is as wide as the template's
 * `chart.width` in mm, so `chart.size` is the printed font size in pt.
 */

export interface ChartSvg {
  svg: string;
  /** The printed size. */
  widthMm: number;
  heightMm: number;
  /** Every character drawn, once, in order of first use: what the font subset must hold. */
  text: string;
}

const PT_PER_MM = 72 / 25.4;
/** The same colours as the native charts (charts.ts): distinct in greyscale print, dark to light for ordered scales. */
const SCALE_COLOURS = ["#1F4E79", "#5B9BD5", "#BDD7EE", "#F4B183", "#C55A11", "#7F7F7F", "#D9D9D9"];
const BAR_COLOUR = "#2E75B6";
const INK = "#000000";
const AXIS = "#595959";
const GRID = "#D9D9D9";
/** Blank space around the drawing, in pt. */
const PAD = 4;
/** Category labels wrap within this share of the width, on at most this many lines. */
const LABEL_SHARE = 0.32;
const LABEL_LINES = 3;
/** Where a line of CJK text sits: the baseline this far (in em) below the line's visual centre. */
const CENTRE_TO_BASELINE = 0.36;

export function figureSvg(f: Figure, style: Pick<StyleSheet, "chart">): ChartSvg {
  const canvas = new Canvas(style.chart.width * PT_PER_MM, style.chart.size);
  if (f.chart.type === "stacked") stackedBars(canvas, f.chart, style.chart.barHeight * PT_PER_MM);
  else horizontalBars(canvas, f.chart, style.chart.barHeight * PT_PER_MM);
  return canvas.finish(f.caption);
}

/** One bar per category and series, largest first as the model orders them, each labelled at its end. */
function horizontalBars(c: Canvas, chart: Chart, bandMin: number): void {
  const fs = c.size;
  const k = chart.series.length;
  const labelOf = (s: Chart["series"][number], i: number) => s.labels?.[i] ?? tickText(s.values[i] ?? 0, chart.unit);
  const labelSize = k === 1 ? fs : c.small;
  const valueWidth = maxOf(chart.series.flatMap((s) => s.values.map((_, i) => textWidth(labelOf(s, i), labelSize))), 0) + 4;
  const { lines, width: labelWidth } = categoryLabels(c, chart.categories);
  const plotX = PAD + labelWidth + 8;
  const plotW = c.width - plotX - valueWidth - PAD;
  // One series: a bar 60% of its band; several: thinner bars side by side, 1 pt apart.
  const thick = k === 1 ? Math.min(bandMin * 0.6, fs * 1.8) : fs * 1.2;
  const group = k * thick + (k - 1);
  const axis = valueAxis(maxOf(chart.series.flatMap((s) => s.values), 0), chart.unit);
  const top = PAD;
  let y = top;
  chart.categories.forEach((_, i) => {
    const band = Math.max(bandMin, group / 0.65, lines[i]!.length * c.lineHeight + 6);
    const centre = y + band / 2;
    c.lines(plotX - 6, centre, lines[i]!, "end");
    chart.series.forEach((s, j) => {
      const value = Math.max(0, s.values[i] ?? 0);
      const barY = centre - group / 2 + j * (thick + 1);
      const w = (Math.min(value, axis.max) / axis.max) * plotW;
      c.rect(plotX, barY, w, thick, k === 1 ? BAR_COLOUR : seriesColour(j));
      c.text(plotX + w + 3, barY + thick / 2 + labelSize * CENTRE_TO_BASELINE, labelOf(s, i), { size: labelSize });
    });
    y += band;
  });
  let bottom = drawValueAxis(c, plotX, plotW, top, y, axis);
  if (k > 1) bottom = legend(c, chart.series.map((s, j) => ({ name: s.name, colour: seriesColour(j) })), plotX, plotW, bottom + 4);
  c.height = bottom + PAD;
}

/** 100% stacked bars: each category's segments side by side in series order, the shares printed inside. */
function stackedBars(c: Canvas, chart: Chart, bandMin: number): void {
  const fs = c.size;
  const { lines, width: labelWidth } = categoryLabels(c, chart.categories);
  const plotX = PAD + labelWidth + 8;
  // The last tick label, "100%", is centred on the plot's right edge.
  const plotW = c.width - plotX - PAD - textWidth("100%", c.small) / 2;
  const thick = Math.min(bandMin * 0.6, fs * 1.8);
  const top = PAD;
  let y = top;
  chart.categories.forEach((_, i) => {
    const band = Math.max(bandMin, lines[i]!.length * c.lineHeight + 6);
    const centre = y + band / 2;
    c.lines(plotX - 6, centre, lines[i]!, "end");
    const values = chart.series.map((s) => Math.max(0, s.values[i] ?? 0));
    const total = values.reduce((a, b) => a + b, 0);
    let x = plotX;
    values.forEach((v, j) => {
      if (total <= 0 || v <= 0) return;
      // Drawn as shares of the category's total, as Word's percent stacking does.
      const w = (v / total) * plotW;
      const fill = seriesColour(j);
      c.rect(x, centre - thick / 2, w, thick, fill);
      const label = `${Math.round(v * 100)}%`;
      // Segments under 5% get no label: it would not fit and would cover its neighbour's.
      if (v / total >= 0.05 && textWidth(label, c.small) + 2 <= w) {
        c.text(x + w / 2, centre + c.small * CENTRE_TO_BASELINE, label, { size: c.small, anchor: "middle", fill: isDark(fill) ? "#FFFFFF" : INK });
      }
      x += w;
    });
    y += band;
  });
  const bottom = drawValueAxis(c, plotX, plotW, top, y, { max: 1, step: 0.2, unit: "percent" });
  c.height = legend(c, chart.series.map((s, j) => ({ name: s.name, colour: seriesColour(j) })), plotX, plotW, bottom + 4) + PAD;
}

/** Category labels wrapped to at most three lines, and the width of the widest line. */
function categoryLabels(c: Canvas, categories: string[]): { lines: string[][]; width: number } {
  const max = c.width * LABEL_SHARE;
  const lines = categories.map((t) => wrapText(t, max, c.size, LABEL_LINES));
  return { lines, width: maxOf(lines.flat().map((l) => textWidth(l, c.size)), 0) };
}

interface Axis {
  max: number;
  step: number;
  unit: Chart["unit"];
}

/**
 * A value axis that starts at 0 and ends on a round tick just above the largest value: shares in steps of
 * 10% or 20% up to at most 100%, counts in steps of 1, 2, 2.5 or 5 times a power of ten, about five ticks.
 */
export function valueAxis(largest: number, unit: Chart["unit"]): Axis {
  if (unit === "percent") {
    if (largest <= 0) return { max: 1, step: 0.2, unit };
    const step = largest <= 0.5 ? 0.1 : 0.2;
    // The small tolerance keeps 0.30000000000000004 at 30%, not 40%.
    return { max: Math.min(1, Math.ceil(largest / step - 1e-9) * step), step, unit };
  }
  if (largest <= 0) return { max: 1, step: 0.2, unit };
  const raw = largest / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * power;
  return { max: Math.ceil(largest / step - 1e-9) * step, step, unit };
}

/** The axis line under the plot with its ticks and labels, and faint grid lines; returns the bottom of the labels. */
function drawValueAxis(c: Canvas, x: number, w: number, top: number, bottom: number, axis: Axis): number {
  const ticks = Math.round(axis.max / axis.step);
  for (let i = 0; i <= ticks; i++) {
    const v = Math.min(axis.max, i * axis.step);
    const tx = x + (v / axis.max) * w;
    if (i > 0) c.line(tx, top, tx, bottom, GRID, 0.5, "back");
    c.line(tx, bottom, tx, bottom + 3, AXIS, 0.75);
    c.text(tx, bottom + 4 + c.small, tickText(v, axis.unit), { size: c.small, anchor: "middle", fill: AXIS });
  }
  c.line(x, top, x, bottom, AXIS, 0.75);
  c.line(x, bottom, x + w, bottom, AXIS, 0.75);
  return bottom + 4 + c.small + c.small * 0.25;
}

/** Swatches and names in rows centred under the plot; returns the bottom of the last row. */
function legend(c: Canvas, items: { name: string; colour: string }[], x: number, w: number, top: number): number {
  const swatch = c.small * 0.9;
  const itemWidth = (name: string) => swatch + 3 + textWidth(name, c.small);
  const rows: { name: string; colour: string }[][] = [[]];
  let used = 0;
  for (const item of items) {
    const add = itemWidth(item.name) + (rows.at(-1)!.length ? 12 : 0);
    if (rows.at(-1)!.length && used + add > w) {
      rows.push([item]);
      used = itemWidth(item.name);
    } else {
      rows.at(-1)!.push(item);
      used += add;
    }
  }
  const rowHeight = c.small * 1.5;
  rows.forEach((row, r) => {
    const rowWidth = row.reduce((sum, it, i) => sum + itemWidth(it.name) + (i ? 12 : 0), 0);
    let ix = Math.max(PAD, x + (w - rowWidth) / 2);
    const centre = top + r * rowHeight + rowHeight / 2;
    for (const it of row) {
      c.rect(ix, centre - swatch / 2, swatch, swatch, it.colour);
      c.text(ix + swatch + 3, centre + c.small * CENTRE_TO_BASELINE, it.name, { size: c.small });
      ix += itemWidth(it.name) + 12;
    }
  });
  return top + rows.length * rowHeight;
}

function seriesColour(j: number): string {
  return SCALE_COLOURS[j % SCALE_COLOURS.length]!;
}

/** White text on this fill reads better than black (relative luminance under one half). */
function isDark(hex: string): boolean {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! < 0.5;
}

/** A tick or a label the model did not give: shares as whole percents, counts with at most two decimals. */
function tickText(v: number, unit: Chart["unit"]): string {
  return unit === "percent" ? `${Math.round(v * 100)}%` : String(Number(v.toFixed(2)));
}

/** Coordinates with two decimals at most: smaller SVG, and the same text on every platform. */
const n = (v: number): string => String(Math.round(v * 100) / 100);

/** Characters XML 1.0 does not allow even escaped (control characters, lone surrogates) are dropped. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escape = (s: string): string =>
  s.replace(NOT_XML, "").replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);

/** Collects the drawing's elements and the characters it draws. Sizes in pt. */
class Canvas {
  readonly small: number;
  readonly lineHeight: number;
  height = 0;
  private readonly back: string[] = [];
  private readonly parts: string[] = [];
  private readonly chars = new Set<string>();

  constructor(
    readonly width: number,
    /** The font size of category and value labels; ticks, shares in segments and legends are a point smaller. */
    readonly size: number,
  ) {
    this.small = Math.max(7, size - 1);
    this.lineHeight = size * 1.2;
  }

  rect(x: number, y: number, w: number, h: number, fill: string): void {
    if (w > 0 && h > 0) this.parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${fill}"/>`);
  }

  /** A line; "back" puts it behind everything drawn so far and later (grid lines under the bars). */
  line(x1: number, y1: number, x2: number, y2: number, stroke: string, width: number, layer: "front" | "back" = "front"): void {
    (layer === "back" ? this.back : this.parts).push(`<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}" stroke-width="${width}"/>`);
  }

  text(x: number, y: number, s: string, o: { size: number; anchor?: "start" | "middle" | "end"; fill?: string }): void {
    const clean = s.replace(NOT_XML, "");
    for (const ch of clean) this.chars.add(ch);
    const anchor = o.anchor && o.anchor !== "start" ? ` text-anchor="${o.anchor}"` : "";
    const fill = o.fill && o.fill !== INK ? ` fill="${o.fill}"` : "";
    this.parts.push(`<text x="${n(x)}" y="${n(y)}" font-size="${n(o.size)}"${anchor}${fill}>${escape(clean)}</text>`);
  }

  /** Lines of text centred as a block on `centre`. */
  lines(x: number, centre: number, lines: string[], anchor: "start" | "end"): void {
    const first = centre - ((lines.length - 1) * this.lineHeight) / 2 + this.size * CENTRE_TO_BASELINE;
    lines.forEach((l, i) => this.text(x, first + i * this.lineHeight, l, { size: this.size, anchor }));
  }

  finish(title: string): ChartSvg {
    const h = Math.ceil(this.height);
    const w = Math.round(this.width * 100) / 100;
    const widthMm = Math.round((w / PT_PER_MM) * 100) / 100;
    const heightMm = Math.round((h / PT_PER_MM) * 100) / 100;
    const svg = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${widthMm}mm" height="${heightMm}mm" viewBox="0 0 ${w} ${h}" font-family="${FONT_FAMILY}">`,
      `<title>${escape(title)}</title>`,
      `<rect width="${w}" height="${h}" fill="#FFFFFF"/>`,
      ...this.back,
      ...this.parts,
      "</svg>",
      "",
    ].join("\n");
    return { svg, widthMm, heightMm, text: [...this.chars].join("") };
  }
}
