/**
 * The fast CSV scanner (src/io/fast-csv.ts) against the general reader (readCsv, papaparse streaming): on
 * generated well-formed files it must read every record as readCsv does, in any chunking of the bytes; on
 * mutated files it may give up (`bailed`), but where it does not, its records are readCsv's; stopped at a
 * record and resumed from that record's offset (or from `position`), the two scans give the whole file's
 * records. Every file is written to a temporary folder and read by readCsv itself.
 *
 * Seeded as the fuzz tests are (test/fuzz/harness.ts: FUZZ_SEED, FUZZ_SCALE), without importing the
 * harness, which pulls in the whole CLI.
 */
import { Buffer, isUtf8 } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { detectDelimiter, detectNewline, readCsv } from "../src/io/csv.js";
import { cellText, CsvScanner, hashBytes, type CsvRecord, type ScannerOptions } from "../src/io/fast-csv.js";
import { ScanMemory, wasmAvailable } from "../src/io/scan-memory.js";

const scale = Number(process.env.FUZZ_SCALE ?? "1");
const SEED = process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261123;
const runs = (ci: number) => Math.max(1, Math.round(ci * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
const params = <T>(numRuns: number): fc.Parameters<T> => ({ numRuns, seed: SEED });
const TIMEOUT = 120_000 * Math.max(1, scale);

const MAX_FIELDS = 16384;
const MAX_RECORD_BYTES = 1 << 24;
/** readCsv reads 1 MiB at a time: a file padded past that puts papaparse's chunk boundary inside the records. */
const READ_CHUNK = 1 << 20;

let dir: string;
let fileNo = 0;
const stats = new Map<string, number>();
const note = (k: string) => stats.set(k, (stats.get(k) ?? 0) + 1);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "survey-fast-csv-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  const parts = [...stats].sort().map(([k, n]) => `${k} ${n}`).join(", ");
  console.log(`[fuzz] fast-csv: seed ${SEED}; ${parts}`);
});

// ---------------------------------------------------------------------------------------------------------
// The two readers.

type Result = { ok: true; records: string[][] } | { ok: false; error: unknown };

/** readCsv's records (header included) of these bytes, read from a file as the CLI reads it. */
async function general(bytes: Uint8Array): Promise<Result> {
  const path = join(dir, `${fileNo++}.csv`);
  writeFileSync(path, bytes);
  try {
    const records: string[][] = [];
    for await (const r of readCsv(path, { encoding: "utf-8", bom: 0, onProblem: () => {} })) records.push(r.cells);
    return { ok: true, records };
  } catch (error) {
    return { ok: false, error };
  } finally {
    rmSync(path, { force: true });
  }
}

/** The scanner's options for a file, detected exactly as readCsv detects them; undefined for CR-only files. */
function optionsOf(bytes: Uint8Array): ScannerOptions | undefined {
  const sample = new TextDecoder("utf-8").decode(bytes.subarray(0, 64 * 1024));
  const newline = detectNewline(sample);
  if (newline === "\r") return undefined;
  const delimiter = detectDelimiter(sample, newline);
  return { delimiter: delimiter.charCodeAt(0), newline, maxFields: MAX_FIELDS, maxRecordBytes: MAX_RECORD_BYTES };
}

/**
 * Every test runs twice: with the scanner's plain records scanned in WebAssembly (into a ScanMemory, as
 * the tally scans), and with the scanner's own JavaScript alone (when the module is missing).
 */
const MODES = [
  { mode: "WebAssembly", wasm: true },
  { mode: "JavaScript", wasm: false },
];
let wasm = true;

interface Scan {
  records: string[][];
  offsets: number[];
  bailed: string | undefined;
  /** `position` after each push that did not end the scan. */
  positions: number[];
  /** `position` at the end. */
  position: number;
}

/** A record's cells; checks on the way that a cell's hash, where the scanner computed one, is hashBytes of its bytes. */
function cellsOf(r: CsvRecord): string[] {
  for (let i = 0; i < r.fields; i++) {
    const hash = r.hashes[i]!;
    if (hash === -1) continue;
    const h = hashBytes(r.buf, r.starts[i]!, r.ends[i]!);
    if (hash !== h) throw new Error(`cell ${i} at ${r.offset}: hash ${hash}, hashBytes of its bytes ${h}`);
  }
  return Array.from({ length: r.fields }, (_, i) => cellText(r, i));
}

/**
 * Scans `bytes` (the stream from offset `start` on) pushed as `chunks`; `stopAt` returns true for the
 * record to stop at. Every chunk is read into the same buffer, scribbled over after each push, as the
 * tally's reader reuses its read buffer: the scanner must keep nothing of a chunk but its own copy.
 */
function scan(opts: ScannerOptions, bytes: Uint8Array, chunks: number[], start = 0, stopAt?: (r: CsvRecord) => boolean, targetEvery = 2): Scan {
  const memory = wasm ? ScanMemory.acquire(opts.maxFields, 0) : undefined;
  expect(memory !== undefined).toBe(wasm);
  try {
    return scanWith(new CsvScanner(opts, start, memory), bytes, chunks, stopAt, targetEvery);
  } finally {
    memory?.release();
  }
}

function scanWith(scanner: CsvScanner, bytes: Uint8Array, chunks: number[], stopAt?: (r: CsvRecord) => boolean, targetEvery = 2): Scan {
  const out: Scan = { records: [], offsets: [], bailed: undefined, positions: [], position: 0 };
  const onRecord = (r: CsvRecord) => {
    out.records.push(cellsOf(r));
    out.offsets.push(r.offset);
    return stopAt?.(r) ?? false;
  };
  expect(chunks.every((size) => size >= 0)).toBe(true);
  expect(chunks.reduce((a, b) => a + b, 0)).toBe(bytes.length);
  const shared = Buffer.alloc(Math.max(0, ...chunks));
  let at = 0;
  let going = true;
  for (const [k, size] of chunks.entries()) {
    // Every other chunk (by default) is read where the scanner's memory wants it (as scanRange reads), the
    // others are pushed from a buffer of their own, which is spoilt after the push to show nothing kept
    // pointing in it.
    const target = k % targetEvery === 0 ? scanner.target(size) : undefined;
    const chunk = (target ?? shared).subarray(0, size);
    chunk.set(bytes.subarray(at, at + size));
    going = scanner.push(chunk, onRecord);
    if (!target) chunk.fill(0x22);
    at += size;
    if (!going) break;
    out.positions.push(scanner.position);
  }
  if (going) {
    expect(at).toBe(bytes.length);
    scanner.end(onRecord);
  }
  out.bailed = scanner.bailed;
  out.position = scanner.position;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Chunkings: sizes of the successive pushes, summing to the file's length.

type Chunking = { kind: "whole" } | { kind: "bytes" } | { kind: "sizes"; sizes: number[] } | { kind: "awkward"; extra: number[] };

const chunking: fc.Arbitrary<Chunking> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: "whole" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "bytes" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("sizes" as const), sizes: fc.array(fc.integer({ min: 0, max: 24 }), { minLength: 1, maxLength: 8 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("awkward" as const), extra: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }) }) },
);

function chunkSizes(bytes: Uint8Array, c: Chunking): number[] {
  const n = bytes.length;
  // Files padded past 1 MiB are pushed in bigger pieces (a byte at a time, a 4 KiB line costs 4 KiB² of copying).
  const big = n > 64 * 1024 ? 4099 : 1;
  switch (c.kind) {
    case "whole":
      return [n];
    case "bytes":
      return big > 1 ? chunkSizes(bytes, { kind: "sizes", sizes: [1] }) : Array.from({ length: n }, () => 1);
    case "sizes": {
      const sizes = (c.sizes.some((s) => s > 0) ? c.sizes : [...c.sizes, 1]).map((s) => s * big);
      const out: number[] = [];
      let at = 0;
      for (let k = 0; at < n; k++) {
        const s = Math.min(sizes[k % sizes.length]!, n - at);
        out.push(s);
        at += s;
      }
      return out;
    }
    case "awkward": {
      // Cut inside every multi-byte character, between the two quotes of every `""`, between CR and LF.
      const cuts = new Set<number>(c.extra.map((x) => Math.min(n, Math.floor(x * (n + 1)))));
      for (let p = 1; p < n; p++) {
        const b = bytes[p]!;
        const a = bytes[p - 1]!;
        if ((b & 0xc0) === 0x80 || (a === 0x22 && b === 0x22) || (a === 0x0d && b === 0x0a)) cuts.add(p);
      }
      const sorted = [...cuts].sort((x, y) => x - y);
      const out: number[] = [];
      let prev = 0;
      for (const p of sorted) {
        out.push(p - prev);
        prev = p;
      }
      out.push(n - prev);
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Well-formed files.

const ALPHABET = ["a", "Z", "0", "7", "满", "意", "𠀀", "┋", "〖", "〗", " ", ",", ";", "\t", '"', "\n", "\r", "\r\n", "|"];
const char = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("a", "Z", "0", "7", "满", "意", "𠀀", "┋") }, { weight: 3, arbitrary: fc.constantFrom(...ALPHABET) });

interface Cell {
  text: string;
  /** Quoted even when it need not be. */
  quoted: boolean;
}
const cell: fc.Arbitrary<Cell> = fc.record({
  text: fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 6, arbitrary: fc.string({ unit: char, maxLength: 8 }) }),
  quoted: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
});

interface Spec {
  lines: Cell[][];
  delimiter: string;
  newline: "\n" | "\r\n";
  /** A line break after the last line. */
  final: boolean;
  /** Where readCsv's 1 MiB chunk boundary falls, as a fraction of the file (null: a small file). */
  pad: number | null;
}

interface Csv {
  bytes: Buffer;
  delimiter: string;
  /** Offset of the first byte of each line (record) in the file. */
  starts: number[];
}

function quote(c: Cell, delimiter: string): string {
  const needs = c.quoted || c.text.includes(delimiter) || /["\r\n]/.test(c.text);
  return needs ? `"${c.text.replace(/"/g, '""')}"` : c.text;
}

/** Rows as wide as the header, or (sometimes) narrower, wider, or an empty line. */
const rowsOf = (width: number) =>
  fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.array(cell, { minLength: width, maxLength: width }) },
      { weight: 1, arbitrary: fc.array(cell, { minLength: 0, maxLength: 10 }) },
      { weight: 1, arbitrary: fc.constant([] as Cell[]) },
    ),
    { maxLength: 10 },
  );

/** Generated files as descriptions (they shrink, and print, as such); `build` writes them. */
const wellFormed = (padding: boolean): fc.Arbitrary<Spec> =>
  fc.integer({ min: 1, max: 8 }).chain((width) =>
    fc.record({
      lines: fc.tuple(fc.array(cell, { minLength: width, maxLength: width }), rowsOf(width)).map(([h, rows]) => [h, ...rows]),
      delimiter: fc.constantFrom(",", ",", "\t", ";", "|"),
      newline: fc.constantFrom("\n" as const, "\r\n" as const),
      final: fc.boolean(),
      pad: padding
        ? fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) })
        : fc.constant(null),
    }),
  );

function render(lines: Cell[][], spec: Spec): Csv {
  const bytes = lines.map((r) => Buffer.from(r.map((c) => quote(c, spec.delimiter)).join(spec.delimiter), "utf8"));
  const nl = Buffer.from(spec.newline);
  const parts: Buffer[] = [];
  const starts: number[] = [];
  let at = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) {
      parts.push(nl);
      at += nl.length;
    }
    starts.push(at);
    parts.push(bytes[i]!);
    at += bytes[i]!.length;
  }
  if (spec.final) parts.push(nl);
  return { bytes: Buffer.concat(parts), delimiter: spec.delimiter, starts };
}

function build(spec: Spec): Csv {
  const csv = render(spec.lines, spec);
  if (spec.pad === null || spec.lines.length < 2) return csv;
  // Lines of `x`s after the header put byte READ_CHUNK at the chosen place in the generated rows. (Not a
  // long header cell: the header must be in the 64 KiB readCsv detects the delimiter and line ending from.)
  const [header, ...rows] = spec.lines;
  const width = header!.length;
  const rowsAt = csv.starts[1]!;
  let filler = READ_CHUNK - rowsAt - Math.floor(spec.pad * (csv.bytes.length - rowsAt));
  // A filler line of `width` cells, the first of `a` bytes, the others of 1, costs a + m bytes with its line break.
  const m = 2 * (width - 1) + spec.newline.length;
  const lines: Cell[][] = [header!];
  while (filler >= 1 + m) {
    let a = Math.min(4096, filler - m);
    const left = filler - a - m;
    if (left > 0 && left < 1 + m) a -= 1 + m - left;
    lines.push(Array.from({ length: width }, (_, i) => ({ text: "x".repeat(i === 0 ? a : 1), quoted: false })));
    filler -= a + m;
  }
  return render([...lines, ...rows], spec);
}

/** Whether a file has a line break outside quotes (else readCsv takes it for LF). */
const hasLineBreak = (spec: Spec) => spec.lines.length > 1 || spec.final;

/** The records a file's lines make: each starts where its line does (readCsv yields no record after a final line break, nor any for an empty file). */
function expectedOffsets(csv: Csv): number[] {
  return csv.bytes.length === 0 ? [] : csv.starts.filter((s, i) => i === 0 || s < csv.bytes.length);
}

// ---------------------------------------------------------------------------------------------------------

describe.each(MODES)("CsvScanner reads what readCsv reads ($mode)", ({ wasm: inWasm }) => {
  beforeAll(() => {
    wasm = inWasm;
    if (inWasm) expect(wasmAvailable()).toBe(true);
  });

  test(
    "well-formed files, in any chunking: never gives up, and every record and offset is readCsv's",
    async () => {
      await fc.assert(
        fc.asyncProperty(wellFormed(true), chunking, async (spec, chunks) => {
          const csv = build(spec);
          const opts = optionsOf(csv.bytes);
          expect(opts).toBeDefined();
          // The file's own delimiter is what readCsv detects but when a narrow header says nothing about it.
          const agreed = String.fromCharCode(opts!.delimiter) === spec.delimiter && (opts!.newline === spec.newline || !hasLineBreak(spec));
          note(agreed ? "well-formed" : "well-formed (other delimiter detected)");
          if (spec.pad !== null) note("padded past 1 MiB");
          const want = await general(csv.bytes);
          expect(want.ok).toBe(true);
          const got = scan(opts!, csv.bytes, chunkSizes(csv.bytes, chunks));
          if (!agreed && got.bailed) return;
          expect(got.bailed).toBeUndefined();
          expect(got.records).toEqual((want as { records: string[][] }).records);
          if (agreed) expect(got.offsets).toEqual(expectedOffsets(csv));
        }),
        params(runs(160)),
      );
    },
    TIMEOUT,
  );

  test(
    "mutated files: gives up, or reads what readCsv reads; the same in every chunking",
    async () => {
      const CJK_BYTES = [...Buffer.from("满意𠀀┋〖〗")];
      // A CJK byte alone mostly makes the file invalid UTF-8 (skipped): less often than the others.
      const byte = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0x22, 0x2c, 0x0d, 0x0a, 0x61) }, { weight: 1, arbitrary: fc.constantFrom(...CJK_BYTES) });
      const edit = fc.record({
        op: fc.constantFrom("insert", "delete", "replace"),
        // Anywhere, or at the very start or end of the file.
        at: fc.oneof({ weight: 8, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1) }),
        // Mostly next to a quote, delimiter or line break (before it, on it, after it), where the rules are.
        near: fc.option(fc.constantFrom(-1, 0, 1), { freq: 4 }),
        byte,
      });
      await fc.assert(
        fc.asyncProperty(wellFormed(false), fc.array(edit, { minLength: 1, maxLength: 4 }), chunking, async (spec, edits, chunks) => {
          const bytes = [...build(spec).bytes];
          for (const e of edits) {
            let at = Math.min(Math.floor(e.at * (bytes.length + 1)), bytes.length);
            if (e.op !== "insert" && at === bytes.length) at--;
            if (e.near !== null) {
              const special = (b: number) => b === 0x22 || b === 0x0a || b === 0x0d || b === spec.delimiter.charCodeAt(0);
              let k = at;
              while (k < bytes.length && !special(bytes[k]!)) k++;
              if (k < bytes.length) at = Math.max(0, Math.min(bytes.length, k + e.near));
            }
            if (e.op === "insert") bytes.splice(at, 0, e.byte);
            else if (at >= 0) bytes.splice(at, 1, ...(e.op === "replace" ? [e.byte] : []));
          }
          const file = Buffer.from(bytes);
          if (!isUtf8(file)) return void note("mutated, not UTF-8 (skipped)");
          const opts = optionsOf(file);
          if (!opts) return void note("mutated, CR line ends (skipped)");
          const want = await general(file);
          const got = scan(opts, file, chunkSizes(file, chunks));
          const whole = scan(opts, file, [file.length]);
          // Giving up cannot depend on how the bytes were pushed, nor can the records read before.
          expect(got.bailed).toBe(whole.bailed);
          expect(got.records).toEqual(whole.records);
          if (got.bailed) {
            note(`mutated, gave up (${got.bailed})`);
            // The records before the one given up on are readCsv's, and `position` is where that one starts:
            // the bytes before it make those records, and a scanner started there gives up at once.
            if (want.ok) expect(got.records).toEqual(want.records.slice(0, got.records.length));
            const at = got.position;
            expect(scan(opts, file.subarray(0, at), [at]).records).toEqual(got.records);
            const rest = scan(opts, file.subarray(at), [file.length - at], at);
            expect(rest.records).toEqual([]);
            expect(rest.bailed).toBe(got.bailed);
            return;
          }
          note("mutated, read");
          // readCsv failing on a file the scanner reads would be a file the fast path accepts wrongly.
          expect(want.ok ? undefined : want.error).toBeUndefined();
          expect(got.records).toEqual((want as { records: string[][] }).records);
        }),
        params(runs(800)),
      );
    },
    TIMEOUT,
  );

  test(
    "limits: gives up exactly at the first record with more cells, or more bytes (line break included), than allowed",
    async () => {
      await fc.assert(
        fc.asyncProperty(wellFormed(false), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 160 }), chunking, async (spec, maxFields, maxRecordBytes, chunks) => {
          const csv = build(spec);
          const detected = optionsOf(csv.bytes)!;
          fc.pre(String.fromCharCode(detected.delimiter) === spec.delimiter && (detected.newline === spec.newline || !hasLineBreak(spec)));
          const want = await general(csv.bytes);
          expect(want.ok).toBe(true);
          const records = (want as { records: string[][] }).records;
          const offsets = expectedOffsets(csv);
          const bytes = offsets.map((o, i) => (offsets[i + 1] ?? csv.bytes.length) - o);
          const bad = records.findIndex((r, i) => r.length > maxFields || bytes[i]! > maxRecordBytes);
          const got = scan({ ...detected, maxFields, maxRecordBytes }, csv.bytes, chunkSizes(csv.bytes, chunks));
          if (bad < 0) {
            note("limits, within");
            expect(got.bailed).toBeUndefined();
            expect(got.records).toEqual(records);
            return;
          }
          note(`limits, gave up (${got.bailed})`);
          const reasons = [...(records[bad]!.length > maxFields ? ["width"] : []), ...(bytes[bad]! > maxRecordBytes ? ["length"] : [])];
          expect(reasons).toContain(got.bailed);
          expect(got.records).toEqual(records.slice(0, bad));
          expect(got.position).toBe(offsets[bad]);
        }),
        params(runs(200)),
      );
    },
    TIMEOUT,
  );

  test(
    "stopped at a record and resumed from its offset, or from position: the two scans make the whole file",
    async () => {
      await fc.assert(
        fc.asyncProperty(wellFormed(false), fc.double({ min: 0, max: 1, noNaN: true }), chunking, chunking, async (spec, cutAt, c1, c2) => {
          const csv = build(spec);
          const opts = optionsOf(csv.bytes)!;
          fc.pre(String.fromCharCode(opts.delimiter) === spec.delimiter && (opts.newline === spec.newline || !hasLineBreak(spec)));
          note("split");
          const n = csv.bytes.length;
          const all = scan(opts, csv.bytes, chunkSizes(csv.bytes, c1));
          expect(all.bailed).toBeUndefined();
          const offsets = expectedOffsets(csv);
          expect(all.offsets).toEqual(offsets);
          // Between pushes, `position` is where the record not yet complete starts (or the end of what was pushed).
          for (const p of all.positions) expect(p === n || offsets.includes(p)).toBe(true);

          const cut = Math.floor(cutAt * (n + 1));
          let stoppedAt: number | undefined;
          const first = scan(opts, csv.bytes, chunkSizes(csv.bytes, c1), 0, (r) => {
            if (r.offset < cut) return false;
            stoppedAt = r.offset;
            return true;
          });
          expect(first.bailed).toBeUndefined();
          const k = offsets.findIndex((o) => o >= cut);
          if (k < 0 || stoppedAt === undefined) {
            // No record starts at or after the cut but at the end of the stream: nothing to stop at.
            expect(first.records).toEqual(all.records);
            return;
          }
          expect(stoppedAt).toBe(offsets[k]);
          expect(first.records).toEqual(all.records.slice(0, k + 1));
          // Resumed at the record it stopped at.
          const rest = csv.bytes.subarray(stoppedAt);
          const again = scan(opts, rest, chunkSizes(rest, c2), stoppedAt);
          expect(again.bailed).toBeUndefined();
          expect([...first.records.slice(0, k), ...again.records]).toEqual(all.records);
          expect([...first.offsets.slice(0, k), ...again.offsets]).toEqual(all.offsets);
          // Resumed at `position`: just after the record it stopped at.
          const position = first.position;
          expect(position).toBe(k + 1 < offsets.length ? offsets[k + 1] : n);
          const tail = csv.bytes.subarray(position);
          const after = scan(opts, tail, chunkSizes(tail, c2), position);
          expect(after.bailed).toBeUndefined();
          expect([...first.records, ...after.records]).toEqual(all.records);
          expect([...first.offsets, ...after.offsets]).toEqual(all.offsets);
        }),
        params(runs(300)),
      );
    },
    TIMEOUT,
  );
});

describe.each(MODES)("CsvScanner: fixed examples (shrunk counterexamples of the properties above; $mode)", ({ wasm: inWasm }) => {
  beforeAll(() => {
    wasm = inWasm;
  });

  const LF: ScannerOptions = { delimiter: 0x2c, newline: "\n", maxFields: MAX_FIELDS, maxRecordBytes: MAX_RECORD_BYTES };

  test("no empty record after a final line break, as readCsv (papaparse streaming) gives none; none for an empty file", async () => {
    for (const text of ["", "\n", "a\n", ",\n\n", "a\r\n", "a\r\n\r\n", '"a\nb"\n']) {
      const bytes = Buffer.from(text);
      const want = await general(bytes);
      expect(want.ok).toBe(true);
      for (const chunks of [[bytes.length], chunkSizes(bytes, { kind: "bytes" })]) {
        const got = scan(optionsOf(bytes)!, bytes, chunks);
        expect(got.bailed).toBeUndefined();
        expect(got.records).toEqual((want as { records: string[][] }).records);
      }
    }
  });

  test("after a stop, position is just after the record stopped at", () => {
    for (const [text, position] of [["\n", 1], ["a,b\nc\n", 4], ["a,b\r\nc", 5]] as const) {
      const bytes = Buffer.from(text);
      const opts = { ...LF, newline: text.includes("\r") ? ("\r\n" as const) : ("\n" as const) };
      const got = scan(opts, bytes, [bytes.length], 0, () => true);
      expect(got.records.length).toBe(1);
      expect(got.position).toBe(position);
    }
  });

  test("after giving up, position is where the record given up on starts", () => {
    // The carry longer than maxRecordBytes: position was -4.
    const long = scan({ ...LF, maxRecordBytes: 1 }, Buffer.from(",,,,"), [4]);
    expect(long.bailed).toBe("length");
    expect(long.position).toBe(0);
    const quote = scan(LF, Buffer.from('a\nb"c\nd\n'), [8]);
    expect(quote.bailed).toBe("quote");
    expect(quote.records).toEqual([["a"]]);
    expect(quote.position).toBe(2);
  });

  test("gives up on more cells than maxFields when maxFields is not 64 times a power of two", () => {
    const got = scan({ ...LF, maxFields: 5 }, Buffer.from("a,b,c,d,e\n,,,,,\n"), [16]);
    expect(got.bailed).toBe("width");
    expect(got.records).toEqual([["a", "b", "c", "d", "e"]]);
    expect(got.position).toBe(10);
  });

  test("a record longer than the WebAssembly memory's room for bytes (4 MiB): the memory grows, the records after it are read", () => {
    const long = "长".repeat(2 << 20);
    const bytes = Buffer.from(`a,b\n"${long}",y\nc,d\n`);
    // Sizes as given (chunkSizes would scale them up for a file this big, to a single chunk).
    const chunks: number[] = [];
    for (let at = 0, k = 0; at < bytes.length; k++) {
      const size = Math.min([READ_CHUNK, 3, READ_CHUNK][k % 3]!, bytes.length - at);
      chunks.push(size);
      at += size;
    }
    const got = scan({ ...LF, maxRecordBytes: 8 << 20 }, bytes, chunks);
    expect(got.bailed).toBeUndefined();
    expect(got.records).toEqual([["a", "b"], [long, "y"], ["c", "d"]]);
    // Every chunk read into the memory, as scanRange reads, with a record longer than the memory grew to
    // above (the memory is kept for the next scan): it grows while the record is carried.
    const longer = "长".repeat(3 << 20);
    const more = Buffer.from(`a,b\n"${longer}",y\nc,d\n`);
    const reads = Array.from({ length: Math.ceil(more.length / READ_CHUNK) }, (_, k) => Math.min(READ_CHUNK, more.length - k * READ_CHUNK));
    const read = scan({ ...LF, maxRecordBytes: 12 << 20 }, more, reads, 0, undefined, 1);
    expect(read.bailed).toBeUndefined();
    expect(read.records).toEqual([["a", "b"], [longer, "y"], ["c", "d"]]);
  });

  test("gives up on a record longer than maxRecordBytes that comes whole in one chunk", () => {
    const got = scan({ ...LF, maxRecordBytes: 3 }, Buffer.from("ab\nabcd\ne"), [9]);
    expect(got.bailed).toBe("length");
    expect(got.records).toEqual([["ab"]]);
    expect(got.position).toBe(3);
  });

  test(
    "a file readCsv rejects (ROW_TOO_LONG) is not read whole in one push either",
    async () => {
      // readCsv's guard measures a record still open at the end of a 1 MiB chunk: past 16 Mi + 1 Mi characters, it has.
      const bytes = Buffer.concat([Buffer.from("q\n"), Buffer.alloc(MAX_RECORD_BYTES + READ_CHUNK + 10, "x"), Buffer.from("\nlast")]);
      const want = await general(bytes);
      expect(want.ok).toBe(false);
      expect(String((want as { error: unknown }).error)).toMatch(/longer than/);
      const got = scan(optionsOf(bytes)!, bytes, [bytes.length]);
      expect(got.bailed).toBe("length");
      expect(got.records).toEqual([["q"]]);
    },
    TIMEOUT,
  );
});
