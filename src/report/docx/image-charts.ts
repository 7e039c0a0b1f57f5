import { ImageRun } from "docx";
import type { Figure } from "../model.js";
import type { StyleSheet } from "../template.js";
import type { FontSource } from "../image/font.js";
import { chartPng } from "../image/raster.js";
import { figureSvg } from "../image/svg.js";
import { figureBudgetMm } from "./charts.js";

/**
 * Figures as PNG images (`survey report --charts image`): drawn here with a bundled CJK font, so they look
 * the same in every reader and on a machine without Chinese fonts, but cannot be edited in Word.
 */

/** docx sizes images in pixels at 96 per inch. */
const PX_PER_MM = 96 / 25.4;

/** Each figure's image run, in document order; the caption is its alt text, as for native charts. */
export async function imageChartRuns(figures: Figure[], style: StyleSheet, fonts: FontSource): Promise<Map<Figure, ImageRun>> {
  const runs = new Map<Figure, ImageRun>();
  // One at a time: resvg and the font subsetter are CPU-bound, running them side by side gains nothing.
  for (const f of figures) {
    const chart = figureSvg(f, style);
    const png = await chartPng(chart.svg, chart.text, chart.widthMm, fonts);
    // Drawn smaller when taller than a figure may be (charts.ts), but not below three quarters: the labels
    // would become too small to read.
    const scale = Math.max(0.75, Math.min(1, figureBudgetMm(f, style) / chart.heightMm));
    runs.set(
      f,
      new ImageRun({
        type: "png",
        data: png,
        transformation: { width: Math.round(chart.widthMm * scale * PX_PER_MM), height: Math.round(chart.heightMm * scale * PX_PER_MM) },
        altText: { name: f.caption, description: f.caption, title: f.caption },
      }),
    );
  }
  return runs;
}
