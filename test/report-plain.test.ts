import { Document, Packer, Paragraph, TextRun } from "docx";
import { strFromU8, unzipSync } from "fflate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { markerText, plainParagraphXml, substituteMarkers } from "../src/report/docx/plain-paragraphs.js";
import { xmlSafeText } from "../src/report/docx/xml-safe.js";

/** The paragraphs of word/document.xml as docx writes them. */
async function docxBody(children: Paragraph[]): Promise<string> {
  const xml = strFromU8(unzipSync(await Packer.toBuffer(new Document({ sections: [{ children }] })))["word/document.xml"]!);
  return xml.slice(xml.indexOf("<w:body>") + "<w:body>".length, xml.indexOf("<w:sectPr"));
}

describe("open answers written as XML directly", () => {
  it("are byte for byte what docx writes for a paragraph of one plain run (differential, generated texts)", async () => {
    const texts = fc.sample(
      fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom("", " ", `a"b'c<d>&e`, "𠀀字", "\t")),
      { numRuns: 300, seed: 7 },
    ).map(xmlSafeText);
    for (const style of ["Plain", "Body"]) {
      const expected = await docxBody(texts.map((t) => new Paragraph({ style, children: [new TextRun(t)] })));
      expect(texts.map((t) => plainParagraphXml(style, t)).join("")).toBe(expected);
    }
  });

  it("replace their marker paragraph, and only that", async () => {
    const body = await docxBody([
      new Paragraph({ children: [new TextRun("before")] }),
      new Paragraph({ children: [new TextRun(markerText(0))] }),
      new Paragraph({ children: [new TextRun("between")] }),
      new Paragraph({ children: [new TextRun(markerText(1))] }),
    ]);
    const out = substituteMarkers(body, ["<w:p>A</w:p><w:p>B</w:p>", "<w:p>C</w:p>"]);
    expect(out).toBe(
      '<w:p><w:r><w:t xml:space="preserve">before</w:t></w:r></w:p><w:p>A</w:p><w:p>B</w:p><w:p><w:r><w:t xml:space="preserve">between</w:t></w:r></w:p><w:p>C</w:p>',
    );
  });

  it("cannot be imitated by an answer: the marker's noncharacter is dropped from every text", () => {
    expect(xmlSafeText(markerText(3))).toBe("3");
  });
});
