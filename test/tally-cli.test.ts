import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import type { TallyResult } from "../src/tally/types.js";
import { ROOT, runCli, SHARED } from "./helpers/cli.js";

const SURVEY = ["-s", "fixtures/tally-basic/survey.yaml"];
const ANSWERS = "fixtures/tally-basic/answers.csv";
const tmp = mkdtempSync(join(tmpdir(), "survey-tally-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("survey tally", () => {
  it("prints 问卷星-style tables: 选项 / 小计 / 比例, then 本题有效填写人次, without colour off a terminal", async () => {
    const r = await runCli(["tally", ...SURVEY, ANSWERS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("选项      小计          比例\n非常满意     2         22.2%");
    expect(r.stdout).toContain("本题有效填写人次: 10 (基数 9)");
    // every expected count below 5: Fisher's exact p (54/70, worked out in test/tally.test.ts), Pearson's χ² beside it
    expect(r.stdout).toContain("Fisher精确检验: p = 0.771; χ² = 4.00, df = 4, Cramér's V = 0.707 (超过20%的期望频数小于5)");
    expect(r.stdout).not.toContain("\u001b[");
    expect(r.stderr).toBe("11 rows read: 10 valid, 1 invalid\n");
  });

  it("exits 1 under --strict when the data has errors, and still prints the tally", async () => {
    const bad = join(tmp, "bad.csv");
    writeFileSync(bad, "序号,1、您的身份是：,2、您对社区服务的满意程度\n1,党员,满意极了\n2,群众,一般\n");
    const loose = await runCli(["tally", ...SURVEY, bad]);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain("the data has errors");
    const strict = await runCli(["tally", ...SURVEY, "--strict", bad]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("本题有效填写人次");
    expect((await runCli(["tally", ...SURVEY, "--strict", ANSWERS])).code).toBe(0); // a duplicate is a warning
  });

  it("colours only when asked on a terminal-less run with FORCE_COLOR, and never with --no-color", async () => {
    expect((await runCli(["tally", ...SURVEY, ANSWERS], { env: { FORCE_COLOR: "1" } })).stdout).toContain("\u001b[");
    expect((await runCli(["--no-color", "tally", ...SURVEY, ANSWERS], { env: { FORCE_COLOR: "1" } })).stdout).not.toContain("\u001b[");
  });

  it("honours --decimals with half-away-from-zero rounding", async () => {
    const r = await runCli(["tally", ...SURVEY, "--decimals", "2", ANSWERS]);
    expect(r.stdout).toContain("22.22%");
    expect((await runCli(["tally", ...SURVEY, "--decimals", "x", ANSWERS])).code).toBe(2);
  });

  it("emits the §6 JSON contract on stdout, unrounded, with diagnostics on stderr", async () => {
    const r = await runCli(["tally", ...SURVEY, "--format", "json", ANSWERS]);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout) as TallyResult;
    expect(t.schemaVersion).toBe(1);
    expect(t.questions.sat!.positiveRate).toBe(5 / 9);
    expect(t.responses.bySource).toEqual({ [ANSWERS]: { returned: 11, valid: 10 } });
  });

  it("writes tidy CSV with formula characters escaped", async () => {
    const csv = join(tmp, "formula.csv");
    writeFileSync(csv, ["序号,1、您的身份是：,2、您对社区服务的满意程度,7、您不满意的原因是", "1,党员,不太满意,=HYPERLINK(\"x\")", "2,群众,一般,(跳过)"].join("\n"));
    const r = await runCli(["tally", ...SURVEY, "--format", "csv", csv]);
    const rows = Papa.parse<string[]>(r.stdout.trim()).data;
    expect(rows[0]).toEqual(["question", "item", "type", "text", "by", "by_code", "by_label", "option_code", "option_label", "statistic", "value", "base"]);
    expect(rows).toContainEqual(["sat", "sat", "scale", "您对社区服务的满意程度", "", "", "", "4", "不太满意", "pct", "0.5", "2"]);
    expect(rows).toContainEqual(["sat", "sat", "scale", "您对社区服务的满意程度", "role", "1", "党员", "", "", "base", "1", ""]);
    expect(rows).toContainEqual(["sat", "sat", "scale", "您对社区服务的满意程度", "role", "", "", "", "", "chiSquare.method", "fisher", ""]);
    // open answers are not in the CSV, but their keywords are; no cell may start with a formula character
    expect(rows.every((row) => row.every((c) => !/^[=+@\t\r]/.test(c) && !/^-[^0-9]/.test(c)))).toBe(true);
  });

  it("writes Markdown tables", async () => {
    const r = await runCli(["tally", ...SURVEY, "--format", "md", ANSWERS]);
    expect(r.stdout).toContain("| 选项 | 小计 | 比例 |\n| --- | ---: | ---: |\n| 非常满意 | 2 | 22.2% |");
  });

  it("breaks down --by another question, and refuses one that cannot be a breakdown", async () => {
    const r = await runCli(["tally", ...SURVEY, "--format", "json", "--by", "mx.1", ANSWERS]);
    const t = JSON.parse(r.stdout) as TallyResult;
    expect(t.roles!.question).toBe("mx.1");
    expect(t.questions.sat!.byRole!.map((b) => b.label)).toEqual(["非常满意", "比较满意", "一般", "不太满意", "很不满意", "不了解"]);
    const bad = await runCli(["tally", ...SURVEY, "--by", "age", ANSWERS]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error USAGE: --by age: a breakdown needs a single-choice or scale question/m);
    expect((await runCli(["tally", ...SURVEY, "--by", "nope", ANSWERS])).code).toBe(2);
  });

  it("writes -o through a temporary file, and refuses to overwrite without --force", async () => {
    const out = join(tmp, "t.json");
    expect((await runCli(["tally", ...SURVEY, "--format", "json", "-o", out, ANSWERS])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).responses.valid).toBe(10);
    writeFileSync(out, "keep me");
    const again = await runCli(["tally", ...SURVEY, "--format", "json", "-o", out, ANSWERS]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("--force");
    expect(readFileSync(out, "utf8")).toBe("keep me");
    expect((await runCli(["tally", ...SURVEY, "--format", "json", "-o", out, "--force", ANSWERS])).code).toBe(0);
    expect(readFileSync(out, "utf8")).not.toBe("keep me");
    expect(readdirSync(tmp).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("fails with one line and exit 2 on a missing file or definition", async () => {
    const r = await runCli(["tally", ...SURVEY, "nope.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect((await runCli(["tally", "-s", "nope.yaml", ANSWERS])).code).toBe(2);
  });
});

describe("survey merge", () => {
  it("merges per-file tallies into the tally of all files read in one run", async () => {
    const lines = readFileSync(join(ROOT, ANSWERS), "utf8").trim().split("\n");
    const a = join(tmp, "村1.csv");
    const b = join(tmp, "村2.csv");
    writeFileSync(a, [lines[0], ...lines.slice(1, 6)].join("\n"));
    writeFileSync(b, [lines[0], ...lines.slice(6, 11)].join("\n"));
    const parts = [join(tmp, "p1.json"), join(tmp, "p2.json")];
    await runCli(["tally", ...SURVEY, "--format", "json", a, "-o", parts[0]!]);
    await runCli(["tally", ...SURVEY, "--format", "json", b, "-o", parts[1]!]);
    const merged = await runCli(["merge", ...parts]);
    expect(merged.code).toBe(0);
    const whole = await runCli(["tally", ...SURVEY, "--format", "json", a, b]);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
    const text = await runCli(["merge", "--format", "text", ...parts]);
    expect(text.stdout).toContain("本题有效填写人次: 10 (基数 9)");
  });

  it("merges the per-village parts of --each file, with --issued for the whole, into the one-run tally", async () => {
    const parts = join(tmp, "villages");
    const survey = ["-s", "fixtures/three-villages/survey.yaml"];
    expect((await runCli(["tally", ...survey, "--each", "file", "--format", "json", "-o", parts])).code).toBe(0);
    const files = readdirSync(parts).sort().map((f) => join(parts, f));
    expect(files).toHaveLength(3);
    const merged = JSON.parse((await runCli(["merge", "--issued", "16", ...files])).stdout) as TallyResult;
    const whole = JSON.parse((await runCli(["tally", ...survey, "--format", "json"])).stdout) as TallyResult;
    // the parts were read from the same files in the same (sorted) order, so everything matches but file names
    expect(Object.values(merged.responses.bySource)).toEqual(Object.values(whole.responses.bySource));
    merged.responses.bySource = whole.responses.bySource;
    merged._state!.responses.bySource = whole._state!.responses.bySource;
    expect(merged).toEqual(whole);
  });

  it("refuses a file that is not a tally, with exit 2", async () => {
    const junk = join(tmp, "junk.json");
    writeFileSync(junk, "[1, 2");
    const r = await runCli(["merge", junk]);
    expect(r.code).toBe(2);
    // Not JSON at all: TALLY_INVALID where JSON.parse stopped (the end of "[1, 2").
    expect(r.stderr).toMatch(/junk\.json:1:6: error TALLY_INVALID: is not JSON/);
    expect((await runCli(["merge", join(tmp, "none.json")])).code).toBe(2);
  });
});

describe.skipIf(!existsSync(join(SHARED, "realdata/wjx-800/wjx-800-text.xls")))("the real 问卷星 export", () => {
  // The 按选项序号 form has no fill-in texts (其他〖……〗) at all, so those are compared apart: every
  // statistic must be identical, and only the text form can carry the fill-ins.
  it("gives identical statistics from its 按选项文本 and 按选项序号 forms", async () => {
    const run = async (form: string) => {
      const r = await runCli(["tally", "-s", "fixtures/wjx800/survey.yaml", "--format", "json", join(SHARED, `realdata/wjx-800/wjx-800-${form}.xls`)]);
      expect(r.code).toBe(0);
      const t = JSON.parse(r.stdout) as TallyResult;
      t.responses.bySource = {};
      t._state!.responses.bySource = {};
      const fillIns = Object.values(t.questions).flatMap((q) => (q.options ?? []).flatMap((o) => o.others ?? []));
      for (const q of Object.values(t.questions)) for (const o of q.options ?? []) delete o.others;
      for (const item of t._state!.items) if (item.others) item.others = [];
      return { t, fillIns };
    };
    const text = await run("text");
    const code = await run("code");
    expect(text.t.responses.valid).toBe(800);
    expect(code.t).toEqual(text.t);
    expect(text.t.questions.phones!.options!.map((o) => o.count)).toEqual([521, 261, 12, 6]);
    expect(text.fillIns).toContain("我妈买的。");
    expect(code.fillIns).toEqual([]);
  }, 60_000);
});
