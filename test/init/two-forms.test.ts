import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { TallyResult } from "../../src/tally/types.js";
import { ROOT, runCli, SHARED } from "../helpers/cli.js";

/**
 * `survey init --from TEXT --from CODE` (issue 15): one definition from both 问卷星 export forms of the
 * same answers, with the questionnaire's codes and order from the 按选项序号 form and the labels from the
 * 按选项文本 form; both forms then tally to the same statistics.
 */
const fixture = join(ROOT, "fixtures/two-forms");
const TEXT = join(fixture, "text.csv");
const CODE = join(fixture, "code.csv");
const tmp = mkdtempSync(join(tmpdir(), "survey-two-forms-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(tmp, `d${++n}`);

type Doc = {
  role?: string;
  scales?: Record<string, { options: unknown[]; positive?: number[]; negative?: number[]; codes?: string }>;
  questions: { id: string; text: string; type: string; options?: unknown[]; scale?: string; codes?: string }[];
};
const question = (doc: Doc, id: string) => doc.questions.find((q) => q.id === id)!;

async function tally(yaml: string, file: string): Promise<TallyResult> {
  const r = await runCli(["tally", "-s", yaml, file, "--format", "json"]);
  expect(r.stderr, file).toBe("");
  expect(r.code, file).toBe(0);
  return JSON.parse(r.stdout) as TallyResult;
}

/** Every count of every question (fill-in texts aside: the 按序号 form does not keep them). */
function counts(t: TallyResult): unknown {
  return JSON.parse(JSON.stringify({ responses: t.responses, roles: t.roles, questions: t.questions }, (k, v) => (k === "others" || k === "bySource" ? undefined : v)));
}

describe("init --from TEXT --from CODE on fixtures/two-forms (12 answers, counted by hand in its README)", () => {
  it("drafts the questionnaire's codes and order, the labels, unchosen options marked 请核对, and no guessed codes", async () => {
    const dir = fresh();
    const r = await runCli(["init", dir, "--from", TEXT, "--from", CODE]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      expect.stringMatching(/^wrote .*survey\.yaml: 6 questions drafted from .*text\.csv \(按选项文本\) and .*code\.csv \(按选项序号\), 12 rows paired, \d+ to check \(请核对\)$/),
      expect.stringMatching(/^check: .*text\.csv: 12 rows read: 12 valid, 0 invalid; 0 errors, 0 warnings$/),
      expect.stringMatching(/^check: .*code\.csv: 12 rows read: 12 valid, 0 invalid; 0 errors, 0 warnings$/),
      "check: both exports give the same counts for all 6 items",
      "",
    ]);
    const text = readFileSync(join(dir, "survey.yaml"), "utf8");
    const doc = parse(text) as Doc;
    expect(text).not.toContain("codes: guessed");
    expect(doc.role).toBe("q1");
    // The role list and the ordinal scales in the questionnaire's order, not by frequency.
    expect(question(doc, "q1").options).toEqual(["村干部", "党员", "群众"]);
    expect(question(doc, "q4").options).toEqual(["没有投入", "10%以下", "10%~30%", "30%~50%", "50%以上"]);
    // Nobody chose code 1 of q2 (18岁以下): a placeholder, and a 请核对 naming it.
    expect(question(doc, "q2").options).toEqual(["选项1", "18~30岁", "31~45岁", "46~60岁", "60岁以上"]);
    expect(text).toMatch(/# 请核对: 代码 1 没有人选,两种导出都没有它的文字:请把“选项1”改成问卷上的选项\n( {2}# .*\n)* {2}- id: q2/);
    // The multi-select's unchosen option comes from its 第5题(技能培训) header; the text from the text form.
    expect(question(doc, "q5")).toMatchObject({ text: "您参加过哪些村里组织的活动", options: ["志愿服务", "文艺演出", "技能培训", { label: "其他", other: true }] });
    // The Likert level nobody chose (非常不满意) gets the code the others imply, marked.
    const scale = doc.scales![question(doc, "q3").scale!]!;
    expect(scale).toEqual({ options: ["非常满意", "比较满意", "一般", "不太满意", "非常不满意"], positive: [1, 2], negative: [4, 5] });
    expect(text).toContain("# 请核对: 没有人选 “非常不满意”(代码 5)");
  });

  it("both forms tally to identical statistics with the draft, and to those of the hand-written definition", async () => {
    const dir = fresh();
    expect((await runCli(["init", dir, "--from", CODE, "--from", TEXT])).code).toBe(0); // either order
    const yaml = join(dir, "survey.yaml");
    const fromText = await tally(yaml, TEXT);
    const fromCode = await tally(yaml, CODE);
    expect(counts(fromCode)).toEqual(counts(fromText));
    const q = fromText.questions;
    const byLabel = (id: string) => Object.fromEntries(q[id]!.options!.map((o) => [o.label, o.count]));
    expect(byLabel("q1")).toEqual({ 村干部: 2, 党员: 3, 群众: 7 });
    expect(byLabel("q2")).toEqual({ 选项1: 0, "18~30岁": 1, "31~45岁": 5, "46~60岁": 4, "60岁以上": 2 });
    expect(byLabel("q4")).toEqual({ 没有投入: 3, "10%以下": 4, "10%~30%": 3, "30%~50%": 1, "50%以上": 1 });
    expect(byLabel("q5")).toEqual({ 志愿服务: 7, 文艺演出: 7, 技能培训: 0, 其他: 2 });
    const hand = await tally(join(fixture, "survey.yaml"), CODE);
    for (const id of ["q1", "q3", "q4", "q5"]) expect(q[id]!.options!.map((o) => o.count), id).toEqual(hand.questions[id]!.options!.map((o) => o.count));
    expect(q.q3!.positiveRate).toBe(hand.questions.q3!.positiveRate);
  });

  it("a questionnaire that numbers its scale from 很不满意 up: listed from most positive, with the questionnaire's codes", async () => {
    // The same answers, but the questionnaire lists 非常不满意 (1) … 非常满意 (5).
    const lines = readFileSync(CODE, "utf8").split("\r\n");
    const reversed = lines.map((line, i) => {
      if (i === 0 || !line) return line;
      const cells = line.split(",");
      cells[5] = String(6 - Number(cells[5]));
      return cells.join(",");
    });
    const code = join(tmp, "reversed-code.csv");
    writeFileSync(code, reversed.join("\r\n"));
    const dir = fresh();
    const r = await runCli(["init", dir, "--from", TEXT, "--from", code]);
    expect(r.stdout).toContain("check: both exports give the same counts for all 6 items");
    const text = readFileSync(join(dir, "survey.yaml"), "utf8");
    const doc = parse(text) as Doc;
    expect(doc.scales!.satisfaction).toEqual({
      options: [{ code: 5, label: "非常满意" }, { code: 4, label: "比较满意" }, { code: 3, label: "一般" }, { code: 2, label: "不太满意" }, { code: 1, label: "非常不满意" }],
      positive: [5, 4],
      negative: [2, 1],
    });
    expect(text).toContain("问卷上的顺序是从差到好");
    const yaml = join(dir, "survey.yaml");
    const [a, b] = [await tally(yaml, TEXT), await tally(yaml, code)];
    expect(counts(b)).toEqual(counts(a));
    const hand = await tally(join(fixture, "survey.yaml"), TEXT);
    expect([a.questions.q3!.positiveRate, a.questions.q3!.meanScore]).toEqual([hand.questions.q3!.positiveRate, hand.questions.q3!.meanScore]);
  });

  it("exports that are not the same answers: the disagreement is named, and the check finds the rows that differ", async () => {
    // Rows 2 and 3 of the code export swap their answers to q4.
    const lines = readFileSync(CODE, "utf8").split("\r\n");
    const cells = lines.map((l) => l.split(","));
    [cells[2]![6], cells[3]![6]] = [cells[3]![6]!, cells[2]![6]!];
    const code = join(tmp, "swapped-code.csv");
    writeFileSync(code, cells.map((c) => c.join(",")).join("\r\n"));
    const r = await runCli(["init", fresh(), "--from", TEXT, "--from", code]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: q4: the exports disagree: .*the most frequent pairing is used$/m);
    // The swap keeps every count: only the row-by-row comparison sees it.
    expect(r.stdout).toContain("check: both exports give the same counts for all 6 items");
    expect(r.stdout).toContain("check: warning: 2 of 12 questionnaires answer differently in the two exports (first: row 3, q4)");
  });

  it("refuses two exports of the same form, and more than two (exit 2, nothing written)", async () => {
    const dir = fresh();
    const same = await runCli(["init", dir, "--from", TEXT, "--from", TEXT]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/error USAGE: both exports read as 按选项文本 \(labels\)/);
    const three = await runCli(["init", dir, "--from", TEXT, "--from", CODE, "--from", CODE]);
    expect(three.code).toBe(2);
    expect(three.stderr).toMatch(/error USAGE: --from was given 3 times/);
    expect(existsSync(join(dir, "survey.yaml"))).toBe(false);
  });
});

describe("init --from TEXT alone on fixtures/two-forms", () => {
  it("marks the guessed codes, orders by the labels' numbers (没有投入 first), says how to read the code form too, and that form is refused", async () => {
    const dir = fresh();
    const r = await runCli(["init", dir, "--from", TEXT]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: option codes are guessed from labels \(codes: guessed\); to read a 按选项序号 export of these answers too, draft from both: survey init --from .*text\.csv --from <按选项序号 export>\n$/);
    const yaml = join(dir, "survey.yaml");
    const doc = parse(readFileSync(yaml, "utf8")) as Doc;
    expect(question(doc, "q4")).toMatchObject({ options: ["没有投入", "10%以下", "10%~30%", "30%~50%", "50%以上"], codes: "guessed" });
    expect(question(doc, "q2")).toMatchObject({ options: ["18~30岁", "31~45岁", "46~60岁", "60岁以上"], codes: "guessed" });
    expect(question(doc, "q1").codes).toBe("guessed");
    expect(doc.scales!.satisfaction!.codes).toBe("guessed");
    const t = await runCli(["tally", "-s", yaml, CODE]);
    expect(t.code).toBe(1);
    expect(t.stdout).toBe("");
    expect(t.stderr).toMatch(/column "4、您每月用于文化娱乐的支出占收入的比重": error CODES_GUESSED: "2" is an option code, but the codes of q4 \(您每月用于文化娱乐的支出占收入的比重\) were guessed/);
    expect((await runCli(["tally", "-s", yaml, TEXT])).code).toBe(0);
  });
});

const realdata = join(SHARED, "realdata/wjx-800");
const present = existsSync(join(realdata, "wjx-800-code.xls"));
if (!present) console.warn(`skipped: the real export pair is not in ${realdata}`);

describe.skipIf(!present)("init --from TEXT --from CODE on the real 问卷星 export (../shared/realdata/wjx-800)", () => {
  const REAL_TEXT = join(realdata, "wjx-800-text.xls");
  const REAL_CODE = join(realdata, "wjx-800-code.xls");

  it("drafts the hand-written definition's options, and both .xls tally to identical statistics (爱好投入占收入比重: 10%左右 247)", async () => {
    const dir = fresh();
    const r = await runCli(["init", dir, "--from", REAL_TEXT, "--from", REAL_CODE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("800 rows paired");
    expect(r.stdout).toContain("check: both exports give the same counts for all 8 items");
    const yaml = join(dir, "survey.yaml");
    const doc = parse(readFileSync(yaml, "utf8")) as Doc;
    const hand = parse(readFileSync(join(ROOT, "fixtures/wjx800/survey.yaml"), "utf8")) as Doc;
    const ids = ["phones", "price", "gender", "age", "income", "hobbies", "spend", "news"];
    doc.questions.forEach((q, i) => {
      const theirs = hand.questions[i]!;
      expect(q.type, ids[i]).toBe(theirs.type);
      // The hand-written age leaves out code 1, which nobody chose: the draft has a placeholder for it.
      expect(q.options, ids[i]).toEqual(ids[i] === "age" ? ["选项1", ...theirs.options!.map((o) => (o as { label: string }).label)] : theirs.options);
    });
    const fromText = await tally(yaml, REAL_TEXT);
    const fromCode = await tally(yaml, REAL_CODE);
    expect(counts(fromCode)).toEqual(counts(fromText));
    expect(Object.fromEntries(fromCode.questions.q7!.options!.map((o) => [o.label, o.count]))).toEqual({
      没有投入: 15, "10%左右": 247, "20%左右": 293, "30%左右": 183, "40%左右": 41, "50%左右": 14, "超过50%": 7,
    });
    // And as the hand-written definition counts them.
    const handTally = await tally(join(ROOT, "fixtures/wjx800/survey.yaml"), REAL_CODE);
    ids.forEach((id, i) => {
      const mine = fromCode.questions[`q${i + 1}`]!.options!.filter((o) => o.label !== "选项1");
      expect(mine.map((o) => [o.label, o.count]), id).toEqual(handTally.questions[id]!.options!.map((o) => [o.label, o.count]));
    });
  }, 60_000);

  it("a CSV save of the code form (GB18030) pairs with the .xls text form the same way", async () => {
    const workbook = XLSX.read(readFileSync(REAL_CODE), { type: "buffer" });
    const csv = XLSX.utils.sheet_to_csv(workbook.Sheets[workbook.SheetNames[0]!]!, { blankrows: false });
    const code = join(tmp, "wjx-800-code-gb.csv");
    writeFileSync(code, iconv.encode(csv, "gb18030"));
    const dir = fresh();
    const r = await runCli(["init", dir, "--from", code, "--from", REAL_TEXT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("check: both exports give the same counts for all 8 items");
    const yaml = join(dir, "survey.yaml");
    expect(counts(await tally(yaml, code))).toEqual(counts(await tally(yaml, REAL_TEXT)));
  }, 60_000);

  it("the draft from the text form alone refuses the code form instead of shifting every option of 爱好投入占收入比重", async () => {
    const dir = fresh();
    expect((await runCli(["init", dir, "--from", REAL_TEXT])).code).toBe(0);
    const t = await runCli(["tally", "-s", join(dir, "survey.yaml"), REAL_CODE, "--format", "json"]);
    expect(t.code).toBe(1);
    expect(t.stdout).toBe("");
    expect(t.stderr).toMatch(/column "7、爱好投入占收入比重 ": error CODES_GUESSED: "4" is an option code, but the codes of q7 \(爱好投入占收入比重\)/);
  }, 60_000);
});
