import { createRequire } from "node:module";
import type { Jieba } from "@node-rs/jieba";
import { contentWords, countWords, topKeywords } from "../tally/keywords.js";

/**
 * jieba, a dictionary-based Chinese word segmenter (`Intl.Segmenter` splits newer compounds such as 电动车
 * or 疫情 into characters), loaded once per thread: each thread that reads ranges of open answers
 * segments them itself (src/pipeline/ranges/task.ts). Which of its words are keywords is tally's rule
 * (src/tally/keywords.ts).
 */

const require = createRequire(import.meta.url);
let jieba: Jieba | undefined;

/** Loading the dictionary costs about 0.2 s (and 50 MB), so it happens only when there are open answers. */
function loadSegmenter(): Jieba {
  if (!jieba) {
    const { Jieba: JiebaClass } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
    const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

/** The keywords of one answer, each once. */
export function answerWords(text: string): Set<string> {
  return contentWords(loadSegmenter().tag(text, true));
}

/** The `limit` most frequent keywords of some answers (see `topKeywords`). */
export function keywords(answers: readonly string[], limit = 30): { word: string; count: number }[] {
  return topKeywords(countWords(answers, answerWords), limit);
}
