import type { ReadProgress } from "../io/read-progress.js";
import type { FastOptions } from "./ranges/index.js";

/** How a run reads and counts: the command fills it (from its flags, and from the environment by `fromEnvironment`). */
export interface PipelineOptions {
  /** Break down by these questions (single or scale questions, or matrix rows) instead of the role and `crosstabs:`. */
  by?: string | string[];
  /** Questionnaires handed out, overriding the definition's `issued`. */
  issued?: number;
  /**
   * "general" reads every file through the general reader (papaparse), never the fast path of big CSV
   * files: a way round the fast path should it ever read a file wrongly (SURVEY_READER=general), and for
   * tests that compare the two.
   */
  reader?: "auto" | "general";
  /** Says on stderr why the fast path stepped aside and which thread read each range (SURVEY_TRACE). */
  trace?: (line: string) => void;
  /**
   * Whether the output lists the open answers (`answers` of the JSON, the report's appendix); default true.
   * Without, each open question keeps its keyword counts and how many answered, not a million texts;
   * questions with a codebook (`themes:`) keep theirs, which themes are counted from.
   */
  answers?: boolean;
  /**
   * A folder of the command's (it removes it) where the fast path may spool the listed open answers of
   * big files instead of keeping them in memory, for an output that streams them (the JSON): see spool.ts.
   * Not for answers a codebook counts (`themes:`), which are kept.
   */
  spool?: string;
  /** Threads and range sizes of the fast path, for tests. */
  fast?: Pick<FastOptions, "threads" | "parallelFrom" | "rangeBytes" | "onStepAside" | "onCoreFree" | "onRangeRead">;
  /** Told how far reading has come (a progress line). */
  progress?: ReadProgress;
}

/**
 * The options a user sets through the environment, read here and nowhere else: SURVEY_READER=general
 * takes the general reader; SURVEY_TRACE=1 traces the fast path on stderr.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv, stderr: (text: string) => void): Pick<PipelineOptions, "reader" | "trace"> {
  const out: Pick<PipelineOptions, "reader" | "trace"> = {};
  if (env.SURVEY_READER === "general") out.reader = "general";
  if (env.SURVEY_TRACE) out.trace = stderr;
  return out;
}
