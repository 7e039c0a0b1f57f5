import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import { buildReport } from "../src/report/build.js";
import type { Block } from "../src/report/model.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { chiSquareTest } from "../src/tally/stats.js";
import { ROOT } from "./helpers/cli.js";
import { loadTemplate } from "./helpers/report.js";
import { loadFixtureSurvey } from "./helpers/read.js";

/**
 * A weighted report (issue 17, item 4): shares weighted, numbers of people not, each said so; groups
 * compared at their effective sizes, so weights that make a sample worth fewer people cannot make a
 * difference 明显 that the sample does not support.
 */
const zh = loadTemplate("zh-research-report");

function texts(blocks: Block[]): string[] {
  return blocks.flatMap((b) =>
    b.kind === "paragraph" ? [b.runs.map((r) => r.text).join("")] : b.kind === "table" ? [[b.header, ...b.rows, ...(b.footer ? [b.footer] : [])].map((r) => r.join("|")).join("/")] : [],
  );
}

describe("the report of fixtures/weights", () => {
  it("gives weighted shares of real numbers of people, and says so", async () => {
    const survey = loadFixtureSurvey("weights/survey.yaml");
    const tally = await tallySurvey(survey, [{ path: join(ROOT, "fixtures/weights/answers.csv"), name: "answers.csv" }]);
    const body = texts(buildReport(tally, survey, zh).body);
    // 6 men and 4 women; their weights add up to 6.5 and 5.5 of 12
    expect(body).toContain("参与本次调研的有男性6人，女性4人，加权后分别占54.2%、45.8%。");
    expect(body).toContain("性别|人数|加权比例/男|6|54.2%/女|4|45.8%/本题有效填写人次|10|");
    expect(body).toContain("从评价结果看，被调查者对社区服务的满意率仅为54.2%，16.7%的被调查者表示“不满意”。");
    const note = body.find((t) => t.startsWith("说明："))!;
    expect(note).toContain("本报告按权重列“权重”对问卷加权，比例均为加权比例（以本题有效填写人次的权重之和为基数），人数为实际填答人数（未加权），加权后的有效样本量为8.7（设计效应1.15）");
    // the largest margin is on the effective size: 满意 54.2% at n_eff 8.73, not at 10 people
    expect(note).toMatch(/抽样误差不超过±(\d+\.\d)个百分点/);
  });

  it("names the raking questions by their subjects", async () => {
    const survey = loadFixtureSurvey("weights/survey-rake.yaml");
    const tally = await tallySurvey(survey, [{ path: join(ROOT, "fixtures/weights/answers.csv"), name: "answers.csv" }]);
    const note = texts(buildReport(tally, survey, zh).body).find((t) => t.startsWith("说明："))!;
    expect(note).toContain("本报告按性别、年龄段的总体构成（迭代比例拟合）对问卷加权");
  });
});

describe("differences under weights", () => {
  // Two groups of 40: 24 (60%) and 14 (35%) chose 是, a 25-point gap, significant unweighted (p = 0.025).
  // Weighted, five people of each group weigh 10 (group 甲: 3 of its 是 and 2 of its 否; group 乙: 2 and 3):
  // 甲 is 51 of 85 = 60.0%, 乙 32 of 85 = 37.6%, nearly the same gap, but each group's effective size is
  // 85² / (5 × 100 + 35) = 13.5: tested at that size the gap is not significant, so it is not called 明显.
  const yaml = `title: 加权差异测试
role: g
data:
  weight_column: w
questions:
  - {id: g, text: 您所在的组, type: single, options: [甲, 乙]}
  - {id: q, text: 您是否参加过活动, type: single, options: [是, 否]}
`;
  function csv(weights: boolean): string {
    const rows = ["g,q,w"];
    const add = (g: string, yes: number, n: number, heavyYes: number, heavyNo: number) => {
      for (let i = 0; i < n; i++) {
        const q = i < yes ? "是" : "否";
        const heavy = q === "是" ? i < heavyYes : i - yes < heavyNo;
        rows.push(`${g},${q},${weights && heavy ? 10 : 1}`);
      }
    };
    add("甲", 24, 40, 3, 2);
    add("乙", 14, 40, 2, 3);
    return `${rows.join("\n")}\n`;
  }
  async function difference(weights: boolean) {
    const dir = mkdtempSync(join(tmpdir(), "weights-diff-"));
    writeFileSync(join(dir, "a.csv"), csv(weights));
    const survey = parseSurvey(yaml, "survey.yaml").survey!;
    const tally = await tallySurvey(survey, [{ path: join(dir, "a.csv"), name: "a.csv" }]);
    const model = buildReport(tally, survey, zh);
    return { tally, finding: model.findings!.find((f) => f.kind === "difference"), body: texts(model.body).join("\n") };
  }

  it("is 明显 unweighted: 60% against 35% of 40 each", async () => {
    expect(chiSquareTest([[24, 16], [14, 26]])!.p).toBeCloseTo(0.0252, 3);
    const { finding, body } = await difference(false);
    expect(finding).toMatchObject({ kind: "difference", pairP: expect.closeTo(0.0252, 3) });
    expect(finding!.omitted).toBeUndefined();
    expect(body).toContain("差异明显");
  });

  it("is tested at the effective sizes under weights, and not called 明显 when they do not support it", async () => {
    const { tally, finding, body } = await difference(true);
    const [a, b] = tally.questions.q!.byRole!;
    expect([a!.options[0]!.pct, b!.options[0]!.pct]).toEqual([51 / 85, 32 / 85]);
    const n = (85 * 85) / 535;
    expect(a!.effectiveBase).toBeCloseTo(n, 9);
    const test = chiSquareTest([51 / 85, 32 / 85].map((p) => [p * n, (1 - p) * n]))!;
    expect(test.p).toBeGreaterThan(0.05);
    expect(finding).toMatchObject({ kind: "difference", pairP: expect.closeTo(test.p, 9), omitted: expect.any(String) });
    expect(body).not.toContain("明显");
    // tested as if the weights were 85 people a group, the same shares would pass for significant
    expect(chiSquareTest([51 / 85, 32 / 85].map((p) => [p * 85, (1 - p) * 85]))!.p).toBeLessThan(0.05);
  });
});
