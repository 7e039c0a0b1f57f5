import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteCache } from "../src/answers/byte-cache.js";
import { hashBytes } from "../src/io/fast-csv.js";

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
