import { describe, expect, it } from "vitest";
import { RangeChain } from "../src/parallel/merge.js";
import type { FileSpec } from "../src/parallel/task.js";

/**
 * The check that ranges, read by different threads, join up: each must start where the reader of the one
 * before found its next record (a cut inside a quoted cell with line breaks would not), and a file's
 * first where its data starts. On a break the fast path steps aside for the general reader.
 */
describe("RangeChain", () => {
  // Two files whose data start after headers of 10 and 20 bytes.
  const specs = [{ dataStart: 10 }, { dataStart: 20 }] as FileSpec[];

  it("follows ranges that start where the one before ended, file after file", () => {
    const chain = new RangeChain(specs);
    expect(chain.follows({ fileIndex: 0 }, { start: 10, nextStart: 50 })).toBe(true);
    expect(chain.follows({ fileIndex: 0 }, { start: 50, nextStart: 90 })).toBe(true);
    expect(chain.follows({ fileIndex: 1 }, { start: 20, nextStart: 70 })).toBe(true);
    expect(chain.follows({ fileIndex: 1 }, { start: 70, nextStart: 100 })).toBe(true);
  });

  it("breaks on a range cut elsewhere than where the range before found its next record", () => {
    const chain = new RangeChain(specs);
    expect(chain.follows({ fileIndex: 0 }, { start: 10, nextStart: 57 })).toBe(true);
    expect(chain.follows({ fileIndex: 0 }, { start: 50, nextStart: 90 })).toBe(false);
  });

  it("breaks on a file's first range that does not start where its data does", () => {
    const chain = new RangeChain(specs);
    expect(chain.follows({ fileIndex: 0 }, { start: 10, nextStart: 90 })).toBe(true);
    expect(chain.follows({ fileIndex: 1 }, { start: 90, nextStart: 120 })).toBe(false);
  });
});
