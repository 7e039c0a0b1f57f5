import { createRequire } from "node:module";
import type { Jieba } from "@node-rs/jieba";
import { contentWords, countWords, topKeywords, type WordsOf } from "../tally/keywords.js";
import { WordTags } from "./word-tags.js";

/**
 * jieba, a dictionary-based Chinese word segmenter (`Intl.Segmenter` splits newer compounds such as 电动车
 * or 疫情 into characters), loaded once per thread: each thread that reads ranges of open answers
 * segments them itself (src/pipeline/ranges/task.ts). Which of its words are keywords is tally's rule
 * (src/tally/keywords.ts).
 *
 * Answers are cut many to a call, joined by a character that jieba makes a word of its own (see SEPARATOR),
 * and each word's tag is looked up once per thread (see WordTags): calling jieba's `tag` once per answer
 * cost three quarters of the whole tally on files with many distinct open answers.
 */

const require = createRequire(import.meta.url);

interface Loaded {
  jieba: Jieba;
  tags: WordTags;
  /** A word as jieba cut it → the keyword it is (lower-cased), or null when it is none. */
  keywordOf: Map<string, string | null>;
}
let loaded: Loaded | undefined;

/** Loading the dictionary costs about 0.2 s (and 50 MB), so it happens only when there are open answers. */
function load(): Loaded {
  if (!loaded) {
    const { Jieba: JiebaClass } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
    const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
    loaded = { jieba: JiebaClass.withDict(dict), tags: new WordTags(dict), keywordOf: new Map() };
  }
  return loaded;
}

/**
 * Joins answers for one `cut`. Not a letter, digit or han character (jieba's word pattern) nor white space,
 * it is cut as a word of its own, and no word spans it: jieba cuts the runs of word characters apart, so
 * each answer is cut as it would be alone. An answer holding it is cut alone.
 */
const SEPARATOR = "\u0001";
/** Answers per `cut`: enough that the call's own cost vanishes, few enough to keep one call's strings small. */
const PER_CUT = 256;
/** Words remembered per thread: real answers use a few thousand; a flood of new words only resets it. */
const REMEMBERED = 200_000;

/** The keywords of each answer, each once, in the answers' order. */
export const answerWords: WordsOf = (texts) => {
  const { jieba } = load();
  const out: Set<string>[] = [];
  let from = 0;
  while (from < texts.length) {
    let to = from;
    while (to < texts.length && to - from < PER_CUT && !texts[to]!.includes(SEPARATOR)) to++;
    if (to === from) {
      out.push(keywordSet(jieba.cut(texts[from]!, true)));
      from++;
      continue;
    }
    let words = new Set<string>();
    for (const word of jieba.cut(texts.slice(from, to).join(SEPARATOR), true)) {
      if (word === SEPARATOR) {
        out.push(words);
        words = new Set();
      } else {
        const k = keywordOf(word);
        if (k !== null) words.add(k);
      }
    }
    out.push(words);
    from = to;
  }
  return out;
};

/** The keywords of one answer. */
export function wordsOfAnswer(text: string): Set<string> {
  return answerWords([text])[0] as Set<string>;
}

/** The `limit` most frequent keywords of some answers (see `topKeywords`). */
export function keywords(answers: readonly string[], limit = 30): { word: string; count: number }[] {
  return topKeywords(countWords(answers, answerWords), limit);
}

function keywordSet(words: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const word of words) {
    const k = keywordOf(word);
    if (k !== null) out.add(k);
  }
  return out;
}

function keywordOf(word: string): string | null {
  const { tags, keywordOf: known } = load();
  let k = known.get(word);
  if (k === undefined) {
    k = [...contentWords([{ word, tag: tags.tagOf(word) }])][0] ?? null;
    if (known.size >= REMEMBERED) known.clear();
    known.set(word, k);
  }
  return k;
}
