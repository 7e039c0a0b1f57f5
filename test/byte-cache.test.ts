import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteCache } from "../src/answers/byte-cache.js";
import { hashBytes } from "../src/io/fast-csv.js";
import { ScanMemory, wasmAvailable } from "../src/io/scan-memory.js";

/**
 * Near-misses of a few real cells: one byte changed (to one of `bytes`), one dropped or added, so that
 * keys differ in one place only, anywhere.
 */
function nearMisses(bases: Buffer[], bytes: number[]): fc.Arbitrary<Uint8Array> {
  const longest = Math.max(...bases.map((b) => b.length));
  return fc
    .record({ base: fc.nat({ max: bases.length - 1 }), at: fc.nat({ max: longest }), to: fc.constantFrom(...bytes), how: fc.constantFrom("same", "change", "drop", "add") })
    .map(({ base, at, to, how }) => {
      const k = [...bases[base]!];
      const i = k.length ? at % k.length : 0;
      if (how === "change" && k.length) k[i] = to;
      if (how === "drop" && k.length) k.splice(i, 1);
      if (how === "add") k.splice(i, 0, to);
      return Uint8Array.from(k);
    });
}

/**
 * The fast path's cell cache against a Map keyed by the bytes' hex: the same value for the same bytes,
 * nothing for bytes never kept, however keys collide, grow the table or fill it.
 */
describe("ByteCache behaves as a Map keyed by bytes", () => {
  // Few distinct bytes and short keys, so that keys share prefixes, lengths and (30-bit) hashes' slots.
  const BASES = ["非常满意", "比较满意", "一般", "缺钱┋缺人", "A", ""].map((t) => Buffer.from(t));
  // The comparison goes four bytes a step, then one.
  const key = nearMisses(BASES, [0x41, 0xe6, 0xbb, 0xa1, 0x2c]);
  const op = fc.record({ key, set: fc.boolean(), pad: fc.nat({ max: 7 }), known: fc.boolean() });

  it("on generated sequences of lookups and insertions, with and without the hash given, and with every key in one bucket", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), (ops, capacity, collide) => {
        const cache = new ByteCache<number>(capacity, 14);
        const model = new Map<string, number>();
        ops.forEach(({ key, set, pad, known }, i) => {
          // The key sits somewhere inside a bigger buffer, as a cell does in a chunk.
          const buf = new Uint8Array(pad + key.length + 3).fill(0x22);
          buf.set(key, pad);
          const start = pad;
          const end = pad + key.length;
          // One "hash" for every key: only the comparison of bytes tells keys apart.
          const hash = collide ? 5 : known ? hashBytes(buf, start, end) : -1;
          const hex = Buffer.from(key).toString("hex");
          expect(cache.get(buf, start, end, hash)).toBe(model.get(hex));
          if (set && !model.has(hex)) {
            if (cache.keeps(start, end)) model.set(hex, i);
            cache.set(buf, start, end, i, hash);
          }
        });
        for (const [hex, value] of model) {
          const bytes = Buffer.from(hex, "hex");
          expect(cache.get(bytes, 0, bytes.length, collide ? 5 : -1)).toBe(value);
        }
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});

/**
 * The WebAssembly dictionaries (src/wasm/csv.ts, through ScanMemory) against a Map per column: a cell is
 * found as the number it was kept as, for the same bytes only, whatever bytes follow it in memory (the
 * comparison reads 8 bytes a step); nothing is kept past 256 bytes or 4,096 keys.
 */
describe("the WebAssembly dictionaries behave as Maps keyed by bytes", () => {
  // Lengths on both sides of the 8-byte steps, with shared prefixes.
  const BASES = ["非常满意", "比较满意", "一般", "缺钱┋缺人", "A", "", "abcdefg", "abcdefgh", "abcdefghi", "0123456789abcdef", "0123456789abcdefg"].map((t) => Buffer.from(t));
  const key = nearMisses(BASES, [0x41, 0xe6, 0xbb, 0xa1, 0x2c, 0x00]);
  // A row: per column (3 of them) a key, or no cell at all (the row is short: an empty cell).
  const row = fc.record({ keys: fc.array(key, { minLength: 3, maxLength: 3 }), fields: fc.integer({ min: 0, max: 3 }), after: fc.array(fc.nat({ max: 255 }), { minLength: 8, maxLength: 8 }) });
  // Item 0 reads column 2, item 1 column 0, item 2 no column, item 3 column 2 again.
  const COLUMNS = [2, 0, -1, 2];

  it("is there (npm test builds it)", () => {
    expect(wasmAvailable()).toBe(true);
  });

  it("on generated rows of lookups and insertions, with other bytes right after each cell, and with every key in one bucket", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 200 }), fc.boolean(), (rows, collide) => {
        const memory = ScanMemory.acquire(3, COLUMNS.length)!;
        memory.collideHashes(collide);
        try {
          memory.dictionaries(COLUMNS);
          const models = COLUMNS.map(() => new Map<string, number>());
          for (const { keys, fields, after } of rows) {
            // The row's cells one after another, each followed by some other bytes.
            const parts: Buffer[] = [];
            let at = 0;
            keys.forEach((k, c) => {
              memory.starts[c] = at;
              memory.ends[c] = at + k.length;
              parts.push(Buffer.from(k), Buffer.from(after));
              at += k.length + after.length;
            });
            Buffer.concat(parts).copy(memory.region(at));
            const cellOf = (c: number) => (c < fields ? keys[c]! : new Uint8Array(0));
            const ids = [...memory.lookUp({ fields })];
            COLUMNS.forEach((c, k) => {
              if (c < 0) return expect(ids[k]).toBe(-2);
              const hex = Buffer.from(cellOf(c)).toString("hex");
              expect(ids[k]).toBe(models[k]!.get(hex) ?? -1);
              if (ids[k] === -1) {
                const kept = c < fields ? memory.keep(k, undefined, memory.starts[c]!, memory.ends[c]!) : memory.keep(k, undefined, 0, 0);
                expect(kept).toBe(models[k]!.size);
                models[k]!.set(hex, kept);
              }
            });
          }
        } finally {
          memory.collideHashes(false);
          memory.release();
        }
      }),
      { numRuns: 200, seed: 20261123 },
    );
  });

  it("keeps 4,096 keys of at most 256 bytes per column, and finds every one again after the table has grown", () => {
    const memory = ScanMemory.acquire(1, 1)!;
    try {
      memory.dictionaries([0]);
      const keyOf = (i: number) => Buffer.from(`${i}:${"满".repeat(i % 90)}`);
      const numbers: number[] = [];
      for (let i = 0; i < 5000; i++) {
        const k = keyOf(i);
        k.copy(memory.region(k.length));
        memory.starts[0] = 0;
        memory.ends[0] = k.length;
        expect(memory.lookUp({ fields: 1 })[0]).toBe(-1);
        numbers.push(memory.keep(0, undefined, 0, k.length));
      }
      const kept = numbers.filter((n) => n >= 0);
      // Keys over 256 bytes (i % 90 ≥ 85) are never kept; the others are, in order, until 4,096 are.
      expect(kept).toEqual(kept.map((_, i) => i));
      expect(kept.length).toBe(4096);
      numbers.forEach((n, i) => {
        const k = keyOf(i);
        if (k.length > 256) expect(n).toBe(-1);
        k.copy(memory.region(k.length));
        memory.ends[0] = k.length;
        expect(memory.lookUp({ fields: 1 })[0]).toBe(n);
      });
    } finally {
      memory.release();
    }
  });
});
