import { Resvg } from "@resvg/resvg-js";
import { fontSubset, type FontSource } from "./font.js";
import { FONT_FAMILY } from "./metrics.js";

/** Print resolution of chart images: sharp on paper at A4 width, about 1,200 px for a 150 mm chart. */
export const CHART_DPI = 200;

/** A chart SVG as a PNG `widthMm` wide at 200 dpi, its text set in a subset of the bundled CJK font that holds exactly `text`. */
export async function chartPng(svg: string, text: string, widthMm: number, fonts: FontSource): Promise<Buffer> {
  const subset = await fontSubset(text, fonts);
  return fonts.withFile(subset, (file) => rasterize(svg, [file], Math.round((widthMm / 25.4) * CHART_DPI)));
}

/** Draws an SVG with these font files and no others: never the machine's own fonts, so every machine gives the same pixels. */
export function rasterize(svg: string, fontFiles: string[], widthPx: number): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: "width", value: widthPx },
    background: "#FFFFFF",
    logLevel: "off",
  });
  return resvg.render().asPng();
}
