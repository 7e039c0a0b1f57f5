import { strFromU8, strToU8 } from "fflate";
import { chartXml, drawingRunXml, type BarSpec } from "./chart-xml.js";

/**
 * Puts charts written by chart-xml.ts into the package docx compiled without them, where docx/charts would
 * have put them: the parts (chart, its relationships; its workbook is built by package-zip.ts, at the
 * path `workbookPaths` gives), their content types and the document's relationships to them, and the
 * drawing in place of each chart's marker run. The result is the
 * package ChartRun gives, byte for byte, once render.ts has renumbered ids (test/report-chart-xml.test.ts).
 */

/** U+FDD1, a noncharacter that `xmlSafe` removes from every text, so no text of the report holds a marker. */
const MARK = "\ufdd1";
const MARKER_RUN = new RegExp(`<w:r><w:t xml:space="preserve">${MARK}(\\d+)${MARK}</w:t></w:r>`, "g");

/** The text of the run that stands for chart `index` (from 0) until the package is put together. */
export function chartMarkerText(index: number): string {
  return `${MARK}${index}${MARK}`;
}

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const RELS_HEAD = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">';
const FONT_TABLE = new RegExp(`<Relationship Id="rId(\\d+)" Type="${REL}/fontTable" Target="fontTable.xml"/>`);

/**
 * Ids of the shape of docx's random ones ("rId" and 21 characters), which render.ts renumbers in order of
 * first appearance as it does docx's, so they end as the ids ChartRun's would.
 */
const id = (kind: "chart" | "book", n: number) => `rId${kind}${String(n).padStart(21 - kind.length, "0")}`;

/** Where each chart's workbook goes in the package: chart n (from 1) has workbook n, as with ChartRun. */
export function workbookPaths(specs: readonly BarSpec[]): Record<string, BarSpec> {
  return Object.fromEntries(specs.map((spec, i) => [`word/${workbookPath(i + 1)}`, spec]));
}

const workbookPath = (n: number) => `embeddings/Microsoft_Excel_Worksheet${n}.xlsx`;

/** Adds the charts' parts but their workbooks to `parts` (by path, as docx compiled them) and returns each chart's drawing run, in order. */
export function addChartParts(parts: Record<string, Uint8Array>, specs: readonly BarSpec[]): string[] {
  if (specs.length === 0) return [];
  const overrides: string[] = [];
  const workbookOverrides: string[] = [];
  const relationships: string[] = [];
  const drawings = specs.map((spec, i) => {
    const n = i + 1;
    const chart = `charts/chart${n}.xml`;
    const workbook = workbookPath(n);
    parts[`word/${chart}`] = strToU8(chartXml(spec, id("book", n)));
    parts[`word/charts/_rels/chart${n}.xml.rels`] = strToU8(`${RELS_HEAD}<Relationship Id="${id("book", n)}" Type="${REL}/package" Target="../${workbook}"/></Relationships>`);
    overrides.push(`<Override ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml" PartName="/word/${chart}"/>`);
    workbookOverrides.push(`<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" PartName="/word/${workbook}"/>`);
    relationships.push(`<Relationship Id="${id("chart", n)}" Type="${REL}/chart" Target="${chart}"/>`);
    return drawingRunXml(spec, id("chart", n));
  });
  edit(parts, "[Content_Types].xml", (xml) => insertBefore(xml, "</Types>", overrides.join("") + workbookOverrides.join("")));
  // docx numbers the font table's relationship after all of the document's others, the charts' among them.
  edit(parts, "word/_rels/document.xml.rels", (xml) => {
    const font = FONT_TABLE.exec(xml);
    if (!font) throw new Error("docx wrote no font table relationship to put the charts' before");
    const renumbered = font[0].replace(`rId${font[1]}`, `rId${Number(font[1]) + specs.length}`);
    return xml.slice(0, font.index) + relationships.join("") + renumbered + xml.slice(font.index + font[0].length);
  });
  return drawings;
}

/** Puts each chart's drawing run where its marker run is in word/document.xml. */
export function substituteChartMarkers(documentXml: string, drawings: readonly string[]): string {
  if (drawings.length === 0) return documentXml;
  return documentXml.replace(MARKER_RUN, (whole, index: string) => drawings[Number(index)] ?? whole);
}

function edit(parts: Record<string, Uint8Array>, name: string, change: (xml: string) => string): void {
  const data = parts[name];
  if (!data) throw new Error(`docx wrote no ${name}`);
  parts[name] = strToU8(change(strFromU8(data)));
}

function insertBefore(xml: string, end: string, text: string): string {
  const at = xml.lastIndexOf(end);
  if (at < 0) throw new Error(`no ${end} to insert before`);
  return xml.slice(0, at) + text + xml.slice(at);
}
