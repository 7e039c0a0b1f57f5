import type { Answer } from "../../answers/cells.js";
import type { Plan } from "../../tally/plan.js";
import { countDistinct } from "../../tally/keywords.js";
import { answerWords } from "../segmenter.js";
import { ANSWER_INDENT } from "../../tally/format/json.js";
import { SpoolWriter, type SpoolFile } from "../spool.js";

/**
 * A range's open answers, gathered apart from the Counter (which counts how many answered). Their keywords
 * are counted while reading, a batch of new distinct answers at a time, so that a range holds no more than
 * a batch and the keywords of the answers it has seen lately (a repeated answer, 无 or 停车难, is
 * segmented once, not each time). An item whose output lists its answers also keeps them: written to the
 * run's spool folder as they are read, when there is one (see spool.ts), else in memory, in reading order,
 * as a dictionary of distinct texts and their indices (a structured clone would copy each repeated string).
 *
 * Either way, a range with at most FEW_TO_SEGMENT distinct answers, none segmented yet, sends them as
 * they are for the main thread to segment (see there).
 */
export interface PackedTexts {
  dictionary: string[];
  order: Uint32Array;
  /** Instead of `dictionary` and `order`: the file the answers were spooled to. */
  spooled?: SpoolFile;
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
/** New distinct answers segmented at a time. */
const BATCH = 2048;
/** Answers whose keywords a range remembers. */
const REMEMBERED = 8192;

export class RangeTexts {
  private readonly items: ItemTexts[];

  /**
   * `keep[i]`: item i's answers are listed; `keywords`: they are segmented at all (not for `validate`);
   * `spool`: the folder listed answers of the items it names are written to, and this range's name there.
   */
  constructor(plan: Plan, keep: readonly boolean[], keywords: boolean, spool?: RangeSpool) {
    this.items = [];
    plan.items.forEach((item, i) => {
      if (item.type !== "text") return;
      const to = spool?.items[i] ? () => new SpoolWriter(spool.folder, `${spool.name}-${i}`, ANSWER_INDENT) : undefined;
      const tally = new KeywordTally(keywords);
      const listed = (keep[i] ?? true) ? new ListedTexts(tally, to) : undefined;
      this.items.push({ index: i, keywords: tally, listed });
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
      if (a.kind !== "text") continue;
      // Answers kept in memory are counted there, by text, and given to the keywords when they are packed.
      if (t.listed) t.listed.add(a.value);
      else t.keywords.add(a.value);
    }
  }

  /** Per plan item, its packed answers (null for items that are not open questions). */
  pack(items: number): (PackedTexts | null)[] {
    const out: (PackedTexts | null)[] = new Array(items).fill(null);
    for (const t of this.items) {
      out[t.index] = { ...(t.listed?.pack() ?? { dictionary: [], order: new Uint32Array(0) }), ...t.keywords.pack() };
    }
    return out;
  }

  /** Closes the spool files of a range given up (its reader stepped aside). */
  release(): void {
    for (const t of this.items) t.listed?.release();
  }
}

/** Where a range spools listed answers: the run's folder, the items spooled, a name unique in the run. */
export interface RangeSpool {
  folder: string;
  items: readonly boolean[];
  name: string;
}

interface ItemTexts {
  index: number;
  keywords: KeywordTally;
  listed: ListedTexts | undefined;
}

/**
 * Distinct answers a range keeps in memory before it spools them, where it may: answers that repeat a few
 * phrases cost an index each in memory and would cost their whole text on disk and in copying.
 */
const SPOOL_FROM = 4096;

/**
 * An item's answers in reading order: in memory, each distinct text once with how often it was given, or
 * spooled once they are many and distinct. Its keywords' tally is given the distinct texts when they are
 * packed or spooled, and each answer as it comes after that.
 */
class ListedTexts {
  private ids = new Map<string, number>();
  private times: number[] = [];
  private order = new Uint32Array(1024);
  private count = 0;
  private writer: SpoolWriter | undefined;

  constructor(
    private readonly keywords: KeywordTally,
    private readonly spool?: () => SpoolWriter,
  ) {}

  add(text: string): void {
    if (this.writer) {
      this.writer.add(text);
      this.keywords.add(text);
      return;
    }
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
    if (this.spool && this.ids.size >= SPOOL_FROM) {
      // From here on, to disk: what was kept first, then each answer as it comes.
      const writer = (this.writer = this.spool());
      const texts = this.giveKeywords();
      for (let k = 0; k < this.count; k++) writer.add(texts[this.order[k]!]!);
      this.ids = new Map();
      this.times = [];
      this.order = new Uint32Array(0);
      this.count = 0;
    }
  }

  pack(): Pick<PackedTexts, "dictionary" | "order" | "spooled"> {
    if (this.writer) return { dictionary: [], order: new Uint32Array(0), spooled: this.writer.close() };
    return { dictionary: this.giveKeywords(), order: this.order.slice(0, this.count) };
  }

  /** Gives the keywords' tally the distinct texts kept, as often as each was given; returns them. */
  private giveKeywords(): string[] {
    const texts = [...this.ids.keys()];
    texts.forEach((text, k) => this.keywords.add(text, this.times[k]!));
    return texts;
  }

  /** Closes the spool file of a range given up. */
  release(): void {
    this.writer?.close();
  }
}

/**
 * An item's keyword counts, segmented while reading: new distinct answers wait until BATCH of them are
 * pending (or the range ends) and are then segmented, adding their keywords as often as each was given;
 * an answer whose keywords are known (无, 停车难) is counted by text, and its keywords added as often at the
 * next segmenting.
 */
class KeywordTally {
  /** New distinct answers not segmented yet, and how often each was given. */
  private pending = new Map<string, number>();
  /** Answers with known keywords given since the last segmenting, and how often. */
  private hits = new Map<string, number>();
  /** Keywords of answers segmented lately. */
  private known = new Map<string, readonly string[]>();
  private readonly words = new Map<string, number>();
  private segmented = false;

  constructor(private readonly keywords: boolean) {}

  add(text: string, n = 1): void {
    if (!this.keywords) return;
    if (this.known.has(text)) {
      this.hits.set(text, (this.hits.get(text) ?? 0) + n);
      return;
    }
    this.pending.set(text, (this.pending.get(text) ?? 0) + n);
    if (this.pending.size >= BATCH) this.segment();
  }

  pack(): Pick<PackedTexts, "words" | "unsegmented"> {
    if (!this.segmented && this.pending.size <= FEW_TO_SEGMENT) return { words: [], unsegmented: [...this.pending] };
    this.segment();
    return { words: [...this.words] };
  }

  private segment(): void {
    this.segmented = true;
    // Counted as tally counts keywords (countDistinct): the known answers by their remembered keywords.
    countDistinct(this.hits, (texts) => texts.map((text) => this.known.get(text)!), this.words);
    this.hits = new Map();
    if (this.known.size + this.pending.size > REMEMBERED) this.known = new Map();
    countDistinct(this.pending, (texts) => answerWords(texts).map((words, k) => this.remember(texts[k]!, [...words])), this.words);
    this.pending = new Map();
  }

  private remember(text: string, words: readonly string[]): readonly string[] {
    this.known.set(text, words);
    return words;
  }
}
