import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDist } from "./build.js";
import { generate, header, MULTI, SINGLE, surveyYaml } from "./generate.js";
import { load, median, pairedRatio, REPEAT, type Run, table, timed } from "./measure.js";
import { benchReal } from "./real-run.js";

/**
 * `npm run bench`: generates seeded 问卷星-style exports (100k and 1M questionnaires) in a temporary folder
 * and times survey against DuckDB's one-pass tally of the same file, each command in its own process under
 * /usr/bin/time (wall time and peak RSS), run REPEAT times in turns and shown by its median run. Two shapes:
 *
 * - current (generate.ts), the bench file of issue 4: answers as option labels, 30 questions, open answers
 *   from eight repeated phrases. Timed: `survey tally --format json` (the built CLI, as a user runs it; on
 *   100k rows also with the general reader, which checks that both give the same JSON), `survey validate`,
 *   DuckDB, and pandas when python3 has it.
 * - real (real-shape.ts), shaped like users' 问卷星 exports (issue 16): 按选项序号 codes, ┋ multi-selects,
 *   (空) skips, the metadata columns, two open questions answered by 80% in about 15 characters, about half
 *   of them distinct. Timed (real-run.ts): the whole tally, the tally without the open questions, --format
 *   csv and DuckDB, with issue 16's "Done when" ratios; BENCH_READERS=1 adds the tally (whole and
 *   without the open questions) with the general reader (SURVEY_READER=general), for issue 16, item 2.
 *
 * Not part of `npm test`. ROWS=… overrides the sizes (comma-separated), REPEAT=… the runs of each command
 * (default 3), SHAPES=current,real which shapes to time (default both).
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const sizes = (process.env.ROWS ?? "100000,1000000").split(",").map(Number);
const shapes = new Set((process.env.SHAPES ?? "current,real").split(","));

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

/** The current shape's rows at one size, with the run-by-run ratios to DuckDB. */
async function benchCurrent(rows: number): Promise<{ lines: string[][]; notes: string[] }> {
  const lines: string[][] = [];
  const notes: string[] = [];
  const csv = join(dir, `answers-${rows}.csv`);
  process.stdout.write(`generating ${rows.toLocaleString("en")} questionnaires … `);
  await generate(csv, rows);
  const mb = statSync(csv).size / 1e6;
  console.log(`${mb.toFixed(0)} MB; load ${load()}`);
  const out = join(dir, `tally-${rows}.json`);
  // The tally, DuckDB and validate are run REPEAT times in turns, and each is shown by its median run (and
  // its highest peak RSS): on a shared virtual machine one run of either can be 20% off.
  const surveys: Run[] = [];
  const ducks: Run[] = [];
  const validates: Run[] = [];
  for (let k = 0; k < REPEAT; k++) {
    surveys.push(timed(ROOT, ["node", "bin/survey.js", "tally", "-s", join(dir, "survey.yaml"), "--format", "json", "--force", "-o", out, csv]));
    ducks.push(timed(ROOT, ["node", "test/bench/duckdb-tally.mjs", csv, JSON.stringify(columns())]));
    validates.push(timed(ROOT, ["node", "bin/survey.js", "validate", "-s", join(dir, "survey.yaml"), csv]));
  }
  const [survey, duck, validate] = [surveys, ducks, validates].map(median) as [Run, Run, Run];
  // The general reader (papaparse, one thread), which every file that is not plain UTF-8 CSV takes:
  // timed on the smaller file only (on a million rows it takes minutes).
  const general = rows <= 100_000 ? timed(ROOT, ["node", "bin/survey.js", "tally", "-s", join(dir, "survey.yaml"), "--format", "json", "--force", "-o", `${out}.general`, csv], { SURVEY_READER: "general" }) : undefined;
  const pandas = hasPandas ? timed(ROOT, ["python3", "test/bench/pandas-tally.py", csv, JSON.stringify(columns())]) : undefined;
  // Both must have counted the same data: compare the role counts.
  const tally = JSON.parse(readFileSync(out, "utf8")) as { roles: { counts: { label: string; count: number }[] }; responses: { valid: number } };
  const ours = Object.fromEntries(tally.roles.counts.map((c) => [c.label, c.count]));
  const others = [(JSON.parse(duck.stdout) as { roles: Record<string, number> }).roles, ...(pandas ? [JSON.parse(pandas.stdout) as Record<string, number>] : [])];
  const agree = others.every((theirs) => Object.entries(ours).every(([k, v]) => theirs[k] === v)) && tally.responses.valid === rows;
  if (general && readFileSync(`${out}.general`, "utf8") !== readFileSync(out, "utf8")) notes.push("MISMATCH: the fast and general readers differ");
  const runs: [string, Run, Run[]?][] = [
    ["survey tally", survey, surveys],
    ...(general ? [["survey tally, general reader", general] as [string, Run]] : []),
    ["survey validate", validate, validates],
    ["DuckDB", duck, ducks],
    ...(pandas ? [["pandas", pandas] as [string, Run]] : []),
  ];
  for (const [name, r, all] of runs) {
    const ratio = all ? pairedRatio(all, ducks) : r.wall / duck.wall;
    lines.push([rows.toLocaleString("en"), "current", mb.toFixed(0), name, r.wall.toFixed(2), (mb / r.wall).toFixed(1), r.rssMb.toFixed(0), `${ratio.toFixed(2)}×`]);
  }
  if (REPEAT > 1) notes.push(`${rows.toLocaleString("en")} current rows, survey tally / DuckDB run by run: ${surveys.map((r, k) => `${(r.wall / ducks[k]!.wall).toFixed(2)}×`).join(", ")}`);
  notes.push(agree ? `${rows.toLocaleString("en")} current rows: survey, DuckDB${pandas ? " and pandas" : ""} agree on the role counts` : "MISMATCH: the tools' role counts differ");
  return { lines, notes };
}

try {
  writeFileSync(join(dir, "survey.yaml"), surveyYaml());
  const lines: string[][] = [["rows", "shape", "MB", "tool", "wall s", "MB/s", "peak RSS MB", "vs DuckDB"]];
  const notes: string[] = [`load before: ${load()}`];
  for (const rows of sizes) {
    for (const shape of ["current", "real"].filter((x) => shapes.has(x))) {
      const result = shape === "current" ? await benchCurrent(rows) : await benchReal(ROOT, dir, rows);
      lines.push(...result.lines);
      notes.push(...result.notes);
    }
  }
  console.log(`\n${table(lines, 4)}`);
  console.log(`\nmedians of ${REPEAT} runs in turns (peak RSS: the highest of them; vs DuckDB: the median of the run-by-run ratios)`);
  for (const note of notes) console.log(`- ${note}`);
  console.log(`\nmachine: ${cpus().length} cores, Node ${process.version}; load after: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
