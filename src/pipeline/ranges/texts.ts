import type { Answer } from "../../answers/cells.js";
import { countDistinct } from "../../tally/keywords.js";
import type { Plan } from "../../tally/plan.js";
import { answerWords } from "../segmenter.js";

/**
 * A range's open answers, gathered apart from the Counter (which counts how many answered): for an item
 * whose output lists its answers, every answer in reading order as a dictionary of distinct texts and
 * their indices (a structured clone would copy each repeated string), segmented for keywords when the
 * range ends; for any other item, only the keyword counts, segmented while reading, a batch of new
 * distinct answers at a time, so that a range holds no more than a batch and the keywords of the answers
 * it has seen lately (a repeated answer, 无 or 停车难, is segmented once, not each time).
 *
 * Either way, a range with at most FEW_TO_SEGMENT distinct answers, none segmented yet, sends them as
 * they are for the main thread to segment (see there).
 */
export interface PackedTexts {
  dictionary: string[];
  order: Uint32Array;
  /** The keyword counts of the range's answers. */
  words: [string, number][];
  /** Instead of `words`: the few distinct answers and how often each was given. */
  unsegmented?: [string, number][];
}

/**
 * A range with at most this many distinct open answers (an export whose answers repeat a few phrases)
 * leaves them to the main thread: loading jieba's dictionary costs a thread about 0.3 s of CPU, more than
 * segmenting a few answers, and the main thread loads it once for all. With more, the thread that read them
 * segments them, on both cores.
 */
export const FEW_TO_SEGMENT = 256;
/** New distinct answers segmented at a time, for items whose answers are not listed. */
const BATCH = 2048;
/** Answers whose keywords a range remembers, for items whose answers are not listed. */
const REMEMBERED = 8192;

export class RangeTexts {
  private readonly items: ItemTexts[];

  /** `keep[i]`: item i's answers are listed; `keywords`: they are segmented at all (not for `validate`). */
  constructor(plan: Plan, keep: readonly boolean[], keywords: boolean) {
    this.items = [];
    plan.items.forEach((item, i) => {
      if (item.type !== "text") return;
      this.items.push(keep[i] ?? true ? new ListedTexts(i, keywords) : new CountedTexts(i, keywords));
    });
  }

  /** The plan indices of the items gathered here (the Counter keeps no texts for them). */
  get indices(): number[] {
    return this.items.map((t) => t.index);
  }

  /** Gathers a valid questionnaire's open answers. */
  add(answers: readonly Answer[]): void {
    for (const t of this.items) {
      const a = answers[t.index]!;
      if (a.kind === "text") t.add(a.value);
    }
  }

  /** Per plan item, its packed answers (null for items that are not open questions). */
  pack(items: number): (PackedTexts | null)[] {
    const out: (PackedTexts | null)[] = new Array(items).fill(null);
    for (const t of this.items) out[t.index] = t.pack();
    return out;
  }
}

interface ItemTexts {
  readonly index: number;
  add(text: string): void;
  pack(): PackedTexts;
}

/** An item whose answers the output lists: kept in order, segmented when the range ends. */
class ListedTexts implements ItemTexts {
  private readonly ids = new Map<string, number>();
  private readonly times: number[] = [];
  private order = new Uint32Array(1024);
  private count = 0;

  constructor(
    readonly index: number,
    private readonly keywords: boolean,
  ) {}

  add(text: string): void {
    let id = this.ids.get(text);
    if (id === undefined) {
      this.ids.set(text, (id = this.ids.size));
      this.times.push(0);
    }
    this.times[id]!++;
    if (this.count === this.order.length) {
      const grown = new Uint32Array(this.order.length * 2);
      grown.set(this.order);
      this.order = grown;
    }
    this.order[this.count++] = id;
  }

  pack(): PackedTexts {
    const dictionary = [...this.ids.keys()];
    const order = this.order.slice(0, this.count);
    const distinct = dictionary.map((text, k): [string, number] => [text, this.times[k]!]);
    if (!this.keywords) return { dictionary, order, words: [] };
    if (distinct.length <= FEW_TO_SEGMENT) return { dictionary, order, words: [], unsegmented: distinct };
    return { dictionary, order, words: [...countDistinct(distinct, answerWords)] };
  }
}

/** An item whose answers the output does not list: only their keywords are counted. */
class CountedTexts implements ItemTexts {
  /** New distinct answers not segmented yet, and how often each was given. */
  private pending = new Map<string, number>();
  /** Keywords of answers segmented lately. */
  private known = new Map<string, readonly string[]>();
  private readonly words = new Map<string, number>();
  private segmented = false;

  constructor(
    readonly index: number,
    private readonly keywords: boolean,
  ) {}

  add(text: string): void {
    if (!this.keywords) return;
    const words = this.known.get(text);
    if (words) {
      for (const w of words) this.words.set(w, (this.words.get(w) ?? 0) + 1);
      return;
    }
    this.pending.set(text, (this.pending.get(text) ?? 0) + 1);
    if (this.pending.size >= BATCH) this.segment();
  }

  pack(): PackedTexts {
    const none = { dictionary: [], order: new Uint32Array(0) };
    if (!this.segmented && this.pending.size <= FEW_TO_SEGMENT) return { ...none, words: [], unsegmented: [...this.pending] };
    this.segment();
    return { ...none, words: [...this.words] };
  }

  private segment(): void {
    this.segmented = true;
    const texts = [...this.pending.keys()];
    const sets = answerWords(texts);
    if (this.known.size + texts.length > REMEMBERED) this.known = new Map();
    texts.forEach((text, k) => {
      const n = this.pending.get(text)!;
      const words = [...sets[k]!];
      for (const w of words) this.words.set(w, (this.words.get(w) ?? 0) + n);
      this.known.set(text, words);
    });
    this.pending = new Map();
  }
}
