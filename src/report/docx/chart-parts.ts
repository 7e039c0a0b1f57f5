import { strFromU8, strToU8 } from "fflate";
import { chartXml, drawingRunXml, OFFICE_REL as REL, type BarSpec } from "./chart-xml.js";

/**
 * Puts charts written by chart-xml.ts into the package docx compiled without them, where docx/charts would
 * have put them: the parts (`chartFiles`: each chart and its relationships; render.ts adds them and
 * chart-workbook.ts' workbooks), their content types and the document's relationships to them, and
 * the drawing in place of each chart's marker run. The result is the package ChartRun gives, byte for
 * byte but the workbooks, once render.ts has renumbered ChartRun's ids (test/report-chart-xml.test.ts).
 */

/** U+FDD1, a noncharacter that `xmlSafe` removes from every text, so no text of the report holds a marker. */
const MARK = "\ufdd1";
const MARKER_RUN = new RegExp(`<w:r><w:t xml:space="preserve">${MARK}(\\d+)${MARK}</w:t></w:r>`, "g");

/** The text of the run that stands for chart `index` (from 0) until the package is put together. */
export function chartMarkerText(index: number): string {
  return `${MARK}${index}${MARK}`;
}

const RELS_HEAD = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">';
const FONT_TABLE = new RegExp(`<Relationship Id="rId(\\d+)" Type="${REL}/fontTable" Target="fontTable.xml"/>`);

/**
 * The relationship ids render.ts' renumbering gives ChartRun's random ones, in order of first appearance
 * in the parts in name order: the document's to each chart (rIdS1 …), then each chart's to its workbook,
 * in the order of the charts' relationship files' names (chart1, chart10, chart11 …). Written final, so
 * that the charts' parts can be made before the document is compiled; render.ts numbers any other
 * random id after these (`reservedIds`).
 */
function chartIds(charts: number): { chart: (n: number) => string; book: (n: number) => string } {
  const rels = Array.from({ length: charts }, (_, i) => relsName(i + 1)).sort();
  const rank = new Map(rels.map((name, i) => [name, i]));
  return { chart: (n) => `rIdS${n}`, book: (n) => `rIdS${charts + 1 + rank.get(relsName(n))!}` };
}

export const reservedIds = (charts: number) => 2 * charts;

const relsName = (n: number) => `word/charts/_rels/chart${n}.xml.rels`;
const chartPath = (n: number) => `charts/chart${n}.xml`;
const workbookPath = (n: number) => `embeddings/Microsoft_Excel_Worksheet${n}.xlsx`;

/** Chart n's workbook (from 1), as with ChartRun. */
export const workbookName = (n: number) => `word/${workbookPath(n)}`;

/** Each chart's part and relationships, by path. */
export function chartFiles(specs: readonly BarSpec[]): Record<string, Uint8Array> {
  const ids = chartIds(specs.length);
  const files: Record<string, Uint8Array> = {};
  specs.forEach((spec, i) => {
    const n = i + 1;
    files[`word/${chartPath(n)}`] = strToU8(chartXml(spec, ids.book(n)));
    files[relsName(n)] = strToU8(`${RELS_HEAD}<Relationship Id="${ids.book(n)}" Type="${REL}/package" Target="../${workbookPath(n)}"/></Relationships>`);
  });
  return files;
}

/** Adds the charts' content types and relationships to `parts` (by path, as docx compiled them) and returns each chart's drawing run, in order. */
export function addChartParts(parts: Record<string, Uint8Array>, specs: readonly BarSpec[]): string[] {
  if (specs.length === 0) return [];
  const ids = chartIds(specs.length);
  const overrides: string[] = [];
  const workbookOverrides: string[] = [];
  const relationships: string[] = [];
  const drawings = specs.map((spec, i) => {
    const n = i + 1;
    overrides.push(`<Override ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml" PartName="/word/${chartPath(n)}"/>`);
    workbookOverrides.push(`<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" PartName="/word/${workbookPath(n)}"/>`);
    relationships.push(`<Relationship Id="${ids.chart(n)}" Type="${REL}/chart" Target="${chartPath(n)}"/>`);
    return drawingRunXml(spec, ids.chart(n));
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
