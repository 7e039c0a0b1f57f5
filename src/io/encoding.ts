import { createReadStream } from "node:fs";
import { isUtf8 } from "node:buffer";

export type Encoding = "utf-8" | "gb18030" | "utf-16le" | "utf-16be";

export interface Detected {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
  /** Set when the guess rests on too little evidence: a few non-ASCII bytes valid in both encodings. */
  ambiguous: boolean;
}

/** Fewer non-ASCII bytes than this, all valid in both UTF-8 and GB18030, cannot tell the two apart. */
const AMBIGUOUS_BELOW = 16;

/**
 * Detects the encoding of a whole file in one streaming pass: a byte-order mark wins; otherwise strict
 * UTF-8 over every byte (a chunk boundary may cut a character, so its tail is carried over); otherwise
 * GB18030, decoded strictly, since Excel on Chinese Windows writes GBK/GB18030. Returns undefined when the
 * file is valid in neither. Measured here: chardet-style guessing was wrong on mostly-numeric GB18030
 * files, this never was.
 */
export async function detectEncoding(path: string): Promise<Detected | undefined> {
  let first = true;
  const utf8 = new Utf8Stream();
  let nonAscii = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (first) {
      first = false;
      const bom = byteOrderMark(chunk);
      if (bom) return bom;
    }
    if (!utf8.push(chunk)) return (await validGb18030(path)) ? { encoding: "gb18030", bom: 0, ambiguous: false } : undefined;
    if (nonAscii < AMBIGUOUS_BELOW) nonAscii += countNonAscii(chunk, AMBIGUOUS_BELOW);
  }
  if (!utf8.end()) return (await validGb18030(path)) ? { encoding: "gb18030", bom: 0, ambiguous: false } : undefined;
  const ambiguous = nonAscii > 0 && nonAscii < AMBIGUOUS_BELOW && (await validGb18030(path));
  return { encoding: "utf-8", bom: 0, ambiguous };
}

/**
 * The encoding as the start of a file shows it, when that is enough: a byte-order mark, or UTF-8 with at
 * least as many non-ASCII bytes as `detectEncoding` needs to rule out a guess. The rest of the file is not
 * checked: a reader that relies on this must check it as it reads (the fast reader of big files does, and
 * gives the file to the general reader at the first byte that is not UTF-8).
 */
export function settledByHead(head: Buffer): Detected | undefined {
  const bom = byteOrderMark(head);
  if (bom) return bom;
  const cut = incompleteTail(head);
  if (!isUtf8(head.subarray(0, head.length - cut))) return undefined;
  return countNonAscii(head, AMBIGUOUS_BELOW) >= AMBIGUOUS_BELOW ? { encoding: "utf-8", bom: 0, ambiguous: false } : undefined;
}

/**
 * Text held whole in memory (an HTML or SYLK workbook, survey.yaml), decoded by the rule `detectEncoding`
 * applies to files: a byte-order mark, else strict UTF-8, else strict GB18030 — and UTF-16 without a mark,
 * told by its NUL bytes; undefined when it is none of them.
 */
export function decodeWhole(bytes: Buffer): { text: string; encoding: Encoding } | undefined {
  const bom = byteOrderMark(bytes);
  const strict = (encoding: Encoding, from = 0) => {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(from)), encoding };
    } catch {
      return undefined;
    }
  };
  if (bom) return strict(bom.encoding, bom.bom);
  const utf16 = utf16WithoutMark(bytes);
  if (utf16) return strict(utf16);
  if (isUtf8(bytes)) return { text: bytes.toString("utf8"), encoding: "utf-8" };
  return strict("gb18030");
}

/**
 * UTF-16 saved without a byte-order mark (Notepad's "Unicode" can be): its ASCII characters leave a NUL
 * in every other byte, which text in UTF-8 or GB18030 never has.
 */
function utf16WithoutMark(bytes: Buffer): Encoding | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  // A Chinese character may have a NUL byte too (一 is U+4E00), so the other side is only mostly free of them.
  if (oddNul > pairs / 4 && evenNul < oddNul / 8) return "utf-16le";
  if (evenNul > pairs / 4 && oddNul < evenNul / 8) return "utf-16be";
  return undefined;
}

/**
 * Where bytes stop being text in `encoding`: the offset of the byte at which a strict decoder fails, and
 * the text before it. `bytes` must start at a character's start. Undefined when every byte is valid (an
 * incomplete character at the end is not judged: more bytes may follow). Binary search on prefixes: only
 * called once a file has failed, on one chunk.
 */
export function firstInvalid(bytes: Buffer, encoding: Encoding): { at: number; before: string } | undefined {
  const valid = (n: number) => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (valid(bytes.length)) return undefined;
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (valid(mid)) lo = mid;
    else hi = mid;
  }
  return { at: hi - 1, before: new TextDecoder(encoding).decode(bytes.subarray(0, hi - 1), { stream: true }) };
}

/**
 * Where the last character of `b` that may be incomplete starts, or -1 when `b` does not show it. In
 * UTF-8, the last byte that is not a continuation byte. In GB18030, just after the last byte below 0x30,
 * which is never part of a longer character (a run of Chinese text without one does not show where its
 * characters start). UTF-16 is read in chunks of even length from an even offset: a chunk's end is one.
 */
export function lastCharStart(b: Buffer, encoding: Encoding): number {
  if (encoding === "utf-16le" || encoding === "utf-16be") return b.length;
  if (encoding === "utf-8") {
    for (let i = b.length - 1; i >= Math.max(0, b.length - 4); i--) if ((b[i]! & 0xc0) !== 0x80) return i;
    return -1;
  }
  for (let i = b.length - 1; i >= 0; i--) if (b[i]! < 0x30) return i + 1;
  return -1;
}

async function validGb18030(path: string): Promise<boolean> {
  const gb = new TextDecoder("gb18030", { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      gb.decode(chunk, { stream: true });
    }
    gb.decode();
    return true;
  } catch {
    return false;
  }
}

/** The byte-order mark a file starts with, if any. */
export function byteOrderMark(b: Buffer): Detected | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: "utf-8", bom: 3, ambiguous: false };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: "utf-16le", bom: 2, ambiguous: false };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: "utf-16be", bom: 2, ambiguous: false };
  if (b[0] === 0x84 && b[1] === 0x31 && b[2] === 0x95 && b[3] === 0x33) return { encoding: "gb18030", bom: 4, ambiguous: false };
  return undefined;
}

/** How many bytes at the end of `b` start a UTF-8 sequence that continues in the next chunk. */
export function incompleteTail(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Checks that a stream of bytes is UTF-8, a chunk at a time, as isUtf8 of all of it would: only the few
 * bytes of a character cut between two chunks are copied, not the chunks (a big file's reader pushes
 * 1 MB chunks, and CJK text cuts a character at most chunk ends).
 */
export class Utf8Stream {
  /** The start of a character cut at the end of the last chunk. */
  private tail: Buffer | undefined;

  /** False once the bytes are not UTF-8. */
  push(chunk: Buffer): boolean {
    let rest = chunk;
    if (this.tail) {
      let k = 0;
      while (k < 3 && k < chunk.length && (chunk[k]! & 0xc0) === 0x80) k++;
      const joined = Buffer.concat([this.tail, chunk.subarray(0, k)]);
      this.tail = undefined;
      if (k === chunk.length && incompleteTail(joined) === joined.length) {
        this.tail = joined;
        return true;
      }
      if (!isUtf8(joined)) return false;
      rest = chunk.subarray(k);
    }
    const cut = incompleteTail(rest);
    if (!isUtf8(rest.subarray(0, rest.length - cut))) return false;
    if (cut) this.tail = Buffer.from(rest.subarray(rest.length - cut));
    return true;
  }

  /** False when the bytes end inside a character. */
  end(): boolean {
    return this.tail === undefined;
  }
}

function countNonAscii(b: Buffer, stopAt: number): number {
  let n = 0;
  for (let i = 0; i < b.length && n < stopAt; i++) if (b[i]! >= 0x80) n++;
  return n;
}
