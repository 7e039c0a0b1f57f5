import { Document, Packer } from "docx";
import { strFromU8, unzipSync } from "fflate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { twipsOfMm } from "../src/report/docx/styles.js";
import { threeLineTable, threeLineTableXml, writesTable } from "../src/report/docx/three-line-table.js";
import { xmlSafeText } from "../src/report/docx/xml-safe.js";
import type { Align, Table } from "../src/report/model.js";
import type { StyleSheet } from "../src/report/template.js";
import { loadTemplate } from "./helpers/report.js";

/** The tables of word/document.xml as docx writes them, on a page with the margins render.ts gives the section. */
async function docxTables(tables: Table[], style: StyleSheet): Promise<string[]> {
  const m = style.page.margins;
  const doc = new Document({
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: twipsOfMm(m.top), bottom: twipsOfMm(m.bottom), left: twipsOfMm(m.left), right: twipsOfMm(m.right) },
          },
        },
        children: tables.map((t) => threeLineTable(t, style)),
      },
    ],
  });
  const xml = strFromU8(unzipSync(await Packer.toBuffer(doc))["word/document.xml"]!);
  return [...xml.matchAll(/<w:tbl>.*?<\/w:tbl>/gs)].map((x) => x[0]);
}

const text = fc
  .oneof(fc.string({ unit: "grapheme", maxLength: 12 }), fc.constantFrom("", `a"b'c<d>&e`, " 空格 ", "两\n行", "57.5%", "𠀀字"))
  .map(xmlSafeText);

const table: fc.Arbitrary<Table> = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    kind: fc.constant("table" as const),
    number: fc.nat(),
    caption: text,
    header: fc.array(text, { minLength: n, maxLength: n }),
    rows: fc.array(fc.array(text, { minLength: n, maxLength: n }), { maxLength: 5 }),
    align: fc.array(fc.constantFrom<Align>("left", "center", "right"), { minLength: n, maxLength: n }),
    compact: fc.option(fc.boolean(), { nil: undefined }),
    footer: fc.option(fc.array(text, { minLength: n, maxLength: n }), { nil: undefined }),
  }),
);

describe("three-line tables written as XML", () => {
  it("are byte for byte what docx writes for them (differential, generated tables, both templates' margins)", async () => {
    const tables = fc.sample(table, { numRuns: 80, seed: 5 });
    for (const template of [loadTemplate("zh-research-report"), loadTemplate("en-research-report")]) {
      for (const margins of [template.style.page.margins, { ...template.style.page.margins, left: 20, right: 31.5 }]) {
        const style = { ...template.style, page: { ...template.style.page, margins } };
        expect(tables.every(writesTable)).toBe(true);
        expect(tables.map((t) => threeLineTableXml(t, style))).toEqual(await docxTables(tables, style));
      }
    }
  }, 60_000);

  it("leave a table with rows of another length than the header to docx", () => {
    const ragged: Table = { kind: "table", number: 1, caption: "", header: ["a", "b"], rows: [["1"]], align: ["left", "right"] };
    expect(writesTable(ragged)).toBe(false);
  });
});
