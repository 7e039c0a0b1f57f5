/**
 * A strict CSV record scanner over UTF-8 bytes, for the tally's hot path. It finds the cells of each
 * record as byte offsets and makes no string: the caller decodes only what it cannot look up by its bytes.
 * papaparse stays the reader of everything general; this scanner reads only what is unambiguous — quotes
 * only around whole cells, `""` inside them, a one-byte delimiter, LF or CRLF records — and gives up
 * (`bailed`) on anything else, so the caller can read the file the general way instead. Where it does
 * not give up, its cells are papaparse's (test/fast-csv.test.ts compares them on generated and mutated files).
 */

import { SLOW, type ScanMemory } from "./scan-memory.js";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Byte classes of the scanning loop: 0 is an ordinary byte. */
const ORDINARY = 0;
const DELIMITER = 1;
const QUOTE_CLASS = 2;
const LF_CLASS = 3;
const CR_CLASS = 4;

export interface CsvRecord {
  /** The bytes the offsets point into (valid only during the callback). */
  buf: Buffer;
  /** Offset in the stream of the record's first byte. */
  offset: number;
  /** Number of cells. */
  fields: number;
  /** Cell i is buf[starts[i], ends[i]) (inside its quotes, if quoted). */
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when cell i holds `""` escapes to undo when decoding. */
  escaped: Uint8Array;
  /** `hashBytes` of cell i's bytes, computed while scanning, or -1 when it was not (quoted cells). */
  hashes: Int32Array;
  /** The decoder of a file that is not UTF-8. */
  decoder?: { decode(bytes: Uint8Array): string };
}

/** Why the scanner gave up: the general reader decides what such a file means. */
export type Bail = "quote" | "width" | "length" | "unclosed" | "newline";

export interface ScannerOptions {
  delimiter: number;
  newline: "\n" | "\r\n";
  /** More cells than this in a record: give up (the general reader reports it). */
  maxFields: number;
  /** A record longer than this many bytes, its line break included: give up (the general reader reports it). */
  maxRecordBytes: number;
  /**
   * How cells are decoded (UTF-8 unless said). GB18030 scans as UTF-8 does: none of its bytes after a
   * character's first is a quote, comma, semicolon, tab or line break (a `|` can be, so a caller must
   * not scan GB18030 split by `|`).
   */
  encoding?: "utf-8" | "gb18030";
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
/** Hashes are cut to 30 bits so that V8 keeps them small integers (no heap number per cell). */
export const HASH_MASK = 0x3fffffff;

const MORE = -1;
const BAIL = -2;

export class CsvScanner {
  private readonly classes = new Uint8Array(256);
  private readonly crlf: boolean;
  private carry: Buffer | undefined;
  /** Stream offset of the next byte pushed; the carry is the bytes just before it. Once stopped or bailed: `position`. */
  private offset: number;
  private stopped = false;
  bailed: Bail | undefined;
  private readonly record: CsvRecord;

  constructor(
    private readonly opts: ScannerOptions,
    /** Stream offset of the first byte pushed: a record starts there. */
    start = 0,
    /**
     * Where plain records are scanned in WebAssembly: the bytes are copied into it, and the record's cells
     * are its arrays (so its dictionaries can look them up). Records that are not plain are scanned here.
     */
    private readonly memory?: ScanMemory,
  ) {
    this.classes[opts.delimiter] = DELIMITER;
    this.classes[QUOTE] = QUOTE_CLASS;
    this.classes[LF] = LF_CLASS;
    this.classes[CR] = CR_CLASS;
    this.crlf = opts.newline === "\r\n";
    this.offset = start;
    // The cell arrays grow up to maxFields, where scanRecord gives up; the memory's hold maxFields already.
    const n = Math.max(1, Math.min(64, opts.maxFields));
    this.record = {
      buf: Buffer.alloc(0),
      offset: 0,
      fields: 0,
      starts: memory?.starts ?? new Int32Array(n),
      ends: memory?.ends ?? new Int32Array(n),
      escaped: memory?.escaped ?? new Uint8Array(n),
      hashes: memory?.hashes ?? new Int32Array(n),
      decoder: opts.encoding === "gb18030" ? new TextDecoder("gb18030") : undefined,
    };
  }

  /** The bytes to scan: the carry, then the chunk. */
  private bytesOf(chunk: Buffer): Buffer {
    const { memory, carry } = this;
    if (!memory) return carry ? this.join(carry, chunk) : chunk;
    // The carry is at the start of the memory's region already.
    const carried = carry?.length ?? 0;
    const buf = this.regionOf(memory, carried + chunk.length);
    // A chunk read where `target` said is in place already.
    if (chunk.buffer !== buf.buffer || chunk.byteOffset !== buf.byteOffset + carried) chunk.copy(buf, carried);
    return buf;
  }

  /** The memory's region of `length` bytes, the record's cells taken again if it had to grow. */
  private regionOf(memory: ScanMemory, length: number): Buffer {
    const generation = memory.generation;
    const buf = memory.region(length);
    if (memory.generation !== generation) {
      const r = this.record;
      r.starts = memory.starts;
      r.ends = memory.ends;
      r.escaped = memory.escaped;
      r.hashes = memory.hashes;
    }
    return buf;
  }

  /**
   * Where to read the next `length` bytes of the stream, so that `push` need not copy them: right after the
   * carry in the memory's region. Undefined without a memory. Push them (a prefix of it) before asking again.
   */
  target(length: number): Buffer | undefined {
    const { memory } = this;
    if (!memory || this.stopped || this.bailed) return undefined;
    const carried = this.carry?.length ?? 0;
    const region = this.regionOf(memory, carried + length);
    // The carry is the region's first bytes; growing the memory left its old view empty.
    if (carried > 0) this.carry = region.subarray(0, carried);
    return region.subarray(carried);
  }

  /**
   * Scans the next bytes of the stream. `onRecord` is called for every complete record; it returns true to
   * stop scanning (the rest is ignored). Returns false when scanning is over (stopped or bailed).
   */
  push(chunk: Buffer, onRecord: (r: CsvRecord) => boolean | void): boolean {
    if (this.stopped || this.bailed) return false;
    const base = this.offset - (this.carry?.length ?? 0);
    const buf = this.bytesOf(chunk);
    let pos = 0;
    while (pos < buf.length) {
      const next = this.scanRecord(buf, pos, false);
      if (next === MORE) break;
      // A record longer than allowed, even one that came whole in this chunk.
      if (next !== BAIL && next - pos > this.opts.maxRecordBytes) this.bail("length");
      if (this.bailed) {
        // `position` is where the record given up on starts.
        this.carry = undefined;
        this.offset = base + pos;
        return false;
      }
      this.record.buf = buf;
      this.record.offset = base + pos;
      pos = next;
      if (onRecord(this.record)) {
        // `position` is just after the record stopped at.
        this.stopped = true;
        this.carry = undefined;
        this.offset = base + pos;
        return false;
      }
    }
    if (buf.length - pos > this.opts.maxRecordBytes) {
      this.bail("length");
      this.carry = undefined;
      this.offset = base + pos;
      return false;
    }
    // Copied: the caller may read the next chunk into the same buffer (the memory's region: to its start).
    const rest = buf.length - pos;
    if (this.memory) this.carry = rest > 0 ? buf.copyWithin(0, pos).subarray(0, rest) : undefined;
    else this.carry = rest > 0 ? Buffer.from(buf.subarray(pos)) : undefined;
    this.offset = base + buf.length;
    return true;
  }

  /**
   * The end of the stream: the last record, when it has no line break. After a final line break there is
   * none: readCsv (papaparse streaming) yields no empty record there, unlike Papa.parse of a whole string,
   * and an empty file has no record. Returns false when the scanner gave up.
   */
  end(onRecord: (r: CsvRecord) => boolean | void): boolean {
    if (this.stopped) return true;
    if (this.bailed) return false;
    const buf = this.carry;
    if (!buf) return true;
    const base = this.offset - buf.length;
    const next = this.scanRecord(buf, 0, true);
    if (next === BAIL) return false;
    this.record.buf = buf;
    this.record.offset = base;
    onRecord(this.record);
    this.carry = undefined;
    return true;
  }

  /**
   * Offset in the stream just after the last byte scanned into a complete record: after a stop, just after
   * the record stopped at; after giving up, where the record given up on starts.
   */
  get position(): number {
    return this.offset - (this.carry?.length ?? 0);
  }

  /**
   * The carry and the next chunk as one buffer, in memory kept from push to push: a new one for every
   * chunk of a 400 MB file left the allocator holding tens of megabytes it did not give back.
   */
  private joined: Buffer | undefined;
  private join(carry: Buffer, chunk: Buffer): Buffer {
    const length = carry.length + chunk.length;
    if (!this.joined || this.joined.length < length) this.joined = Buffer.allocUnsafeSlow(Math.max(length, 2 * (this.joined?.length ?? 0)));
    carry.copy(this.joined, 0);
    chunk.copy(this.joined, carry.length);
    return this.joined.subarray(0, length);
  }

  private grow(): void {
    const r = this.record;
    const n = Math.min(r.starts.length * 2, this.opts.maxFields);
    const starts = new Int32Array(n);
    starts.set(r.starts);
    const ends = new Int32Array(n);
    ends.set(r.ends);
    const escaped = new Uint8Array(n);
    escaped.set(r.escaped);
    const hashes = new Int32Array(n);
    hashes.set(r.hashes);
    r.hashes = hashes;
    r.starts = starts;
    r.ends = ends;
    r.escaped = escaped;
  }

  /**
   * Scans one record from `pos`; returns the offset after its line break (or `len` at the end of a final
   * buffer), MORE when the buffer ends first, BAIL when the record is not strict CSV.
   */
  private scanRecord(b: Buffer, pos: number, final: boolean): number {
    if (this.memory) {
      const next = this.memory.scan(pos, b.length, final, this.opts.delimiter, this.crlf);
      if (next !== SLOW) {
        if (next >= 0) this.record.fields = this.memory.fields();
        return next;
      }
    }
    const cls = this.classes;
    const len = b.length;
    const crlf = this.crlf;
    const r = this.record;
    let f = 0;
    let i = pos;
    for (;;) {
      if (f === r.starts.length) {
        if (f >= this.opts.maxFields) return this.bail("width");
        this.grow();
      }
      if (i < len && b[i] === QUOTE) {
        // A quoted cell: up to the quote that is not doubled.
        const start = i + 1;
        let j = start;
        let escaped = 0;
        for (;;) {
          j = b.indexOf(QUOTE, j);
          if (j < 0) return final ? this.bail("unclosed") : MORE;
          if (j + 1 >= len) {
            if (!final) return MORE;
            break;
          }
          if (b[j + 1] === QUOTE) {
            escaped = 1;
            j += 2;
            continue;
          }
          break;
        }
        r.starts[f] = start;
        r.ends[f] = j;
        r.escaped[f] = escaped;
        r.hashes[f] = -1;
        f++;
        i = j + 1;
        if (i >= len) {
          if (!final) return MORE;
          r.fields = f;
          return len;
        }
        const c = cls[b[i]!]!;
        if (c === DELIMITER) {
          i++;
          continue;
        }
        if (c === LF_CLASS && !crlf) {
          r.fields = f;
          return i + 1;
        }
        if (c === CR_CLASS && crlf) {
          if (i + 1 >= len) return final ? this.bail("quote") : MORE;
          if (b[i + 1] === LF) {
            r.fields = f;
            return i + 2;
          }
        }
        return this.bail("quote");
      }
      // An unquoted cell: up to the delimiter or the line break.
      // The cell's hash is computed on the way (as hashBytes): its bytes are read once. A three-byte
      // character (every Chinese one) is taken in one step: its continuation bytes are never a delimiter,
      // quote or line break, so they need no class lookup.
      const start = i;
      let c = ORDINARY;
      let h = FNV_OFFSET;
      while (i < len) {
        const byte = b[i]!;
        if (byte >= 0xe0 && byte < 0xf0 && i + 2 < len) {
          const b1 = b[i + 1]!;
          const b2 = b[i + 2]!;
          if ((b1 & 0xc0) === 0x80 && (b2 & 0xc0) === 0x80) {
            h = Math.imul(h ^ ((byte << 16) | (b1 << 8) | b2), FNV_PRIME);
            i += 3;
            continue;
          }
        }
        c = cls[byte]!;
        if (c !== ORDINARY) break;
        h = Math.imul(h ^ byte, FNV_PRIME);
        i++;
      }
      r.hashes[f] = h & HASH_MASK;
      if (i >= len) {
        if (!final) return MORE;
        r.starts[f] = start;
        r.ends[f] = len;
        r.escaped[f] = 0;
        r.fields = f + 1;
        return len;
      }
      if (c === DELIMITER) {
        r.starts[f] = start;
        r.ends[f] = i;
        r.escaped[f] = 0;
        f++;
        i++;
        continue;
      }
      if (c === QUOTE_CLASS) return this.bail("quote");
      // A line break: the record's end, when it is this file's line break.
      if (c === LF_CLASS && !crlf) {
        r.starts[f] = start;
        r.ends[f] = i;
        r.escaped[f] = 0;
        r.fields = f + 1;
        return i + 1;
      }
      if (c === CR_CLASS && crlf) {
        if (i + 1 >= len && !final) return MORE;
        if (i + 1 < len && b[i + 1] === LF) {
          r.starts[f] = start;
          r.ends[f] = i;
          r.escaped[f] = 0;
          r.fields = f + 1;
          return i + 2;
        }
      }
      // A bare LF in a CRLF file: readCsv ends the record there (line endings mixed by an editor).
      if (c === LF_CLASS) return this.bail("newline");
      // A bare CR in a CRLF file, or a CR in an LF file, belongs to the cell, as in papaparse: scan on
      // through the same cell.
      r.hashes[f] = -1;
      i = this.continueCell(b, i, len);
      if (i === MORE) return final ? this.finishAtEnd(start, f, len) : MORE;
      if (i === BAIL) return BAIL;
      r.starts[f] = start;
      r.ends[f] = i;
      r.escaped[f] = 0;
      f++;
      if (cls[b[i]!] === DELIMITER) {
        i++;
        continue;
      }
      r.fields = f;
      return i + (crlf ? 2 : 1);
    }
  }

  /**
   * Scans on through an unquoted cell that holds a line-break byte that is not this file's line break
   * (a bare CR in a CRLF file, a CR in an LF file). Returns the offset of the delimiter or of the
   * record's line break, MORE at the end of the buffer, BAIL on a quote or on a bare LF in a CRLF file.
   */
  private continueCell(b: Buffer, i: number, len: number): number {
    const cls = this.classes;
    for (;;) {
      let c = ORDINARY;
      while (i < len && (c = cls[b[i]!]!) === ORDINARY) i++;
      if (i >= len) return MORE;
      if (c === DELIMITER) return i;
      if (c === QUOTE_CLASS) return this.bail("quote");
      if (this.crlf) {
        if (c === CR_CLASS) {
          if (i + 1 >= len) return MORE;
          if (b[i + 1] === LF) return i;
        } else if (c === LF_CLASS) {
          return this.bail("newline");
        }
      } else if (c === LF_CLASS) {
        return i;
      }
      i++;
    }
  }

  private finishAtEnd(start: number, f: number, len: number): number {
    const r = this.record;
    r.starts[f] = start;
    r.ends[f] = len;
    r.escaped[f] = 0;
    r.hashes[f] = -1;
    r.fields = f + 1;
    return len;
  }

  private bail(why: Bail): number {
    this.bailed = why;
    return BAIL;
  }
}

/**
 * The hash the scanner computes of an unquoted cell (FNV-1a over its bytes, a three-byte UTF-8 character
 * taken as one 24-bit step), for cells it did not hash (quoted ones) and for the cache's keys.
 */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  let i = start;
  while (i < end) {
    const byte = b[i]!;
    if (byte >= 0xe0 && byte < 0xf0 && i + 2 < end) {
      const b1 = b[i + 1]!;
      const b2 = b[i + 2]!;
      if ((b1 & 0xc0) === 0x80 && (b2 & 0xc0) === 0x80) {
        h = Math.imul(h ^ ((byte << 16) | (b1 << 8) | b2), FNV_PRIME);
        i += 3;
        continue;
      }
    }
    h = Math.imul(h ^ byte, FNV_PRIME);
    i++;
  }
  return h & HASH_MASK;
}

/** The text of cell i of a record, as papaparse gives it. */
export function cellText(r: CsvRecord, i: number): string {
  if (i >= r.fields) return "";
  const text = r.decoder ? r.decoder.decode(r.buf.subarray(r.starts[i], r.ends[i])) : r.buf.toString("utf8", r.starts[i], r.ends[i]);
  return r.escaped[i] ? text.replace(/""/g, '"') : text;
}
