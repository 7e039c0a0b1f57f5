import { strFromU8, unzipSync } from "fflate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { figureBudgetMm } from "../src/report/docx/charts.js";
import { ZERO_WIDTH_SPACE } from "../src/report/docx/line-breaks.js";
import { renderDocx } from "../src/report/docx/render.js";
import { textEms, typeHeight, typeWidth } from "../src/report/docx/styles.js";
import { headerWords, KEEP_TOGETHER_ROWS, tableLayout } from "../src/report/docx/three-line-table.js";
import type { Block, Figure, ReportModel, Table } from "../src/report/model.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

/**
 * Pagination and typesetting (issue 14, item 9), asserted on the XML Word and LibreOffice read: what keeps
 * with what, which rows may not split, the document grid, and how headers and numbers are kept whole. The
 * pages themselves are looked at in report-pdf.test.ts.
 */

const zh = loadTemplate("zh-research-report");
const en = loadTemplate("en-research-report");
const DATE = new Date("2019-07-24T00:00:00Z");

async function parts(model: ReportModel, style = zh.style, options = {}) {
  const files = unzipSync(await renderDocx(model, style, DATE, options));
  const read = (name: string) => strFromU8(files[name]!);
  return { document: read("word/document.xml"), styles: read("word/styles.xml"), read, names: Object.keys(files) };
}

function style(styles: string, id: string): string {
  const m = new RegExp(`<w:style [^>]*w:styleId="${id}".*?</w:style>`, "s").exec(styles);
  if (!m) throw new Error(`no style ${id}`);
  return m[0];
}

const paragraphs = (xml: string) => [...xml.matchAll(/<w:p>.*?<\/w:p>/gs)].map((m) => m[0]);
const text = (xml: string) => [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join("");
const tables = (xml: string) => [...xml.matchAll(/<w:tbl>.*?<\/w:tbl>/gs)].map((m) => m[0]);
const rows = (table: string) => [...table.matchAll(/<w:tr>.*?<\/w:tr>/gs)].map((m) => m[0]);

const options = ["非常满意", "比较满意", "一般", "不太满意", "很不满意", "不了解"];
function table(number: number, n: number, extra: Partial<Table> = {}): Table {
  return {
    kind: "table",
    number,
    caption: `表${number} 您的身份是（N=320）`,
    header: ["选项", "小计", "比例"],
    rows: Array.from({ length: n }, (_, i) => [`选项${i + 1}`, String(10 + i), `${(3.1 * (i + 1)).toFixed(1)}%`]),
    align: ["left", "right", "right"],
    footer: ["本题有效填写人次", "320", ""],
    ...extra,
  };
}
const matrix: Table = {
  kind: "table",
  number: 3,
  caption: "表3 请对社区以下各项工作的满意程度作出评价（N=316）",
  header: ["项目", ...options, "满意率", "平均分", "N"],
  rows: ["党员教育管理", "阵地建设", "矛盾纠纷调解"].map((r) => [r, "24.4%", "42.2%", "26.9%", "6.5%", "0.0%", "12", "66.6%", "3.84", "308"]),
  align: ["left", ...options.map(() => "right" as const), "right", "right", "right"],
  compact: true,
};
const figure = (number: number, bars: number, caption = `图${number} 不同身份被调查者的满意率（N=320）`): Figure => ({
  kind: "figure",
  number,
  caption,
  chart: {
    type: "bar",
    categories: Array.from({ length: bars }, (_, i) => `身份${i + 1}（n=${20 + i}）`),
    series: [{ name: "满意率", values: Array.from({ length: bars }, (_, i) => 0.1 * (i + 1)), labels: Array.from({ length: bars }, (_, i) => `${10 * (i + 1)}%`) }],
    unit: "percent",
  },
});

const body: Block[] = [
  { kind: "heading", level: 1, number: "一、", text: "基本情况" },
  { kind: "paragraph", runs: [{ text: "参与本次调研的有……分别占4.4%、6.6%、14.4%、5.9%。满意率最高的是“党员教育管理”（66.6%），其次是“为民服务”。" }] },
  { kind: "heading", level: 2, number: "（一）", text: "推行功能型党组织设置" },
  { kind: "heading", level: 3, number: "1.", text: "三级" },
  table(1, 5),
  { kind: "paragraph", style: "plain", runs: [{ text: "第2题 您的性别 [单选题]", bold: true }] },
  table(2, 20),
  matrix,
  figure(1, 6),
  { kind: "paragraph", style: "plain", runs: [{ text: "不是标题的一段，", bold: true }, { text: "只有一部分加粗。" }] },
];
const model: ReportModel = { lang: "zh-CN", title: "关于某社区党建工作的调研报告", meta: {}, opening: [], body };

describe("keeping together", () => {
  it("keeps headings of every level, the appendix's title and captions with what follows", async () => {
    const { styles } = await parts(model);
    for (const id of ["Heading1", "Heading2", "Heading3", "Caption", "Title", "Label"]) expect(style(styles, id), id).toContain("<w:keepNext/>");
    expect(style(styles, "Normal")).not.toContain("<w:keepNext/>");
  });

  it("keeps a paragraph that is all bold (the appendix's 第N题) with the next, and no other", async () => {
    const { document } = await parts(model);
    const ps = paragraphs(document);
    expect(ps.find((p) => text(p) === "第2题 您的性别 [单选题]")).toContain("<w:keepNext/>");
    expect(ps.find((p) => text(p).startsWith("不是标题的一段"))).not.toContain("<w:keepNext/>");
    expect(ps.find((p) => text(p).startsWith("参与本次调研"))).not.toContain("<w:keepNext/>");
  });

  it("does the same in the appendix of a report built from a survey", async () => {
    const { survey, tally } = basicFixture();
    const { document } = await parts(buildReport(tally, survey, zh, { charts: true, appendix: true, reasonLabel: (r) => r }));
    const questions = paragraphs(document).filter((p) => /^第\d+题 /.test(text(p)));
    expect(questions.length).toBeGreaterThan(3);
    for (const q of questions) expect(q, text(q)).toContain("<w:keepNext/>");
  }, 30_000);

  it("never splits a row; keeps a short table on one page and repeats a long one's header", async () => {
    const { document } = await parts(model);
    const [short, long] = tables(document);
    for (const t of [short!, long!]) {
      const rs = rows(t);
      for (const r of rs) expect(r).toContain("<w:trPr><w:cantSplit/>");
      expect(rs[0]).toContain("<w:tblHeader/>");
      for (const r of rs.slice(1)) expect(r).not.toContain("<w:tblHeader/>");
    }
    const shortRows = rows(short!);
    expect(shortRows).toHaveLength(7);
    // Every paragraph of every row but the last keeps with the next row.
    for (const r of shortRows.slice(0, -1)) for (const p of paragraphs(r)) expect(p).toContain("<w:keepNext/>");
    for (const p of paragraphs(shortRows.at(-1)!)) expect(p).not.toContain("<w:keepNext/>");
    // A table longer than a page may run over: no keep, but its header repeats.
    expect(rows(long!).length).toBeGreaterThan(KEEP_TOGETHER_ROWS);
    expect(long).not.toContain("<w:keepNext/>");
  });

  it("does not chain the sentence before a figure to it: only the chart keeps with its caption", async () => {
    const { document } = await parts(model);
    const ps = paragraphs(document);
    const chart = ps.findIndex((p) => p.includes("<w:drawing>"));
    expect(ps[chart]).toContain("<w:keepNext/>");
    expect(text(ps[chart + 1]!)).toMatch(/^图1 /);
    expect(ps[chart - 1]).not.toContain("<w:keepNext/>");
  });
});

describe("figures", () => {
  it("are no taller than a chart and its caption can be in a third of the type area", async () => {
    const { document } = await parts(model);
    const heightMm = Number(/<wp:extent cx="\d+" cy="(\d+)"/.exec(document)![1]) / 36000;
    const lineMm = (zh.style.line * 25.4) / 72;
    const thirdMm = (typeHeight(zh.style) * 25.4) / 1440 / 3;
    // Six bars under a one-line caption, with the blank line after it.
    expect(heightMm + lineMm * 1.5).toBeLessThanOrEqual(thirdMm);
    expect(figureBudgetMm(figure(1, 6), zh.style)).toBeCloseTo(thirdMm - lineMm * 1.5 - 3, 5);
    // A caption of two lines leaves less room for its chart.
    expect(figureBudgetMm(figure(1, 6, `图1 ${"很长的题目".repeat(8)}（N=320）`), zh.style)).toBeCloseTo(thirdMm - lineMm * 2.5 - 3, 5);
  });
});

describe("the document grid", () => {
  it("declares 22 lines on the GB/T 9704 type area and sets body text 28 characters to the line", async () => {
    const { document, styles } = await parts(model);
    // 225 mm / 22 lines = 579 twips; the character pitch Word's grid would use is 156 mm / 28 in 1/4096 pt over 16 pt.
    expect(document).toContain('<w:docGrid w:type="lines" w:linePitch="579" w:charSpace="-841"/>');
    expect(typeHeight(zh.style) / 579).toBeGreaterThanOrEqual(22);
    expect(typeHeight(zh.style) / 579).toBeLessThan(23);
    // Body-size text 0.25 pt closer: 28 characters of 315 twips fit 156 mm, 29 do not.
    for (const id of ["Normal", "Heading1", "Heading2", "Heading3"]) expect(style(styles, id), id).toContain('<w:spacing w:val="-5"/>');
    expect(28 * (320 - 5)).toBeLessThanOrEqual(typeWidth(zh.style));
    expect(29 * (320 - 5)).toBeGreaterThan(typeWidth(zh.style));
    // Other sizes keep their own pitch.
    for (const id of ["Title", "Caption", "TableText", "Footer"]) expect(style(styles, id), id).toContain('<w:spacing w:val="0"/>');
    // Nothing snaps to the grid (LibreOffice doubles table rows that do), no automatic CJK–Latin spacing.
    expect(styles).toMatch(/<w:pPrDefault><w:pPr><w:autoSpaceDE w:val="0"\/><w:autoSpaceDN w:val="0"\/><w:snapToGrid w:val="0"\/>/);
  });

  it("is left out of a style sheet without `grid` (the English template)", async () => {
    const { document, styles } = await parts({ ...model, lang: "en" }, en.style);
    expect(document).toContain('<w:docGrid w:linePitch="360"/>');
    expect(style(styles, "Normal")).not.toContain("<w:spacing w:val=");
    expect(styles).not.toContain("w:autoSpaceDE");
  });
});

describe("line breaks", () => {
  it("may break after Chinese punctuation before digits and quotes, never inside a number", async () => {
    const { document } = await parts(model);
    const sentence = text(paragraphs(document).find((p) => text(p).startsWith("参与本次调研"))!);
    expect(sentence).toContain(`4.4%、${ZERO_WIDTH_SPACE}6.6%、${ZERO_WIDTH_SPACE}14.4%`);
    expect(sentence).toContain(`”${ZERO_WIDTH_SPACE}（66.6%）`);
    expect(sentence).toContain("，其次是"); // before a Chinese character nothing is needed
    expect(sentence.replaceAll(ZERO_WIDTH_SPACE, "")).toBe(body[1]!.kind === "paragraph" ? body[1]!.runs[0]!.text : "");
    // Nothing inside numbers, and nothing in headings, captions and tables.
    expect(sentence).not.toMatch(new RegExp(`[0-9.%]${ZERO_WIDTH_SPACE}[0-9.%]`));
    for (const t of tables(document)) expect(t).not.toContain(ZERO_WIDTH_SPACE);
  });

  it("adds nothing to an English report", async () => {
    const { document } = await parts({ ...model, lang: "en" }, en.style);
    expect(document).not.toContain(ZERO_WIDTH_SPACE);
  });
});

describe("table headers", () => {
  it("give a matrix's columns room for 非常满意 on one line, and keep every number whole", async () => {
    const layout = tableLayout(matrix, zh.style);
    expect(layout.columns.reduce((a, b) => a + b, 0)).toBe(typeWidth(zh.style));
    expect(layout.header).toEqual(matrix.header.map((h) => [h]));
    // 五号 (10.5 pt = 210 twips a character) and the cell's margins.
    for (const i of [1, 2, 4, 5]) expect(layout.columns[i]).toBeGreaterThanOrEqual(4 * 210 + 80);
    // The labels stay whole too.
    expect(layout.columns[0]).toBeGreaterThanOrEqual(6 * 210 + 80);
    const { document } = await parts(model);
    const xml = tables(document)[2]!;
    const widths = [...xml.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(widths).toEqual(layout.columns);
    expect(rows(xml)[0]).not.toContain("<w:br/>");
  });

  it("break only between words when a header cannot have its line (generated tables)", () => {
    const word = fc.constantFrom("非常", "满意", "比较", "不太", "有效", "填写", "人次", "平均", "得分", "综合", "排位", "社区", "成员", "率", "分", "N", "第1位");
    const header = fc.array(word, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(""));
    const tableArb = fc.integer({ min: 2, max: 14 }).chain((n) =>
      fc.record({
        header: fc.array(header, { minLength: n, maxLength: n }),
        cell: fc.constantFrom("100.0%", "12", "3.84", "24.4%"),
        label: fc.constantFrom("党员教育管理", "缺人(党员老龄化、后继乏人)", "其他"),
        compact: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(tableArb, ({ header: h, cell, label, compact }) => {
        const t: Table = { kind: "table", number: 1, caption: "表1", header: h, rows: [[label, ...h.slice(1).map(() => cell)]], align: h.map(() => "right" as const), compact };
        const layout = tableLayout(t, zh.style);
        expect(layout.columns.reduce((a, b) => a + b, 0)).toBe(typeWidth(zh.style));
        layout.header.forEach((lines, i) => {
          expect(lines.join("")).toBe(h[i]);
          // Each line is made of whole words.
          const words = headerWords(h[i]!);
          let at = 0;
          const ends = new Set(words.map((w) => (at += w.length)));
          let end = 0;
          for (const line of lines.slice(0, -1)) expect(ends.has((end += line.length))).toBe(true);
        });
        // A number always has its line, when the page has room for all of them and four characters of label.
        const em = (compact ? zh.style.table.size - 1.5 : zh.style.table.size) * 20;
        const margins = compact ? 80 : 160;
        const room = (h.length - 1) * (textEms(cell) * em + margins + 40) + 4 * em + margins + 40;
        if (room <= typeWidth(zh.style)) for (let i = 1; i < h.length; i++) expect(layout.columns[i]! - margins).toBeGreaterThanOrEqual(textEms(cell) * em);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
