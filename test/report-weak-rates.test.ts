import { describe, expect, it } from "vitest";
import { WEAK_IN_DETAIL, weakVars } from "../src/report/evidence.js";
import { sentence } from "../src/report/template.js";
import { mulberry32 } from "../src/tally/exact.js";
import { loadTemplate } from "./helpers/report.js";

/**
 * The sentence on weak evaluations (scaleWeak) names every weak evaluation once: the first three one by
 * one, the rest together with the range of their rates. A claim it makes of the rest ("也仅在a～b之间")
 * must hold for each of them, over generated lists of evaluations.
 */

const zh = loadTemplate("zh-research-report");
const en = loadTemplate("en-research-report");

/** A seeded generator, so that a failure can be replayed. */
const random = mulberry32;

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

function items(rand: () => number, n: number) {
  const list = Array.from({ length: n }, (_, i) => {
    const small = rand() < 0.1;
    const rate = Math.round(rand() * 800) / 1000;
    return {
      subject: `“事项${i + 1}”`,
      rate,
      rateName: rand() < 0.9 ? "满意率" : "认同率",
      small,
      base: small ? 8 : 120,
      positiveCount: small ? 3 : Math.round(rate * 120),
      positive: [{ label: "满意", pct: rate }],
      negativeRate: 0.1,
      negative: ["不满意"],
      change: rand() < 0.1 ? "比2025年提高3.0个百分点" : "",
    };
  });
  return list.sort((a, b) => a.rate - b.rate);
}

describe("scaleWeak names each weak evaluation once, and the range it gives the rest is true", () => {
  it("over 500 generated lists of 1 to 10 evaluations", () => {
    const rand = random(20261205);
    let grouped = 0;
    for (let run = 0; run < 500; run++) {
      const list = items(rand, 1 + Math.floor(rand() * 10));
      const vars = weakVars(list);
      const text = sentence(zh, "scaleWeak", vars);
      // every subject appears exactly once
      for (const s of list) expect(text.split(s.subject).length - 1, text).toBe(1);
      if (!vars.rest) {
        expect(vars.lead).toEqual(list);
        continue;
      }
      grouped++;
      const rest = list.slice(WEAK_IN_DETAIL);
      expect(rest.length).toBeGreaterThanOrEqual(2);
      // only rates of one name, none of a small base, none with a change to say, are named together
      expect(rest.every((s) => !s.small && !s.change && s.rateName === vars.rest!.rateName)).toBe(true);
      const range = /的(满意率|认同率)(也仅在|在)(\d+\.\d%)～(\d+\.\d%)之间。$/.exec(text);
      expect(range, text).not.toBeNull();
      const [, name, verb, low, high] = range!;
      expect(name).toBe(vars.rest.rateName);
      expect(low).toBe(pct(Math.min(...rest.map((s) => s.rate))));
      expect(high).toBe(pct(Math.max(...rest.map((s) => s.rate))));
      // "仅" only when every one of them is under six in ten
      expect(verb === "也仅在").toBe(rest.every((s) => s.rate < 0.6));
      // the English template says the same range
      expect(sentence(en, "scaleWeak", vars)).toContain(`between ${low} and ${high}.`);
    }
    expect(grouped).toBeGreaterThan(50);
  });

  it("keeps every evaluation in `items`, for templates written before `lead` and `rest`", () => {
    const list = items(random(7), 8);
    expect(weakVars(list).items).toEqual(list);
  });
});
