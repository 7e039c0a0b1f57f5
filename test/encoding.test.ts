import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8Stream } from "../src/io/encoding.js";

/**
 * Utf8Stream, which the fast path checks big files with chunk by chunk, against isUtf8 of the whole: on
 * UTF-8 text cut anywhere (inside characters of 2, 3 and 4 bytes), and on the same with bytes spoilt.
 */
const text = fc.array(fc.constantFrom("a", ",", "\n", "é", "满", "意", "“", "😀", "𠀀"), { maxLength: 40 }).map((xs) => Buffer.from(xs.join("")));
const spoilt = fc
  .tuple(text, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }))
  .map(([bytes, edits]) => {
    const out = Buffer.from(bytes);
    for (const [at, byte] of edits) if (out.length) out[at % out.length] = byte;
    return out;
  });
const cuts = fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 20 });

function streamed(bytes: Buffer, sizes: number[]): boolean {
  const s = new Utf8Stream();
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = Math.min(sizes[k % sizes.length]! || 1, bytes.length - at);
    if (!s.push(bytes.subarray(at, at + size))) return false;
    // an empty chunk now and then, as a read at the end of a file gives
    if (k % 3 === 0 && !s.push(Buffer.alloc(0))) return false;
    at += size;
  }
  return s.end();
}

describe("Utf8Stream", () => {
  it("says what isUtf8 of the whole says, however the bytes are cut", () => {
    fc.assert(
      fc.property(fc.oneof(text, spoilt), cuts, (bytes, sizes) => {
        expect(streamed(bytes, sizes)).toBe(isUtf8(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("examples: a character cut at every place, an extra continuation byte, an unfinished end", () => {
    const smile = Buffer.from("😀"); // 4 bytes
    for (const size of [1, 2, 3]) expect(streamed(smile, [size])).toBe(true);
    expect(streamed(Buffer.from([0xe6, 0xbb, 0xa1, 0xa1]), [1])).toBe(false);
    expect(streamed(Buffer.from([0xe6, 0xbb, 0xa1, 0xa1]), [2])).toBe(false);
    expect(streamed(Buffer.from([0x61, 0xe6, 0xbb]), [2])).toBe(false);
  });
});
