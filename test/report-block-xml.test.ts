import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { renderDocx } from "../src/report/docx/render.js";
import type { Align, Block, ReportModel, TextRun } from "../src/report/model.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

/**
 * Headings, paragraphs, tables and page breaks are written as XML by block-xml.ts instead of being built
 * as docx objects: the .docx must be the same, byte for byte, as with docx objects (`writer: "docx"`).
 */

const DATE = new Date("2019-07-24T00:00:00Z");
const zh = loadTemplate("zh-research-report");
const en = loadTemplate("en-research-report");

const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 16 }),
  fc.constantFrom("", `a"b'c<d>&e`, " 前后 ", "两\n行", "\n", "57.5%", "𠀀字", "\u0001控制\u000b"),
);
const run: fc.Arbitrary<TextRun> = fc.record(
  { text, bold: fc.boolean(), italic: fc.boolean(), placeholder: fc.boolean() },
  { requiredKeys: ["text"] },
);
const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constant("heading" as const), level: fc.constantFrom(1 as const, 2 as const, 3 as const), number: fc.constantFrom("一、", "（一）", "1.", ""), text }),
  fc.record(
    {
      kind: fc.constant("paragraph" as const),
      runs: fc.array(run, { maxLength: 4 }),
      style: fc.constantFrom("body" as const, "plain" as const, "label" as const, "title" as const),
      marker: fc.constantFrom("•", "1.", "（1）"),
    },
    { requiredKeys: ["kind", "runs"] },
  ),
  fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record(
      {
        kind: fc.constant("table" as const),
        number: fc.nat(),
        caption: text,
        header: fc.array(text, { minLength: n, maxLength: n }),
        // Sometimes ragged: such a table is built by docx, in the middle of written ones.
        rows: fc.array(fc.array(text, { minLength: n, maxLength: n + (n % 2) }), { maxLength: 4 }),
        align: fc.array(fc.constantFrom<Align>("left", "center", "right"), { minLength: n, maxLength: n }),
        compact: fc.boolean(),
        footer: fc.array(text, { minLength: n, maxLength: n }),
      },
      { requiredKeys: ["kind", "number", "caption", "header", "rows", "align"] },
    ),
  ),
  fc.constant({ kind: "pageBreak" as const }),
  fc.record({
    kind: fc.constant("figure" as const),
    number: fc.nat(),
    caption: text,
    chart: fc.constant({ type: "bar" as const, categories: ["甲", "乙"], series: [{ name: "比例", values: [0.25, 0.75], labels: ["1人，25.0%", "3人，75.0%"] }], unit: "percent" as const }),
  }),
);

async function same(model: ReportModel, style = zh.style): Promise<void> {
  const written = await renderDocx(model, style, DATE);
  const built = await renderDocx(model, style, DATE, { writer: "docx" });
  expect(written.equals(built)).toBe(true);
}

describe("blocks written as XML", () => {
  it("give the bytes of docx objects for the report of a survey with every question type", async () => {
    const { survey, tally, narrativeText } = basicFixture();
    for (const template of [zh, en]) {
      await same(buildReport(tally, survey, template, { charts: true, appendix: true, reasonLabel: (r) => r }), template.style);
      await same(buildReport(tally, survey, template, { charts: false, appendix: false, reasonLabel: (r) => r }), template.style);
    }
    expect(narrativeText.length).toBeGreaterThan(0);
  }, 60_000);

  it("give the bytes of docx objects for generated documents (differential)", async () => {
    const samples = fc.sample(fc.tuple(fc.array(block, { maxLength: 3 }), fc.array(block, { minLength: 1, maxLength: 12 })), { numRuns: 40, seed: 3 });
    for (const [opening, body] of samples) {
      await same({ lang: "zh-CN", title: "标题 <&>", meta: {}, opening, body });
    }
  }, 60_000);
});
