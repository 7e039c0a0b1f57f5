import { parentPort } from "node:worker_threads";
import { deflateSync, strToU8 } from "fflate";
import { prepareCharts, zipPackage } from "./package-zip.js";
import type { ZipEntry } from "./zip-writer.js";
import type { ZipRequest } from "./zipper.js";

/**
 * The worker thread of zipper.ts. Until it is asked for anything it deflates sample XML, so that fflate's
 * deflate is compiled by the JIT by the time the package comes (cold, it runs several times slower); then
 * it makes the parts of the charts it is sent, and zips the package.
 */

let charts: ZipEntry[] = [];
let asked = false;

parentPort!.on("message", (request: ZipRequest) => {
  asked = true;
  if (request.kind === "charts") {
    charts = prepareCharts(request.specs, request.date);
    return;
  }
  const zip = zipPackage(request.job, charts);
  parentPort!.postMessage(zip, [zip.buffer as ArrayBuffer]);
});

/** Paragraphs as word/document.xml has them, numbered so that they do not all compress to one match. */
const SAMPLE = strToU8(
  Array.from(
    { length: 600 },
    (_, i) => `<w:p><w:pPr><w:pStyle w:val="Plain"/></w:pPr><w:r><w:t xml:space="preserve">${i}. 建议加强党员教育管理，保障活动经费${i * 7919}</w:t></w:r></w:p>`,
  ).join(""),
);
/** About 0.1 s: after three or four rounds deflate runs at its full speed. */
const WARM_UP_ROUNDS = 5;

function warmUp(round: number): void {
  if (asked || round >= WARM_UP_ROUNDS) return;
  deflateSync(SAMPLE, { level: 6 });
  // One round at a time, so that a request is taken as soon as it comes.
  setImmediate(() => warmUp(round + 1));
}
warmUp(0);
