import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { isOrdinal } from "../src/definition/ordinal.js";
import { ROOT, runCli } from "./helpers/cli.js";

/**
 * Option order is the questionnaire's (issue 15, item 3): the appendix's bar charts sort choices by
 * count, except the role list and ordered amounts (ages, shares), which keep the order of survey.yaml.
 */
const tmp = mkdtempSync(join(tmpdir(), "survey-order-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The categories of every chart in a .docx, in the order its chart parts list them. */
function chartCategories(docx: string): string[][] {
  const zip = unzipSync(readFileSync(docx));
  return Object.keys(zip)
    .filter((n) => /^word\/charts\/chart\d+\.xml$/.test(n))
    .sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]))
    .map((n) => {
      const cat = /<c:cat>[\s\S]*?<\/c:cat>/.exec(strFromU8(zip[n]!))?.[0] ?? "";
      return [...cat.matchAll(/<c:v>(.*?)<\/c:v>/g)].map((m) => m[1]!);
    });
}

/**
 * The order a reader sees: these are horizontal bar charts, whose chart part lists the categories from
 * the bottom up (so the first is drawn at the top). The activities, sorted by count, confirm it.
 */
const shown = (xml: string[] | undefined) => [...(xml ?? [])].reverse();

describe("charts keep the questionnaire's order for the role list and ordered amounts", () => {
  it("survey report on fixtures/two-forms: 身份, 年龄段 and 支出比重 as listed; the activities by count", async () => {
    const out = join(tmp, "r.docx");
    const r = await runCli(["report", "-s", "fixtures/two-forms/survey.yaml", "fixtures/two-forms/code.csv", "-o", out]);
    expect(r.code).toBe(0);
    const charts = chartCategories(out);
    const find = (label: string) => charts.find((c) => c.includes(label) && c.length > 1 && !c.some((x) => x.includes("n=")));
    // 志愿服务 7, 文艺演出 7, 其他 2, 技能培训 0: by count.
    expect(shown(find("技能培训"))).toEqual(["志愿服务", "文艺演出", "其他", "技能培训"]);
    // 群众 7, 党员 3, 村干部 2 — by count it would be the other way round.
    expect(shown(find("村干部"))).toEqual(["村干部", "党员", "群众"]);
    expect(shown(find("18岁以下"))).toEqual(["18岁以下", "18~30岁", "31~45岁", "46~60岁", "60岁以上"]);
    expect(shown(find("没有投入"))).toEqual(["没有投入", "10%以下", "10%~30%", "30%~50%", "50%以上"]);
  }, 30_000);

  it("isOrdinal: amounts listed rising (其他 aside) are ordered; a list by count or without numbers is not", () => {
    const labels = (...l: string[]) => l.map((label) => ({ label }));
    expect(isOrdinal(labels("没有投入", "10%左右", "20%左右", "超过50%"))).toBe(true);
    expect(isOrdinal(labels("3000元以下", "3001-5000元", "15000元以上", "无收入", "不知道/拒绝回答"))).toBe(true);
    expect(isOrdinal([...labels("0-799元", "800-999元", "免费赠送的"), { label: "其他【请注明】", other: true }])).toBe(true);
    expect(isOrdinal(labels("20~24岁", "16~19岁", "60岁以上"))).toBe(false);
    expect(isOrdinal(labels("运动", "阅读", "影视"))).toBe(false);
    expect(isOrdinal(labels("男", "女"))).toBe(false);
  });
});
