import { workerData, type MessagePort } from "node:worker_threads";
import { answerWords, loadSegmenter } from "./keywords.js";

/**
 * The thread of keywords.ts' `startSegmenterThread`: loads jieba's dictionary as soon as it starts (about
 * 0.2 s, while the main thread reads the answers), then gives the content words of the answers it is sent.
 * The main thread waits on `signal` (0 while a request is pending, 1 answered, 2 failed), so that its
 * keywords() stays synchronous.
 */

export interface SegmenterData {
  port: MessagePort;
  signal: Int32Array;
}

const { port, signal } = workerData as SegmenterData;

function answer(state: 1 | 2): void {
  Atomics.store(signal, 0, state);
  Atomics.notify(signal, 0);
}

let loaded = true;
try {
  loadSegmenter();
} catch {
  loaded = false;
}

port.on("message", (texts: string[]) => {
  if (!loaded) return answer(2);
  try {
    port.postMessage(texts.map((t) => [...answerWords(t)]));
    answer(1);
  } catch {
    answer(2);
  }
});
