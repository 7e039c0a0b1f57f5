import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { FontSource } from "../report/image/font.js";

/**
 * The files behind chart images (`survey report --charts image`): the CJK font of the registry package
 * @embedpdf/fonts-sc, read once per process, and the per-chart subsets that resvg reads from a private
 * temporary folder, removed as soon as the chart is drawn.
 */

const require = createRequire(import.meta.url);

/** The font file: the package exports only its index (dist/), the fonts sit beside it in fonts/. */
export function chartFontFile(): string {
  return join(dirname(require.resolve("@embedpdf/fonts-sc")), "..", "fonts", "NotoSansHans-Regular.otf");
}

let full: Promise<Buffer> | undefined;

export const bundledChartFont: FontSource = {
  font() {
    full ??= readFile(chartFontFile());
    return full;
  },
  async withFile(bytes, draw) {
    const dir = await mkdtemp(join(tmpdir(), "survey-chart-"));
    try {
      const file = join(dir, "chart.otf");
      await writeFile(file, bytes);
      return draw(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

