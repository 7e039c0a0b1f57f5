/**
 * Keywords of open answers, counted. Which words an answer holds is the segmenter's to say (jieba, run by
 * the pipeline: src/pipeline/segmenter.ts); what counts as a keyword, and how keywords are counted and
 * ranked, is said here. Only content words are counted — nouns, verbal and adjectival nouns (服务, 活动),
 * idioms and Latin words, by jieba's part-of-speech tags — so "办事要跑好几趟，有时找不到人" gives 办事,
 * not 好几趟, 有时 or 不到. Words of one character and stop words are left out.
 */

/** The keyword set of each of some answers (each word once), in their order: a segmenter is asked for many at a time. */
export type WordsOf = (texts: readonly string[]) => Iterable<string>[];

/** Function words, pronouns and survey filler (无, 没有, 建议) that say nothing about an answer's subject. */
export const STOP_WORDS = new Set(
  (
    "的 了 和 与 及 或 是 在 有 也 就 都 而 又 要 把 被 让 给 对 从 向 于 以 为 之 其 这 那 这个 那个 这些 那些 " +
    "我 你 他 她 它 我们 你们 他们 她们 它们 自己 大家 什么 怎么 如何 哪些 因为 所以 但是 但 而且 并且 如果 " +
    "可以 能够 应该 需要 希望 建议 觉得 认为 感觉 比较 非常 很 太 更 最 还 再 没 不 无 没有 暂无 没什么 " +
    "一些 一点 一下 一个 有些 很多 多 少 等 等等 方面 问题 情况 进行 加强 提高 一定 目前 现在 已经 " +
    "the a an and or of to in on for is are be it this that with not no none nothing n/a"
  ).split(/\s+/),
);

const WORDLIKE = /[\p{Script=Han}\p{L}]/u;

/** jieba's tags of content words: n… nouns (n, nr, ns, nt, nz), vn/an verbal and adjectival nouns,
 * i idioms, j abbreviations, l set phrases, eng Latin words. Verbs, adverbs, numerals, pronouns are not themes. */
const CONTENT_TAG = /^(n|vn|an|i|j|l|eng)/;

/** The keywords among an answer's tagged words, each once. */
export function contentWords(tagged: Iterable<{ word: string; tag: string }>): Set<string> {
  const words = new Set<string>();
  for (const { word: raw, tag } of tagged) {
    if (!CONTENT_TAG.test(tag)) continue;
    const w = raw.trim().toLowerCase();
    if ([...w].length < 2 || !WORDLIKE.test(w) || STOP_WORDS.has(w)) continue;
    words.add(w);
  }
  return words;
}

/**
 * Adds the keywords of `answers` to `counts` (word → number of answers that use it, not its occurrences,
 * so "32 respondents mention 停车" reads true). Identical answers are segmented once. Counts of disjoint
 * parts of the answers add up to the counts of the whole, whatever the parts: ranges read by different
 * threads are counted apart and added (`addCounts`).
 */
export function countWords(answers: Iterable<string>, wordsOf: WordsOf, counts = new Map<string, number>()): Map<string, number> {
  const times = new Map<string, number>();
  for (const a of answers) times.set(a, (times.get(a) ?? 0) + 1);
  return countDistinct(times, wordsOf, counts);
}

/** Distinct answers handed to the segmenter at a time. */
const PER_CALL = 4096;

/** Adds the keywords of distinct answers, each given `n` times, to `counts` (see `countWords`). */
export function countDistinct(answers: Iterable<readonly [string, number]>, wordsOf: WordsOf, counts = new Map<string, number>()): Map<string, number> {
  let texts: string[] = [];
  let times: number[] = [];
  const flush = () => {
    wordsOf(texts).forEach((words, k) => {
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + times[k]!);
    });
    texts = [];
    times = [];
  };
  for (const [text, n] of answers) {
    texts.push(text);
    times.push(n);
    if (texts.length === PER_CALL) flush();
  }
  if (texts.length) flush();
  return counts;
}

/** Adds word counts into `into`. */
export function addCounts(into: Map<string, number>, more: Iterable<readonly [string, number]>): void {
  for (const [w, n] of more) into.set(w, (into.get(w) ?? 0) + n);
}

/**
 * The `limit` most frequent keywords of the counts. Ties are broken by the word's code points, so the list
 * is the same on every run.
 */
export function topKeywords(counts: ReadonlyMap<string, number>, limit = 30): { word: string; count: number }[] {
  return [...counts]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .slice(0, limit)
    .map(([word, count]) => ({ word, count }));
}
