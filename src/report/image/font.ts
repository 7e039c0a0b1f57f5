import subsetFont from "subset-font";

/**
 * The CJK face charts are drawn in (Noto Sans Hans, family "Noto Sans S Chinese", from the registry package
 * @embedpdf/fonts-sc), cut at run time down to the characters one chart draws. The reader's fonts play no
 * part, so Chinese shows on a machine with none installed. Subsets are made here and never shipped: the
 * font's licence (OFL) restricts redistributing a modified font under its reserved name.
 */

/** Where the fonts come from: reading and writing files is the caller's (src/cli/chart-font.ts). */
export interface FontSource {
  /** The full font, as OpenType bytes. */
  font(): Promise<Buffer>;
  /** `bytes` as a font file for the time of `draw`: resvg 2.6 reads fonts from files only. */
  withFile<T>(bytes: Buffer, draw: (path: string) => T): Promise<T>;
}

/** Subsets kept at most: a report has one per chart, and `--each` writes many reports in one run of the program. */
const MAX_CACHED = 256;
const cache = new WeakMap<FontSource, Map<string, Promise<Buffer>>>();

/**
 * An OpenType font with the glyphs of `text` and nothing else (10–20 KB for a chart). The same set of
 * characters is cut only once while the program runs.
 */
export function fontSubset(text: string, source: FontSource): Promise<Buffer> {
  const key = [...new Set(text)].sort().join("");
  let subsets = cache.get(source);
  if (!subsets) cache.set(source, (subsets = new Map()));
  let subset = subsets.get(key);
  if (!subset) {
    // Name ids 16 and 17 (typographic family and style) keep the family name resvg matches the SVG's against.
    subset = source.font().then((font) => subsetFont(font, key, { targetFormat: "sfnt", preserveNameIds: [16, 17] }));
    subset.catch(() => subsets.delete(key));
    if (subsets.size >= MAX_CACHED) subsets.delete(subsets.keys().next().value!);
    subsets.set(key, subset);
  }
  return subset;
}
