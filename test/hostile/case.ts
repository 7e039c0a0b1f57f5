/**
 * Hostile inputs and environments (issue 19): each case builds its input in a fresh folder (generated, small
 * where the real input would be large), runs one `survey …` in-process and states the exit code and the
 * diagnostic it expects. test/hostile/no-exit-70.test.ts runs every case of every `*.cases.ts` file in this
 * folder and asserts that none exits 70 (a bug in survey), prints a stack trace or an unlocated message.
 *
 * To add cases (the input side of issue 19 has its own file): write `test/hostile/<topic>.cases.ts`
 * exporting `cases: HostileCase[]`; the runner finds it by its name.
 */
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Run } from "../fuzz/harness.js";
import { ROOT } from "../helpers/cli.js";

export interface HostileCase {
  /** The test's name: what is hostile about it, and what survey must do. */
  name: string;
  /** The item of issue 19 it reproduces. */
  item: number;
  /** Fills the folder the command runs in; may return false when the environment cannot stage it (e.g. root ignores permissions). */
  setup(dir: string): void | boolean | Promise<void | boolean>;
  /** The command line, without `survey`. */
  args: string[];
  /** The environment the command sees (TMPDIR…), given the folder; default none. */
  env?(dir: string): NodeJS.ProcessEnv;
  /** The exit code survey must give. */
  exit: 0 | 1 | 2;
  /** The diagnostic code (or any text) stderr must contain. */
  stderr?: string | RegExp;
  /** Checks after the run: what must (not) be on disk, what stdout holds. */
  after?(dir: string, run: Run): void | Promise<void>;
  /** Undoes what setup did to the environment (permissions, mounts) before the folder is removed. */
  teardown?(dir: string): void;
  /** Time bound of the run in ms (default: the fuzz harness's). */
  bound?: number;
}

/** The example project (fixtures/example) copied into `dir`: survey.yaml, answers.csv, report.md. */
export function example(dir: string): void {
  for (const f of ["survey.yaml", "answers.csv", "report.md"]) cpSync(join(ROOT, "fixtures/example", f), join(dir, f));
}

/** A small definition of one single-choice and one open question, with its answers file name. */
export const SMALL_SURVEY = `title: 小调查
data:
  files: [a.csv]
questions:
  - id: q1
    text: 您的身份是
    type: single
    options: [党员, 群众]
  - id: q2
    text: 您的意见
    type: text
`;

/** Writes SMALL_SURVEY and `rows` answers to it (q1 alternating, q2 from `answer(i)`). */
export function smallProject(dir: string, rows: number, answer: (i: number) => string = (i) => `意见${i}`): void {
  writeFileSync(join(dir, "survey.yaml"), SMALL_SURVEY);
  const lines = ["q1,q2"];
  for (let i = 0; i < rows; i++) lines.push(`${i % 2 ? "党员" : "群众"},${answer(i)}`);
  writeFileSync(join(dir, "a.csv"), `${lines.join("\n")}\n`);
}
