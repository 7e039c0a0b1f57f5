import { readFileSync } from "node:fs";

/**
 * The WebAssembly side of the fast path (src/wasm/csv.ts): its memory, laid out here, holds the bytes
 * being scanned, the current record's cells and one dictionary of distinct cells per item. CsvScanner
 * scans into it and ByteRowReader looks cells up in it; both fall back to their JavaScript code when the
 * module is not there (a checkout that was not built) or SURVEY_WASM=0 is set.
 */

/** The little of the WebAssembly API used here (@types/node for Node 20 does not declare it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};
type WasmModule = { readonly kind?: "module" };
type WasmMemory = { buffer: ArrayBuffer; grow(pages: number): number };

interface Exports {
  DICTIONARY_BYTES: { value: number };
  hashBits: { value: number };
  fields(): number;
  scan(b: number, pos: number, len: number, final: number, delimiter: number, crlf: number, starts: number, ends: number, hashes: number, escaped: number, cap: number): number;
  lookupRow(b: number, starts: number, ends: number, n: number, table: number, items: number, ids: number): void;
  keep(d: number, p: number, len: number): number;
  clear(d: number): void;
}

/** `scan`'s answer for a record that is not plain: CsvScanner scans it itself. */
export const SLOW = -3;

const PAGE = 65536;
/** Room after the scanned bytes: the dictionary reads a cell's last bytes 8 at a time. */
const SLACK = 16;
/**
 * Room for the bytes scanned at once (a read's chunk and the carry), made when the memory is: growing a
 * memory detaches its old buffer, and once any buffer has been detached V8 checks for it on every typed
 * array access in the process — it made the whole tally slower. Only a record longer than this grows it.
 */
const REGION_BYTES = 4 << 20;

let compiled: WasmModule | null | undefined;

function wasmModule(): WasmModule | undefined {
  if (process.env.SURVEY_WASM === "0") return undefined;
  if (compiled === undefined) {
    try {
      // Two folders up is the package root both from src/io (tests) and from dist/io (the CLI).
      compiled = new WebAssembly.Module(readFileSync(new URL("../../dist/wasm/csv.wasm", import.meta.url)));
    } catch {
      compiled = null;
    }
  }
  return compiled ?? undefined;
}

/** Whether the fast path runs its inner loops in WebAssembly here. */
export function wasmAvailable(): boolean {
  return wasmModule() !== undefined;
}

/** Memories let go of by finished ranges, reused by the thread's next ones. */
const idle: ScanMemory[] = [];

export class ScanMemory {
  private readonly x: Exports;
  private readonly memory: WasmMemory;
  private readonly dictionaryBytes: number;
  private cells = 0;
  private items = 0;
  private at = { starts: 0, ends: 0, hashes: 0, escaped: 0, ids: 0, table: 0, dictionaries: 0, buffer: 0 };
  /** Changes whenever the memory grows: views taken before are then empty, and must be taken again. */
  generation = 0;
  starts!: Int32Array;
  ends!: Int32Array;
  hashes!: Int32Array;
  escaped!: Uint8Array;
  private ids!: Int32Array;
  private bytes!: Buffer;

  private constructor(module: WasmModule, cells: number, items: number) {
    const dictionaryBytes = dictionaryBytesOf(module);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((layOut(cells, items, dictionaryBytes).buffer + REGION_BYTES + SLACK) / PAGE) });
    this.x = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.dictionaryBytes = dictionaryBytes;
  }

  /**
   * A memory for records of up to `cells` cells and `items` dictionaries (all empty), or undefined when
   * there is no WebAssembly module. Give it back with `release` when the range is read.
   */
  static acquire(cells: number, items: number): ScanMemory | undefined {
    const module = wasmModule();
    if (!module) return undefined;
    cells = Math.max(1, cells);
    // A memory too small for this survey is dropped rather than grown.
    let memory = idle.pop();
    while (memory && !memory.fits(cells, items)) memory = idle.pop();
    memory ??= new ScanMemory(module, cells, items);
    memory.use(cells, items);
    return memory;
  }

  release(): void {
    idle.push(this);
  }

  private fits(cells: number, items: number): boolean {
    return layOut(cells, items, this.dictionaryBytes).buffer + REGION_BYTES + SLACK <= this.memory.buffer.byteLength;
  }

  private use(cells: number, items: number): void {
    this.cells = cells;
    this.items = items;
    this.at = layOut(cells, items, this.dictionaryBytes);
    this.views();
    for (let k = 0; k < items; k++) this.x.clear(this.dictionary(k));
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.generation++;
  }

  private views(): void {
    const buffer = this.memory.buffer;
    const { at } = this;
    this.starts = new Int32Array(buffer, at.starts, this.cells);
    this.ends = new Int32Array(buffer, at.ends, this.cells);
    this.hashes = new Int32Array(buffer, at.hashes, this.cells);
    this.escaped = new Uint8Array(buffer, at.escaped, this.cells);
    this.ids = new Int32Array(buffer, at.ids, this.items);
    this.bytes = Buffer.from(buffer);
  }

  /** The bytes to scan: `length` of them, the first ones those of the last call (the memory grows if need be). */
  region(length: number): Buffer {
    const generation = this.generation;
    this.reserve(this.at.buffer + length + SLACK);
    if (generation !== this.generation) this.views();
    return this.bytes.subarray(this.at.buffer, this.at.buffer + length);
  }

  /** Scans the record at `pos` of the region's first `len` bytes (see csv.ts' `scan`). */
  scan(pos: number, len: number, final: boolean, delimiter: number, crlf: boolean): number {
    const { at } = this;
    return this.x.scan(at.buffer, pos, len, final ? 1 : 0, delimiter, crlf ? 1 : 0, at.starts, at.ends, at.hashes, at.escaped, this.cells);
  }

  /** Cells of the record `scan` just returned. */
  fields(): number {
    return this.x.fields();
  }

  private dictionary(k: number): number {
    return this.at.dictionaries + k * this.dictionaryBytes;
  }

  /** The dictionaries, empty, for items whose cells are in these columns (negative: none). */
  dictionaries(columns: ArrayLike<number>): this {
    const table = new Int32Array(this.memory.buffer, this.at.table, 2 * this.items);
    for (let k = 0; k < this.items; k++) {
      table[2 * k] = columns[k]! < 0 ? -1 : columns[k]!;
      table[2 * k + 1] = this.dictionary(k);
      this.x.clear(this.dictionary(k));
    }
    return this;
  }

  /** Per item, the number its cell in the record just scanned was kept as, -1 if it was not, -2 for no column. */
  lookUp(r: { fields: number }): Int32Array {
    const { at } = this;
    this.x.lookupRow(at.buffer, at.starts, at.ends, r.fields, at.table, this.items, at.ids);
    return this.ids;
  }

  /** Tests: every key gets the same hash, so that only the comparison of bytes tells keys apart. */
  collideHashes(collide: boolean): void {
    this.x.hashBits.value = collide ? 0 : 0x7fffffff;
  }

  /** Keeps item k's cell region[start, end) after a lookup that missed: its number (0, 1, 2… in order), or -1 when not kept. */
  keep(k: number, _r: unknown, start: number, end: number): number {
    return this.x.keep(this.dictionary(k), this.at.buffer + start, end - start);
  }
}

/** Where things are in a memory for records of `cells` cells and `items` dictionaries; the bytes to scan come last. */
function layOut(cells: number, items: number, dictionaryBytes: number) {
  let at = 64;
  const take = (bytes: number) => {
    const start = at;
    at = (at + bytes + 15) & ~15;
    return start;
  };
  const starts = take(4 * cells);
  const ends = take(4 * cells);
  const hashes = take(4 * cells);
  const escaped = take(cells);
  const ids = take(4 * items);
  const table = take(8 * items);
  const dictionaries = take(dictionaryBytes * items);
  return { starts, ends, hashes, escaped, ids, table, dictionaries, buffer: at };
}

let dictionaryBytes: number | undefined;
/** DICTIONARY_BYTES, read from an instance with a memory of its own (the module's memory is imported). */
function dictionaryBytesOf(module: WasmModule): number {
  return (dictionaryBytes ??= (new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 0 }) } }).exports as unknown as Exports).DICTIONARY_BYTES.value);
}
