import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDist } from "./build.js";
import { generate, header, MULTI, SINGLE, surveyYaml } from "./generate.js";

/**
 * `npm run bench`: generates seeded 问卷星-style exports (100k and 1M questionnaires × 30 questions) in a
 * temporary folder, then times `survey tally --format json` (the built CLI, as a user runs it; on the
 * smaller file also with the general reader, which checks that both give the same JSON), `survey
 * validate`, and the same tally in DuckDB (and pandas, when python3 has it), each in its own process
 * under /usr/bin/time (wall time and peak RSS), and prints them side by side. Not part of `npm test`.
 * ROWS=… overrides the sizes (comma-separated), REPEAT=… the runs of each timed in turns (default 3).
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const sizes = (process.env.ROWS ?? "100000,1000000").split(",").map(Number);

interface Run {
  wall: number;
  rssMb: number;
  stdout: string;
}

/** Times each of the tally, DuckDB and validate are run (REPEAT=…). */
const REPEAT = Math.max(1, Number(process.env.REPEAT ?? 3));

/** The run of median wall time, with the highest peak RSS of all the runs. */
function median(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => a.wall - b.wall);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

function timed(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync("/usr/bin/time", ["-f", "@@time %e %M", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const m = /@@time ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${args.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { wall: Number(m[1]), rssMb: Number(m[2]) / 1024, stdout: r.stdout };
}

buildDist(ROOT);

/** The generated file's columns by kind, for the DuckDB queries. */
function columns() {
  const h = header();
  const multiAt = 19;
  return {
    role: h[3]!,
    closed: [...h.slice(4, multiAt), ...h.slice(multiAt + MULTI.length + 1, multiAt + MULTI.length + 1 + SINGLE.length)],
    multi: h.slice(multiAt, multiAt + MULTI.length),
    age: h[multiAt + MULTI.length]!,
    texts: h.slice(-2),
  };
}

/** pandas is optional: measured when python3 can import it. */
const hasPandas = spawnSync("python3", ["-c", "import pandas"]).status === 0;
if (!hasPandas) console.log("pandas: not installed, left out (pip install pandas to include it)");

const dir = mkdtempSync(join(tmpdir(), "survey-bench-"));
try {
  writeFileSync(join(dir, "survey.yaml"), surveyYaml());
  const lines: string[][] = [["rows", "MB", "tool", "wall s", "MB/s", "peak RSS MB", "vs DuckDB"]];
  const notes: string[] = [];
  for (const rows of sizes) {
    const csv = join(dir, `answers-${rows}.csv`);
    process.stdout.write(`generating ${rows.toLocaleString("en")} questionnaires … `);
    await generate(csv, rows);
    const mb = statSync(csv).size / 1e6;
    console.log(`${mb.toFixed(0)} MB`);
    const out = join(dir, `tally-${rows}.json`);
    // The tally, DuckDB and validate are run REPEAT times in turns, and each is shown by its median run (and
    // its highest peak RSS): on a shared virtual machine one run of either can be 20% off.
    const surveys: Run[] = [];
    const ducks: Run[] = [];
    const validates: Run[] = [];
    for (let k = 0; k < REPEAT; k++) {
      surveys.push(timed(["node", "bin/survey.js", "tally", "-s", join(dir, "survey.yaml"), "--format", "json", "--force", "-o", out, csv]));
      ducks.push(timed(["node", "test/bench/duckdb-tally.mjs", csv, JSON.stringify(columns())]));
      validates.push(timed(["node", "bin/survey.js", "validate", "-s", join(dir, "survey.yaml"), csv]));
    }
    const [survey, duck, validate] = [surveys, ducks, validates].map(median) as [Run, Run, Run];
    // The general reader (papaparse, one thread), which every file that is not plain UTF-8 CSV takes:
    // timed on the smaller file only (on a million rows it takes minutes).
    const general = rows <= 100_000 ? timed(["node", "bin/survey.js", "tally", "-s", join(dir, "survey.yaml"), "--format", "json", "--force", "-o", `${out}.general`, csv], { SURVEY_READER: "general" }) : undefined;
    const pandas = hasPandas ? timed(["python3", "test/bench/pandas-tally.py", csv, JSON.stringify(columns())]) : undefined;
    // Both must have counted the same data: compare the role counts.
    const tally = JSON.parse(readFileSync(out, "utf8")) as { roles: { counts: { label: string; count: number }[] }; responses: { valid: number } };
    const ours = Object.fromEntries(tally.roles.counts.map((c) => [c.label, c.count]));
    const others = [duck, ...(pandas ? [pandas] : [])].map((r) => JSON.parse(r.stdout) as Record<string, number>);
    const agree = others.every((theirs) => Object.entries(ours).every(([k, v]) => theirs[k] === v)) && tally.responses.valid === rows;
    if (general && readFileSync(`${out}.general`, "utf8") !== readFileSync(out, "utf8")) lines.push(["", "", "MISMATCH: the fast and general readers differ", "", "", "", ""]);
    const runs: [string, Run][] = [
      ["survey tally", survey],
      ...(general ? [["survey tally, general reader", general] as [string, Run]] : []),
      ["survey validate", validate],
      ["DuckDB", duck],
      ...(pandas ? [["pandas", pandas] as [string, Run]] : []),
    ];
    for (const [name, r] of runs) {
      lines.push([rows.toLocaleString("en"), mb.toFixed(0), name, r.wall.toFixed(2), (mb / r.wall).toFixed(1), r.rssMb.toFixed(0), `${(r.wall / duck.wall).toFixed(2)}×`]);
    }
    if (REPEAT > 1) notes.push(`${rows.toLocaleString("en")} rows, survey tally / DuckDB run by run: ${surveys.map((r, k) => `${(r.wall / ducks[k]!.wall).toFixed(2)}×`).join(", ")}`);
    if (!agree) lines.push(["", "", "MISMATCH: the tools' role counts differ", "", "", "", ""]);
  }
  const widths = lines[0]!.map((_, j) => Math.max(...lines.map((l) => l[j]!.length)));
  console.log(`\n${lines.map((l) => l.map((c, j) => (j < 3 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join("  ")).join("\n")}`);
  if (REPEAT > 1) console.log(`\nmedians of ${REPEAT} runs in turns (peak RSS: the highest); ${notes.join("; ")}`);
  console.log(`\nmachine: ${(await import("node:os")).cpus().length} cores, Node ${process.version}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
