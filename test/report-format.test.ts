import { describe, expect, it } from "vitest";
import { approx, count, fixed, pct, roundHalfAway } from "../src/report/format.js";

describe("approx: idiomatic shares, always true to the number", () => {
  it.each([
    [0.678, "三分之二以上"],
    [0.625, "六成以上"],
    [0.52, "半数以上"],
    [0.48, "近半数"],
    [0.97, "九成以上"],
    [0.5, "半数"],
    [0.6, "六成"],
    [2 / 3, "三分之二"],
    [0.65, "近三分之二"],
    [0.88, "近九成"],
    [0.55, "半数以上"],
    [0.716, "七成以上"],
    [0.31, "三成以上"],
    [0.35, "三分之一以上"],
    [0.76, "四分之三以上"],
    [0.995, "九成以上"],
    [0.05, "不足一成"],
    [0.08, "近一成"],
    [1, "全部"],
    [0, "没有"],
  ])("%s → %s", (x, words) => {
    expect(approx(x)).toBe(words);
  });

  it("never says 以上 of a share above the number, nor 近 of one below it", () => {
    const value: Record<string, number> = {
      一成: 0.1, 两成: 0.2, 四分之一: 0.25, 三成: 0.3, 三分之一: 1 / 3, 四成: 0.4, 半数: 0.5, 六成: 0.6,
      三分之二: 2 / 3, 七成: 0.7, 四分之三: 0.75, 八成: 0.8, 九成: 0.9,
    };
    for (let i = 1; i < 1000; i++) {
      const x = i / 1000;
      const words = approx(x);
      const above = /^(.+)以上$/.exec(words);
      const nearly = /^近(.+)$/.exec(words);
      if (above) expect(value[above[1]!]!, `${x} ${words}`).toBeLessThan(x);
      if (nearly) {
        expect(value[nearly[1]!]!, `${x} ${words}`).toBeGreaterThan(x);
        expect(value[nearly[1]!]! - x, `${x} ${words}`).toBeLessThanOrEqual(0.03 + 1e-9);
      }
      if (words === "不足一成") expect(x).toBeLessThan(0.1);
    }
  });

  it("has English words too", () => {
    expect(approx(0.678, "en")).toBe("more than two thirds");
    expect(approx(0.48, "en")).toBe("nearly half");
  });

  it("writes — for a share with no base", () => {
    expect(approx(null)).toBe("—");
  });
});

describe("pct, count, fixed", () => {
  it("rounds half away from zero", () => {
    expect(pct(0.625)).toBe("62.5%");
    expect(pct(0.00125, 2)).toBe("0.13%");
    expect(pct(0.98765)).toBe("98.8%");
    expect(pct(20 / 22)).toBe("90.9%");
    expect(roundHalfAway(-0.05, 1)).toBe(-0.1);
    expect(fixed(2.345)).toBe("2.35");
    expect(pct(null)).toBe("—");
  });

  it("counts with a unit", () => {
    expect(count(2800, "人")).toBe("2800人");
    expect(count(2800, "respondents", "en")).toBe("2,800 respondents");
    expect(count(undefined)).toBe("—");
  });
});
