import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import { loadSurvey } from "../../src/cli/context.js";
import { tallyByAnswer } from "../../src/pipeline/index.js";
import { ROOT, runCli } from "../helpers/cli.js";
import { memoryIo } from "../helpers/memory-io.js";

/**
 * `--each <question>` reads the answers once and routes each row to its group's accumulators (issue 16).
 * What it promises is that each group's output is the tally of that group's rows alone: checked here
 * against a reference made without --each — the test writes each group's rows into files of their own
 * (the other rows left as empty lines, so that every row keeps its number) and tallies those.
 */
const tmp = mkdtempSync(join(tmpdir(), "survey-one-pass-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXAMPLE = join(ROOT, "fixtures/example");
/** The example's survey.yaml without `issued`: a group has none, so its reference must not either. */
const yaml = readFileSync(join(EXAMPLE, "survey.yaml"), "utf8").replace(/^issued: \d+\n/m, "").replace("files: [answers.csv]", "files: [answers.csv, tail.csv]");
const COMMUNITY = "4、您所在的社区：";
const COMMUNITIES = ["黄林社区", "龙王河社区", "柳湾社区", "石桥社区"];

/**
 * The example's answers in two files, made awkward: an id given twice within a community (near and far)
 * and across two, a blank row, rows without a community (blank, unknown), a short row, a bad answer, a speeder.
 */
function project(): { dir: string; files: Record<string, string[][]> } {
  const dir = join(tmp, "project");
  mkdirSync(dir, { recursive: true });
  const [header, ...rows] = Papa.parse<string[]>(readFileSync(join(EXAMPLE, "answers.csv"), "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
  const at = header!.indexOf(COMMUNITY);
  const head: string[][] = [];
  rows.slice(0, 150).forEach((r, i) => {
    head.push(r);
    if (i === 10) head.push([...r]);
    if (i === 20) head.push(r.map((c, k) => (k === at ? (c === "黄林社区" ? "石桥社区" : "黄林社区") : c)));
    if (i === 30) head.push(r.map(() => ""));
    if (i === 40) head.push(r.map((c, k) => (k === at ? "" : c)));
    if (i === 50) head.push(r.map((c, k) => (k === at ? "不在名单的社区" : c)));
    if (i === 60) head.push(r.slice(0, at + 1));
    if (i === 70) head.push(r.map((c, k) => (k === at + 1 ? "满意极了" : c)));
    if (i === 80) head.push(r.map((c, k) => (k === 2 ? "3秒" : c)));
  });
  // An id of the first file given again at the end of the second, in the same community: far apart, in
  // ranges read by different threads.
  const files = { "answers.csv": [header!, ...head], "tail.csv": [header!, ...rows.slice(150), [...rows[5]!]] };
  for (const [name, table] of Object.entries(files)) writeFileSync(join(dir, name), csv(table));
  writeFileSync(join(dir, "survey.yaml"), yaml);
  return { dir, files };
}

function csv(table: string[][]): string {
  return `${Papa.unparse(table, { newline: "\r\n" })}\r\n`;
}

/** The tally of one community's rows alone, from files the test writes itself, as JSON. */
async function reference(files: Record<string, string[][]>, community: string): Promise<unknown> {
  const dir = join(tmp, `ref-${community}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "survey.yaml"), yaml);
  const names: string[] = [];
  for (const [name, [header, ...rows]] of Object.entries(files)) {
    const at = header!.indexOf(COMMUNITY);
    if (!rows.some((r) => r[at] === community)) continue;
    names.push(name);
    // Other rows as empty lines, which no reader counts: each row keeps its number in the original file.
    const lines = rows.map((r) => (r[at] === community ? csv([r]).trimEnd() : ""));
    writeFileSync(join(dir, name), `${csv([header!])}${lines.join("\r\n")}\r\n`);
  }
  const r = await runCli(["tally", "--format", "json", ...names], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("--each <question> in one pass", () => {
  it.each([
    ["the fast byte path", { SURVEY_TRACE: "1" }, "survey: tally range 0 read by the main thread"],
    ["the general reader", { SURVEY_TRACE: "1", SURVEY_READER: "general" }, "survey: the fast reader stepped aside: SURVEY_READER=general\n"],
  ])("gives each group the tally of its rows alone, by %s: numbers, problems at their original rows, duplicates and speeders judged per group", async (_, env, trace) => {
    const { dir, files } = project();
    rmSync(join(dir, "out"), { recursive: true, force: true });
    const r = await runCli(["tally", "--each", "q4", "--format", "json", "-o", "out"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(trace);
    // Rows with a blank or unknown community (the example has one, the test adds two); a blank row is no
    // questionnaire at all.
    const outside = Object.values(files).flatMap(([header, ...rows]) => rows.filter((r) => r.some((c) => c.trim()) && !COMMUNITIES.includes(r[header!.indexOf(COMMUNITY)]!)));
    expect(outside).toHaveLength(3);
    expect(r.stderr).toContain("--each q4: 3 rows have no answer to q4 and belong to no group\n");
    expect(readdirSync(join(dir, "out")).sort()).toEqual(COMMUNITIES.map((c) => `${c}.json`).sort());
    for (const community of COMMUNITIES) {
      const got = JSON.parse(readFileSync(join(dir, "out", `${community}.json`), "utf8"));
      expect(got, community).toEqual(await reference(files, community));
    }
    // What the reference is made to show: the id repeated within 黄林社区 is its duplicate, and the copy
    // moved to another community is not; the short row and the bad answer keep their original rows.
    const all = COMMUNITIES.map((c) => JSON.parse(readFileSync(join(dir, "out", `${c}.json`), "utf8")));
    const problems = all.flatMap((t) => t.problems as { code: string; file?: string; row?: number }[]);
    // A row's number is its place in the file, header = row 1.
    const rowOf = (found: (r: string[]) => boolean) => files["answers.csv"]!.findIndex(found) + 1;
    expect(problems).toContainEqual(expect.objectContaining({ code: "ROW_WIDTH", file: "answers.csv", row: rowOf((r) => r.length < 20) }));
    expect(problems).toContainEqual(expect.objectContaining({ code: "UNKNOWN_OPTION", file: "answers.csv", row: rowOf((r) => r.includes("满意极了")) }));
    const [inGroup, inAll] = [new Set<string>(), new Set<string>()];
    let [repeats, repeatsInAll] = [0, 0];
    for (const [header, ...rows] of Object.values(files)) {
      for (const r of rows.filter((r) => r.some((c) => c.trim()))) {
        const community = r[header!.indexOf(COMMUNITY)]!;
        const key = `${community}\u0000${r[0]}`;
        if (COMMUNITIES.includes(community) && inGroup.has(key)) repeats++;
        if (inAll.has(r[0]!)) repeatsInAll++;
        inGroup.add(key);
        inAll.add(r[0]!);
      }
    }
    expect(all.reduce((n, t) => n + (t.responses.invalidReasons.duplicate ?? 0), 0)).toBe(repeats);
    expect(repeats).toBeLessThan(repeatsInAll);
    const whole = JSON.parse((await runCli(["tally", "--format", "json"], { cwd: dir })).stdout);
    expect(whole.responses.invalidReasons.duplicate).toBe(repeatsInAll);
  }, 60_000);

  it("reads in ranges on two threads as in one: each group's tally from the fast path in 4 KB ranges is the general reader's", async () => {
    const { dir } = project();
    const survey = await loadSurvey(memoryIo(dir), "survey.yaml");
    const files = ["answers.csv", "tail.csv"].map((name) => ({ path: join(dir, name), name }));
    const ranges: string[] = [];
    const fast = await tallyByAnswer(survey, files, "q4", { fast: { threads: 2, parallelFrom: 0, rangeBytes: 4096, onRangeRead: (t, by) => ranges.push(`${t.mode} ${by}`) } });
    const general = await tallyByAnswer(survey, files, "q4", { reader: "general" });
    expect(ranges.filter((r) => r.startsWith("tally")).length).toBeGreaterThan(10);
    expect(ranges.some((r) => r.includes("worker"))).toBe(true);
    expect(fast.ungrouped).toBe(general.ungrouped);
    expect(fast.groups.map((g) => g.value)).toEqual(COMMUNITIES);
    expect(general.groups.map((g) => g.value)).toEqual(COMMUNITIES);
    fast.groups.forEach((g, i) => expect(g.tally(), g.value).toEqual(general.groups[i]!.tally()));
  }, 60_000);

  it("the groups' orders and names, and the summary, follow the question's options", async () => {
    const { dir } = project();
    const r = await runCli(["tally", "--each", "q4", "--format", "json", "-o", "sum", "--summary", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).groups.map((g: { value: string }) => g.value)).toEqual(COMMUNITIES);
  });
});
