/**
 * The set of respondent ids seen so far. 问卷星's 序号 and most hand-typed ids are small whole numbers:
 * those are kept as bits (a million ids in 125 KB), anything else in a Set. Duplicate detection then costs
 * almost nothing however many rows are read.
 */
export class IdSet {
  private bits = new Uint8Array(1024);
  private readonly others = new Set<string>();

  /** Adds an id; returns false when it was already there. */
  add(id: string): boolean {
    const n = /^\d{1,9}$/.test(id) ? Number(id) : -1;
    if (n < 0 || String(n) !== id) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
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
}
