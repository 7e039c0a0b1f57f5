import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { nominalCuts } from "../src/pipeline/ranges/files.js";
import { RangeChain } from "../src/pipeline/ranges/merge.js";
import type { FileSpec } from "../src/pipeline/ranges/task.js";

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

describe("nominalCuts", () => {
  it("cuts about every rangeBytes, and the last finerTail bytes four times finer", () => {
    expect(nominalCuts(1000, 100, 0)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(nominalCuts(1000, 100, 200)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 825, 850, 875, 900, 925, 950, 975]);
    // one range's worth of file: all of it is the tail
    expect(nominalCuts(100, 100, 200)).toEqual([25, 50, 75]);
    // one thread reads the whole file
    expect(nominalCuts(1000, Number.POSITIVE_INFINITY, 200)).toEqual([]);
  });

  it("gives cuts in order inside the file, four ranges in the tail for each range it replaces", () => {
    fc.assert(
      // at most a few thousand ranges: a range is a 16 MB read
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 4e8 }), (length, most, tail) => {
        const rangeBytes = Math.max(1, Math.ceil(length / most));
        const cuts = nominalCuts(length, rangeBytes, tail);
        const bounds = [0, ...cuts, length];
        for (let i = 1; i < bounds.length; i++) expect(bounds[i]!).toBeGreaterThanOrEqual(bounds[i - 1]!);
        if (length === 0) return void expect(cuts).toEqual([]);
        const pieces = Math.max(1, Math.round(length / rangeBytes));
        const finer = Math.round(Math.min(tail, length) / (length / pieces));
        expect(cuts.length + 1).toBe(pieces + Math.min(finer, pieces) * 3);
      }),
    );
  });
});
