import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread on `module`, a sibling of the calling module named as built (`./worker.js`,
 * resolved against the caller's `import.meta.url`). Run from the TypeScript sources (vitest), the caller
 * is a .ts file: the thread then loads the .ts through tsx, which it must register itself, since a
 * worker's `--import` does not reach Node 20's module loader.
 */
export function startThread(callerUrl: string, module: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(module, callerUrl), options);
  const tsx = pathToFileURL(createRequire(callerUrl).resolve("tsx/esm/api")).href.replace(/\.cjs$/, ".mjs");
  const source = new URL(module.replace(/\.js$/, ".ts"), callerUrl).href;
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
