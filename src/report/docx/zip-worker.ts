import { parentPort, workerData } from "node:worker_threads";
import { deflateSync, strToU8 } from "fflate";
import { buildWorkbooks, zipPackage, type ZipJob } from "./package-zip.js";
import type { ZipWorkerData } from "./zipper.js";

/**
 * The worker thread of zipper.ts: builds the charts' workbooks as soon as it starts, then, while the main
 * thread compiles the document, deflates sample XML so that fflate's deflate is compiled by the JIT
 * before the package arrives (cold, it runs several times slower), then zips the package.
 */

const { specs, date } = workerData as ZipWorkerData;
const workbooks = buildWorkbooks(specs, date);
let busy = false;

parentPort!.on("message", (job: ZipJob) => {
  busy = true;
  const zip = zipPackage(job, workbooks);
  parentPort!.postMessage(zip, [zip.buffer as ArrayBuffer]);
});

/** Paragraphs as word/document.xml has them, numbered so that they do not all compress to one match. */
const SAMPLE = strToU8(
  Array.from(
    { length: 600 },
    (_, i) => `<w:p><w:pPr><w:pStyle w:val="Plain"/></w:pPr><w:r><w:t xml:space="preserve">${i}. 建议加强党员教育管理，保障活动经费${i * 7919}</w:t></w:r></w:p>`,
  ).join(""),
);
const WARM_UP_ROUNDS = 12;

function warmUp(round: number): void {
  if (busy || round >= WARM_UP_ROUNDS) return;
  deflateSync(SAMPLE, { level: 6 });
  // One round at a time, so that the package is taken as soon as it comes.
  setImmediate(() => warmUp(round + 1));
}
warmUp(0);
