import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import fc from "fast-check";
import Papa from "papaparse";
import { afterAll, describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import type { Survey } from "../src/definition/model.js";
import { mergeTallies, tallySurvey } from "../src/pipeline/index.js";
import { typicalAnswers } from "../src/tally/themes.js";
import type { TallyResult } from "../src/tally/types.js";
import { ROOT } from "./helpers/cli.js";

/**
 * Open answers coded by theme (`themes:`) and 其他 fill-ins moved to options (`other_codes:`):
 * fixtures/open-themes counted by hand; generated answers against a naive count written here; and any
 * split of the data, tallied and merged, against one pass.
 */

const tmp = mkdtempSync(join(tmpdir(), "survey-themes-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** survey.yaml text → survey, codebook files read beside `file`. */
function load(text: string, file: string): Survey {
  const readCodebook = (path: string) => {
    try {
      return { text: readFileSync(resolve(dirname(file), path), "utf8"), file: path };
    } catch {
      return undefined;
    }
  };
  const { survey, diagnostics } = parseSurvey(text, file, { readCodebook });
  if (!survey) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`).join("\n"));
  return survey;
}

const FIXTURE = join(ROOT, "fixtures/open-themes");
const fixture = () => load(readFileSync(join(FIXTURE, "survey.yaml"), "utf8"), join(FIXTURE, "survey.yaml"));
const answers = [{ path: join(FIXTURE, "answers.csv"), name: "answers.csv" }];
/** The fast path's parallel ranges on a small file: threads read 300-byte ranges, merged in order. */
const RANGES = { threads: 2, parallelFrom: 0, rangeBytes: 300 };

describe("fixtures/open-themes, counted by hand", () => {
  it("counts the answers that mention each theme of a codebook, of all 19 who answered", async () => {
    const t = await tallySurvey(fixture(), answers, { reader: "general" });
    const q4 = t.questions.q4!;
    expect(q4.answered).toBe(19); // row 9 is blank
    // 停车难: rows 1, 4, 7, 11 (乱停), 13, 17, 20 (车位); 环境卫生: 2, 6, 12, 13, 16 (/脏乱/);
    // 路灯照明: 3, 10, 18; 道路状况: 8, 15. Row 13 (停车难，垃圾多) is in two themes.
    expect(q4.themes!.map((x) => [x.theme, x.count])).toEqual([
      ["停车难", 7],
      ["环境卫生", 5],
      ["路灯照明", 3],
      ["道路状况", 2],
    ]);
    expect(q4.themes![0]!.pct).toBeCloseTo(7 / 19, 12);
    expect(q4.themes![3]!.pct).toBeCloseTo(2 / 19, 12);
    expect(q4.unmatched).toMatchObject({ count: 3, answers: ["无", "没有", "老人看病不方便"] });
    expect(q4.unmatched!.pct).toBeCloseTo(3 / 19, 12);
    // examples: distinct answers of the theme, at most three
    for (const theme of q4.themes!) {
      expect(theme.examples.length).toBe(Math.min(3, new Set(q4.answers!.filter((a) => theme.examples.includes(a))).size));
      expect(theme.examples.length).toBeGreaterThan(0);
    }
    expect(q4.themes![3]!.examples.sort()).toEqual(["道路坑洼，下雨积水", "路面破损"].sort());
  });

  it("reads the same codebook from a file of its own (codebook-file.yaml names codebook.yaml)", async () => {
    const path = join(FIXTURE, "codebook-file.yaml");
    const fromFile = await tallySurvey(load(readFileSync(path, "utf8"), path), answers, { reader: "general" });
    const inline = await tallySurvey(fixture(), answers, { reader: "general" });
    expect(fromFile.questions.q4).toEqual(inline.questions.q4);
  });

  it("counts inline themes, with a regular expression, of all 18 who answered", async () => {
    const q5 = (await tallySurvey(fixture(), answers, { reader: "general" })).questions.q5!;
    expect(q5.answered).toBe(18);
    // 加强管理: 2, 6 (监管), 11, 15; 增加设施: 1, 3, 7, 10, 14, 16, 19, 20; 听取民意 (/(听取|倾听).*(意见|民意)/): 5, 9, 17
    expect(q5.themes!.map((x) => [x.theme, x.count])).toEqual([
      ["加强管理", 4],
      ["增加设施", 8],
      ["听取民意", 3],
    ]);
    expect(q5.themes![1]!.pct).toBeCloseTo(8 / 18, 12);
    expect(q5.unmatched!.answers).toEqual(["无", "定期开会", "无"]);
  });

  it("moves a single choice's 其他 fill-ins to the option they mean: 其他 loses each, the option gains it", async () => {
    const q2 = (await tallySurvey(fixture(), answers, { reader: "general" })).questions.q2!;
    // as written: 自己购买的 7, 免费赠送的 3, 集体统一发放的 3, 其他 7 (rows 3, 5, 7, 9, 11, 13, 18)
    // recoded: 亲友赠送的, 朋友送的, 邻居送的 (/送的$/) → 免费赠送的; 村里发的 → 集体统一发放的
    expect(q2.options!.map((o) => [o.label, o.count])).toEqual([
      ["自己购买的", 7],
      ["免费赠送的", 6],
      ["集体统一发放的", 4],
      ["其他", 3],
    ]);
    expect(q2.options!.map((o) => o.pct)).toEqual([0.35, 0.3, 0.2, 0.15]);
    expect(q2.options![1]!.recoded).toBe(3);
    expect(q2.options![2]!.recoded).toBe(1);
    expect(q2.options![3]!.recodedAway).toBe(4);
    expect(q2.options![3]!.others).toEqual(["网上买的", "不记得了"]);
    expect(q2.recoded).toEqual([
      { text: "亲友赠送的", from: "其他", to: "免费赠送的", added: true },
      { text: "村里发的", from: "其他", to: "集体统一发放的", added: true },
      { text: "朋友送的", from: "其他", to: "免费赠送的", added: true },
      { text: "邻居送的", from: "其他", to: "免费赠送的", added: true },
    ]);
  });

  it("moves a multi choice's fill-ins, adding to the option only for a respondent who had not chosen it", async () => {
    const q3 = (await tallySurvey(fixture(), answers, { reader: "general" })).questions.q3!;
    expect(q3.answered).toBe(19);
    // as written: 电视 8, 手机 9, 村广播 6, 其他 7. Row 3 村里大喇叭 → 村广播 (+1); row 4 大喇叭, but 村广播
    // chosen already (+0); row 5 微信群, 手机 chosen already (+0); row 6 抖音 → 手机 (+1); row 15 快手和微信 → 手机 (+1).
    expect(q3.options!.map((o) => [o.label, o.count])).toEqual([
      ["电视", 8],
      ["手机", 11],
      ["村广播", 7],
      ["其他", 2],
    ]);
    expect(q3.options![1]!.pctOfRespondents).toBeCloseTo(11 / 19, 12);
    // 响应率 over the selections as counted: 8 + 11 + 7 + 2
    expect(q3.options![1]!.pctOfSelections).toBeCloseTo(11 / 28, 12);
    expect(q3.options!.map((o) => [o.recoded, o.recodedAway])).toEqual([
      [undefined, undefined],
      [2, undefined],
      [1, undefined],
      [undefined, 5],
    ]);
    expect(q3.recoded!.map((r) => [r.text, r.to, r.added])).toEqual([
      ["村里大喇叭", "村广播", true],
      ["大喇叭", "村广播", false],
      ["微信群", "手机", false],
      ["抖音", "手机", true],
      ["快手和微信", "手机", true],
    ]);
  });

  it("gives the same tally from the parallel ranges of the fast path, and from parts merged", async () => {
    const survey = fixture();
    const general = await tallySurvey(survey, answers, { reader: "general" });
    const ranges = await tallySurvey(survey, answers, { fast: RANGES });
    expect(JSON.stringify(ranges)).toBe(JSON.stringify(general));
    const lines = readFileSync(answers[0]!.path, "utf8").trimEnd().split("\n");
    const parts = [lines.slice(1, 8), lines.slice(8, 9), lines.slice(9)].map((rows, i) => {
      const path = join(tmp, `fixture-part-${i}.csv`);
      writeFileSync(path, [lines[0], ...rows].join("\n"));
      return { path, name: "answers.csv" };
    });
    const merged = mergeTallies(await Promise.all(parts.map((p) => tallySurvey(survey, [p], { reader: "general" }))));
    for (const id of ["q2", "q3", "q4", "q5"]) expect(merged.questions[id]).toEqual(general.questions[id]);
  });
});

describe("typical answers", () => {
  it("are those sharing the most keywords with the theme's other answers, then of length nearest the median, then first in code order", () => {
    const w = (...words: string[]) => new Set(words);
    // df: 停车 4 (A, B ×2, D), 车位 2 (A, C), 晚上 1 (C), 小区 1 (D)
    // shared(t) = Σ (df − 1): A 3 + 1 = 4; B 3; C 1 + 0 = 1; D 3 + 0 = 3
    const texts = [
      { text: "A停车车位", times: 1, words: w("停车", "车位") },
      { text: "B停车", times: 2, words: w("停车") },
      { text: "C车位晚上", times: 1, words: w("车位", "晚上") },
      { text: "D小区停车难", times: 1, words: w("停车", "小区") },
    ];
    // B and D tie at 3; lengths 5, 3, 3, 5, 6 give the median 5: D is 1 from it, B 2
    expect(typicalAnswers(texts)).toEqual(["A停车车位", "D小区停车难", "B停车"]);
    // the order the answers come in changes nothing
    expect(typicalAnswers([...texts].reverse())).toEqual(["A停车车位", "D小区停车难", "B停车"]);
    // full ties: by code unit order
    expect(typicalAnswers([{ text: "乙", times: 1, words: w() }, { text: "甲", times: 1, words: w() }], 1)).toEqual([["乙", "甲"].sort()[0]]);
  });
});

// ---------------------------------------------------------------- generated answers

const CODEBOOK = {
  停车: ["停车", "车位"],
  卫生: ["垃圾", "/脏|乱/"],
  治安: ["/偷|盗/", "治安"],
  latin: ["WiFi"],
};
const FRAGMENTS = ["停车难", "车位少", "垃圾多", "环境脏", "乱扔", "偷电动车", "治安差", "路灯坏", "无", "wifi慢", "WIFI", "看病难", "，", " "];
const OPTIONS = ["自己买", "送的", "发的", "其他"];
const FILLS = ["亲戚送", "村里发放", "网购", "捡的", "朋友送的", "统一发"];
const RULES = { 送的: ["送"], 发的: ["/发(放)?$/"] };
const MULTI = ["电视", "手机", "广播", "其他"];
const MULTI_FILLS = ["大喇叭", "微信", "报纸", "抖音"];
const MULTI_RULES = { 广播: ["喇叭"], 手机: ["微信", "/抖音|快手/"] };

const SURVEY_YAML = `title: 生成的问卷
data: { header: id, id_column: id }
questions:
  - { id: s, text: 来源, type: single, options: [自己买, 送的, 发的, {label: 其他, other: true}], other_codes: ${JSON.stringify(RULES)} }
  - { id: m, text: 渠道, type: multi, options: [电视, 手机, 广播, {label: 其他, other: true}], other_codes: ${JSON.stringify(MULTI_RULES)} }
  - { id: t, text: 问题, type: text, themes: ${JSON.stringify(CODEBOOK)} }
`;
const generated = load(SURVEY_YAML, join(tmp, "survey.yaml"));

interface Row {
  s: { code: number; fill: string | null } | null;
  m: { codes: number[]; fill: string | null } | null;
  t: string | null;
}
const rowArb: fc.Arbitrary<Row> = fc.record({
  s: fc.option(fc.record({ code: fc.integer({ min: 1, max: 4 }), fill: fc.option(fc.constantFrom(...FILLS), { nil: null }) }), { nil: null }),
  m: fc.option(fc.record({ codes: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fill: fc.option(fc.constantFrom(...MULTI_FILLS), { nil: null }) }), { nil: null }),
  // an answer of 1–3 fragments; never blank (the text column always holds something), so every row is valid
  t: fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 3 }).map((parts) => parts.join("").trim() || "无"),
});

function cells(r: Row, id: number): string[] {
  const choice = (labels: string[], code: number, fill: string | null) => (code === 4 && fill ? `其他〖${fill}〗` : labels[code - 1]!);
  return [String(id), r.s ? choice(OPTIONS, r.s.code, r.s.fill) : "", r.m ? r.m.codes.map((c) => choice(MULTI, c, r.m!.fill)).join("┋") : "", r.t ?? ""];
}

let fileNo = 0;
function writeCsv(rows: Row[], firstId: number): { path: string; name: string } {
  const path = join(tmp, `gen-${fileNo++}.csv`);
  writeFileSync(path, Papa.unparse([["id", "s", "m", "t"], ...rows.map((r, i) => cells(r, firstId + i))], { newline: "\n" }));
  return { path, name: "gen.csv" };
}

/** A pattern as the definition means it, written again here: text anywhere, either case; or /regex/. */
function naiveMatch(pattern: string, answer: string): boolean {
  const m = /^\/(.+)\/$/.exec(pattern);
  return m ? new RegExp(m[1]!, "u").test(answer) : answer.toLowerCase().includes(pattern.toLowerCase());
}

/** The first rule's option (a code) a fill-in means, or null. */
function naiveTarget(rules: Record<string, string[]>, labels: string[], fill: string): number | null {
  for (const [label, patterns] of Object.entries(rules)) if (patterns.some((p) => naiveMatch(p, fill))) return labels.indexOf(label) + 1;
  return null;
}

/** The tally without what is about files: parts are different files (a short one may warn FILE_ENCODING_GUESS). */
function withoutSources(t: TallyResult): unknown {
  const copy = structuredClone(t);
  copy.responses.bySource = {};
  copy.problems = [];
  if (copy._state) {
    copy._state.responses.bySource = {};
    copy._state.problems = [];
  }
  return copy;
}

describe("generated answers", () => {
  it("theme counts, unmatched answers and recoded counts equal a naive count of the rows", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 50 }), async (rows) => {
        const t = await tallySurvey(generated, [writeCsv(rows, 1)], { reader: "general" });
        const texts = rows.map((r) => r.t!);
        const q = t.questions.t!;
        expect(q.themes!.map((x) => x.theme)).toEqual(Object.keys(CODEBOOK));
        Object.values(CODEBOOK).forEach((patterns, k) => {
          const mention = texts.filter((a) => patterns.some((p) => naiveMatch(p, a)));
          expect(q.themes![k]!.count).toBe(mention.length);
          expect(q.themes![k]!.pct).toBe(mention.length / texts.length);
          // examples are answers of the theme
          for (const e of q.themes![k]!.examples) expect(mention).toContain(e);
          expect(q.themes![k]!.examples.length).toBe(Math.min(3, new Set(mention).size));
        });
        const none = texts.filter((a) => !Object.values(CODEBOOK).some((ps) => ps.some((p) => naiveMatch(p, a))));
        expect(q.unmatched!.answers).toEqual(none);

        // single: the fill-in's option replaces 其他
        const single = [0, 0, 0, 0];
        for (const r of rows) {
          if (!r.s) continue;
          const to = r.s.code === 4 && r.s.fill ? naiveTarget(RULES, OPTIONS, r.s.fill) : null;
          single[(to ?? r.s.code) - 1]!++;
        }
        expect(t.questions.s!.options!.map((o) => o.count)).toEqual(single);
        // multi: 其他 goes, the option comes in unless chosen already
        const multi = [0, 0, 0, 0];
        let added = 0;
        for (const r of rows) {
          if (!r.m) continue;
          const chosen = new Set(r.m.codes);
          const to = chosen.has(4) && r.m.fill ? naiveTarget(MULTI_RULES, MULTI, r.m.fill) : null;
          if (to !== null) {
            chosen.delete(4);
            if (!chosen.has(to)) added++;
            chosen.add(to);
          }
          for (const c of chosen) multi[c - 1]!++;
        }
        expect(t.questions.m!.options!.map((o) => o.count)).toEqual(multi);
        expect(t.questions.m!.recoded!.filter((r) => r.added).length).toBe(added);
        expect(t.questions.m!.options![3]!.recodedAway).toBe(t.questions.m!.recoded!.length);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("split and merged, give exactly the tally of one pass (examples included)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 4 }), async (rows, cutSeeds) => {
        const whole = await tallySurvey(generated, [writeCsv(rows, 1)], { reader: "general" });
        const cuts = [...new Set(cutSeeds.map((s) => s % (rows.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...cuts, rows.length];
        const parts: TallyResult[] = [];
        for (let i = 0; i + 1 < bounds.length; i++) {
          parts.push(await tallySurvey(generated, [writeCsv(rows.slice(bounds[i], bounds[i + 1]), bounds[i]! + 1)], { reader: "general" }));
        }
        expect(withoutSources(mergeTallies(parts))).toEqual(withoutSources(whole));
        // examples do not depend on the order the parts come in either
        const reversed = mergeTallies([...parts].reverse());
        expect(reversed.questions.t!.themes).toEqual(whole.questions.t!.themes);
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});

describe("definition", () => {
  const base = (extra: string) => `title: t
questions:
  - { id: s, text: 来源, type: single, options: [自己买, 送的, {label: 其他, other: true}] }
${extra}`;
  const errors = (text: string, readCodebook?: (p: string) => { text: string; file: string } | undefined) =>
    parseSurvey(text, "survey.yaml", { readCodebook }).diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`);

  it("names the place of a pattern that is not a regular expression, a target that is no option, and a question without 其他", () => {
    expect(errors(base(`  - { id: t, text: 问题, type: text, themes: { 停车: [停车, "/(停车/"] } }`))).toEqual(["survey.yaml:4:55 DEF_INVALID"]);
    expect(errors(base(`  - id: s2
    text: x
    type: single
    options: [a, {label: 其他, other: true}]
    other_codes: { b: [x] }`))).toEqual(["survey.yaml:8:20 DEF_UNKNOWN_REF"]);
    expect(errors(base(`  - { id: s2, text: x, type: multi, options: [a, b], other_codes: { a: [x] } }`))).toEqual(["survey.yaml:4:67 DEF_BAD_REF"]);
    expect(errors(base(`  - { id: t, text: 问题, type: text, themes: { 停车: ["/.*/"] } }`))).toEqual(["survey.yaml:4:51 DEF_INVALID"]);
  });

  it("reads a codebook file beside survey.yaml, and locates its problems in it", () => {
    const text = base(`  - { id: t, text: 问题, type: text, themes: codes.yaml }`);
    expect(errors(text)).toEqual(["survey.yaml:4:44 FILE_NOT_FOUND"]);
    expect(errors(text, () => ({ text: "停车: [停车]\n卫生: [垃圾, /脏(/]\n", file: "codes.yaml" }))).toEqual(["codes.yaml:2:10 DEF_INVALID"]);
    const ok = parseSurvey(text, "survey.yaml", { readCodebook: () => ({ text: "停车: [停车, 车位]\n卫生: 垃圾\n", file: "codes.yaml" }) });
    const t = ok.survey!.questionById.get("t")!;
    expect(t.type === "text" && t.themes).toEqual([
      { theme: "停车", patterns: ["停车", "车位"] },
      { theme: "卫生", patterns: ["垃圾"] },
    ]);
    // the document the worker threads build from holds the codebook itself
    expect((ok.survey!.definition!.doc.questions[1] as { themes: unknown }).themes).toEqual({ 停车: ["停车", "车位"], 卫生: ["垃圾"] });
  });
});
