import { Option } from "commander";
import { usageError } from "../diagnostics/errors.js";
import type { Io } from "./io.js";

/*
 * What every command file takes to define itself: the wrapper main gives its action, and the options and
 * argument checks that several commands share. Commands import this, never main.ts, which imports them.
 */

/** Wraps a command's action so that its exit code reaches `main`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Run = (command: (io: Io, ...args: any[]) => Promise<number>) => (...args: any[]) => Promise<void>;

/** `-s, --survey <file>`: the definition, survey.yaml by default (validate, tally, report). */
export function surveyOption(): Option {
  return new Option("-s, --survey <file>", "the survey definition").default("survey.yaml");
}

/** A whole-number option (`--decimals`, `--issued`) checked against its range: a usage error otherwise. */
export function wholeNumber(raw: string, flag: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw usageError(`${flag} ${raw}: expected a whole number from ${min} to ${max}`);
  return n;
}
