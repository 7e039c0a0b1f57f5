import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { bundledChartFont } from "../src/cli/chart-font.js";
import { buildReport } from "../src/report/build.js";
import { fontSubset } from "../src/report/image/font.js";
import { FONT_FAMILY, textWidth, wrapText } from "../src/report/image/metrics.js";
import { figureSvg, valueAxis } from "../src/report/image/svg.js";
import type { Figure } from "../src/report/model.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

const SURVEY = join(ROOT, "fixtures/report-basic/survey.yaml");
const TALLY = join(ROOT, "fixtures/report-basic/tally.json");
const STYLE = loadTemplate("zh-research-report").style;

async function report(name: string, extra: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "survey-report-image-"));
  const out = join(dir, name);
  const run = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "-o", out, ...extra], { cwd: dir });
  return { ...run, out };
}

/** The figures of the basic fixture's report, as the renderer gets them. */
function basicFigures(): Figure[] {
  const { survey, tally } = basicFixture();
  const model = buildReport(tally, survey, loadTemplate("zh-research-report"), { charts: true, appendix: true, reasonLabel: (r) => r });
  return [...model.opening, ...model.body].filter((b): b is Figure => b.kind === "figure");
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** RGBA pixels of an SVG drawn with exactly these font files (never the machine's). */
function pixels(svg: string, fontFiles: string[]): Buffer {
  return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: false, fontFiles, defaultFontFamily: FONT_FAMILY }, background: "#FFFFFF" }).render().pixels);
}

/** How many pixels are darker than mid-grey. */
function dark(rgba: Buffer): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i]! + rgba[i + 1]! + rgba[i + 2]! < 384) n++;
  return n;
}

/** A text line alone in an SVG, 100 px per em, starting at x = 10. */
function textSvg(text: string, width = 2400): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="160" font-family="${FONT_FAMILY}"><text x="10" y="120" font-size="100">${text}</text></svg>`;
}

describe("survey report --charts image", () => {
  let image: Awaited<ReturnType<typeof report>>;
  let zip: JSZip;
  beforeAll(async () => {
    image = await report("images.docx", ["--charts", "image"]);
    expect(image.stderr).toBe("");
    expect(image.code).toBe(0);
    zip = await JSZip.loadAsync(readFileSync(image.out));
  });

  it("puts one PNG per figure in word/media and writes no native charts", () => {
    const names = Object.keys(zip.files);
    expect(image.stdout).toMatch(/6 charts/);
    expect(names.filter((n) => /^word\/media\/[^/]+\.png$/.test(n))).toHaveLength(6);
    expect(names.filter((n) => n.startsWith("word/charts/") || n.startsWith("word/embeddings/"))).toEqual([]);
  });

  it("sizes each image to the template's chart width, with its caption as alt text, captions below", async () => {
    const document = await zip.file("word/document.xml")!.async("string");
    const extents = [...document.matchAll(/<wp:extent cx="(\d+)" cy="(\d+)"\/>/g)];
    expect(extents).toHaveLength(6);
    // 150 mm = 567 px at 96 dpi = 5,400,675 EMU.
    for (const [, cx] of extents) expect(Number(cx)).toBe(567 * 9525);
    const alts = [...document.matchAll(/<wp:docPr id="\d+" name="[^"]*" descr="([^"]*)"/g)].map((m) => m[1]);
    expect(alts).toEqual(basicFigures().map((f, i) => f.caption.replace(/^图\d+/, `图${i + 1}`)));
    // The caption paragraph follows the picture's paragraph.
    expect(document).toMatch(/<\/w:drawing><\/w:r><\/w:p><w:p><w:pPr><w:pStyle w:val="Caption"\/><\/w:pPr><w:r><w:t[^>]*>图1 /);
  });

  it("embeds PNGs that decode: 1181 px wide (150 mm at 200 dpi), as tall as the picture placed", async () => {
    const document = await zip.file("word/document.xml")!.async("string");
    const extents = [...document.matchAll(/<wp:extent cx="(\d+)" cy="(\d+)"\/>/g)].map((m) => Number(m[2]) / Number(m[1]));
    const rels = await zip.file("word/_rels/document.xml.rels")!.async("string");
    const embeds = [...document.matchAll(/<a:blip r:embed="([^"]+)"/g)].map((m) => new RegExp(`Id="${m[1]}"[^>]*Target="([^"]+)"`).exec(rels)![1]!);
    expect(embeds).toHaveLength(6);
    for (const [i, target] of embeds.entries()) {
      const { width, height } = pngSize(await zip.file(`word/${target}`)!.async("uint8array"));
      expect(width).toBe(1181);
      expect(height / width).toBeCloseTo(extents[i]!, 2);
    }
  });

  it("gives the same bytes for the same input", async () => {
    const again = await report("images.docx", ["--charts", "image"]);
    expect(Buffer.compare(readFileSync(again.out), readFileSync(image.out))).toBe(0);
  });

  it("keeps native Word charts as the default, and --no-charts leaves charts out", async () => {
    const plain = await report("plain.docx", []);
    const native = await report("native.docx", ["--charts", "native"]);
    expect(Buffer.compare(readFileSync(plain.out), readFileSync(native.out))).toBe(0);
    const names = Object.keys((await JSZip.loadAsync(readFileSync(native.out))).files);
    expect(names.filter((n) => n.startsWith("word/charts/chart"))).toHaveLength(6);
    expect(names.filter((n) => n.startsWith("word/media/"))).toEqual([]);
    const none = await report("none.docx", ["--no-charts"]);
    expect(Object.keys((await JSZip.loadAsync(readFileSync(none.out))).files).filter((n) => /^word\/(media|charts)\//.test(n))).toEqual([]);
  });

  it("refuses an unknown kind of chart with exit 2", async () => {
    const r = await report("bad.docx", ["--charts", "svg"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--charts.*svg|svg.*--charts/);
  });
});

describe("chart text in the bundled CJK font", () => {
  it("draws Chinese with the font subset, and nothing without it (the machine's own fonts are never used)", async () => {
    const svg = figureSvg(basicFigures()[1]!, STYLE).svg;
    const text = textSvg("您的身份是群众");
    const subset = await fontSubset("您的身份是群众", bundledChartFont);
    const [withFont, chartWithFont] = await bundledChartFont.withFile(subset, (file) => [pixels(text, [file]), pixels(svg, [file])]);
    expect(dark(withFont!)).toBeGreaterThan(5000);
    // This machine may well have CJK fonts installed: with none given, resvg still draws no text at all.
    expect(dark(pixels(text, []))).toBe(0);
    expect(Buffer.compare(chartWithFont!, pixels(svg, []))).not.toBe(0);
  });

  it("cuts a subset that holds the chart's characters and no others", async () => {
    const subset = await fontSubset("您的", bundledChartFont);
    const full = await bundledChartFont.font();
    expect(subset.length).toBeLessThan(full.length / 100);
    // A character the subset lacks is drawn as the font's empty box (.notdef): two different ones look the same.
    const drawn = await bundledChartFont.withFile(subset, (file) => ["您", "的", "群", "众"].map((c) => pixels(textSvg(c, 200), [file])));
    expect(Buffer.compare(drawn[0]!, drawn[1]!)).not.toBe(0);
    expect(Buffer.compare(drawn[2]!, drawn[3]!)).toBe(0);
    const full2 = await fontSubset("群众", bundledChartFont);
    const real = await bundledChartFont.withFile(full2, (file) => ["群", "众"].map((c) => pixels(textSvg(c, 200), [file])));
    expect(Buffer.compare(real[0]!, real[1]!)).not.toBe(0);
  });

  it("lays text out with the font's own advance widths (the ink ends where the layout says the text ends)", async () => {
    const samples = ["Party members 2024", "社区干部n=6", "14人，70.0", "WWW mmm iii 1111"];
    const subset = await fontSubset(samples.join(""), bundledChartFont);
    await bundledChartFont.withFile(subset, (file) => {
      for (const s of samples) {
        const rgba = pixels(textSvg(s), [file]);
        let right = 0;
        for (let i = 0; i < rgba.length; i += 4) if (rgba[i]! < 128) right = Math.max(right, (i / 4) % 2400);
        const expected = 10 + textWidth(s, 100);
        // The last glyph's right side bearing is under a tenth of an em for these.
        expect(right).toBeLessThanOrEqual(expected);
        expect(right).toBeGreaterThan(expected - 12);
      }
    });
  });
});

describe("figureSvg", () => {
  const bar: Figure = {
    kind: "figure",
    number: 2,
    caption: "图2 您的身份是（N=20）",
    chart: { type: "bar", categories: ["群众", "社区干部", "普通党员"], series: [{ name: "比例", values: [0.4, 0.3, 0.3], labels: ["8人，40.0%", "6人，30.0%", "6人，30.0%"] }], unit: "percent" },
  };

  it("draws a small bar chart as pinned in the snapshot", async () => {
    await expect(figureSvg(bar, STYLE).svg).toMatchFileSnapshot("__snapshots__/report-image-bar.svg");
  });

  it("keeps the model's order and labels, and is the template's chart width", () => {
    const { svg, widthMm, text } = figureSvg(bar, STYLE);
    expect(widthMm).toBe(150);
    expect(svg).toMatch(/^<svg [^>]*width="150mm"/);
    const ys = ["群众", "社区干部", "普通党员"].map((c) => Number(new RegExp(`y="([\\d.]+)"[^>]*>${c}<`).exec(svg)![1]));
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    for (const l of bar.chart.series[0]!.labels!) expect(svg).toContain(`>${l}</text>`);
    for (const ch of "群众社区干部普通党员8人，40.0%") expect(text).toContain(ch);
  });

  it("stacks shares to the full width, labels segments of 5% or more, and has a legend", () => {
    const stacked: Figure = {
      kind: "figure",
      number: 1,
      caption: "图1",
      chart: {
        type: "stacked",
        categories: ["全体（n=20）"],
        series: [
          { name: "满意", values: [0.6] },
          { name: "一般", values: [0.37] },
          { name: "不满意", values: [0.03] },
        ],
        unit: "percent",
      },
    };
    const { svg } = figureSvg(stacked, STYLE);
    const segments = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="(#1F4E79|#5B9BD5|#BDD7EE)"/g)];
    // Three segments in the bar, in series order, then three swatches in the legend.
    expect(segments.map((m) => m[3])).toEqual(["#1F4E79", "#5B9BD5", "#BDD7EE", "#1F4E79", "#5B9BD5", "#BDD7EE"]);
    const widths = segments.slice(0, 3).map((m) => Number(m[2]));
    expect(widths[0]! / widths[1]!).toBeCloseTo(0.6 / 0.37, 1);
    expect(widths[0]! / widths[2]!).toBeCloseTo(0.6 / 0.03, 0);
    // Adjacent: each segment starts where the last ended.
    expect(Number(segments[1]![1])).toBeCloseTo(Number(segments[0]![1]) + widths[0]!, 1);
    expect(svg).toContain(">60%</text>");
    expect(svg).toContain(">37%</text>");
    expect(svg).not.toContain(">3%</text>");
    for (const name of ["满意", "一般", "不满意"]) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain(">100%</text>");
  });

  it("draws grouped bars side by side with a legend when there are several series", () => {
    const grouped: Figure = {
      kind: "figure",
      number: 1,
      caption: "图1",
      chart: {
        type: "grouped",
        categories: ["党员", "群众"],
        series: [
          { name: "2023年", values: [0.5, 0.4], labels: ["50.0%", "40.0%"] },
          { name: "2024年", values: [0.7, 0.2], labels: ["70.0%", "20.0%"] },
        ],
        unit: "percent",
      },
    };
    const { svg } = figureSvg(grouped, STYLE);
    expect([...svg.matchAll(/fill="#1F4E79"/g)]).toHaveLength(3); // two bars and a swatch
    expect([...svg.matchAll(/fill="#5B9BD5"/g)]).toHaveLength(3);
    for (const t of ["2023年", "2024年", "70.0%", "20.0%"]) expect(svg).toContain(`>${t}</text>`);
  });

  it("keeps every text inside the picture, long labels and large counts included", () => {
    const long: Figure = {
      kind: "figure",
      number: 1,
      caption: "图1",
      chart: {
        type: "bar",
        categories: ["社区“两委”其他成员（n=46）", "一个非常非常长的选项文字，长得一行放不下，两行也放不下，三行还是放不下的那种", "Other"],
        series: [{ name: "比例", values: [1, 0.5, 0.001], labels: ["12345人，100.0%", "6172人，50.0%", "1人，0.1%"] }],
        unit: "percent",
      },
    };
    for (const f of [...basicFigures(), long]) {
      const { svg } = figureSvg(f, STYLE);
      const width = Number(/viewBox="0 0 ([\d.]+)/.exec(svg)![1]);
      for (const m of svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)"( text-anchor="(middle|end)")?[^>]*>([^<]*)<\/text>/g)) {
        const w = textWidth(m[5]!.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"), Number(m[2]));
        const left = Number(m[1]) - (m[4] === "end" ? w : m[4] === "middle" ? w / 2 : 0);
        expect(left, `${f.caption}: ${m[5]}`).toBeGreaterThanOrEqual(0);
        expect(left + w, `${f.caption}: ${m[5]}`).toBeLessThanOrEqual(width + 0.01);
      }
    }
  });

  it("escapes markup and drops characters XML cannot hold, so resvg reads the SVG", () => {
    const odd: Figure = { ...bar, caption: "图<1> & \u0001", chart: { ...bar.chart, categories: ["<b>&amp;", "a\u000bb", "\"引号\""] } };
    const { svg } = figureSvg(odd, STYLE);
    expect(svg).toContain("&lt;b&gt;&amp;amp;");
    expect(svg).not.toMatch(/[\u0001\u000b]/);
    expect(() => new Resvg(svg, { font: { loadSystemFonts: false } })).not.toThrow();
  });
});

describe("valueAxis and wrapText", () => {
  it("ends the value axis on a round tick just above the largest value", () => {
    expect(valueAxis(0.3, "percent").max).toBeCloseTo(0.3, 9);
    expect(valueAxis(0.3, "percent").step).toBe(0.1);
    expect(valueAxis(0.7, "percent")).toMatchObject({ max: 0.8, step: 0.2 });
    expect(valueAxis(1, "percent")).toMatchObject({ max: 1, step: 0.2 });
    expect(valueAxis(0, "percent")).toMatchObject({ max: 1 });
    expect(valueAxis(2.39, "count")).toMatchObject({ max: 2.5, step: 0.5 });
    expect(valueAxis(229, "count")).toMatchObject({ max: 250, step: 50 });
  });

  it("breaks labels between characters, never before closing or after opening punctuation, and not inside (n=…)", () => {
    expect(wrapText("社区“两委”其他成员（n=46）", 136, 10, 3)).toEqual(["社区“两委”其他成员", "（n=46）"]);
    expect(wrapText("Party members who take part in community work", 136, 10, 3)).toEqual(["Party members who take", "part in community work"]);
    const cut = wrapText("一二三四五六七八九十".repeat(6), 136, 10, 3);
    expect(cut).toHaveLength(3);
    expect(cut[2]).toMatch(/…$/);
    for (const line of wrapText("甲，乙。丙、丁：戊；己！庚？辛）壬”癸".repeat(3), 40, 10, 9)) expect(line).not.toMatch(/^[，。、：；！？）”]/);
  });
});
