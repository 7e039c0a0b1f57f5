import type { Worker } from "node:worker_threads";
import type { Survey } from "../../definition/model.js";
import type { Plan } from "../../tally/plan.js";
import { startThread } from "../../threads.js";
import type { FileSpec, TaskResult, TaskRunner, TaskSpec } from "./task.js";
import type { FilesMessage, WorkerInit } from "./worker.js";

/** A worker thread running worker.js beside this file. */
function startWorker(workerData: WorkerInit): Worker {
  // A smaller young generation than V8's default: a range's garbage is short-lived, and the run must stay
  // under 250 MB with a worker per core (measured on the 1M-row bench file: 264 → 239 MB, no slower).
  return startThread(import.meta.url, "./worker.js", { workerData, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
}

/**
 * One worker thread, which reads the ranges it is asked for one after another (see worker.ts); a thread
 * that failed refuses every range at once.
 */
class Thread {
  private readonly pending = new Map<number, { resolve: (r: TaskResult) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on("message", (r: TaskResult) => {
      const p = this.pending.get(r.index);
      this.pending.delete(r.index);
      p?.resolve(r);
    });
    worker.on("error", (e: Error) => this.fail(e));
    worker.on("exit", (code: number) => this.fail(new Error(`the worker thread stopped (${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Ends the thread: its memory goes back (Pool.close then has nothing left to end here). */
  async end(): Promise<void> {
    await this.worker.terminate();
  }

  ask(task: TaskSpec): Promise<TaskResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(task.index, { resolve, reject });
      this.worker.postMessage(task);
    });
  }
}

/** Worker threads that read ranges, started once for both passes of a run. */
export class Pool {
  readonly threads: Thread[];

  /** `planOptions`: what `plan` was built with, for the workers to build it again; `open` and `groupBy` as TaskRunner's. */
  constructor(survey: Survey, plan: Plan, size: number, planOptions: WorkerInit["planOptions"], open: WorkerInit["open"], groupBy?: string) {
    const init: WorkerInit = {
      definition: survey.definition!,
      data: survey.data,
      issued: survey.issued,
      planOptions,
      plan,
      open,
      groupBy,
    };
    this.threads = Array.from({ length: size }, () => new Thread(startWorker(init)));
  }

  setFiles(files: FileSpec[]): void {
    const message: FilesMessage = { files };
    for (const t of this.threads) t.worker.postMessage(message);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.end()));
  }
}

/** How a pass over the ranges hands out what it reads. */
export interface Pass {
  /** Each range's result, as it comes (in any order). */
  onResult: (r: TaskResult) => void;
  /** Which thread read a range (after onResult), and in how many milliseconds. */
  onRead?: (task: TaskSpec, by: string, ms: number) => void;
  /** The last pass: a worker with no range left ends at once, and `onCoreFree` is called once after the first does. */
  last?: { onCoreFree?: () => void };
}

/**
 * The main thread and the pool's workers take ranges in turn until none is left. A range a worker cannot
 * read (it failed to start, say) is read here; a range that is not for the fast path stops it all.
 * Returns false when it was stopped.
 */
export async function runAll(tasks: TaskSpec[], main: TaskRunner, pool: Pool | undefined, pass: Pass): Promise<boolean> {
  let next = 0;
  let stop = false;
  let freed = false;
  const take = () => (stop || next >= tasks.length ? undefined : tasks[next++]);
  const keep = (r: TaskResult) => {
    if (r.bailed) stop = true;
    pass.onResult(r);
  };
  const onWorker = async (thread: Thread, n: number) => {
    const lane = async () => {
      for (let task = take(); task; task = take()) {
        const since = performance.now();
        const result = await thread.ask(task).catch(() => undefined);
        const read = result && result.bailed !== "definition" && !result.bailed?.startsWith("error");
        keep(read ? result : await main.run(task));
        pass.onRead?.(task, read ? `worker ${n + 1}` : "the main thread", performance.now() - since);
      }
    };
    // Two ranges asked at a time, which the worker reads one after the other: its next range is waiting
    // when it finishes one, instead of waiting for this thread, busy reading a range of its own, to
    // take the result and send another (measured: a worker idled 0.25 s of 2.6 on the 1M-row bench).
    await Promise.all([lane(), lane()]);
    if (pass.last) {
      await thread.end();
      if (!freed) {
        freed = true;
        pass.last.onCoreFree?.();
      }
    }
  };
  const onMain = async () => {
    for (let task = take(); task; task = take()) {
      const since = performance.now();
      keep(await main.run(task));
      pass.onRead?.(task, "the main thread", performance.now() - since);
    }
  };
  await Promise.all([onMain(), ...(pool?.threads ?? []).map(onWorker)]);
  return !stop;
}

