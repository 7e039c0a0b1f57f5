import { parentPort, workerData } from "node:worker_threads";
import { buildSurvey } from "../../definition/build.js";
import type { DataOptions, Survey } from "../../definition/model.js";
import { buildPlan, type Plan } from "../../tally/plan.js";
import { TaskRunner, type FileSpec, type OpenAnswers, type TaskResult, type TaskSpec } from "./task.js";

/** What a worker thread is started with: enough to rebuild the main thread's survey and plan. */
export interface WorkerInit {
  definition: NonNullable<Survey["definition"]>;
  data: DataOptions;
  /** The survey's own `issued`, and the options its plan was built with. */
  issued: number | undefined;
  planOptions: { by?: string | string[]; issued?: number };
  plan: Plan;
  /** What ranges do with open answers (see TaskRunner). */
  open: OpenAnswers;
  /** `--each <question>`: the question that groups the rows (see TaskRunner). */
  groupBy?: string;
}

/** The first message to a worker: the files, known only once the main thread has looked at them
 * (the worker starts, and loads its modules, meanwhile). Ranges follow. */
export interface FilesMessage {
  files: FileSpec[];
}

const init = workerData as WorkerInit;
const port = parentPort!;

// The survey is built again here from the document the main thread checked (functions such as `when`
// cannot be sent); the plan it gives must be the main thread's, or every range is refused and the main
// thread reads the data itself. Its diagnostics were the main thread's to report: none are located here.
const { survey } = buildSurvey(init.definition.doc, (_path, code, message) => ({ code, severity: "error", message }));
let planned = false;
if (survey) {
  survey.file = init.definition.file;
  survey.definition = init.definition;
  survey.data = init.data;
  survey.issued = init.issued;
  planned = JSON.stringify(buildPlan(survey, init.planOptions)) === JSON.stringify(init.plan);
}
let runner: TaskRunner | undefined;

/** Ranges asked for and not yet answered: read one after another, in the order asked. */
const queue: TaskSpec[] = [];

async function readQueue(): Promise<void> {
  while (queue.length > 0) {
    const task = queue[0]!;
    const refused: TaskResult = { index: task.index, bailed: "definition", start: task.start, nextStart: task.start, records: 0 };
    const result = runner ? await runner.run(task).catch((err: unknown): TaskResult => ({ ...refused, bailed: `error: ${(err as Error)?.message ?? String(err)}` })) : refused;
    port.postMessage(result);
    queue.shift();
  }
}

port.on("message", (message: TaskSpec | FilesMessage) => {
  if ("files" in message) {
    if (survey && planned) runner = new TaskRunner(survey, init.plan, message.files, init.open, init.groupBy);
    return;
  }
  queue.push(message);
  if (queue.length === 1) void readQueue();
});

