import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tallyState, tallySurvey } from "../src/pipeline/index.js";
import { keywords } from "../src/pipeline/segmenter.js";
import { finalize } from "../src/tally/index.js";
import type { TallyResult } from "../src/tally/types.js";
import { ROOT } from "./helpers/cli.js";
import { loadFixtureSurvey } from "./helpers/read.js";

/**
 * fixtures/tally-basic: ten valid questionnaires and one duplicate. Every expected value below is worked
 * out by hand from answers.csv (the working is in the comments), not by the code under test.
 */
const survey = loadFixtureSurvey("tally-basic/survey.yaml");
const file = { path: join(ROOT, "fixtures/tally-basic/answers.csv"), name: "answers.csv" };
const result: Promise<TallyResult> = tallySurvey(survey, [file]);

/**
 * The 95% Wilson interval of x of n as the roots of (x/n − π)² = z²π(1 − π)/n (test/tally-intervals checks
 * the formula itself against published values); `ci` matches an interval computed by the tally to 12 digits.
 */
function ci(x: number, n: number) {
  const z2 = 1.959963984540054 ** 2;
  const p = x / n;
  const a = 1 + z2 / n;
  const b = 2 * p + z2 / n;
  const d = Math.sqrt(b * b - 4 * a * p * p);
  const [lo, hi] = [(b - d) / (2 * a), (b + d) / (2 * a)];
  return expect.toSatisfy((v: unknown) => Array.isArray(v) && Math.abs(v[0] - lo) < 1e-12 && Math.abs(v[1] - hi) < 1e-12, `ci95 of ${x}/${n}`);
}

describe("tally of fixtures/tally-basic, checked by hand", () => {
  it("counts questionnaires: 11 returned, the duplicate id 10 invalid, rates over issued 12", async () => {
    const r = (await result).responses;
    expect(r).toEqual({
      issued: 12,
      returned: 11,
      valid: 10,
      invalid: 1,
      responseRate: 11 / 12,
      validRate: 10 / 11,
      effectiveRate: 10 / 12,
      invalidReasons: { duplicate: 1 },
      bySource: { "answers.csv": { returned: 11, valid: 10 } },
    });
  });

  it("counts roles over the 9 who answered the role question (row 9 left it blank)", async () => {
    expect((await result).roles).toEqual({
      question: "role",
      counts: [
        { code: 1, label: "党员", count: 5, pct: 5 / 9, ci95: ci(5, 9) },
        { code: 2, label: "群众", count: 4, pct: 4 / 9, ci95: ci(4, 9) },
        { code: 3, label: "干部", count: 0, pct: 0, ci95: ci(0, 9) },
      ],
    });
  });

  it("gives a scale question its distribution over the base (answered 10 − one 不了解), rates, mean and sd", async () => {
    const q = (await result).questions.sat!;
    expect([q.answered, q.skipped, q.missing, q.base]).toEqual([10, 0, 0, 9]);
    // codes 1,4,6,5,2,3,1,2,2,4 → 1:2 2:3 3:1 4:2 5:1 6(na):1
    expect(q.options!.map((o) => [o.count, o.pct])).toEqual([
      [2, 2 / 9],
      [3, 3 / 9],
      [1, 1 / 9],
      [2, 2 / 9],
      [1, 1 / 9],
      [1, null],
    ]);
    expect(q.positiveRate).toBe(5 / 9);
    expect(q.negativeRate).toBe(3 / 9);
    // scores 6..1 by code: 6,6,5,5,5,4,3,3,2 → Σ 39 / 9; Σ(x − 13/3)² = 16, var 16/8 = 2
    expect(q.meanScore).toBeCloseTo(39 / 9, 12);
    expect(q.sdScore).toBeCloseTo(Math.SQRT2, 12);
  });

  it("breaks a scale down by role and tests independence without the empty role and the na option", async () => {
    const q = (await result).questions.sat!;
    const [party, mass, cadre] = q.byRole!;
    // 党员 rows 1,3,5,7,10: codes 1,6,2,1,4 → base 4, positive 3, scores 6,5,6,3
    expect([party!.base, party!.positiveRate, party!.meanScore]).toEqual([4, 3 / 4, 5]);
    // 群众 rows 2,4,6,8: codes 4,5,3,2 → scores 3,2,4,5
    expect([mass!.base, mass!.positiveRate, mass!.meanScore]).toEqual([4, 1 / 4, 3.5]);
    expect([cadre!.base, cadre!.positiveRate, cadre!.meanScore]).toEqual([0, null, null]);
    expect(party!.options.map((o) => o.count)).toEqual([2, 1, 0, 1, 0, 1]);
    // Table 2×5 (干部 and 不了解 dropped): rows [2,1,0,1,0], [0,1,1,1,1]; E = col/2 = [1,1,.5,1,.5];
    // χ² = 2 per row = 4, df = 4, V = √(4 / 8); every expected count is below 5, so p is Fisher's:
    // with margins 4, 4 / 2, 2, 1, 2, 1 a table is fixed by its first row a, P(a) = Π C(c_j, a_j) / C(8, 4);
    // the observed [2,1,0,1,0] has Π = 1·2·1·2·1 = 4 of 70. Of the 26 first rows summing to 4, Π is 1 for 6,
    // 2 for 12, 4 for 6 and 8 for 2 (6 + 24 + 24 + 16 = 70): p = (6 + 24 + 24) / 70 = 54/70.
    // (Pearson's p would be 3e^−2 = 0.406.)
    const c = q.chiSquare!;
    expect(c.method).toBe("fisher");
    expect(c.statistic).toBeCloseTo(4, 12);
    expect(c.df).toBe(4);
    expect(c.p).toBeCloseTo(54 / 70, 12);
    expect(c.cramersV).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(c.lowExpected).toBe(true);
  });

  it("gives multi-select 普及率 over respondents and 响应率 over selections, with fill-ins", async () => {
    const q = (await result).questions.diff!;
    expect([q.answered, q.missing, q.base]).toEqual([9, 1, 9]);
    // 缺钱 6, 缺人 4, 缺场地 4, 其他 1 → 15 selections
    expect(q.options).toEqual([
      { code: 1, label: "缺钱", count: 6, pctOfRespondents: 6 / 9, ci95: ci(6, 9), pctOfSelections: 6 / 15 },
      { code: 2, label: "缺人", count: 4, pctOfRespondents: 4 / 9, ci95: ci(4, 9), pctOfSelections: 4 / 15 },
      { code: 3, label: "缺场地", count: 4, pctOfRespondents: 4 / 9, ci95: ci(4, 9), pctOfSelections: 4 / 15 },
      { code: 9, label: "其他", count: 1, pctOfRespondents: 1 / 9, ci95: ci(1, 9), pctOfSelections: 1 / 15, others: ["没有活动室"] },
    ]);
    // 党员 answered rows 1,3,5,10 (7 blank): 缺钱 4, 缺人 2, 缺场地 2
    expect(q.byRole![0]!.base).toBe(4);
    expect(q.byRole![0]!.options.map((o) => [o.count, o.pctOfRespondents])).toEqual([
      [4, 1],
      [2, 0.5],
      [2, 0.5],
      [0, 0],
    ]);
    expect(q.chiSquare).toBeNull();
  });

  it("counts each matrix row as a scale question, and the matrix once per questionnaire", async () => {
    const q = (await result).questions.mx!;
    expect([q.type, q.answered, q.skipped, q.missing, q.base]).toEqual(["matrix", 10, 0, 0, 10]);
    const r1 = q.rows!["mx.1"]!;
    // 1,3,6,5,2,3,1,2,3,4 → 1:2 2:2 3:3 4:1 5:1 6:1; scores 6,6,5,5,4,4,4,3,2: Σ 39, Σ(x − x̄)² = 14
    expect([r1.label, r1.base, r1.positiveRate, r1.negativeRate]).toEqual(["教育管理", 9, 4 / 9, 2 / 9]);
    expect(r1.meanScore).toBeCloseTo(13 / 3, 12);
    expect(r1.sdScore).toBeCloseTo(Math.sqrt(14 / 8), 12);
    const r2 = q.rows!["mx.2"]!;
    // 2,4,3,5,2,3,1,3,2,5 → no na, base 10; positive 1+3, negative 1+2; Σ scores 40
    expect([r2.base, r2.positiveRate, r2.negativeRate, r2.meanScore]).toEqual([10, 0.4, 0.3, 4]);
    expect(r2.byRole).toHaveLength(3);
    expect(r2.chiSquare?.df).toBe(4);
  });

  it("ranks with positions, mean position and 问卷星's 综合得分", async () => {
    const q = (await result).questions.rk!;
    expect([q.answered, q.missing]).toEqual([9, 1]);
    // 经费 1st ×4, 2nd ×3, 3rd ×2: mean (4 + 6 + 6)/9; score (4·3 + 3·2 + 2·1)/9
    expect(q.ranks!.map((r) => [r.label, r.positions, r.meanPosition, r.score])).toEqual([
      ["经费", [4, 3, 2], 16 / 9, 20 / 9],
      ["人员", [3, 4, 2], 17 / 9, 19 / 9],
      ["场地", [2, 2, 5], 21 / 9, 15 / 9],
    ]);
    // 党员 ranked in rows 1, 5, 7, 10 (row 3 blank): 经费 1st ×3 and 2nd ×1 → (3·3 + 1·2)/4;
    // 人员 2nd ×2, 3rd ×2 → 6/4; 场地 1st ×1, 2nd ×1, 3rd ×2 → 7/4
    const party = q.byRole![0]!;
    expect([party.base, party.ranks!.map((r) => r.score)]).toEqual([4, [11 / 4, 6 / 4, 7 / 4]]);
    expect(party.options.map((o) => o.count)).toEqual([4, 4, 4]);
    expect(q.byRole![2]!.ranks!.map((r) => r.score)).toEqual([null, null, null]);
    expect(q.chiSquare).toBeNull();
  });

  it("summarises a number question and counts its bins (upper bounds inclusive)", async () => {
    const q = (await result).questions.age!;
    // 25 28 30 31 35 40 44 45 52 61: Σ 391, Σx² 16481 → Σ(x − x̄)² = 1192.9
    expect([q.n, q.mean, q.median, q.min, q.max]).toEqual([10, 39.1, 37.5, 25, 61]);
    expect(q.sd).toBeCloseTo(Math.sqrt(1192.9 / 9), 10);
    expect(q.bins).toEqual([
      { label: "30岁及以下", count: 3, pct: 0.3, ci95: ci(3, 10) },
      { label: "31-40岁", count: 3, pct: 0.3, ci95: ci(3, 10) },
      { label: "41岁及以上", count: 4, pct: 0.4, ci95: ci(4, 10) },
    ]);
  });

  it("keeps open answers in order, counts skips, and finds whole words with jieba", async () => {
    const q = (await result).questions.why!;
    expect([q.answered, q.skipped, q.missing]).toEqual([3, 7, 0]);
    expect(q.answers).toEqual(["活动太少", "服务态度差,办事慢", "停车位不足"]);
    const words = q.keywords!.map((k) => k.word);
    expect(words).toContain("停车位");
    expect(words.every((w) => [...w].length >= 2)).toBe(true);
    expect(q.keywords!.every((k) => k.count === 1)).toBe(true);
  });

  it("computes Cronbach's alpha over complete cases (row 3 has 不了解) with alpha if deleted", async () => {
    const g = (await result).groups.service!;
    // complete cases' scores (sat, mx.1, mx.2), worked out from the rows above
    const cases = [
      [6, 6, 5],
      [3, 4, 3],
      [2, 2, 2],
      [5, 5, 5],
      [4, 4, 4],
      [6, 6, 6],
      [5, 5, 4],
      [5, 4, 5],
      [3, 3, 2],
    ];
    expect(g.n).toBe(9);
    expect(g.items).toEqual(["sat", "mx.1", "mx.2"]);
    expect(g.alpha).toBeCloseTo(naiveAlpha(cases), 12);
    expect(g.alphaIfDeleted["sat"]).toBeCloseTo(naiveAlpha(cases.map((c) => [c[1]!, c[2]!])), 12);
    expect(g.alphaIfDeleted["mx.2"]).toBeCloseTo(naiveAlpha(cases.map((c) => [c[0]!, c[1]!])), 12);
  });

  it("keeps the §6 shape: per-type fields only for their type, nulls for empty bases, no NaN", async () => {
    const r = await result;
    expect(r.schemaVersion).toBe(1);
    expect(Object.keys(r)).toEqual(["schemaVersion", "survey", "responses", "roles", "questions", "groups", "screening", "problems", "_state"]);
    expect(r.questions.role!.meanScore).toBeUndefined();
    expect(r.questions.diff!.options![0]!.pct).toBeUndefined();
    expect(r.questions.sat!.n).toBeUndefined();
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(r.problems.map((p) => [p.code, p.row])).toEqual([["DUPLICATE_ID", 12]]);
  });
});

/** α = k/(k − 1) (1 − Σ var(item) / var(total)), from the cases themselves (two-pass sample variances). */
function naiveAlpha(cases: number[][]): number {
  const variance = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  };
  const k = cases[0]!.length;
  let items = 0;
  for (let j = 0; j < k; j++) items += variance(cases.map((c) => c[j]!));
  return (k / (k - 1)) * (1 - items / variance(cases.map((c) => c.reduce((a, b) => a + b, 0))));
}

describe("edge cases", () => {
  it("gives null for every rate and summary when no questionnaire is valid, never NaN or a crash", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = join(mkdtempSync(join(tmpdir(), "survey-empty-")), "empty.csv");
    writeFileSync(path, "序号,1、您的身份是：,2、您对社区服务的满意程度\n");
    const t = await tallySurvey(survey, [{ path, name: "empty.csv" }]);
    expect(t.responses.validRate).toBeNull();
    expect(t.responses.responseRate).toBe(0);
    expect(t.roles!.counts.every((c) => c.pct === null)).toBe(true);
    const sat = t.questions.sat!;
    expect([sat.positiveRate, sat.meanScore, sat.sdScore, sat.chiSquare]).toEqual([null, null, null, null]);
    expect([t.questions.age!.mean, t.questions.rk!.ranks![0]!.score, t.groups.service!.alpha]).toEqual([null, null, null]);
    expect(JSON.stringify(t)).not.toMatch(/NaN|Infinity/);
  });

  it("keeps the statistics code pure: nothing under src/tally reads files or touches the process", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const files = readdirSync(join(ROOT, "src/tally"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(join(ROOT, "src/tally", f), "utf8");
      expect(text, f).not.toMatch(/from "node:fs|from "fs"|\bprocess\.|from "commander"/);
    }
  });
});

describe("keywords of open answers, counted as they are read", () => {
  // The example project has two open questions. Keywords are counted while reading (in the threads that
  // read, on big files) and must be those of the answers listed, counted as one list.
  const example = loadFixtureSurvey("example/survey.yaml");
  const answers = { path: join(ROOT, "fixtures/example/answers.csv"), name: "answers.csv" };

  it("are the keywords of the answers listed, in an ordinary field after them", async () => {
    const r = await tallySurvey(example, [answers]);
    const open = Object.values(r.questions).filter((q) => q.type === "text");
    expect(open).toHaveLength(2);
    for (const q of open) {
      expect(q.keywords).toEqual(keywords(q.answers!));
      expect(Object.getOwnPropertyDescriptor(q, "keywords")?.value).toBe(q.keywords);
      expect(Object.keys(q).indexOf("keywords")).toBe(Object.keys(q).indexOf("answers") + 1);
    }
    expect(open[0]!.keywords!.length).toBeGreaterThan(0);
  });

  it("are the same, with the same counts, when the output lists no answer", async () => {
    const listed = await tallySurvey(example, [answers]);
    const counted = await tallySurvey(example, [answers], { answers: false });
    for (const [id, q] of Object.entries(listed.questions)) {
      if (q.type !== "text") continue;
      const { answers: texts, ...rest } = q;
      expect(counted.questions[id]).toEqual(rest);
      expect(counted.questions[id]!.answered).toBe(texts!.length);
    }
  });

  it("are counted again from the answers of a state that has none (a saved tally)", async () => {
    const state = await tallyState(example, [answers]);
    const whole = finalize(state, { keepState: false });
    for (const item of state.items) item.words = undefined;
    expect(() => finalize(state)).toThrow(/segmenter/);
    const { answerWords } = await import("../src/pipeline/segmenter.js");
    expect(finalize(state, { keepState: false, wordsOf: answerWords })).toEqual(whole);
  });
});
