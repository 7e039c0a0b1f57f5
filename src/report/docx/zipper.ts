import { Worker } from "node:worker_threads";
import type { BarSpec } from "./chart-xml.js";
import { buildWorkbooks, zipPackage, type ZipJob } from "./package-zip.js";

/**
 * Zips the package in a worker thread. Started before the document is compiled, the worker builds the
 * charts' workbooks and warms up the deflater on the other core meanwhile, so that the main thread only
 * waits for a warm zip at the end (about 0.3 s less for the 60-question bench on two cores). Where no
 * worker can start, or it fails, the same work is done on the main thread.
 */

export interface ZipWorkerData {
  specs: Record<string, BarSpec>;
  date: Date;
}

export interface Zipper {
  zip(job: ZipJob): Promise<Buffer>;
  /** Ends the worker; zipping after this works too, on the main thread. */
  close(): void;
}

/**
 * The worker: the built .js beside this file, or, run from the sources (tests), the .ts under tsx, which
 * the worker registers itself (a worker's `--import` does not apply to Node 20's module loader).
 */
function newWorker(data: ZipWorkerData): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./zip-worker.js", import.meta.url), { workerData: data });
  // Resolved from the working folder, the project's in tests.
  const source = new URL("./zip-worker.ts", import.meta.url).href;
  const code = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(code, { eval: true, workerData: data });
}

/** `specs`: the charts' workbooks to build, by their paths in the package. */
export function startZipper(specs: Record<string, BarSpec>, date: Date, inWorker: boolean): Zipper {
  const here = (job: ZipJob) => Buffer.from(zipPackage(job, buildWorkbooks(specs, date)));
  let worker: Worker | undefined;
  if (inWorker) {
    try {
      worker = newWorker({ specs, date });
      // Until it is asked for the zip, the worker must not keep the program alive.
      worker.unref();
      worker.on("error", () => undefined);
    } catch {
      worker = undefined;
    }
  }
  const close = () => {
    void worker?.terminate();
    worker = undefined;
  };
  return {
    async zip(job) {
      const w = worker;
      if (!w) return here(job);
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
    worker.postMessage(job);
  });
}
