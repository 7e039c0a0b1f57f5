/**
 * What every fuzz test shares: how many inputs to try and with which seed, running the CLI in-process
 * under a time bound, and the invariant every run must keep — exit 0, 1 or 2; for 1 and 2 only one-line
 * messages that name the place; never "internal error" (exit 70) nor a stack trace.
 *
 * CI (`npm test`) uses a fixed seed and small counts. `npm run fuzz` sets FUZZ_SCALE (a multiplier of the
 * counts) and FUZZ_SEED=random; FUZZ_SEED=<n> replays one run. A failing input is saved under
 * $TMPDIR/survey-fuzz-failures/ so it can be kept as a regression in fixtures/fuzz-regressions/.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../helpers/memory-io.js";

const scale = Number(process.env.FUZZ_SCALE ?? "1");
/** The seed of this run: fixed in CI so a red build is reproducible; printed whenever it is not. */
export const SEED =
  process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261123;
export const LONG = scale > 1;

/** The number of runs of a property: `ci` in CI, multiplied by FUZZ_SCALE for the long local run. */
export function runs(ci: number): number {
  return Math.max(1, Math.round(ci * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** A test's time limit: the CI counts finish in seconds; the long run gets as long as it needs. */
export const TEST_TIMEOUT = 300_000 * Math.max(1, scale);

/** fast-check parameters with this run's seed. */
export function params<T>(numRuns: number): fc.Parameters<T> {
  return { numRuns, seed: SEED, endOnFailure: true };
}

/** Counts the inputs each fuzz file tried, for the closing note. */
export const tried = new Map<string, number>();
export function count(kind: string): void {
  tried.set(kind, (tried.get(kind) ?? 0) + 1);
}
/** Exit codes seen per command: a fuzzer whose inputs all fail at the first check tests little. */
export const exits = new Map<string, number>();
export function printTried(file: string): void {
  const parts = [...tried].map(([k, n]) => `${k} ${n}`).join(", ");
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  const codes = [...exits].sort().map(([k, n]) => `${k}: ${n}`).join(", ");
  // Read by whoever runs `npm run fuzz`: the seed and how many inputs were tried.
  console.log(`[fuzz] ${file}: seed ${SEED}, ${total} inputs (${parts}); exits ${codes || "none"}`);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A time bound per input: generous, since a hang is what it catches (a slow CI machine is not). */
export const TIME_BOUND_MS = Number(process.env.FUZZ_TIME_BOUND_MS ?? "15000");

/** Runs `survey …args` in-process in `cwd` (with `env` as its environment); a run that does not settle within the bound is a hang. */
export async function runBounded(args: string[], cwd: string, bound = TIME_BOUND_MS, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const io = memoryIo(cwd, env);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), bound)));
  const result = await Promise.race([main(["node", "survey", ...args], io), timeout]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (result === "timeout") return { code: -1, stdout: io.out(), stderr: `${io.err()}\n[fuzz] no exit after ${bound} ms`, ms };
  return { code: result, stdout: io.out(), stderr: io.err(), ms };
}

/** A diagnostic as `formatDiagnostic` writes it: `place: severity CODE: message (hint)`. */
const DIAGNOSTIC = /^(?:(.+?): )?(error|warning) ([A-Z][A-Z_]+): \S/;
/** Codes about the command line itself, where there is no file to name. */
const PLACELESS = new Set(["USAGE"]);

/**
 * The problems with a run's exit code and stderr, empty when it keeps the contract. For exit 1 and 2
 * every line of stderr must be a diagnostic naming its place, or one of validate's grouped summary lines
 * (`3 × CODE — meaning`, indented examples, `… and 5 more`), or tally's one-line count.
 */
export function violations(run: Run): string[] {
  const out: string[] = [];
  if (run.code === -1) out.push("hang: no exit within the time bound");
  else if (![0, 1, 2].includes(run.code)) out.push(`exit ${run.code}`);
  if (/internal error/i.test(run.stderr)) out.push("internal error reported");
  if (/^\s+at .+[:(].*\d+:\d+\)?$/m.test(run.stderr)) out.push("stack trace on stderr");
  if (run.code === 1 || run.code === 2) {
    const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) out.push(`exit ${run.code} with nothing on stderr`);
    for (const line of lines) {
      const bare = line.replace(/^ {2}/, "");
      if (/^\d+ × [A-Z_]+ — /.test(line) || /^ {2}… and \d+ more$/.test(line) || /^\d+ rows read/.test(line)) continue;
      const m = DIAGNOSTIC.exec(bare);
      if (!m) out.push(`not a one-line diagnostic: ${line.slice(0, 200)}`);
      else if (!m[1] && !PLACELESS.has(m[3]!)) out.push(`diagnostic without a place: ${line.slice(0, 200)}`);
    }
  }
  return out;
}

/** Makes a fresh temporary folder; removed by the caller (`rmSync(dir, {recursive: true})`). */
export function tempDir(prefix = "survey-fuzz-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Keeps a failing input for the record: its files and arguments under $TMPDIR/survey-fuzz-failures/<hash>/,
 * in the layout of fixtures/fuzz-regressions/ (files + case.json), and returns the folder.
 */
export function saveFailure(files: Record<string, string | Uint8Array>, args: string[], problems: string[]): string {
  const hash = createHash("sha256");
  for (const [name, content] of Object.entries(files)) hash.update(name).update(content);
  hash.update(args.join("\0"));
  const dir = join(tmpdir(), "survey-fuzz-failures", hash.digest("hex").slice(0, 12));
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, "case.json"), `${JSON.stringify({ args, problems, seed: SEED }, null, 2)}\n`);
  return dir;
}

/**
 * Writes `files` to a fresh folder, runs each command there and checks the contract. Returns the
 * violations (with the folder where the input was saved), so the property fails with a readable reason.
 */
export async function checkCommands(
  files: Record<string, string | Uint8Array>,
  commands: string[][],
  kind: string,
): Promise<string[]> {
  count(kind);
  const dir = tempDir();
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    for (const args of commands) {
      const run = await runBounded(args, dir);
      const key = `${args[0]} ${run.code}`;
      exits.set(key, (exits.get(key) ?? 0) + 1);
      const problems = violations(run);
      if (process.env.FUZZ_VERBOSE && run.ms > Number(process.env.FUZZ_VERBOSE)) {
        const sizes = Object.entries(files).map(([n, c]) => `${n} ${c.length}`).join(", ");
        console.log(`[fuzz] slow: ${args[0]} ${run.ms} ms (${sizes}) saved in ${saveFailure(files, args, ["slow"])}`);
      }
      if (problems.length) {
        const saved = saveFailure(files, args, problems);
        return [`survey ${args.join(" ")} → exit ${run.code}: ${problems.join("; ")} (input saved in ${saved})`, run.stderr.slice(0, 2000)];
      }
    }
    return [];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
