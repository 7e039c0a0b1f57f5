import { chartWorkbook } from "./chart-workbook.js";
import type { BarSpec } from "./chart-xml.js";
import { deflateEntry, dosDateTime, writeZip } from "./zip-writer.js";

/**
 * The last step of the package: the charts' workbooks, and the zip of all the parts, dated `date` so the
 * same input gives the same bytes. Pure and self-contained, so zipper.ts can run it in a worker thread.
 */

export interface ZipJob {
  /** The package's parts by path, ready but for the workbooks of `workbooks`; .xlsx parts are redated. */
  parts: Record<string, Uint8Array>;
  date: Date;
}

/** Each chart workbook's bytes by its path in the package, dated `date`. */
export function buildWorkbooks(specs: Record<string, BarSpec>, date: Date): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [path, spec] of Object.entries(specs)) out[path] = chartWorkbook(spec, date);
  return out;
}

/** Zips the parts and the workbooks in name order, each dated `date`. */
export function zipPackage(job: ZipJob, workbooks: Record<string, Uint8Array>): Uint8Array {
  const files = { ...job.parts, ...workbooks };
  // [Content_Types].xml sorts first, where readers look for it.
  const names = Object.keys(files)
    .filter((name) => !name.endsWith("/"))
    .sort();
  // Dates in UTC, so the bytes are the same in every time zone.
  return writeZip(
    names.map((name) => deflateEntry(name, name.endsWith(".xlsx") && !(name in workbooks) ? redate(files[name]!, job.date) : files[name]!)),
    job.date,
  );
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
