import { describe, expect, it } from "vitest";
import { inferDraft, titleFromFile } from "../../src/init/infer.js";
import { matchLikert } from "../../src/definition/likert.js";
import { optionsFromLabels } from "../../src/init/options.js";
import { addCell, emptyProfile } from "../../src/init/profile.js";

/** Profiles of a small table given as rows of cells. */
function draftOf(header: string[], rows: string[][]) {
  const profiles = header.map(() => emptyProfile());
  for (const row of rows) row.forEach((cell, i) => addCell(profiles[i]!, cell));
  return inferDraft(header, profiles, "123456_2_社区服务满意度调查_3_3.csv");
}

const labels = (counts: Record<string, number>) => optionsFromLabels(new Map(Object.entries(counts))).map((o) => (o.other ? `${o.label}*` : o.label));

describe("option order when the questionnaire's is unknown", () => {
  it("ranges by their numbers, 以下 before and 以上 after, unnumbered after those by count, 其他 last", () => {
    expect(labels({ "15000元以上": 40, "3001-5000元": 163, "其他〖自己填〗": 1, "3000元以下": 62, 无收入: 8, "10001-15000元": 98, "不知道/拒绝回答": 2 })).toEqual([
      "3000元以下", "3001-5000元", "10001-15000元", "15000元以上", "无收入", "不知道/拒绝回答", "其他*",
    ]);
  });
  it("an ordinal scale by its numbers with 没有投入 first, whatever the counts (the real export's 爱好投入占收入比重)", () => {
    expect(labels({ "30%左右": 183, "20%左右": 293, "10%左右": 247, "50%左右": 14, "40%左右": 41, 没有投入: 15, "超过50%": 7 })).toEqual([
      "没有投入", "10%左右", "20%左右", "30%左右", "40%左右", "50%左右", "超过50%",
    ]);
    expect(labels({ "60岁以上": 8, "20~24岁": 62, "16岁以下": 1, "16~19岁": 3 })).toEqual(["16岁以下", "16~19岁", "20~24岁", "60岁以上"]);
    expect(labels({ "1-2次": 5, 从不: 9, "3次及以上": 2 })).toEqual(["从不", "1-2次", "3次及以上"]);
  });
  it("男 before 女 whatever the counts; other labels by count", () => {
    expect(labels({ 女: 9, 男: 3 })).toEqual(["男", "女"]);
    expect(labels({ 群众: 5, 党员: 9, 干部: 2 })).toEqual(["党员", "群众", "干部"]);
  });
  it("folds fill-ins and full-width variants into one option", () => {
    expect(labels({ "其他〖a〗": 1, "其他〖b〗": 1, "A（甲）": 2, "A(甲)": 1 })).toEqual(["A(甲)", "其他*"]);
  });
});

describe("Likert label sets", () => {
  it("recognises a family with its not-applicable answer, in the export's wording", () => {
    expect(matchLikert(["满意", "非常满意", "一般", "不满意", "不了解"])).toEqual({
      family: "satisfaction",
      levels: ["非常满意", "满意", "一般", "不满意", "非常不满意"],
      na: ["不了解"],
    });
  });
  it("refuses two wordings of one level, unknown labels, and fewer than three levels", () => {
    expect(matchLikert(["满意", "比较满意", "一般"])).toBeUndefined();
    expect(matchLikert(["非常满意", "一般", "还行"])).toBeUndefined();
    expect(matchLikert(["满意", "不满意"])).toBeUndefined();
  });
});

describe("inferDraft", () => {
  it("recognises a 按选项序号 export: codes become placeholder options, 0/1 columns a multi-select", () => {
    const d = draftOf(
      ["序号", "1、性别", "2、年龄", "第3题(运动)", "第3题(阅读)", "第3题(其他)", "4、您的建议"],
      [
        ["1", "1", "3", "1", "0", "0", "多组织活动"],
        ["2", "2", "5", "0", "1", "1〖钓鱼〗", "-2"],
        ["3", "1", "-3", "1", "1", "0", "希望服务更好一些,办事更方便"],
      ],
    );
    expect(d.form).toBe("code");
    expect(d.idColumn).toBe("序号");
    expect(d.questions.map((q) => [q.id, q.type])).toEqual([["q1", "single"], ["q2", "single"], ["q3", "multi"], ["q4", "text"]]);
    expect(d.questions[1]!.options!.map((o) => o.code)).toEqual([1, 2, 3, 4, 5]);
    expect(d.questions[2]!.options).toEqual([{ code: 1, label: "运动" }, { code: 2, label: "阅读" }, { code: 3, label: "其他", other: true }]);
    expect(d.questions[1]!.check.join()).toMatch(/跳过/);
  });

  it("takes ids from id-like headers and says the texts are missing", () => {
    const d = draftOf(["q1", "q2"], [["男", "12"], ["女", "30"], ["男", "45"]]);
    expect(d.header).toBe("id");
    expect(d.questions.map((q) => [q.id, q.type])).toEqual([["q1", "single"], ["q2", "number"]]);
    expect(d.questions[0]!.check.join()).toMatch(/没有题目文字/);
  });

  it("reads numbers with a unit, and marks min/max as taken from the data", () => {
    const d = draftOf(["3、您的年龄"], [["45岁"], ["61"], ["38岁"]]);
    expect(d.questions[0]).toMatchObject({ type: "number", min: 38, max: 61, integer: true, unit: "岁" });
    expect(d.questions[0]!.check.join()).toMatch(/min 38 和 max 61/);
  });
});

describe("titleFromFile", () => {
  it("keeps the title part of a 问卷星 download name", () => {
    expect(titleFromFile("/x/123456_2_社区服务满意度调查_800_800.xls")).toBe("社区服务满意度调查");
    expect(titleFromFile("C:\\data\\调查_按文本.csv")).toBe("调查");
    expect(titleFromFile("answers.csv")).toBe("answers");
  });
});
