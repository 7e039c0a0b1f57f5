import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSurvey } from "../src/cli/context.js";
import { SurveyError } from "../src/diagnostics/errors.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { memoryIo } from "./helpers/memory-io.js";

/**
 * `codes: guessed` marks option codes that `survey init` inferred from a 按选项文本 export. A 按选项序号
 * export read with them must never be counted: every option could be shifted (issue 15).
 */
const dir = join(ROOT, "fixtures/two-forms");
const TEXT = join(dir, "text.csv");
const CODE = join(dir, "code.csv");
const tmp = mkdtempSync(join(tmpdir(), "survey-guessed-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The hand-written definition with q4's codes and the satisfaction scale's marked as guessed. */
function guessedDefinition(): string {
  const text = readFileSync(join(dir, "survey.yaml"), "utf8")
    .replace("    negative: [4, 5]\n", "    negative: [4, 5]\n    codes: guessed\n")
    .replace("    options: [没有投入, 10%以下, 10%~30%, 30%~50%, 50%以上]\n", "    options: [10%以下, 10%~30%, 30%~50%, 50%以上, 没有投入]\n    codes: guessed\n")
    .replace("files: [text.csv]", `files: [${JSON.stringify(TEXT)}]`);
  expect(text.match(/codes: guessed/g)).toHaveLength(2);
  const file = join(tmp, "guessed.yaml");
  writeFileSync(file, text);
  return file;
}

describe("codes: guessed", () => {
  it("reads the 按选项文本 export as before: labels need no codes", async () => {
    const yaml = guessedDefinition();
    const r = await runCli(["tally", "-s", yaml, TEXT, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const q4 = JSON.parse(r.stdout).questions.q4;
    expect(q4.options.map((o: { label: string; count: number }) => [o.label, o.count])).toEqual([
      ["10%以下", 4], ["10%~30%", 3], ["30%~50%", 1], ["50%以上", 1], ["没有投入", 3],
    ]);
  });

  it("tally refuses the 按选项序号 export: exit 1, nothing on stdout, each column named, and how to fix it", async () => {
    const yaml = guessedDefinition();
    const r = await runCli(["tally", "-s", yaml, CODE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toMatch(/code\.csv:row 2, column "3、您对村里环境整治的满意程度": error CODES_GUESSED: "2" is an option code, but the codes of q3 \(您对村里环境整治的满意程度\), scale satisfaction, were guessed/);
    expect(lines[1]).toMatch(/column "4、您每月用于文化娱乐的支出占收入的比重": error CODES_GUESSED: "2" is an option code, but the codes of q4 /);
    expect(lines[2]).toMatch(/^error CODES_GUESSED: 24 cells hold option codes .*nothing was counted \(draft the definition from both exports \(survey init --from <按选项文本> --from <按选项序号>\), or put the options/);
    expect(lines).toHaveLength(3);
  });

  it("validate lists every such cell as an error (exit 1); report writes nothing (exit 1)", async () => {
    const yaml = guessedDefinition();
    const v = await runCli(["validate", "-s", yaml, CODE, "--format", "json"]);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).problems.CODES_GUESSED.count).toBe(24);
    const out = join(tmp, "r.docx");
    const rep = await runCli(["report", "-s", yaml, CODE, "-o", out]);
    expect(rep.code).toBe(1);
    expect(rep.stderr).toContain("error CODES_GUESSED");
    expect(() => readFileSync(out)).toThrow();
  });

  it("--each on a question with guessed codes stops instead of grouping rows by a wrong option", async () => {
    const yaml = guessedDefinition();
    const r = await runCli(["tally", "-s", yaml, CODE, "--each", "q4", "-o", join(tmp, "each")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/code\.csv:row 2, column "4、.*": error CODES_GUESSED/);
  });

  it("the same definition without the mark reads the codes as the questionnaire's (a hand-written definition works as before)", async () => {
    const r = await runCli(["tally", "-s", join(dir, "survey.yaml"), CODE, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).questions.q4.options.map((o: { count: number }) => o.count)).toEqual([3, 4, 3, 1, 1]);
  });

  it("is caught by the worker threads of the fast path too", async () => {
    const survey = await loadSurvey(memoryIo(ROOT), guessedDefinition());
    const files = [{ path: CODE, name: "code.csv" }];
    for (const opts of [{ reader: "general" as const }, { fast: { threads: 2, parallelFrom: 0, rangeBytes: 200 } }]) {
      const err = await tallySurvey(survey, files, opts).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SurveyError);
      expect((err as SurveyError).exitCode).toBe(1);
      expect((err as SurveyError).diagnostics.at(-1)!.message).toMatch(/^24 cells hold option codes/);
    }
  });
});

describe("a 0/1 option column that names no option of its multi-select (第5题(技能培训) with a definition that lacks it)", () => {
  /** The hand-written definition without 技能培训, as a draft from the text form alone (nobody chose it) has it. */
  function withoutOption(): string {
    const file = join(tmp, "no-skill.yaml");
    writeFileSync(file, readFileSync(join(dir, "survey.yaml"), "utf8").replace("options: [志愿服务, 文艺演出, 技能培训, {label: 其他, other: true}]", "options: [志愿服务, 文艺演出, {code: 4, label: 其他, other: true}]"));
    return file;
  }

  it("is read: all 0 it is a warning only and every count stays", async () => {
    const yaml = withoutOption();
    const v = await runCli(["validate", "-s", yaml, CODE]);
    expect(v.code).toBe(0);
    expect(v.stdout + v.stderr).toMatch(/column "第5题\(技能培训\)": warning HEADER_UNMATCHED: an option column of q5, but "技能培训" is not one of its options; a choice in it is an error \(UNKNOWN_OPTION\)/);
    const t = JSON.parse((await runCli(["tally", "-s", yaml, CODE, "--format", "json"])).stdout) as { questions: Record<string, { options: { count: number }[] }> };
    expect(t.questions.q5!.options.map((o) => o.count)).toEqual([7, 7, 2]);
  });

  it("a choice in it is UNKNOWN_OPTION, never silently dropped (general reader and fast path alike)", async () => {
    const lines = readFileSync(CODE, "utf8").split("\r\n");
    const cells = lines[1]!.split(",");
    cells[9] = "1"; // row 2 also chose 技能培训
    lines[1] = cells.join(",");
    const code = join(tmp, "skill-chosen.csv");
    writeFileSync(code, lines.join("\r\n"));
    const v = await runCli(["validate", "-s", withoutOption(), code]);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toMatch(/skill-chosen\.csv:row 2, column "第5题\(技能培训\)": error UNKNOWN_OPTION: chosen \("1"\) in a column that names no option of q5/);
    const survey = await loadSurvey(memoryIo(ROOT), withoutOption());
    for (const opts of [{ reader: "general" as const }, { fast: { threads: 2, parallelFrom: 0, rangeBytes: 200 } }]) {
      const t = await tallySurvey(survey, [{ path: code, name: "skill-chosen.csv" }], opts);
      expect(t.problems.filter((p) => p.code === "UNKNOWN_OPTION").map((p) => [p.row, p.column])).toEqual([[2, "第5题(技能培训)"]]);
      expect(t.questions.q5!.base).toBe(11);
    }
  });
});

describe("options labelled with bare numbers that are also codes (孩子数: 0, 1, 2, 3个及以上 as codes 1-4)", () => {
  const header = "序号,1、您有几个孩子,2、您的性别\r\n";
  const answers = [["0", "男"], ["1", "女"], ["1", "男"], ["2", "女"], ["3个及以上", "女"]];
  const write = (name: string, rows: string[][]) => {
    const file = join(tmp, name);
    writeFileSync(file, header + rows.map((r, i) => [String(i + 1), ...r].join(",")).join("\r\n") + "\r\n");
    return file;
  };
  const text = () => write("kids-text.csv", answers);
  const code = () => write("kids-code.csv", answers.map(([k, g]) => [String(["0", "1", "2", "3个及以上"].indexOf(k!) + 1), String(["男", "女"].indexOf(g!) + 1)]));

  it("validate warns on such a cell (OPTION_AMBIGUOUS): the two export forms cannot be told apart by it", async () => {
    const yaml = join(tmp, "kids.yaml");
    writeFileSync(yaml, "title: 孩子\nquestions:\n  - {id: q1, text: 您有几个孩子, type: single, options: ['0', '1', '2', 3个及以上]}\n  - {id: q2, text: 您的性别, type: single, options: [男, 女]}\n");
    const v = await runCli(["validate", "-s", yaml, text(), "--format", "json"]);
    expect(v.code).toBe(0);
    const problems = JSON.parse(v.stdout).problems;
    expect(problems.OPTION_AMBIGUOUS.count).toBe(3); // the two "1" cells and the "2"; "0" is no option's code
  });

  it("init --from both forms: the check reports that the exports give different counts, instead of a silent success", async () => {
    const dir = join(tmp, "kids-draft");
    const r = await runCli(["init", dir, "--from", text(), "--from", code()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check: warning: the two exports give different counts for q1;/);
  });
});

describe("an export of another version of the questionnaire, numbered otherwise (a question 2、您的学历 added)", () => {
  /** code.csv with a new question 2 and every later question numbered one up: 第6题(志愿服务) … */
  function versionTwo(): string {
    const lines = readFileSync(CODE, "utf8").split("\r\n");
    const out = lines.map((line, i) => {
      if (!line) return line;
      const cells = line.split(",");
      if (i === 0) {
        const renumbered = cells.map((h) => h.replace(/^(\uFEFF?)(\d+)、/, (_, bom: string, n: string) => `${bom}${Number(n) >= 2 ? Number(n) + 1 : n}、`).replace(/^第5题/, "第6题"));
        renumbered.splice(4, 0, "2、您的学历");
        return renumbered.join(",");
      }
      cells.splice(4, 0, String(1 + (i % 3)));
      return cells.join(",");
    });
    const file = join(tmp, "version-two.csv");
    writeFileSync(file, out.join("\r\n"));
    return file;
  }

  it("its 第6题 columns are read as the multi-select between 5、 and 7、 (q5), with a warning, and every count stays", async () => {
    const file = versionTwo();
    expect(readFileSync(file, "utf8").split("\r\n")[0]).toContain("5、您每月用于文化娱乐的支出占收入的比重,第6题(志愿服务)");
    const v = await runCli(["validate", "-s", join(dir, "survey.yaml"), file]);
    expect(v.code).toBe(0);
    const out = v.stdout + v.stderr;
    expect(out).toMatch(/column "第6题\(志愿服务\)": warning HEADER_NUMBERING: the file numbers its questions otherwise than survey.yaml \(its 3、 is q2, numbered 2 there\): the 第6题 columns are read as q5 \(您参加过哪些村里组织的活动\)/);
    expect(out).toMatch(/column "2、您的学历": warning HEADER_UNMATCHED/);
    const t = await runCli(["tally", "-s", join(dir, "survey.yaml"), file, "--format", "json"]);
    const hand = await runCli(["tally", "-s", join(dir, "survey.yaml"), CODE, "--format", "json"]);
    expect(JSON.parse(t.stdout).questions).toEqual(JSON.parse(hand.stdout).questions);
  });
});

describe("a scale listed the other way round (非常不满意 first, as a questionnaire may number it)", () => {
  function definition(scale: string): string {
    const file = join(tmp, "reversed.yaml");
    const text = readFileSync(join(dir, "survey.yaml"), "utf8").replace(/ {2}satisfaction:\n(?: {4}.*\n)+/, scale);
    writeFileSync(file, text);
    return file;
  }

  it("with default scores, or positive codes on 非常不满意, the definition is refused at its line (exit 2), not rates turned upside down", async () => {
    const yaml = definition("  satisfaction:\n    options: [非常不满意, 不太满意, 一般, 比较满意, 非常满意]\n    positive: [1, 2]\n    negative: [4, 5]\n");
    const r = await runCli(["tally", "-s", yaml, CODE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reversed\.yaml:\d+:\d+: error DEF_BAD_CODE: scale satisfaction: 非常满意 scores 1 and 非常不满意 5: means would run the wrong way/);
    expect(r.stderr).toMatch(/error DEF_BAD_CODE: scale satisfaction: positive lists code 1, 非常不满意, a negative answer/);
    expect(r.stderr).toMatch(/error DEF_BAD_CODE: scale satisfaction: negative lists code 5, 非常满意, a positive answer/);
  });

  it("listed in the questionnaire's order with its positive codes and scores, it reads as the usual order does", async () => {
    const yaml = definition("  satisfaction:\n    options: [非常不满意, 不太满意, 一般, 比较满意, 非常满意]\n    positive: [4, 5]\n    negative: [1, 2]\n    scores: [1, 2, 3, 4, 5]\n");
    const reversed = readFileSync(CODE, "utf8").split("\r\n").map((line, i) => {
      if (i === 0 || !line) return line;
      const cells = line.split(",");
      cells[5] = String(6 - Number(cells[5]));
      return cells.join(",");
    });
    const code = join(tmp, "reversed-scale.csv");
    writeFileSync(code, reversed.join("\r\n"));
    const r = await runCli(["tally", "-s", yaml, code, "--format", "json"]);
    expect(r.code).toBe(0);
    const mine = JSON.parse(r.stdout).questions.q3;
    const usual = JSON.parse((await runCli(["tally", "-s", join(dir, "survey.yaml"), CODE, "--format", "json"])).stdout).questions.q3;
    expect([mine.positiveRate, mine.negativeRate, mine.meanScore]).toEqual([usual.positiveRate, usual.negativeRate, usual.meanScore]);
  });
});
