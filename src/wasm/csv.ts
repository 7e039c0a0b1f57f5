/**
 * The fast path's inner loops in WebAssembly (AssemblyScript, built to dist/wasm/csv.wasm by
 * `npm run build:wasm`): finding a record's cells, and finding each cell again in a per-column dictionary
 * of the cells read before. JavaScript spends 3–4 ns on each byte of a big file here; these loops compare
 * 16 bytes a step when they look for a delimiter, and 8 when they compare a cell with a kept one.
 *
 * Nothing here decides what a file means. `scan` reads only the plain records — unquoted cells, whole
 * quoted cells with `""` inside, the file's own line break — and says SLOW for anything else, which
 * CsvScanner then scans itself (src/io/fast-csv.ts, proven equal to papaparse). The dictionary only says
 * "this cell has the same bytes as kept cell k"; what a cell means is read in JavaScript, once per
 * distinct cell. The JavaScript side (src/io/scan-memory.ts) lays the memory out and passes every address.
 */

const QUOTE: u8 = 0x22;
const LF: u8 = 0x0a;
const CR: u8 = 0x0d;
/** The buffer ends inside the record: push more bytes. */
const MORE: i32 = -1;
/** Not a plain record: scan it the general way. */
const SLOW: i32 = -3;

let lastFields: i32 = 0;

/** Cells in the record the last `scan` returned. */
export function fields(): i32 {
  return lastFields;
}

/** Offset of the first delimiter, quote, CR or LF at or after i (len if none). */
@inline
function nextSpecial(b: usize, i: i32, len: i32, delimiters: v128, delimiter: u8): i32 {
  const quotes = i8x16.splat(<i8>QUOTE);
  const lfs = i8x16.splat(<i8>LF);
  const crs = i8x16.splat(<i8>CR);
  while (i + 16 <= len) {
    const v = v128.load(b + <usize>i);
    const hit = v128.or(v128.or(i8x16.eq(v, delimiters), i8x16.eq(v, quotes)), v128.or(i8x16.eq(v, lfs), i8x16.eq(v, crs)));
    const bits = i8x16.bitmask(hit);
    if (bits != 0) return i + <i32>ctz(bits);
    i += 16;
  }
  while (i < len) {
    const c = load<u8>(b + <usize>i);
    if (c == delimiter || c == QUOTE || c == LF || c == CR) return i;
    i++;
  }
  return len;
}

/** Offset of the first quote at or after i, or -1. */
@inline
function nextQuote(b: usize, i: i32, len: i32): i32 {
  const quotes = i8x16.splat(<i8>QUOTE);
  while (i + 16 <= len) {
    const bits = i8x16.bitmask(i8x16.eq(v128.load(b + <usize>i), quotes));
    if (bits != 0) return i + <i32>ctz(bits);
    i += 16;
  }
  while (i < len) {
    if (load<u8>(b + <usize>i) == QUOTE) return i;
    i++;
  }
  return -1;
}

@inline
function setCell(starts: usize, ends: usize, hashes: usize, escaped: usize, f: i32, start: i32, end: i32, esc: u8): void {
  store<i32>(starts + (<usize>f << 2), start);
  store<i32>(ends + (<usize>f << 2), end);
  // No hash: this path's cells are looked up here, by bytes; CsvRecord's -1 says "not hashed".
  store<i32>(hashes + (<usize>f << 2), -1);
  store<u8>(escaped + <usize>f, esc);
}

/**
 * Scans one record of b[0, len) from pos, as CsvScanner.scanRecord does: returns the offset after its line
 * break (len at the end of a final buffer), MORE when the buffer ends first, SLOW when the record is not
 * plain or has `cap` cells or more. Cells go to starts/ends/hashes/escaped, their number to `fields()`.
 */
export function scan(b: usize, pos: i32, len: i32, final: bool, delimiter: u8, crlf: bool, starts: usize, ends: usize, hashes: usize, escaped: usize, cap: i32): i32 {
  const delimiters = i8x16.splat(<i8>delimiter);
  let f: i32 = 0;
  let i = pos;
  for (;;) {
    if (f == cap) return SLOW;
    if (i < len && load<u8>(b + <usize>i) == QUOTE) {
      const start = i + 1;
      let j = start;
      let esc: u8 = 0;
      for (;;) {
        j = nextQuote(b, j, len);
        if (j < 0) return final ? SLOW : MORE;
        if (j + 1 >= len) {
          if (!final) return MORE;
          break;
        }
        if (load<u8>(b + <usize>(j + 1)) != QUOTE) break;
        esc = 1;
        j += 2;
      }
      setCell(starts, ends, hashes, escaped, f, start, j, esc);
      f++;
      i = j + 1;
      if (i >= len) {
        if (!final) return MORE;
        lastFields = f;
        return len;
      }
      const c = load<u8>(b + <usize>i);
      if (c == delimiter) {
        i++;
        continue;
      }
      if (c == LF && !crlf) {
        lastFields = f;
        return i + 1;
      }
      if (c == CR && crlf && i + 1 < len && load<u8>(b + <usize>(i + 1)) == LF) {
        lastFields = f;
        return i + 2;
      }
      if (c == CR && crlf && i + 1 >= len && !final) return MORE;
      return SLOW;
    }
    const start = i;
    i = nextSpecial(b, i, len, delimiters, delimiter);
    if (i >= len) {
      if (!final) return MORE;
      setCell(starts, ends, hashes, escaped, f, start, len, 0);
      lastFields = f + 1;
      return len;
    }
    const c = load<u8>(b + <usize>i);
    setCell(starts, ends, hashes, escaped, f, start, i, 0);
    if (c == delimiter) {
      f++;
      i++;
      continue;
    }
    if (c == LF && !crlf) {
      lastFields = f + 1;
      return i + 1;
    }
    if (c == CR && crlf && i + 1 < len && load<u8>(b + <usize>(i + 1)) == LF) {
      lastFields = f + 1;
      return i + 2;
    }
    if (c == CR && crlf && i + 1 >= len && !final) return MORE;
    // A quote inside an unquoted cell, a line-break byte that is not this file's line break.
    return SLOW;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Dictionaries: per column, the distinct cells kept so far (bytes → the number it was kept as).
// A dictionary at `d`: count, bytes used, slot mask (0 until the first key), then the slots (kept number
// + 1, 0 for empty), the keys (hash, arena offset, length) and the arena of their bytes. The slot table
// grows as keys come, so a column of five Likert labels probes a few cache lines, not 32 KiB.

const CAPACITY: i32 = 4096;
/** Longer cells are not kept: they are open answers, rarely repeated. */
const MAX_KEY: i32 = 256;
const MAX_SLOTS: i32 = CAPACITY * 2;
const SLOTS_AT: usize = 16;
const KEYS_AT: usize = SLOTS_AT + (<usize>MAX_SLOTS << 2);
const ARENA_AT: usize = KEYS_AT + <usize>CAPACITY * 12;
/** Bytes of one dictionary, with room to read 8 bytes past the last key. */
export const DICTIONARY_BYTES: i32 = <i32>(ARENA_AT + <usize>CAPACITY * <usize>MAX_KEY + 16 + 4096 - 32 + 320);

/** Which bits of a key's hash are kept: 0 in tests, so that only the comparison of bytes tells keys apart. */
export let hashBits: i32 = 0x7fffffff;

/** The first n (1–7) bytes at p as a number; reads 8 bytes (the memory after a cell or a key has room). */
@inline
function head(p: usize, n: i32): u64 {
  return load<u64>(p) & ((<u64>1 << (<u64>n << 3)) - 1);
}

@inline
function hashKey(p: usize, len: i32): i32 {
  let h: u64 = <u64>len * 0x9e3779b97f4a7c15;
  let i: i32 = 0;
  for (; i + 8 <= len; i += 8) {
    h = (h ^ load<u64>(p + <usize>i)) * 0xff51afd7ed558ccd;
    h ^= h >> 29;
  }
  if (i < len) h = (h ^ head(p + <usize>i, len - i)) * 0xc4ceb9fe1a85ec53;
  h ^= h >> 32;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  return <i32>h & hashBits;
}

@inline
function sameBytes(a: usize, b: usize, len: i32): bool {
  let i: i32 = 0;
  for (; i + 8 <= len; i += 8) if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  return i == len || head(a + <usize>i, len - i) == head(b + <usize>i, len - i);
}

/** The number the bytes p[0, len) were kept as in dictionary d, or -1. */
function find(d: usize, p: usize, len: i32): i32 {
  const mask = load<i32>(d + 8);
  if (len > MAX_KEY || mask == 0) return -1;
  const h = hashKey(p, len);
  for (let s = h & mask; ; s = (s + 1) & mask) {
    const e = load<i32>(d + SLOTS_AT + (<usize>s << 2));
    if (e == 0) return -1;
    const key = d + KEYS_AT + <usize>(e - 1) * 12;
    if (load<i32>(key) == h && load<i32>(key + 8) == len && sameBytes(d + ARENA_AT + <usize>load<i32>(key + 4), p, len)) return e - 1;
  }
  return -1;
}

@inline
function place(d: usize, h: i32, e: i32, mask: i32): void {
  let s = h & mask;
  while (load<i32>(d + SLOTS_AT + (<usize>s << 2)) != 0) s = (s + 1) & mask;
  store<i32>(d + SLOTS_AT + (<usize>s << 2), e);
}

/** Keeps the bytes p[0, len) (after a `find` that missed); returns the number they are kept as, or -1 when not kept. */
export function keep(d: usize, p: usize, len: i32): i32 {
  const count = load<i32>(d);
  if (len > MAX_KEY || count >= CAPACITY) return -1;
  const used = load<i32>(d + 4);
  const h = hashKey(p, len);
  memory.copy(d + ARENA_AT + <usize>used, p, <usize>len);
  const key = d + KEYS_AT + <usize>count * 12;
  store<i32>(key, h);
  store<i32>(key + 4, used);
  store<i32>(key + 8, len);
  store<i32>(d, count + 1);
  store<i32>(d + 4, used + len);
  let mask = load<i32>(d + 8);
  if (mask == 0 || (count + 1) * 2 > mask + 1) {
    mask = mask == 0 ? 15 : mask * 2 + 1;
    store<i32>(d + 8, mask);
    memory.fill(d + SLOTS_AT, 0, <usize>(mask + 1) << 2);
    for (let e: i32 = 0; e < count; e++) place(d, load<i32>(d + KEYS_AT + <usize>e * 12), e + 1, mask);
  }
  place(d, h, count + 1, mask);
  return count;
}

/** Empties dictionary d. */
export function clear(d: usize): void {
  store<i32>(d, 0);
  store<i32>(d + 4, 0);
  store<i32>(d + 8, 0);
}

/**
 * Looks up a record's cells: `table` holds, per item, the column of its cell (-1: none) and its
 * dictionary; `ids` gets, per item, the number the cell was kept as, -1 when it was not, -2 for no
 * column. A column past the record's last cell is an empty cell.
 */
export function lookupRow(b: usize, starts: usize, ends: usize, n: i32, table: usize, items: i32, ids: usize): void {
  for (let k: i32 = 0; k < items; k++) {
    const column = load<i32>(table + (<usize>k << 3));
    if (column < 0) {
      store<i32>(ids + (<usize>k << 2), -2);
      continue;
    }
    const d = <usize>load<u32>(table + (<usize>k << 3) + 4);
    let p = b;
    let len: i32 = 0;
    if (column < n) {
      const start = load<i32>(starts + (<usize>column << 2));
      p = b + <usize>start;
      len = load<i32>(ends + (<usize>column << 2)) - start;
    }
    store<i32>(ids + (<usize>k << 2), find(d, p, len));
  }
}
