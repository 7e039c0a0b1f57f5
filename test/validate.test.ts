import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

const bad = ["validate", "-s", "fixtures/bad-data/survey.yaml", "fixtures/bad-data/answers.csv"];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "survey-validate-"));
}

describe("survey validate", () => {
  it("reports every data problem with its code, spreadsheet row and column header", async () => {
    const run = await runCli([...bad, "--format", "json", "--examples", "50"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    const found = Object.values(result.problems as Record<string, { examples: { code: string; row?: number; column?: string }[] }>)
      .flatMap((p) => p.examples)
      .map((d) => `${d.code}@${d.row}${d.column ? `:${d.column}` : ""}`)
      .sort();
    expect(found).toEqual(
      [
        "HEADER_UNMATCHED@1:备注",
        "UNKNOWN_OPTION@3:您的身份是",
        "NOT_A_NUMBER@4:您的年龄",
        "NOT_AN_INTEGER@5:您的年龄",
        "OUT_OF_RANGE@6:您的年龄",
        "TOO_MANY_CHOICES@7:您认为最大困难是",
        "RANK_REPEATED@8:请对以下困难排序",
        "ANSWERED_WHEN_SKIPPED@9:您不满意的原因是",
        "REQUIRED_MISSING@10:您的身份是",
        "ROW_WIDTH@11",
        "DUPLICATE_ID@12",
        "ROW_EMPTY@13",
        "BAD_DURATION@14:所用时间",
        "TOO_FEW_ANSWERS@14",
        "SPEEDER@15",
      ].sort(),
    );
  });

  it("summarises rows read, valid and invalid by reason", async () => {
    const run = await runCli(bad);
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe("13 rows read: 11 valid, 2 invalid (重复提交 1, 作答题数不足 1); 9 errors, 6 warnings");
    expect(run.stderr).toContain('fixtures/bad-data/answers.csv:row 3, column "您的身份是": error UNKNOWN_OPTION: "干部" is not an option of role');
    expect(run.stderr).not.toMatch(/\u001b\[/); // no colour when not a terminal
  });

  it("counts a JSON summary a script can use", async () => {
    const result = JSON.parse((await runCli([...bad, "--format", "json"])).stdout);
    expect(result).toMatchObject({
      returned: 13,
      valid: 11,
      invalid: 2,
      invalidReasons: { duplicate: 1, too_few_answers: 1 },
      medianDuration: 100,
      errors: 9,
      screening: { speeders: [{ file: "fixtures/bad-data/answers.csv", row: 15 }], straightliners: [] },
    });
    expect(result.problems.UNKNOWN_OPTION).toMatchObject({ severity: "error", count: 1 });
  });

  it("leaves speeders out when invalid_if says so", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "survey.yaml"), "title: t\ndata: {invalid_if: {speeder: 0.3}}\nquestions:\n  - {id: q1, text: 评价, type: single, options: [好, 差]}\n");
    writeFileSync(join(dir, "a.csv"), "所用时间,评价\n100秒,好\n90秒,差\n5秒,好\n1分40秒,好\n");
    const run = await runCli(["validate", "--format", "json"].concat(["-s", "survey.yaml", "a.csv"]), { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ returned: 4, valid: 3, invalidReasons: { speeder: 1 }, medianDuration: 95 });
  });

  it("flags straight-lining on a matrix of five rows", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "survey.yaml"),
      "title: t\nscales: {s: {options: [好, 中, 差]}}\nquestions:\n  - {id: m, text: 评价, type: matrix, scale: s, rows: [a, b, c, d, e]}\n",
    );
    writeFileSync(join(dir, "a.csv"), "m.1,m.2,m.3,m.4,m.5\n好,好,好,好,好\n好,中,好,好,好\n");
    const result = JSON.parse((await runCli(["validate", "--format", "json", "-s", "survey.yaml", "a.csv"], { cwd: dir })).stdout);
    expect(result.screening.straightliners).toEqual([{ file: "a.csv", row: 2 }]);
    expect(result.valid).toBe(2); // reported, not left out: invalid_if.straightline is not set
  });

  it("reports stray quotes, missing and duplicate columns, skip markers that contradict when, too few choices", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "survey.yaml"),
      [
        "title: t",
        "questions:",
        "  - {id: q1, text: 满意吗, type: single, options: [是, 否]}",
        "  - {id: q2, text: 原因, type: multi, options: [a, b, c], min_choices: 2, when: 'q1 == \"否\"'}",
        "  - {id: q3, text: 年龄, type: number}",
      ].join("\n"),
    );
    writeFileSync(join(dir, "a.csv"), '满意吗,原因,满意吗\n否,a,是\n否,(跳过),否\n是,"b,是\n');
    const run = await runCli(["validate", "--format", "json", "--examples", "9", "-s", "survey.yaml", "a.csv"], { cwd: dir });
    expect(run.code).toBe(1);
    const problems = JSON.parse(run.stdout).problems;
    expect(problems.HEADER_MISSING.examples[0]).toMatchObject({ row: 1, message: expect.stringContaining("q3") });
    expect(problems.HEADER_DUPLICATE.examples[0]).toMatchObject({ row: 1, column: "满意吗" });
    expect(problems.TOO_FEW_CHOICES.examples[0]).toMatchObject({ row: 2, column: "原因" });
    expect(problems.SKIPPED_WHEN_ASKED.examples[0]).toMatchObject({ row: 3, column: "原因" });
    expect(problems.CSV_PARSE.examples[0]).toMatchObject({ row: 4 });
  });

  it("exits 0 on clean data and reads globs itself", async () => {
    const run = await runCli(["validate", "-s", "fixtures/all-types/survey.yaml", "fixtures/all-types/answers-*.csv"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^12 rows read from 2 files: 12 valid, 0 invalid; 0 errors, 2 warnings/);
  });

  it("uses data.files relative to survey.yaml when no file is named", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "survey.yaml"), "title: t\ndata: {files: ['answers/*.csv']}\nquestions:\n  - {id: q1, text: 评价, type: single, options: [好, 差]}\n");
    mkdirSync(join(dir, "answers"));
    writeFileSync(join(dir, "answers", "a.csv"), "评价\n好\n");
    writeFileSync(join(dir, "answers", "b.csv"), "评价\n差\n");
    const run = await runCli(["validate", "-s", join(dir, "survey.yaml")], { cwd: tmpdir() });
    expect(run.stdout).toMatch(/^2 rows read from 2 files: 2 valid/);
  });
});
