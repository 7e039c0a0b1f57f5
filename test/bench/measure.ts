import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";

/** Timing for `npm run bench`: each command in its own process under /usr/bin/time, as a user runs it. */

export interface Run {
  wall: number;
  /** Peak RSS of the process (worker threads included: they share it), in MB. */
  rssMb: number;
  stdout: string;
}

/** Times each timed command is run, in turns with the others (REPEAT=…, default 3). */
export const REPEAT = Math.max(1, Number(process.env.REPEAT ?? 3));

/** The run of median wall time, with the highest peak RSS of all the runs. */
export function median(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => a.wall - b.wall);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

/**
 * The median of the run-by-run ratios a[k] / b[k]: runs made in turns share the machine's load of the
 * moment, so on a shared machine this drifts less than the ratio of the two medians.
 */
export function pairedRatio(a: Run[], b: Run[]): number {
  const ratios = a.map((r, k) => r.wall / b[k]!.wall).sort((x, y) => x - y);
  const mid = Math.floor(ratios.length / 2);
  return ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}

export function timed(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync("/usr/bin/time", ["-f", "@@time %e %M", ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const m = /@@time ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { wall: Number(m[1]), rssMb: Number(m[2]) / 1024, stdout: r.stdout };
}

/** The load averages (1, 5, 15 min): the machine is shared, and a number means little without them. */
export function load(): string {
  return loadavg().map((x) => x.toFixed(1)).join(" / ");
}

/** A plain-text table: the first `left` columns left-aligned, the others right-aligned. */
export function table(lines: string[][], left: number): string {
  const widths = lines[0]!.map((_, j) => Math.max(...lines.map((l) => (l[j] ?? "").length)));
  return lines.map((l) => l.map((c, j) => (j < left ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join("  ").trimEnd()).join("\n");
}
