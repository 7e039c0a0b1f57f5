import { chartFiles, workbookName } from "./chart-parts.js";
import { chartWorkbook } from "./chart-workbook.js";
import type { BarSpec } from "./chart-xml.js";
import { deflateEntry, dosDateTime, writeZip, type ZipEntry } from "./zip-writer.js";

/**
 * The last step of the package: the charts' parts, and the zip of all the parts, dated `date` so the
 * same input gives the same bytes. Pure and self-contained, so zipper.ts can run it in a worker thread.
 */

export interface ZipJob {
  /** The package's parts by path, but the charts' of `prepareCharts`; .xlsx parts (ChartRun's workbooks) are redated. */
  parts: Record<string, Uint8Array>;
  date: Date;
}

/** The parts of chart-xml.ts' charts (chart, relationships, workbook dated `date`), deflated for the package. */
export function prepareCharts(specs: readonly BarSpec[], date: Date): ZipEntry[] {
  const entries = Object.entries(chartFiles(specs)).map(([name, data]) => deflateEntry(name, data));
  specs.forEach((spec, i) => entries.push(deflateEntry(workbookName(i + 1), chartWorkbook(spec, date))));
  return entries;
}

/** Zips the parts and the prepared charts in name order, each dated `date`. */
export function zipPackage(job: ZipJob, charts: readonly ZipEntry[]): Uint8Array {
  const entries = Object.keys(job.parts)
    .filter((name) => !name.endsWith("/"))
    .map((name) => deflateEntry(name, name.endsWith(".xlsx") ? redate(job.parts[name]!, job.date) : job.parts[name]!));
  // [Content_Types].xml sorts first, where readers look for it. Dates in UTC, so the bytes are the same
  // in every time zone.
  return writeZip([...entries, ...charts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), job.date);
}

/**
 * Sets the date of every entry of a zip (a chart's embedded workbook) in place, in its local header and
 * in the central directory, without recompressing anything. Plain zips only, as fflate writes them.
 */
export function redate(zip: Uint8Array, date: Date): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const { time, day } = dosDateTime(date);
  let eocd = out.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) return zip;
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  for (let i = 0; i < entries && view.getUint32(at, true) === 0x02014b50; i++) {
    view.setUint16(at + 12, time, true);
    view.setUint16(at + 14, day, true);
    const local = view.getUint32(at + 42, true);
    if (view.getUint32(local, true) === 0x04034b50) {
      view.setUint16(local + 10, time, true);
      view.setUint16(local + 12, day, true);
    }
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return out;
}
