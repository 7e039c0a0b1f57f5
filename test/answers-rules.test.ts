/**
 * The row and cell rules (src/answers/rules.ts): the byte reader's blank-record test is made from the one
 * definition of a blank cell, and must judge every record as isBlankRow judges its decoded cells — in UTF-8
 * and in GB18030, whose characters hold ASCII-range bytes (U+00A0 is 81 30 84 36).
 */
import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, test } from "vitest";
import { cellsAsRead, isBlankCell, isBlankRecord, isBlankRow, metadataValue, readDuration } from "../src/answers/rules.js";
import type { CsvRecord } from "../src/io/fast-csv.js";
import { MAX_CELL_CHARS } from "../src/io/limits.js";

const SEED = process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261205;
const CHARS = [" ", "\t", "\v", "\f", "\r", "\n", "\u00a0", "\u3000", "\ufeff", "\u2028", "\u200b", "\u0085", "a", "0", "满", "(空)", "丂", '"', "𠀀"];

/** A scanned record of these cells, their bytes one after another (as the scanner leaves them). */
function record(cells: string[], gb18030: boolean): CsvRecord {
  const parts = cells.map((c) => (gb18030 ? iconv.encode(c, "gb18030") : Buffer.from(c, "utf8")));
  const buf = Buffer.concat(parts);
  const starts = new Int32Array(cells.length);
  const ends = new Int32Array(cells.length);
  let at = 0;
  parts.forEach((p, i) => {
    starts[i] = at;
    ends[i] = at += p.length;
  });
  return { buf, offset: 0, fields: cells.length, starts, ends, escaped: new Uint8Array(cells.length), hashes: new Int32Array(cells.length).fill(-1), decoder: gb18030 ? new TextDecoder("gb18030") : undefined };
}

describe("the rules of rows and cells", () => {
  test("isBlankRecord judges every record as isBlankRow judges its cells, in UTF-8 and GB18030", () => {
    const cell = fc.array(fc.constantFrom(...CHARS), { maxLength: 4 }).map((xs) => xs.join(""));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 5 }), fc.boolean(), (cells, gb18030) => {
        expect(isBlankRecord(record(cells, gb18030))).toBe(isBlankRow(cells));
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  test("a blank cell is whitespace as trim removes it: the ideographic space is, a zero-width space is not", () => {
    expect(isBlankCell(" \u3000\t")).toBe(true);
    expect(isBlankCell("\u200b")).toBe(false);
    expect(isBlankRecord(record(["\u00a0", "\u3000"], true))).toBe(true);
    expect(isBlankRecord(record(["\u00a0", "\u3000"], false))).toBe(true);
    expect(isBlankRecord(record(["\u00a0", "丂"], true))).toBe(false);
  });

  test("a cell too long is read as blank, and the caller's cells are left as they were", () => {
    const long = "x".repeat(MAX_CELL_CHARS + 1);
    const cells = ["a", long, "b"];
    const told: [number, number][] = [];
    const read = cellsAsRead(cells, (i, chars) => told.push([i, chars]));
    expect(read).toEqual(["a", "", "b"]);
    expect(cells[1]).toBe(long);
    expect(told).toEqual([[1, MAX_CELL_CHARS + 1]]);
    const fine = ["a", "x".repeat(MAX_CELL_CHARS)];
    expect(cellsAsRead(fine)).toBe(fine);
  });

  test("metadata values and durations", () => {
    expect(metadataValue("  17 ")).toBe("17");
    expect(metadataValue("\u3000")).toBeUndefined();
    expect(readDuration("2分3秒")).toEqual({ seconds: 123, bad: false });
    expect(readDuration(" ")).toEqual({ seconds: undefined, bad: false });
    expect(readDuration("很快")).toEqual({ seconds: undefined, bad: true });
  });
});
