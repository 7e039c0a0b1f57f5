import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { draftSubject, questionKind } from "../src/definition/question-kind.js";
import type { QuestionType } from "../src/definition/model.js";
import { ROOT } from "./helpers/cli.js";
import { loadFixtureSurvey } from "./helpers/read.js";

/** Questions as the seeds (../shared/seeds) and the issue quote them, with the noun phrase a sentence needs. */
const QUOTED: [string, QuestionType, string][] = [
  ["您认为所在基层党组织党建工作中存在的最大困难是", "multi", "所在基层党组织党建工作中存在的最大困难"],
  ["您认为当前基层党建工作中最需要加强的一项工作是", "single", "当前基层党建工作中最需要加强的一项工作"],
  ["您认为当前村党建工作存在的最大困难是", "multi", "当前村党建工作存在的最大困难"],
  ["您對社區服務的滿意程度", "scale", "社區服務"],
  ["現在,您對社區工作未來發展的看法是", "single", "對社區工作未來發展的看法"],
  ["您當初選擇做社工主要是出于何種考慮", "single", "當初選擇做社工主要是出于何種考慮"],
  ["您对社区党组织服务群众工作的满意程度", "scale", "社区党组织服务群众工作"],
  ["请对社区以下各项工作的满意程度作出评价", "matrix", "社区各项工作"],
  ["请对以下方面需要加强的迫切程度排序", "rank", "方面需要加强的迫切程度"],
  ["您所在的社区", "single", "所在社区"],
  ["您的文化程度：", "single", "文化程度"],
  ["请问您的职业是？", "single", "职业"],
  ["8、您平时通过哪些渠道了解政策(多选)", "multi", "平时通过哪些渠道了解政策"],
  ["您觉得社区环境如何", "scale", "社区环境"],
  ["爱好投入占收入比重", "single", "爱好投入占收入比重"],
];

describe("draftSubject: a question as the noun phrase of a sentence", () => {
  it.each(QUOTED)("%s → %s", (text, type, subject) => {
    expect(draftSubject(text, type)).toBe(subject);
  });

  it("leaves no 您, no trailing 是/punctuation and no (多选) in any fixture's question", () => {
    const checked: string[] = [];
    for (const dir of readdirSync(join(ROOT, "fixtures"))) {
      const file = join(dir, "survey.yaml");
      if (!existsSync(join(ROOT, "fixtures", file))) continue;
      for (const q of loadFixtureSurvey(file).questions) {
        const s = draftSubject(q.text, q.type);
        checked.push(s);
        expect(s, q.text).not.toMatch(/^(您|你|请)|[是为:：?？。,，、]$|[(（](可)?多选|最多选/u);
        expect(s.length, q.text).toBeGreaterThan(0);
      }
    }
    expect(checked.length).toBeGreaterThan(30);
  });
});

describe("questionKind: what a question asks about", () => {
  it.each([
    ["您的性别", "single", "background"],
    ["您的年龄", "number", "background"],
    ["月收入", "single", "background"],
    ["您所在的社区", "single", "background"],
    ["爱好投入占收入比重", "single", "fact"],
    ["手机价格", "single", "fact"],
    ["您对社区服务的满意程度", "scale", "evaluation"],
    ["您认为当前村党建工作存在的最大困难是", "multi", "problem"],
    ["您对社区党组织服务群众工作不满意的主要原因是", "text", "problem"],
    ["您对加强社区党建工作的意见和建议", "text", "suggestion"],
    ["请对以下方面需要加强的迫切程度排序", "rank", "suggestion"],
    ["您如何看待社区党组织的作用", "single", "opinion"],
    ["您认为社区党组织发挥作用如何", "single", "opinion"],
  ] as const)("%s (%s) → %s", (text, type, kind) => {
    expect(questionKind({ id: "q", text, type })).toBe(kind);
  });

  it("takes the role question for background whatever its wording", () => {
    expect(questionKind({ id: "q1", text: "您在社区的工作", type: "single" }, "q1")).toBe("background");
  });
});
