import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { startThread } from "../threads.js";
import type { Jieba } from "@node-rs/jieba";
import type { SegmenterData } from "./keywords-worker.js";

/**
 * Keywords of open answers, from jieba (a dictionary-based Chinese word segmenter; `Intl.Segmenter`
 * splits newer compounds such as 电动车 or 疫情 into characters). Only content words are counted — nouns,
 * verbal and adjectival nouns (服务, 活动), idioms and Latin words, by jieba's part-of-speech tags — so
 * "办事要跑好几趟，有时找不到人" gives 办事, not 好几趟, 有时 or 不到. Words of one character and stop
 * words are left out.
 */

const require = createRequire(import.meta.url);
let jieba: Jieba | undefined;

/** Loading the dictionary costs about 0.2 s, so it happens only when there are open answers. */
export function loadSegmenter(): Jieba {
  if (!jieba) {
    const { Jieba: JiebaClass } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
    const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

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

/** The words of one answer worth counting, each once. */
export function answerWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const { word: raw, tag } of loadSegmenter().tag(text, true)) {
    if (!CONTENT_TAG.test(tag)) continue;
    const w = raw.trim().toLowerCase();
    if ([...w].length < 2 || !WORDLIKE.test(w) || STOP_WORDS.has(w)) continue;
    words.add(w);
  }
  return words;
}

/**
 * The `limit` most frequent keywords. `count` is the number of answers that use the word (not its
 * occurrences), so "32 respondents mention 停车" reads true. Identical answers are segmented once. Ties
 * are broken by the word's code points, so the list is the same on every run.
 */
export function keywords(answers: readonly string[], limit = 30): { word: string; count: number }[] {
  return keywordLists([answers], limit)[0]!;
}

/** `keywords` of several lists of answers, segmented together: one request to the segmenter thread. */
export function keywordLists(lists: readonly (readonly string[])[], limit = 30): { word: string; count: number }[][] {
  const distinct = lists.map((answers) => {
    const times = new Map<string, number>();
    for (const a of answers) times.set(a, (times.get(a) ?? 0) + 1);
    return times;
  });
  const texts = [...new Set(distinct.flatMap((times) => [...times.keys()]))];
  const segmented = texts.length > 0 && thread ? wordsInThread(thread, texts) : undefined;
  const words = new Map<string, Iterable<string>>();
  texts.forEach((text, i) => words.set(text, segmented?.[i] ?? answerWords(text)));
  return distinct.map((times) => {
    const counts = new Map<string, number>();
    for (const [text, n] of times) for (const w of words.get(text)!) counts.set(w, (counts.get(w) ?? 0) + n);
    return [...counts]
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .slice(0, limit)
      .map(([word, count]) => ({ word, count }));
  });
}

/** The keyword set of each text (`answerWords`), segmented in the segmenter thread when one runs. */
export function wordSets(texts: string[]): string[][] {
  const segmented = texts.length > 0 && thread ? wordsInThread(thread, texts) : undefined;
  return texts.map((text, i) => segmented?.[i] ?? [...answerWords(text)]);
}

/**
 * A thread that loads the dictionary meanwhile, for a command that will want keywords after reading
 * answers for a while (`survey report`): the load then costs the main thread nothing on a machine with a
 * second core. keywords() asks it for the words and waits; if it fails, keywords() segments here.
 */
let thread: { worker: Worker; port: MessagePort; signal: Int32Array } | undefined;

/** Returns whether it started one (not when one runs already or the dictionary is loaded here). */
export function startSegmenterThread(): boolean {
  if (thread || jieba) return false;
  try {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const workerData: SegmenterData = { port: port2, signal };
    const worker = startThread(import.meta.url, "./keywords-worker.js", { workerData, transferList: [port2] });
    // The thread never keeps the program alive: keywords() waits for it without the event loop.
    worker.unref();
    worker.on("error", () => stopThread());
    port1.unref();
    thread = { worker, port: port1, signal };
    return true;
  } catch {
    thread = undefined;
    return false;
  }
}

/** Ends the thread, if it still runs (it stops when it fails); keywords() segments on this thread from then on. */
export function stopSegmenterThread(): boolean {
  const running = thread !== undefined;
  stopThread();
  return running;
}

function stopThread(): void {
  const t = thread;
  thread = undefined;
  t?.port.close();
  void t?.worker.terminate();
}

/** Longer than loading the dictionary and segmenting any survey's answers could take on a busy machine. */
const THREAD_TIMEOUT_MS = 60_000;

function wordsInThread(t: NonNullable<typeof thread>, texts: string[]): string[][] | undefined {
  Atomics.store(t.signal, 0, 0);
  t.port.postMessage(texts);
  const waited = Atomics.wait(t.signal, 0, 0, THREAD_TIMEOUT_MS);
  const reply = waited !== "timed-out" && Atomics.load(t.signal, 0) === 1 ? receiveMessageOnPort(t.port) : undefined;
  if (!reply) {
    stopThread();
    return undefined;
  }
  return reply.message as string[][];
}
