import { hashBytes } from "../io/fast-csv.js";

/**
 * A small hash table keyed by byte ranges: the value read from a cell's bytes, found again without
 * decoding them. A survey column holds few distinct cells (five Likert labels, thirty multi-select
 * combinations), so nearly every cell of a big file is a hit; past `capacity` distinct keys (open answers)
 * nothing more is kept and every miss is decoded, as it would be without the cache.
 */
export class ByteCache<V> {
  private slots: Int32Array;
  private readonly keys: Buffer[] = [];
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
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const at = this.slots[s]!;
      if (at < 0) return undefined;
      if (this.hashes[at] !== h) continue;
      const key = this.keys[at]!;
      if (key.length !== length) continue;
      let k = 0;
      while (k < length && key[k] === b[start + k]) k++;
      if (k === length) return this.values[at];
    }
  }

  /** Whether a value for these bytes would be kept (the cache is not full, the key not too long). */
  keeps(start: number, end: number): boolean {
    return end - start <= this.maxKeyBytes && this.keys.length < this.capacity;
  }

  /** Keeps a value for these bytes (after a `get` that missed); ignored once full. */
  set(b: Uint8Array, start: number, end: number, value: V, hash = -1): void {
    if (!this.keeps(start, end)) return;
    if (this.keys.length * 2 >= this.slots.length) this.rehash();
    const h = hash >= 0 ? hash : hashBytes(b, start, end);
    const at = this.keys.length;
    this.keys.push(Buffer.from(b.subarray(start, end)));
    if (at === this.hashes.length) {
      const grown = new Int32Array(at * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
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
    for (let at = 0; at < this.keys.length; at++) this.place(this.hashes[at]!, at);
  }
}
