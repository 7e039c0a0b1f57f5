import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import { mergeTallies, tallySurvey } from "../src/pipeline/index.js";
import type { TallyResult } from "../src/tally/types.js";
import { loadFixtureSurvey } from "./helpers/read.js";

/**
 * Property tests on generated questionnaires for fixtures/tally-basic/survey.yaml:
 * - a naive reference computed straight from the generated answers (not from the parsed file, and
 *   without the accumulators) agrees with the tally;
 * - cutting the file into any number of chunks, tallying each and merging gives the tally of the whole.
 */
const survey = loadFixtureSurvey("tally-basic/survey.yaml");
const tmp = mkdtempSync(join(tmpdir(), "survey-tally-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ROLES = ["党员", "群众", "干部"];
const SAT = ["非常满意", "比较满意", "一般", "不太满意", "很不满意", "不了解"];
const DIFF = ["缺钱", "缺人", "缺场地", "其他"];
const RANK = ["经费", "人员", "场地"];
const TEXTS = ["活动太少", "服务态度差,办事慢", '说"再等等"', "停车位不足\n路灯不亮", "=1+1", "没有"];
const HEADER = ["序号", "1、您的身份是：", "2、您对社区服务的满意程度", "3、您认为最大困难是（可多选）", "第4题(教育管理)", "第4题(阵地建设)", "5、请对以下困难排序", "6、您的年龄", "7、您不满意的原因是"];

/** One questionnaire as generated: codes (1-based), null for blank. */
interface Row {
  role: number | null;
  sat: number | null;
  diff: number[] | null;
  mx: [number | null, number | null];
  rk: number[] | null;
  age: number | null;
  why: string | null;
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 6 });
const code = (n: number) => fc.integer({ min: 1, max: n });
const rowArb: fc.Arbitrary<Row> = fc.record({
  role: maybe(code(3)),
  // sat is always answered so that every questionnaire passes min_answered whatever else is blank
  sat: code(6),
  diff: maybe(fc.uniqueArray(code(4), { minLength: 1, maxLength: 4 })),
  mx: fc.tuple(maybe(code(6)), maybe(code(6))),
  rk: maybe(fc.shuffledSubarray([1, 2, 3], { minLength: 1 })),
  age: maybe(fc.integer({ min: 18, max: 80 })),
  why: fc.constantFrom(...TEXTS),
}).map((r) => ({ ...r, why: r.sat === 4 || r.sat === 5 ? r.why : null }));

function cells(r: Row, id: number): string[] {
  const blank = "(空)";
  return [
    String(id),
    r.role ? ROLES[r.role - 1]! : blank,
    r.sat ? SAT[r.sat - 1]! : blank,
    r.diff ? r.diff.map((c) => (c === 4 ? "其他〖自己填的〗" : DIFF[c - 1]!)).join("┋") : blank,
    r.mx[0] ? SAT[r.mx[0] - 1]! : blank,
    r.mx[1] ? SAT[r.mx[1] - 1]! : blank,
    r.rk ? r.rk.map((c) => RANK[c - 1]!).join("→") : blank,
    r.age === null ? blank : String(r.age),
    r.sat === 4 || r.sat === 5 ? (r.why ?? blank) : "(跳过)",
  ];
}

let fileNo = 0;
function writeCsv(rows: Row[], firstId: number): { path: string; name: string } {
  const name = `part-${fileNo++}.csv`;
  const path = join(tmp, name);
  writeFileSync(path, Papa.unparse([HEADER, ...rows.map((r, i) => cells(r, firstId + i))], { newline: "\r\n" }));
  return { path, name };
}

/** The tally without what names files: parts are different files, so their bySource differs by design. */
function withoutSources(t: TallyResult): unknown {
  const copy = structuredClone(t);
  copy.responses.bySource = {};
  if (copy._state) copy._state.responses.bySource = {};
  return copy;
}

describe("merge", () => {
  it("any split of a file into chunks, tallied and merged, gives the tally of the whole file", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 4 }), async (rows, cutSeeds) => {
        const whole = await tallySurvey(survey, [writeCsv(rows, 1)]);
        const cuts = [...new Set(cutSeeds.map((s) => s % (rows.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...cuts, rows.length];
        const parts: TallyResult[] = [];
        for (let i = 0; i + 1 < bounds.length; i++) {
          parts.push(await tallySurvey(survey, [writeCsv(rows.slice(bounds[i], bounds[i + 1]), bounds[i]! + 1)]));
        }
        const merged = mergeTallies(parts);
        expect(withoutSources(merged)).toEqual(withoutSources(whole));
        // and merging is associative: ((a b) c) = (a (b c)) as well as the left fold above
        if (parts.length >= 3) {
          const right = mergeTallies([parts[0]!, mergeTallies(parts.slice(1))]);
          expect(withoutSources(right)).toEqual(withoutSources(whole));
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("refuses to merge tallies made with different breakdowns", async () => {
    const f = writeCsv([{ role: 1, sat: 1, diff: null, mx: [1, 1], rk: null, age: 30, why: null }], 1);
    const a = await tallySurvey(survey, [f]);
    const b = await tallySurvey(survey, [f], { by: "mx.1" });
    expect(() => mergeTallies([a, b], ["a.json", "b.json"])).toThrow(/different survey definition or breakdown/);
    const { _state, ...bare } = a;
    expect(() => mergeTallies([bare as TallyResult])).toThrow(/no _state/);
  });
});

describe("tallies saved before cross-tabs (_state version 1)", () => {
  it("merge as their one breakdown, giving what today's tallies of the same parts give", async () => {
    const rows = fc.sample(rowArb, { numRuns: 30, seed: 17 });
    const parts = [await tallySurvey(survey, [writeCsv(rows.slice(0, 12), 1)]), await tallySurvey(survey, [writeCsv(rows.slice(12), 13)])];
    // the same parts as version 1 wrote them: the role's counts as roleCounts …, no breakdowns in the plan
    const old = parts.map((t) => {
      const copy = structuredClone(t);
      const state = copy._state as unknown as { version: number; plan: Record<string, unknown>; items: Record<string, unknown>[] };
      state.version = 1;
      delete state.plan.breakdowns;
      for (const item of state.items) {
        for (const [from, to] of [["byCounts", "roleCounts"], ["byAnswered", "roleAnswered"], ["byPositions", "rolePositions"]] as const) {
          if (item[from]) item[to] = (item[from] as unknown[])[0];
          delete item[from];
        }
      }
      return copy;
    });
    expect(withoutSources(mergeTallies(old))).toEqual(withoutSources(mergeTallies(parts)));
    expect(withoutSources(mergeTallies([old[0]!, parts[1]!]))).toEqual(withoutSources(mergeTallies(parts)));
  });
});

describe("breakdowns by several questions (--by role --by mx.1)", () => {
  const BY = ["role", "mx.1"];

  it("give each question one table per breakdown question, counted from the rows themselves", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), async (rows) => {
        const t = await tallySurvey(survey, [writeCsv(rows, 1)], { by: BY });
        const groupOf = { role: (r: Row) => r.role, "mx.1": (r: Row) => r.mx[0] };
        const groupCount = { role: 3, "mx.1": 6 };
        for (const by of BY as (keyof typeof groupOf)[]) {
          // a scale: each group's counts, base (na 不了解 left out), positive rate and its interval
          const sat = t.questions.sat!.breakdowns![by]!;
          expect(sat).toHaveLength(groupCount[by]);
          sat.forEach((g, k) => {
            const mine = rows.filter((r) => groupOf[by](r) === k + 1);
            expect(g.options.map((o) => o.count)).toEqual([1, 2, 3, 4, 5, 6].map((c) => mine.filter((r) => r.sat === c).length));
            const base = mine.filter((r) => r.sat !== 6).length;
            expect(g.base).toBe(base);
            const positive = mine.filter((r) => r.sat === 1 || r.sat === 2).length;
            close(g.positiveRate, base ? positive / base : null);
            if (base) expect(g.positiveRateCi95![0]).toBeLessThanOrEqual(positive / base);
          });
          // its test over the groups and options that have answers (na left out)
          const table = Array.from({ length: groupCount[by] }, (_, k) => [1, 2, 3, 4, 5].map((c) => rows.filter((r) => groupOf[by](r) === k + 1 && r.sat === c).length));
          const expected = naiveChiSquare(table);
          const got = t.questions.sat!.breakdownTests![by];
          if (expected === null) expect(got).toBeNull();
          else {
            close(got!.statistic, expected.statistic);
            expect(got!.df).toBe(expected.df);
            expect(got!.method).toMatch(expected.lowExpected ? /^fisher/ : /^chi-square$/);
          }
          // a multi-select question: respondents per group, no test
          const diff = t.questions.diff!.breakdowns![by]!;
          diff.forEach((g, k) => {
            const mine = rows.filter((r) => groupOf[by](r) === k + 1 && r.diff !== null);
            expect(g.base).toBe(mine.length);
            expect(g.options.map((o) => o.count)).toEqual([1, 2, 3, 4].map((c) => mine.filter((r) => r.diff!.includes(c)).length));
          });
          expect(t.questions.diff!.breakdownTests![by]).toBeNull();
          // a rank question: each group's scores
          t.questions.rk!.breakdowns![by]!.forEach((g, k) => {
            const mine = rows.filter((r) => groupOf[by](r) === k + 1 && r.rk !== null);
            expect(g.base).toBe(mine.length);
          });
        }
        // byRole and chiSquare are the first breakdown's; no question is broken down by itself
        expect(t.questions.sat!.byRole).toEqual(t.questions.sat!.breakdowns!.role);
        expect(t.questions.sat!.chiSquare).toEqual(t.questions.sat!.breakdownTests!.role);
        expect(Object.keys(t.questions.mx!.rows!["mx.1"]!.breakdowns!)).toEqual(["role"]);
        expect(Object.keys(t.questions.mx!.rows!["mx.2"]!.breakdowns!)).toEqual(["role", "mx.1"]);
        expect(t.questions.role!.breakdowns && Object.keys(t.questions.role!.breakdowns)).toEqual(["mx.1"]);
        expect(t.questions.age!.breakdowns).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it("merge exactly: any split, tallied and merged, gives the tally of the whole", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 3 }), async (rows, cutSeeds) => {
        const whole = await tallySurvey(survey, [writeCsv(rows, 1)], { by: BY });
        const cuts = [...new Set(cutSeeds.map((s) => s % (rows.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...cuts, rows.length];
        const parts: TallyResult[] = [];
        for (let i = 0; i + 1 < bounds.length; i++) parts.push(await tallySurvey(survey, [writeCsv(rows.slice(bounds[i], bounds[i + 1]), bounds[i]! + 1)], { by: BY }));
        expect(withoutSources(mergeTallies(parts))).toEqual(withoutSources(whole));
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe("tally against a naive reference computed from the generated answers", () => {
  it("agrees on every distribution, rate, mean, sd, rank score, number summary and chi-square", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), async (rows) => {
        const t = await tallySurvey(survey, [writeCsv(rows, 1)]);
        expect(t.problems).toEqual([]);
        expect(t.responses.valid).toBe(rows.length);
        checkScale(t.questions.sat!, rows.map((r) => r.sat), rows);
        checkScale(t.questions.mx!.rows!["mx.1"]!, rows.map((r) => r.mx[0]), rows);
        checkScale(t.questions.mx!.rows!["mx.2"]!, rows.map((r) => r.mx[1]), rows);
        checkRole(t, rows);
        checkMulti(t, rows);
        checkRank(t, rows);
        checkNumber(t, rows);
        const asked = rows.filter((r) => r.sat === 4 || r.sat === 5);
        expect(t.questions.why!.answers).toEqual(asked.map((r) => r.why));
        expect(t.questions.why!.skipped).toBe(rows.length - asked.length);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

const SCORES = [6, 5, 4, 3, 2]; // default n..1 over the six options; 不了解 (6) is na and has none

function checkScale(q: { answered: number; base: number; options?: { count: number; pct?: number | null }[]; positiveRate?: number | null; negativeRate?: number | null; meanScore?: number | null; sdScore?: number | null; chiSquare?: unknown; byRole?: unknown }, answers: (number | null)[], rows: Row[]) {
  const given = answers.filter((a): a is number => a !== null);
  const inBase = given.filter((a) => a !== 6);
  expect(q.answered).toBe(given.length);
  expect(q.base).toBe(inBase.length);
  for (let c = 1; c <= 6; c++) {
    const n = given.filter((a) => a === c).length;
    expect(q.options![c - 1]!.count).toBe(n);
    expect(q.options![c - 1]!.pct).toBe(c === 6 ? null : inBase.length ? n / inBase.length : null);
  }
  const rate = (codes: number[]) => (inBase.length ? inBase.filter((a) => codes.includes(a)).length / inBase.length : null);
  expect(q.positiveRate).toBe(rate([1, 2]));
  expect(q.negativeRate).toBe(rate([4, 5]));
  const scores = inBase.map((a) => SCORES[a - 1]!);
  const mean = scores.length ? scores.reduce((x, y) => x + y, 0) / scores.length : null;
  close(q.meanScore, mean);
  close(q.sdScore, scores.length > 1 ? Math.sqrt(scores.reduce((x, s) => x + (s - mean!) ** 2, 0) / (scores.length - 1)) : null);
  // chi-square by role, from the rows directly
  const table = [1, 2, 3].map((role) => [1, 2, 3, 4, 5].map((c) => answers.filter((a, i) => a === c && rows[i]!.role === role).length));
  const expected = naiveChiSquare(table);
  const got = q.chiSquare as { statistic: number; df: number; p: number; cramersV: number; lowExpected: boolean } | null;
  if (expected === null) expect(got).toBeNull();
  else {
    close(got!.statistic, expected.statistic);
    expect(got!.df).toBe(expected.df);
    close(got!.cramersV, expected.cramersV);
    expect(got!.lowExpected).toBe(expected.lowExpected);
    // small expected counts: Fisher's test gives p (test/tally-exact checks it against a brute-force enumeration)
    expect((got as { method: string }).method).toMatch(expected.lowExpected ? /^fisher/ : /^chi-square$/);
    if (expected.df === 2 && !expected.lowExpected) close(got!.p, Math.exp(-expected.statistic / 2)); // the χ²₂ tail has a closed form
    expect(got!.p).toBeGreaterThanOrEqual(0);
    expect(got!.p).toBeLessThanOrEqual(1);
  }
}

function checkRole(t: TallyResult, rows: Row[]) {
  const answered = rows.filter((r) => r.role !== null).length;
  expect(t.roles!.counts.map((c) => [c.count, c.pct])).toEqual(
    [1, 2, 3].map((role) => {
      const n = rows.filter((r) => r.role === role).length;
      return [n, answered ? n / answered : null];
    }),
  );
}

function checkMulti(t: TallyResult, rows: Row[]) {
  const q = t.questions.diff!;
  const answered = rows.filter((r) => r.diff !== null);
  const selections = answered.reduce((n, r) => n + r.diff!.length, 0);
  expect(q.answered).toBe(answered.length);
  q.options!.forEach((o, k) => {
    const n = answered.filter((r) => r.diff!.includes(k + 1)).length;
    expect([o.count, o.pctOfRespondents, o.pctOfSelections]).toEqual([n, answered.length ? n / answered.length : null, selections ? n / selections : null]);
  });
  expect(q.options![3]!.others ?? []).toEqual(answered.filter((r) => r.diff!.includes(4)).map(() => "自己填的"));
  q.byRole!.forEach((b, ri) => {
    const mine = answered.filter((r) => r.role === ri + 1);
    expect(b.base).toBe(mine.length);
    expect(b.options.map((o) => o.count)).toEqual([1, 2, 3, 4].map((c) => mine.filter((r) => r.diff!.includes(c)).length));
  });
}

function checkRank(t: TallyResult, rows: Row[]) {
  const q = t.questions.rk!;
  const ranked = rows.filter((r) => r.rk !== null);
  expect(q.answered).toBe(ranked.length);
  q.ranks!.forEach((r, k) => {
    const positions = [0, 1, 2].map((p) => ranked.filter((x) => x.rk![p] === k + 1).length);
    expect(r.positions).toEqual(positions);
    const times = positions.reduce((a, b) => a + b, 0);
    close(r.meanPosition, times ? (positions[0]! + 2 * positions[1]! + 3 * positions[2]!) / times : null);
    // 综合得分 = Σ count at p × (n − p + 1) / respondents, n = 3
    close(r.score, ranked.length ? (3 * positions[0]! + 2 * positions[1]! + positions[2]!) / ranked.length : null);
  });
  q.byRole!.forEach((b, ri) => {
    const mine = ranked.filter((x) => x.role === ri + 1);
    expect(b.base).toBe(mine.length);
    b.ranks!.forEach((r, k) => {
      const points = mine.reduce((sum, x) => sum + (x.rk!.includes(k + 1) ? 3 - x.rk!.indexOf(k + 1) : 0), 0);
      close(r.score, mine.length ? points / mine.length : null);
    });
  });
}

function checkNumber(t: TallyResult, rows: Row[]) {
  const q = t.questions.age!;
  const xs = rows.map((r) => r.age).filter((a): a is number => a !== null).sort((a, b) => a - b);
  expect(q.n).toBe(xs.length);
  if (!xs.length) {
    expect([q.mean, q.sd, q.median, q.min, q.max]).toEqual([null, null, null, null, null]);
    return;
  }
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  close(q.mean, mean);
  close(q.sd, xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : null);
  const mid = xs.length >> 1;
  expect(q.median).toBe(xs.length % 2 ? xs[mid] : (xs[mid - 1]! + xs[mid]!) / 2);
  expect([q.min, q.max]).toEqual([xs[0], xs[xs.length - 1]]);
  expect(q.bins!.map((b) => b.count)).toEqual([xs.filter((x) => x <= 30).length, xs.filter((x) => x > 30 && x <= 40).length, xs.filter((x) => x > 40).length]);
}

/** Textbook Pearson chi-square, written out separately from src/tally/stats.ts. */
function naiveChiSquare(table: number[][]): { statistic: number; df: number; cramersV: number; lowExpected: boolean } | null {
  const rows = table.filter((r) => r.some((v) => v > 0));
  const cols = table[0]!.map((_, j) => j).filter((j) => rows.some((r) => r[j]! > 0));
  if (rows.length < 2 || cols.length < 2) return null;
  const n = rows.flat().reduce((a, b) => a + b, 0);
  let statistic = 0;
  let low = 0;
  for (const r of rows) {
    const rowSum = r.reduce((a, b) => a + b, 0);
    for (const j of cols) {
      const colSum = rows.reduce((a, x) => a + x[j]!, 0);
      const e = (rowSum * colSum) / n;
      statistic += (r[j]! - e) ** 2 / e;
      if (e < 5) low++;
    }
  }
  return {
    statistic,
    df: (rows.length - 1) * (cols.length - 1),
    cramersV: Math.sqrt(statistic / (n * (Math.min(rows.length, cols.length) - 1))),
    lowExpected: low / (rows.length * cols.length) > 0.2,
  };
}

function close(actual: number | null | undefined, expected: number | null) {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 9);
}
