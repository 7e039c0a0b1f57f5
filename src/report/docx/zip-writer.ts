import { deflateSync, strToU8 } from "fflate";

/**
 * A zip written from entries deflated beforehand: the layout fflate's zipSync writes, byte for byte
 * (test/report-zip.test.ts), so that entries can be deflated once and reused (the parts every chart's
 * workbook shares) or on another thread (zipper.ts), and the zip put together after.
 */

export interface ZipEntry {
  name: string;
  /** CRC-32 of the uncompressed data. */
  crc: number;
  size: number;
  /** DEFLATE, as fflate's deflateSync at level 6 gives it. */
  deflated: Uint8Array;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1 ? -306674912 : 0) ^ (c >>> 1);
    t[i] = c;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c & 255) ^ data[i]!]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function deflateEntry(name: string, data: Uint8Array): ZipEntry {
  return { name, crc: crc32(data), size: data.length, deflated: deflateSync(data, { level: 6 }) };
}

/** MS-DOS time and date fields of a zip entry, in UTC, within the years they can hold (1980 to 2107). */
export function dosDateTime(date: Date): { time: number; day: number } {
  const d = new Date(Math.min(Math.max(date.getTime(), Date.UTC(1980, 0, 2)), Date.UTC(2107, 11, 31, 23, 59, 58)));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    day: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** The zip of `entries` in their order, each dated `date` (UTC). */
export function writeZip(entries: readonly ZipEntry[], date: Date): Uint8Array {
  const { time, day } = dosDateTime(date);
  const names = entries.map((e) => strToU8(e.name));
  let local = 0;
  let central = 0;
  entries.forEach((e, i) => {
    local += 30 + names[i]!.length + e.deflated.length;
    central += 46 + names[i]!.length;
  });
  const out = new Uint8Array(local + central + 22);
  const view = new DataView(out.buffer);
  const header = (at: number, e: ZipEntry, name: Uint8Array, offset?: number): number => {
    const centralHeader = offset !== undefined;
    view.setUint32(at, centralHeader ? 0x02014b50 : 0x04034b50, true);
    at += 4;
    if (centralHeader) view.setUint16(at, 20, true), (at += 2); // made by: MS-DOS, 2.0
    view.setUint16(at, 20, true); // needed: 2.0
    // Bit 11: the name is UTF-8, set as fflate sets it, when the name is not ASCII.
    view.setUint16(at + 2, name.length !== e.name.length ? 0x800 : 0, true);
    view.setUint16(at + 4, 8, true); // DEFLATE
    view.setUint16(at + 6, time, true);
    view.setUint16(at + 8, day, true);
    view.setUint32(at + 10, e.crc, true);
    view.setUint32(at + 14, e.deflated.length, true);
    view.setUint32(at + 18, e.size, true);
    view.setUint16(at + 22, name.length, true);
    at += 26; // and no extra field
    if (centralHeader) view.setUint32(at + 10, offset, true), (at += 14); // no comment, disk 0, no attributes
    out.set(name, at);
    return at + name.length;
  };
  let at = 0;
  const offsets = entries.map((e, i) => {
    const offset = at;
    at = header(at, e, names[i]!);
    out.set(e.deflated, at);
    at += e.deflated.length;
    return offset;
  });
  entries.forEach((e, i) => (at = header(at, e, names[i]!, offsets[i]!)));
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, central, true);
  view.setUint32(at + 16, local, true);
  return out;
}
