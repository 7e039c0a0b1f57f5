import type { Worker } from "node:worker_threads";
import { startThread } from "../../threads.js";
import type { BarSpec } from "./chart-xml.js";
import { prepareCharts, zipPackage, type ZipJob } from "./package-zip.js";

/**
 * Zips the package in a worker thread, which makes and deflates the charts' parts and workbooks while the
 * main thread compiles the document, and then zips the package with a deflater that is already warm. `preheatZipWorker` starts
 * it early (survey report does, while it reads the answers), so that it has warmed up when it is wanted.
 * Where no worker can start, or it fails, the same work is done on the main thread: same bytes.
 */

export type ZipRequest = { kind: "charts"; specs: BarSpec[]; date: Date } | { kind: "zip"; job: ZipJob };

export interface Zipper {
  zip(job: ZipJob): Promise<Buffer>;
  /** Ends the worker; zipping after this works too, on the main thread. */
  close(): void;
}

/** Workers that ended, by failing: a message to them would never be answered. */
const ended = new WeakSet<Worker>();

/** A worker started ahead by preheatZipWorker, for the next zipper to take. */
let spare: Worker | undefined;

/** Starts a worker for the next zipper, so that it has warmed up by the time the document is compiled. */
export function preheatZipWorker(): void {
  spare ??= newWorker();
}

/** The worker: zip-worker.js beside this file (its .ts under tsx in tests). */
function newWorker(): Worker | undefined {
  try {
    const worker = startThread(import.meta.url, "./zip-worker.js");
    // Until it is asked for the zip, the worker must not keep the program alive.
    worker.unref();
    worker.on("error", () => undefined);
    worker.once("exit", () => ended.add(worker));
    return worker;
  } catch {
    return undefined;
  }
}

/**
 * `specs`: the charts of chart-xml.ts, whose parts the zipper makes. A worker started ahead is always
 * taken; otherwise one is started only if `inWorker`.
 */
export function startZipper(specs: BarSpec[], date: Date, inWorker: boolean): Zipper {
  const here = (job: ZipJob) => Buffer.from(zipPackage(job, prepareCharts(specs, date)));
  let worker = spare ?? (inWorker ? newWorker() : undefined);
  spare = undefined;
  worker?.postMessage({ kind: "charts", specs, date } satisfies ZipRequest);
  const close = () => {
    void worker?.terminate();
    worker = undefined;
  };
  return {
    async zip(job) {
      const w = worker;
      if (!w || ended.has(w)) return here(job);
      try {
        return await ask(w, job);
      } catch {
        return here(job);
      } finally {
        close();
      }
    },
    close,
  };
}

function ask(worker: Worker, job: ZipJob): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      worker.unref();
    };
    const onMessage = (zip: Uint8Array) => (done(), resolve(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)));
    const onError = (e: Error) => (done(), reject(e));
    const onExit = (code: number) => (done(), reject(new Error(`the zip worker exited with ${code}`)));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.ref();
    worker.postMessage({ kind: "zip", job } satisfies ZipRequest);
  });
}
