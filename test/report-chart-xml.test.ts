import * as XLSX from "@e965/xlsx";
import { strFromU8, unzipSync } from "fflate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { barSpec } from "../src/report/docx/chart-xml.js";
import { chartOptions } from "../src/report/docx/charts.js";
import { renderDocx } from "../src/report/docx/render.js";
import type { Chart, Figure, ReportModel } from "../src/report/model.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

/**
 * Native charts are written as XML by chart-xml.ts, chart-workbook.ts and chart-parts.ts instead of by
 * docx/charts' ChartRun: the .docx must be the same, byte for byte, as ChartRun's.
 */

const zh = loadTemplate("zh-research-report");
const en = loadTemplate("en-research-report");
const DATE = new Date("2019-07-24T00:00:00Z");

function model(figures: Chart[], lang: "zh-CN" | "en" = "zh-CN", captions: string[] = []): ReportModel {
  return {
    lang,
    title: "图表",
    meta: {},
    opening: [],
    body: figures.flatMap((chart, i): Figure[] => [{ kind: "figure", number: i + 1, caption: captions[i] ?? `图${i + 1} 第${i + 1}题（N=20）`, chart }]),
  };
}

async function both(m: ReportModel, style = zh.style): Promise<[Buffer, Buffer]> {
  return [await renderDocx(m, style, DATE), await renderDocx(m, style, DATE, { writer: "docx" })];
}

const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom(`a"b'c<d>&e`, "", "两\n行", " 前后有空格 ", "社区“两委”其他成员（n=988）", "𠀀字", "甲", "Tab\there"),
);

const chart: fc.Arbitrary<Chart> = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.oneof(
    fc.record({
      type: fc.constantFrom("bar" as const, "grouped" as const),
      categories: fc.array(text, { minLength: n, maxLength: n }),
      series: fc.tuple(
        fc.record({
          name: text,
          values: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
          labels: fc.array(text, { minLength: n, maxLength: n }),
        }),
      ),
      unit: fc.constantFrom("percent" as const, "count" as const),
    }),
    fc.record({
      type: fc.constant("stacked" as const),
      categories: fc.array(text, { minLength: n, maxLength: n }),
      series: fc.array(fc.record({ name: text, values: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }) }), { minLength: 1, maxLength: 9 }),
      unit: fc.constant("percent" as const),
    }),
  ),
);

describe("native charts written as XML", () => {
  it("give the bytes of docx/charts for the report of a survey with every question type", async () => {
    const { survey, tally } = basicFixture();
    for (const template of [zh, en]) {
      const m = buildReport(tally, survey, template, { charts: true, appendix: true, reasonLabel: (r) => r });
      expect(m.body.some((b) => b.kind === "figure")).toBe(true);
      const [fast, reference] = await both(m, template.style);
      expect(fast.equals(reference)).toBe(true);
    }
  });

  it("give the bytes of docx/charts for generated charts (differential)", async () => {
    const samples = fc.sample(fc.array(chart, { minLength: 1, maxLength: 4 }), { numRuns: 25, seed: 11 });
    for (const charts of samples) {
      const m = model(charts, "zh-CN", [`图 "<&>' 标题`]);
      expect(charts.map((c) => barSpec(chartOptions(m.body.find((b) => b.kind === "figure" && b.chart === c) as Figure, zh.style)))).not.toContain(undefined);
      const [fast, reference] = await both(m);
      expect(fast.equals(reference)).toBe(true);
    }
  }, 60_000);

  it("number their relationships as ChartRun's are renumbered, past chart9 too (chart10 sorts before chart2)", async () => {
    const charts = fc.sample(chart, { numRuns: 12, seed: 23 });
    const [fast, reference] = await both(model(charts));
    expect(fast.equals(reference)).toBe(true);
  }, 60_000);

  it("leave a chart they do not write (clustered columns) to docx/charts, with all the others", async () => {
    const columns: Chart = { type: "grouped", categories: ["甲", "乙"], series: [{ name: "一", values: [1, 2] }, { name: "二", values: [3, 4] }], unit: "count" };
    const bars: Chart = { type: "bar", categories: ["甲"], series: [{ name: "比例", values: [0.5], labels: ["1人，50.0%"] }], unit: "percent" };
    const m = model([bars, columns]);
    expect(barSpec(chartOptions(m.body[1] as Figure, zh.style))).toBeUndefined();
    const [fast, reference] = await both(m);
    expect(fast.equals(reference)).toBe(true);
    const files = unzipSync(fast);
    expect(Object.keys(files).filter((n) => /^word\/charts\/chart\d+\.xml$/.test(n))).toHaveLength(2);
  });

  it("embed a workbook a spreadsheet program opens, with the chart's data", async () => {
    const stacked: Chart = {
      type: "stacked",
      categories: ["全体（n=20）", "群众（n=12）"],
      series: [
        { name: "满意", values: [0.25, 0.5] },
        { name: "一般", values: [0.75, 0.5] },
      ],
      unit: "percent",
    };
    const files = unzipSync(await renderDocx(model([stacked]), zh.style, DATE));
    const book = XLSX.read(files["word/embeddings/Microsoft_Excel_Worksheet1.xlsx"]!, { type: "array" });
    expect(book.SheetNames).toEqual(["Sheet1"]);
    const rows = XLSX.utils.sheet_to_json(book.Sheets.Sheet1!, { header: 1, defval: null });
    // Word draws the first category at the bottom, so the chart's data is in reverse order.
    expect(rows).toEqual([
      [null, "满意", "一般"],
      ["群众（n=12）", 0.5, 0.5],
      ["全体（n=20）", 0.25, 0.75],
    ]);
    const chart = strFromU8(files["word/charts/chart1.xml"]!);
    expect(chart).toContain("<c:f>Sheet1!$B$2:$B$3</c:f>");
    expect(strFromU8(files["word/charts/_rels/chart1.xml.rels"]!)).toContain('Target="../embeddings/Microsoft_Excel_Worksheet1.xlsx"');
  });
});
