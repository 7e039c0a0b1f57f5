/**
 * jieba's part-of-speech tag of a word it cut, found the way jieba's `tag` finds it (jieba-rs `Jieba::tag`:
 * the word's entry in the dictionary, else `x`, `m` or `eng` by its ASCII letters and digits), so that
 * answers can be segmented with `cut`, which returns plain strings, instead of `tag`, which builds an
 * object per word: on the bench's open answers `tag` costs about 6 µs an answer, batched `cut` under 2 µs.
 * test/segmenter.test.ts holds this equal to `tag` on real and generated answers.
 *
 * The dictionary is the very bytes jieba loaded (one `word freq tag` line each, sorted by the words' UTF-8
 * bytes); a word is found by binary search over its line starts, so no string is made per entry.
 */
export class WordTags {
  /** Byte offset of each line's start. */
  private readonly lines: Uint32Array;

  constructor(private readonly dict: Uint8Array) {
    const starts: number[] = [];
    let sorted = true;
    let before = -1;
    let beforeEnd = -1;
    for (let at = 0; at < dict.length; ) {
      const end = this.wordEnd(at);
      if (end > at) {
        starts.push(at);
        if (sorted && before >= 0 && compareBytes(dict, before, beforeEnd, dict, at, end) > 0) sorted = false;
        before = at;
        beforeEnd = end;
      }
      const nl = dict.indexOf(0x0a, end);
      at = nl < 0 ? dict.length : nl + 1;
    }
    this.lines = Uint32Array.from(starts);
    // The search needs the lines in byte order; a dictionary that is not (another jieba version) is sorted.
    if (!sorted) this.lines.sort((a, b) => this.compareLines(a, b));
  }

  /** The word's tag, as jieba's `tag` gives it. */
  tagOf(word: string): string {
    const found = this.find(Buffer.from(word, "utf8"));
    return found ?? fallbackTag(word);
  }

  /** The dictionary's tag of the word (its UTF-8 bytes), or undefined when the word is not an entry. */
  private find(key: Uint8Array): string | undefined {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const start = this.lines[mid]!;
      const c = compareBytes(key, 0, key.length, this.dict, start, this.wordEnd(start));
      if (c === 0) return this.tagAt(start);
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return undefined;
  }

  /** End of the word at a line's start: the first white space. */
  private wordEnd(start: number): number {
    let end = start;
    while (end < this.dict.length && !isSpace(this.dict[end]!)) end++;
    return end;
  }

  /** The third field of the line (jieba reads `word freq tag`, split at white space; no tag is ""). */
  private tagAt(start: number): string {
    const fields: string[] = [];
    let at = start;
    while (at < this.dict.length && this.dict[at] !== 0x0a && fields.length < 3) {
      while (at < this.dict.length && this.dict[at] !== 0x0a && isSpace(this.dict[at]!)) at++;
      const from = at;
      while (at < this.dict.length && !isSpace(this.dict[at]!)) at++;
      if (at > from) fields.push(Buffer.from(this.dict.buffer, this.dict.byteOffset + from, at - from).toString("utf8"));
    }
    return fields[2] ?? "";
  }

  private compareLines(a: number, b: number): number {
    return compareBytes(this.dict, a, this.wordEnd(a), this.dict, b, this.wordEnd(b));
  }
}

/** jieba's tag of a word not in its dictionary: x without ASCII letters or digits, m with digits alone, else eng. */
export function fallbackTag(word: string): string {
  let alnum = 0;
  let digits = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39;
    if (digit || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      alnum++;
      if (digit) digits++;
    }
  }
  return alnum === 0 ? "x" : alnum === digits ? "m" : "eng";
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

function compareBytes(a: Uint8Array, aFrom: number, aTo: number, b: Uint8Array, bFrom: number, bTo: number): number {
  const n = Math.min(aTo - aFrom, bTo - bFrom);
  for (let i = 0; i < n; i++) {
    const d = a[aFrom + i]! - b[bFrom + i]!;
    if (d !== 0) return d;
  }
  return aTo - aFrom - (bTo - bFrom);
}
