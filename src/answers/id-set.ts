/**
 * The set of respondent ids seen so far. 问卷星's 序号 and most hand-typed ids are small whole numbers:
 * those are kept as bits (a million ids in 125 KB), anything else in a Set. Duplicate detection then costs
 * almost nothing however many rows are read. In answers/, below validate/: the byte reader (fast-read.ts)
 * reads an id as a number with it, and screening (validate/screen.ts) keeps the set.
 */
export class IdSet {
  private bits = new Uint8Array(1024);
  private readonly others = new Set<string>();

  /** Adds an id; returns false when it was already there. */
  add(id: string): boolean {
    const n = smallWholeNumber(id);
    if (n < 0) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    return this.addNumber(n);
  }

  /** Adds the id String(n), for a whole number n of at most 9 digits; returns false when it was already there. */
  addNumber(n: number): boolean {
    const byte = n >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, byte + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (n & 7);
    if (this.bits[byte]! & mask) return false;
    this.bits[byte]! |= mask;
    return true;
  }

  /** The ids as plain data, to send from a worker thread. */
  toPart(): IdSetPart {
    return { bits: this.bits, others: [...this.others] };
  }

  /** Whether another part of the data saw an id this set holds. */
  overlaps(part: IdSetPart): boolean {
    const n = Math.min(this.bits.length, part.bits.length);
    for (let i = 0; i < n; i++) if (this.bits[i]! & part.bits[i]!) return true;
    for (const id of part.others) if (this.others.has(id)) return true;
    return false;
  }

  /** Adds the ids another part of the same data saw. */
  absorb(part: IdSetPart): void {
    if (part.bits.length > this.bits.length) {
      const grown = new Uint8Array(part.bits.length);
      grown.set(this.bits);
      this.bits = grown;
    }
    for (let i = 0; i < part.bits.length; i++) this.bits[i]! |= part.bits[i]!;
    for (const id of part.others) this.others.add(id);
  }
}

export interface IdSetPart {
  bits: Uint8Array;
  others: string[];
}

/**
 * The number an id of 1–9 digits without a leading zero spells (as String(n) would write it), else -1;
 * the ids IdSet keeps as bits.
 */
function smallWholeNumber(id: string): number {
  const length = id.length;
  if (length === 0 || length > 9 || (length > 1 && id.charCodeAt(0) === 48)) return -1;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * `smallWholeNumber` of the text bytes[start, end) spell, read from the bytes (digits are ASCII in UTF-8
 * and GB18030 alike): the fast reader of big files gets a number for most ids without decoding a string.
 */
export function smallWholeNumberOfBytes(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length === 0 || length > 9 || (length > 1 && bytes[start] === 48)) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}
