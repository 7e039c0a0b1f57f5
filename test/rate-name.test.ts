import { describe, expect, it } from "vitest";
import type { Scale } from "../src/definition/model.js";
import { rateName } from "../src/report/evidence.js";
import { loadTemplate } from "./helpers/report.js";

/** A five-point scale of these labels, the first two positive, as survey.yaml's `scales:` builds it. */
function scale(labels: string[], positive = [1, 2]): Scale {
  return {
    name: "s",
    options: labels.map((label, k) => ({ code: k + 1, label, other: false })),
    positive,
    negative: [4, 5],
    na: [],
    scores: new Map(labels.map((_, k) => [k + 1, labels.length - k])),
  };
}

// positiveRate has one English name (the JSON's) and, in a report, one Chinese name per kind of scale,
// chosen by this one function from what the positive options say (templates' labels.rateNames).
describe("the name of a scale's positive rate (positiveRate)", () => {
  const zh = loadTemplate("zh-research-report");
  const en = loadTemplate("en-research-report");
  const satisfaction = scale(["非常满意", "比较满意", "一般", "不太满意", "很不满意"]);
  const agreement = scale(["非常同意", "同意", "中立", "不同意", "非常不同意"]);
  const approval = scale(["非常赞成", "赞成", "无所谓", "反对", "非常反对"]);
  const importance = scale(["非常重要", "比较重要", "一般", "不太重要", "不重要"]);

  it("is 满意率 for a satisfaction scale, as the seeds say (对社区服务的满意率高达97%)", () => {
    expect(rateName(satisfaction, zh)).toBe("满意率");
    expect(rateName(satisfaction, en)).toBe("satisfaction rate");
  });

  it("is 认同率 for an agreement scale and 赞成率 for an approval scale", () => {
    expect(rateName(agreement, zh)).toBe("认同率");
    expect(rateName(agreement, en)).toBe("agreement rate");
    expect(rateName(approval, zh)).toBe("赞成率");
  });

  it("is decided by the positive options only: 不满意 among the negative ones does not make a 满意 scale", () => {
    const mixed = scale(["非常重要", "比较重要", "一般", "不满意", "很不满意"]);
    expect(rateName(mixed, zh)).toBe("肯定评价比例");
  });

  it("falls back to the template's default for any other scale, or none", () => {
    expect(rateName(importance, zh)).toBe("肯定评价比例");
    expect(rateName(importance, en)).toBe("share of positive answers");
    expect(rateName(undefined, zh)).toBe("肯定评价比例");
  });

  it("reads English labels too, in either case", () => {
    const english = scale(["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"]);
    expect(rateName(english, en)).toBe("satisfaction rate");
    expect(rateName(scale(["Strongly agree", "Agree", "Neutral", "Disagree", "Strongly disagree"]), en)).toBe("agreement rate");
  });
});
