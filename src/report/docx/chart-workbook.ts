import { strToU8 } from "fflate";
import { columnName, OFFICE_REL as REL, XML_DECLARATION, type BarSpec } from "./chart-xml.js";
import { escapeXml } from "./xml-safe.js";
import { deflateEntry, writeZip, type ZipEntry } from "./zip-writer.js";

/**
 * A chart's embedded workbook (word/embeddings/Microsoft_Excel_WorksheetN.xlsx), which Word's "Edit Data"
 * opens: one sheet laid out as Word lays out a new chart's data (series names in row 1, categories in
 * column A), text in shared strings. Written as docx/charts writes it, byte for byte, without building
 * its objects: five of the seven files are the same for every chart, and are deflated once.
 */

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml";

const CONTENT_TYPES = strToU8(
  `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="${TYPE}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${TYPE}.worksheet+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${TYPE}.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${TYPE}.sharedStrings+xml"/></Types>`,
);
const ROOT_RELS = strToU8(`${XML_DECLARATION}<Relationships xmlns="${PACKAGE_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
const WORKBOOK = strToU8(`${XML_DECLARATION}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`);
const WORKBOOK_RELS = strToU8(
  `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
    `<Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
);
const STYLES = strToU8(
  `${XML_DECLARATION}<styleSheet xmlns="${MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
    `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
    `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
    `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>` +
    `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
);

let shared: ZipEntry[] | undefined;

/** The five files every workbook has, deflated the first time they are wanted. */
function sharedEntries(): ZipEntry[] {
  shared ??= [
    deflateEntry("[Content_Types].xml", CONTENT_TYPES),
    deflateEntry("_rels/.rels", ROOT_RELS),
    deflateEntry("xl/workbook.xml", WORKBOOK),
    deflateEntry("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    deflateEntry("xl/styles.xml", STYLES),
  ];
  return shared;
}

/** The workbook's bytes, zipped as docx zips it (DEFLATE at level 6, in docx's order), each file dated `date`. */
export function chartWorkbook(spec: BarSpec, date: Date): Uint8Array {
  // The sheet's text in reading order: series names, then each category.
  const texts = [...spec.series.map((s) => s.name), ...spec.categories];
  const strings = new Map<string, number>();
  for (const t of texts) if (!strings.has(t)) strings.set(t, strings.size);
  const index = (t: string) => strings.get(t)!;

  let rows = `<row r="1">${spec.series.map((s, i) => `<c r="${columnName(i + 1)}1" t="s"><v>${index(s.name)}</v></c>`).join("")}</row>`;
  spec.categories.forEach((category, r) => {
    const row = r + 2;
    rows += `<row r="${row}"><c r="A${row}" t="s"><v>${index(category)}</v></c>`;
    spec.series.forEach((s, i) => (rows += `<c r="${columnName(i + 1)}${row}"><v>${String(s.values[r])}</v></c>`));
    rows += "</row>";
  });
  const sheet = `${XML_DECLARATION}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><dimension ref="A1:${columnName(spec.series.length)}${spec.categories.length + 1}"/><sheetData>${rows}</sheetData></worksheet>`;

  let items = "";
  for (const t of strings.keys()) items += /^\s|\s$/.test(t) ? `<si><t xml:space="preserve">${escapeXml(t)}</t></si>` : `<si><t>${escapeXml(t)}</t></si>`;
  const sst = `${XML_DECLARATION}<sst xmlns="${MAIN}" count="${texts.length}" uniqueCount="${strings.size}">${items}</sst>`;

  const [types, rootRels, workbook, workbookRels, styles] = sharedEntries();
  return writeZip(
    [types!, rootRels!, workbook!, workbookRels!, deflateEntry("xl/worksheets/sheet1.xml", strToU8(sheet)), styles!, deflateEntry("xl/sharedStrings.xml", strToU8(sst))],
    date,
  );
}
