import { parentPort, workerData } from "node:worker_threads";
import { parseSurvey } from "../definition/load.js";
import type { DataOptions } from "../definition/model.js";
import { buildPlan, type Plan } from "../tally/plan.js";
import { TaskRunner, type FileSpec, type TaskResult, type TaskSpec } from "./task.js";

/** What a worker thread is started with: enough to rebuild the main thread's survey and plan. */
export interface WorkerInit {
  definition: { text: string; file: string };
  data: DataOptions;
  /** The survey's own `issued`, and the options its plan was built with. */
  issued: number | undefined;
  planOptions: { by?: string; issued?: number };
  plan: Plan;
  files: FileSpec[];
}

const init = workerData as WorkerInit;
const port = parentPort!;

// The survey is parsed again here (functions such as `when` cannot be sent); the plan it gives must be
// the main thread's, or every range is refused and the main thread reads the data itself.
const { survey } = parseSurvey(init.definition.text, init.definition.file);
let runner: TaskRunner | undefined;
if (survey) {
  survey.data = init.data;
  survey.issued = init.issued;
  if (JSON.stringify(buildPlan(survey, init.planOptions)) === JSON.stringify(init.plan)) {
    runner = new TaskRunner(survey, init.plan, init.files);
  }
}

port.on("message", (task: TaskSpec) => {
  const refused: TaskResult = { index: task.index, bailed: "definition", start: task.start, nextStart: task.start, records: 0 };
  (runner ? runner.run(task) : Promise.resolve(refused)).then(
    (result) => port.postMessage(result),
    (err: unknown) => port.postMessage({ ...refused, bailed: `error: ${(err as Error)?.message ?? String(err)}` }),
  );
});
