import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { writeJson } from "../src/tally/format/json.js";
import { answerTexts, isSpooled } from "../src/tally/spooled.js";
import { runCli } from "./helpers/cli.js";

/**
 * Open answers spooled to disk (src/pipeline/spool.ts): when only the JSON lists them, the fast path's
 * ranges write them to the run's spool folder as they read, and the JSON copies them from there. The JSON
 * must be the general reader's, byte for byte, and the folder gone after the command.
 */

const tmp = mkdtempSync(join(tmpdir(), "survey-spool-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const { survey, diagnostics } = parseSurvey(
  `title: 意见
questions:
  - {id: q1, text: 您的身份, type: single, options: [党员, 群众]}
  - {id: q2, text: 您的意见和建议, type: text}
  - {id: q3, text: 其他想说的, type: text}
  - {id: q4, text: 对物业的意见, type: text, themes: {停车: [停车], 绿化: [绿化]}}
data: {files: [answers.csv]}
`,
  "survey.yaml",
);
if (!survey) throw new Error(JSON.stringify(diagnostics));

const PLACES = ["东门", "3号楼", "小区南侧", "地下车库", "健身广场"];
const ISSUES = ["停车难", "路灯不亮", "垃圾清运不及时", "绿化差", "噪音大"];

/**
 * Rows with answers that repeat, are distinct, quoted (a comma, a quote, a line break), or blank. q2's are
 * mostly distinct, but for the middle third of the rows, where they repeat five phrases (ranges there keep
 * theirs in memory, among ranges that spool); q3's repeat ten phrases throughout (never spooled).
 */
function writeAnswers(rows: number): string {
  const path = join(tmp, `answers-${rows}.csv`);
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = Array.from({ length: rows }, (_, i) => {
    const middle = i > rows / 3 && i < (2 * rows) / 3;
    const a = i % 7 === 0 ? "" : i % 3 === 0 ? "无" : middle ? ISSUES[i % 5]! : `${PLACES[i % 5]}${ISSUES[(i * 3) % 5]}，第${i}户${i % 11 === 0 ? ',"急"\n请尽快' : ""}`;
    const b = i % 2 ? "" : `${ISSUES[i % 5]}\u2028${i % 10}`;
    const c = `${ISSUES[(i * 7) % 5]}${i % 4}`;
    return [i % 3 ? "群众" : "党员", a, b, c].map(quote).join(",");
  });
  writeFileSync(path, `您的身份,您的意见和建议,其他想说的,对物业的意见\n${lines.join("\n")}\n`);
  return path;
}

/** writeJson's text; `bytes`: how many pieces came as bytes (spooled answers copied as they are). */
function json(value: unknown, pieces = { bytes: 0 }): string {
  let out = "";
  writeJson(value, (t) => {
    if (typeof t !== "string") pieces.bytes++;
    out += typeof t === "string" ? t : Buffer.from(t).toString("utf8");
  });
  return out;
}

describe("spooled open answers", () => {
  it("give the general reader's JSON byte for byte, from files in the spool folder; a codebook's answers stay in memory", async () => {
    const files = [{ path: writeAnswers(60_000), name: "answers.csv" }];
    const folder = join(tmp, "spool");
    mkdirSync(folder);
    const general = await tallySurvey(survey!, files, { reader: "general" });
    let ranges = 0;
    const spooled = await tallySurvey(survey!, files, { spool: folder, fast: { threads: 2, parallelFrom: 0, rangeBytes: 1 << 20, onRangeRead: () => ranges++ } });
    const q2 = spooled.questions.q2!;
    expect(isSpooled(q2.answers)).toBe(true);
    expect(isSpooled(spooled.questions.q3!.answers)).toBe(false);
    expect(isSpooled(spooled.questions.q4!.answers)).toBe(false);
    // the ranges of distinct answers spooled theirs; those of the middle third kept theirs
    const spoolFiles = readdirSync(folder).length;
    expect(spoolFiles).toBeGreaterThan(0);
    expect(spoolFiles).toBeLessThan(ranges);
    expect(q2.answers!.length).toBe((general.questions.q2!.answers as string[]).length);
    expect(answerTexts(q2.answers)).toEqual(general.questions.q2!.answers);
    const pieces = { bytes: 0 };
    expect(json(spooled, pieces)).toBe(JSON.stringify(general, null, 2));
    expect(pieces.bytes).toBeGreaterThan(2);
    // JSON.stringify reads them back too (toJSON)
    expect(JSON.stringify(spooled)).toBe(JSON.stringify(general));
    // copied as bytes at the tally's own depth (above); re-indented at any other
    expect(json({ q2: q2.answers, deeper: { list: [{ answers: q2.answers }] } })).toBe(
      JSON.stringify({ q2: general.questions.q2!.answers, deeper: { list: [{ answers: general.questions.q2!.answers }] } }, null, 2),
    );
  });

  it("leave no folder behind: survey tally --format json on a big file", async () => {
    const dir = join(tmp, "cli");
    mkdirSync(join(dir, "tmp"), { recursive: true });
    const big = writeAnswers(60_000);
    writeFileSync(
      join(dir, "survey.yaml"),
      `title: 意见\nquestions:\n  - {id: q1, text: 您的身份, type: single, options: [党员, 群众]}\n  - {id: q2, text: 您的意见和建议, type: text}\ndata: {files: ["${big}"]}\n`,
    );
    const run = await runCli(["tally", "--format", "json", "-o", "t.json"], { cwd: dir, env: { TMPDIR: join(dir, "tmp"), SURVEY_TRACE: "1" } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/tally range 0 read by/);
    const general = await runCli(["tally", "--format", "json", "-o", "g.json"], { cwd: dir, env: { TMPDIR: join(dir, "tmp"), SURVEY_READER: "general" } });
    expect(general.code).toBe(0);
    expect(readFileSync(join(dir, "t.json"), "utf8")).toBe(readFileSync(join(dir, "g.json"), "utf8"));
    expect(readdirSync(join(dir, "tmp")).filter((f) => f.startsWith("survey-"))).toEqual([]);
  }, 60_000);
});
