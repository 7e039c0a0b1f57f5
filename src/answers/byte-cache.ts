import { hashBytes, type CsvRecord } from "../io/fast-csv.js";

/**
 * A small hash table keyed by byte ranges: the value read from a cell's bytes, found again without
 * decoding them. A survey column holds few distinct cells (five Likert labels, thirty multi-select
 * combinations), so nearly every cell of a big file is a hit; past `capacity` distinct keys (open answers)
 * nothing more is kept and every miss is decoded, as it would be without the cache.
 */
export class ByteCache<V> {
  private slots: Int32Array;
  /** The keys' bytes one after another, each at starts[at] with lengths[at] bytes. */
  private arena = new Uint8Array(1024);
  private used = 0;
  private starts = new Int32Array(64);
  private lengths = new Int32Array(64);
  private hashes = new Int32Array(64);
  private readonly values: V[] = [];

  constructor(
    private readonly capacity = 4096,
    /** Longer keys are not kept: long cells are open answers, rarely repeated. */
    private readonly maxKeyBytes = 256,
  ) {
    this.slots = new Int32Array(64).fill(-1);
  }

  /** `hash` is hashBytes(b, start, end) when the caller has it already (the scanner computes it). */
  get(b: Uint8Array, start: number, end: number, hash = -1): V | undefined {
    const length = end - start;
    if (length > this.maxKeyBytes) return undefined;
    const h = hash >= 0 ? hash : hashBytes(b, start, end);
    const mask = this.slots.length - 1;
    const arena = this.arena;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const at = this.slots[s]!;
      if (at < 0) return undefined;
      if (this.hashes[at] !== h || this.lengths[at] !== length) continue;
      // Four bytes a step: the comparison is most of a lookup's cost, and a hit compares every byte.
      const from = this.starts[at]!;
      let k = 0;
      for (; k + 4 <= length; k += 4) {
        const a = from + k;
        const c = start + k;
        if (arena[a] !== b[c] || arena[a + 1] !== b[c + 1] || arena[a + 2] !== b[c + 2] || arena[a + 3] !== b[c + 3]) break;
      }
      while (k < length && arena[from + k] === b[start + k]) k++;
      if (k === length) return this.values[at];
    }
  }

  /** Keys kept. */
  get size(): number {
    return this.values.length;
  }

  /** Whether a value for these bytes would be kept (the cache is not full, the key not too long). */
  keeps(start: number, end: number): boolean {
    return end - start <= this.maxKeyBytes && this.values.length < this.capacity;
  }

  /** Keeps a value for these bytes (after a `get` that missed); ignored once full. */
  set(b: Uint8Array, start: number, end: number, value: V, hash = -1): void {
    if (!this.keeps(start, end)) return;
    if (this.values.length * 2 >= this.slots.length) this.rehash();
    const h = hash >= 0 ? hash : hashBytes(b, start, end);
    const at = this.values.length;
    const length = end - start;
    if (at === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
    }
    if (this.used + length > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + length));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    this.arena.set(b.subarray(start, end), this.used);
    this.starts[at] = this.used;
    this.lengths[at] = length;
    this.used += length;
    this.hashes[at] = h;
    this.values.push(value);
    this.place(h, at);
  }

  private place(h: number, at: number): void {
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s]! >= 0) s = (s + 1) & mask;
    this.slots[s] = at;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let at = 0; at < this.values.length; at++) this.place(this.hashes[at]!, at);
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}

/**
 * Per item, the distinct cells kept so far, each by the number it was kept as (0, 1, 2… in order): how
 * ByteRowReader finds a cell read before. ScanMemory keeps them in WebAssembly; ByteDictionaries, for
 * records scanned in JavaScript, in ByteCaches.
 */
export interface CellDictionaries {
  /** Per item, the number its cell in `r` was kept as; -1 when it was not, -2 when the item has no column. */
  lookUp(r: CsvRecord): Int32Array;
  /** Keeps item k's cell r.buf[start, end) after a lookup that missed: its number, or -1 when not kept. */
  keep(k: number, r: CsvRecord, start: number, end: number, hash: number): number;
}

export class ByteDictionaries implements CellDictionaries {
  private readonly caches: ByteCache<number>[];
  private readonly ids: Int32Array;

  /** `columns`: per item, the column of its cell, or a negative number for none. */
  constructor(private readonly columns: Int32Array) {
    this.caches = Array.from(columns, () => new ByteCache<number>());
    this.ids = new Int32Array(columns.length);
  }

  lookUp(r: CsvRecord): Int32Array {
    const { columns, caches, ids } = this;
    const { buf, starts, ends, hashes, fields } = r;
    for (let k = 0; k < columns.length; k++) {
      const at = columns[k]!;
      if (at < 0) {
        ids[k] = -2;
        continue;
      }
      const inside = at < fields;
      ids[k] = caches[k]!.get(buf, inside ? starts[at]! : 0, inside ? ends[at]! : 0, inside ? hashes[at]! : -1) ?? -1;
    }
    return ids;
  }

  keep(k: number, r: CsvRecord, start: number, end: number, hash: number): number {
    const cache = this.caches[k]!;
    if (!cache.keeps(start, end)) return -1;
    const id = cache.size;
    cache.set(r.buf, start, end, id, hash);
    return id;
  }
}
