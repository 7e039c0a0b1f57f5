import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { load, median, pairedRatio, REPEAT, type Run, timed } from "./measure.js";
import { columns, generateReal, realSurveyYaml } from "./real-shape.js";

/**
 * The real-shaped rows of `npm run bench` (issue 16, item 5 and its "Done when"): on the file of
 * real-shape.ts, in turns REPEAT times, `survey tally --format json` (the whole tally), the same with the
 * two open questions left out of the definition, `--format csv`, and DuckDB's one-pass tally; with
 * BENCH_READERS=1 also the tally, whole and without the open questions, with the general reader
 * (SURVEY_READER=general, papaparse), which shows whether the hand-written byte scanner is still worth its
 * 15% (issue 16, item 2). Checks that survey and DuckDB counted the same, option by option, and that the
 * readers give the same JSON; returns the table's lines and the verdicts.
 */

const READERS = process.env.BENCH_READERS === "1";

export interface Tally {
  responses: { valid: number };
  roles: { counts: { code: number; count: number }[] };
  questions: Record<string, { answered: number; options?: { code: number; count: number }[] }>;
}

export interface Duck {
  roles: Record<string, number>;
  counts: Record<string, Record<string, number>>;
}

/** The file's columns by kind, named as DuckDB names them (it trims the headers' spaces). */
function duckColumns() {
  const cols = columns();
  const named = (kinds: string[]) => cols.filter((c) => c.id !== "q1" && kinds.includes(c.kind)).map((c) => c.header.trim());
  return { role: cols[0]!.header.trim(), closed: named(["single", "scale"]), multi: named(["multi"]), texts: named(["text"]), blank: "(空)" };
}

/** Where survey's counts differ from DuckDB's (empty when they agree on every option of every question). */
export function differences(tally: Tally, duck: Duck, rows: number, withOpen = true): string[] {
  const out: string[] = [];
  if (tally.responses.valid !== rows) out.push(`survey counted ${tally.responses.valid} valid questionnaires of ${rows}`);
  const same = (what: string, ours: Record<string, number>, theirs: Record<string, number> = {}) => {
    for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      if ((ours[k] ?? 0) !== (theirs[k] ?? 0)) out.push(`${what} ${k}: survey ${ours[k] ?? 0}, DuckDB ${theirs[k] ?? 0}`);
    }
  };
  const byCode = (options: { code: number; count: number }[] = []) => Object.fromEntries(options.filter((o) => o.count > 0).map((o) => [String(o.code), o.count]));
  same("role", byCode(tally.roles.counts), duck.roles);
  for (const c of columns().slice(1).filter((c) => withOpen || c.kind !== "text")) {
    const q = tally.questions[c.id];
    if (!q) out.push(`${c.id} is missing from the tally`);
    else if (c.kind === "text") same(c.id, { answered: q.answered }, duck.counts[c.header.trim()]);
    else same(c.id, byCode(q.options), duck.counts[c.header.trim()]);
  }
  return out;
}

export interface RealResult {
  lines: string[][];
  notes: string[];
}

export async function benchReal(root: string, dir: string, rows: number): Promise<RealResult> {
  const whole = join(dir, "real-survey.yaml");
  const closed = join(dir, "real-survey-closed.yaml");
  writeFileSync(whole, realSurveyYaml(true));
  writeFileSync(closed, realSurveyYaml(false));
  const csv = join(dir, `real-${rows}.csv`);
  process.stdout.write(`generating ${rows.toLocaleString("en")} real-shaped questionnaires … `);
  await generateReal(csv, rows);
  const mb = statSync(csv).size / 1e6;
  console.log(`${mb.toFixed(0)} MB; load ${load()}`);
  const out = (name: string) => join(dir, `real-${rows}-${name}`);
  const tally = (def: string, format: string, output: string, env: NodeJS.ProcessEnv = {}) => () =>
    timed(root, ["node", "bin/survey.js", "tally", "-s", def, "--format", format, "--force", "-o", output, csv], env);
  const commands: [string, () => Run][] = [
    ["survey tally (whole)", tally(whole, "json", out("whole.json"))],
    ["survey tally, no open questions", tally(closed, "json", out("closed.json"))],
    ["survey tally --format csv", tally(whole, "csv", out("whole.csv"))],
    ["DuckDB", () => timed(root, ["node", "test/bench/duckdb-tally.mjs", csv, JSON.stringify(duckColumns())])],
    ...(READERS
      ? ([
          ["survey tally, SURVEY_READER=general", tally(whole, "json", out("general.json"), { SURVEY_READER: "general" })],
          // Without the open questions, whose keywords weigh most in the whole tally, the reader's own share shows.
          ["no open questions, SURVEY_READER=general", tally(closed, "json", out("closed-general.json"), { SURVEY_READER: "general" })],
        ] as [string, () => Run][])
      : []),
  ];
  // In turns, so that each command meets the machine's load of the moment as often as the others.
  const runs = commands.map((): Run[] => []);
  for (let k = 0; k < REPEAT; k++) commands.forEach(([, run], j) => runs[j]!.push(run()));
  const loadAfter = load();

  const byName = new Map(commands.map(([name], j) => [name, runs[j]!]));
  const duck = byName.get("DuckDB")!;
  const lines = commands.map(([name], j) => {
    const r = median(runs[j]!);
    return [rows.toLocaleString("en"), "real", mb.toFixed(0), name, r.wall.toFixed(2), (mb / r.wall).toFixed(1), r.rssMb.toFixed(0), `${pairedRatio(runs[j]!, duck).toFixed(2)}×`];
  });

  const notes: string[] = [`${rows.toLocaleString("en")} real-shaped rows, load after: ${loadAfter}`];
  const ours = JSON.parse(readFileSync(out("whole.json"), "utf8")) as Tally;
  const wrong = differences(ours, JSON.parse(median(duck).stdout) as Duck, rows);
  notes.push(wrong.length ? `MISMATCH survey vs DuckDB: ${wrong.slice(0, 5).join("; ")}${wrong.length > 5 ? ` … (${wrong.length})` : ""}` : "survey and DuckDB agree on every count (roles, options, open answers given)");
  const closedWrong = differences(JSON.parse(readFileSync(out("closed.json"), "utf8")) as Tally, JSON.parse(median(duck).stdout) as Duck, rows, false);
  if (closedWrong.length) notes.push(`MISMATCH without open questions: ${closedWrong.slice(0, 5).join("; ")}`);

  // issue 16's "Done when", on this file: ratios of runs made in turns (the median of the pairs).
  const wholeRatio = pairedRatio(byName.get("survey tally (whole)")!, duck);
  const closedRatio = pairedRatio(byName.get("survey tally, no open questions")!, duck);
  const peak = Math.max(...runs.slice(0, 3).flat().map((r) => r.rssMb));
  const mark = (ok: boolean) => (ok ? "met" : "NOT met");
  notes.push(
    `done-when at ${rows.toLocaleString("en")}: whole tally ${wholeRatio.toFixed(2)}× DuckDB (≤ 1.5: ${mark(wholeRatio <= 1.5)}), ` +
      `without open questions ${closedRatio.toFixed(2)}× (≤ 0.75: ${mark(closedRatio <= 0.75)}), ` +
      `survey's peak RSS ${peak.toFixed(0)} MB (< 300: ${mark(peak < 300)}); run by run, whole/DuckDB ${byName.get("survey tally (whole)")!.map((r, k) => (r.wall / duck[k]!.wall).toFixed(2)).join(", ")}`,
  );

  if (READERS) {
    for (const [def, prefix] of [["whole", ""], ["closed", "closed-"]]) {
      const json = readFileSync(out(`${def}.json`), "utf8");
      if (readFileSync(out(`${prefix}general.json`), "utf8") !== json) notes.push(`MISMATCH: the general reader's JSON differs from the byte scanner's (${def} definition)`);
    }
    // What the byte scanner saves against papaparse (issue 16, item 2 keeps a hand-written piece only if it
    // is worth ≥ 15%).
    const saves = (a: string, b: string) => `${((1 - pairedRatio(byName.get(a)!, byName.get(b)!)) * 100).toFixed(0)}%`;
    notes.push(
      `readers at ${rows.toLocaleString("en")}: the byte scanner saves ${saves("survey tally (whole)", "survey tally, SURVEY_READER=general")} of the general reader's time ` +
        `on the whole tally, ${saves("survey tally, no open questions", "no open questions, SURVEY_READER=general")} without the open questions`,
    );
  }
  return { lines, notes };
}
