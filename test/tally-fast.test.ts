import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import type { Survey } from "../src/definition/model.js";
import type { InputFile } from "../src/io/table.js";
import { buildPlan } from "../src/tally/plan.js";
import { scanFast, tallyFast } from "../src/pipeline/ranges/index.js";
import { scan, type ScanSummary } from "../src/validate/scan.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { wasmAvailable } from "../src/io/scan-memory.js";

/**
 * The fast path of big CSV files (byte scanner, cached cells, ranges read by worker threads, merged in
 * reading order) must give exactly the general reader's tally — counts, open answers in order, problems
 * with their rows, screening — or step aside. Small ranges force many cuts and a worker thread even on
 * small files.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEED = process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261123;
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const FORCED = { threads: 2, parallelFrom: 0, rangeBytes: 300 };

function load(text: string, file = "survey.yaml"): Survey {
  const { survey, diagnostics } = parseSurvey(text, file);
  if (!survey) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return survey;
}

async function both(survey: Survey, files: InputFile[], fast = FORCED, by?: string[]) {
  const general = await tallySurvey(survey, files, { reader: "general", by });
  const auto = await tallySurvey(survey, files, { fast, by });
  return { general: JSON.stringify(general), auto: JSON.stringify(auto) };
}

/**
 * The fast path runs its inner loops in WebAssembly when the module is built (npm test builds it), and in
 * JavaScript when not (SURVEY_WASM=0, inherited by the worker threads): both are compared with the
 * general reader.
 */
const MODES = [
  { mode: "WebAssembly", env: undefined },
  { mode: "JavaScript", env: "0" },
];
function inMode(env: string | undefined) {
  const before = process.env.SURVEY_WASM;
  beforeAll(() => {
    if (env === undefined) delete process.env.SURVEY_WASM;
    else process.env.SURVEY_WASM = env;
    expect(wasmAvailable()).toBe(env === undefined);
  });
  afterAll(() => {
    if (before === undefined) delete process.env.SURVEY_WASM;
    else process.env.SURVEY_WASM = before;
  });
}

describe.each(MODES)("the fast path gives the general reader's tally ($mode)", ({ env }) => {
  inMode(env);

  it.each([
    ["tally-basic", ["answers.csv"]],
    ["example", ["answers.csv"]],
    ["all-types", ["answers-text.csv"]],
    ["bad-data", ["answers.csv"]],
    ["three-villages", readdirSync(join(ROOT, "fixtures/three-villages/data")).map((f) => `data/${f}`)],
  ])("fixtures/%s, read fast and in ranges", async (name, answers) => {
    const dir = join(ROOT, "fixtures", name);
    const survey = load(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const files = answers.map((f) => ({ path: join(dir, f), name: f }));
    const { general, auto } = await both(survey, files);
    expect(auto).toBe(general);
  });

  it.each([
    [["q1", "q4"]],
    // 7 × 5 × 6 × 6 × 6 combinations of groups: more than the slot counter keeps, so every answer is counted row by row
    [["q1", "q4", "q5", "q6", "q7"]],
  ])("fixtures/example broken down by %j, read fast and in ranges", async (by) => {
    const dir = join(ROOT, "fixtures", "example");
    const survey = load(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const { general, auto } = await both(survey, [{ path: join(dir, "answers.csv"), name: "answers.csv" }], FORCED, by);
    expect(auto).toBe(general);
    expect(Object.keys(JSON.parse(general).questions.q2.breakdowns)).toEqual(by);
  });

  it.each([
    ["example", "answers.csv"],
    ["bad-data", "answers.csv"],
    ["all-types", "answers-text.csv"],
  ])("survey validate of fixtures/%s finds the same problems, rows and verdicts either way", async (name, answers) => {
    const dir = join(ROOT, "fixtures", name);
    const survey = load(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const files = [{ path: join(dir, answers), name: answers }];
    const shown = (s: ScanSummary) => JSON.stringify({ ...s, diagnostics: { counts: [...s.diagnostics.counts], list: s.diagnostics.list() } });
    const fast = await scanFast(survey, files, { threads: 2, parallelFrom: 0, rangeBytes: 2000 });
    expect(fast).toBeDefined();
    expect(shown(fast!)).toBe(shown(await scan(survey, files)));
  });

  it.each([
    ["example", "answers.csv"],
    ["tally-basic", "answers.csv"],
    ["all-types", "answers-text.csv"],
    ["bad-data", "answers.csv"],
  ])("takes the fast path on fixtures/%s (the comparisons above are not of the general reader with itself)", async (name, answers) => {
    const dir = join(ROOT, "fixtures", name);
    const survey = load(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const why: string[] = [];
    const fast = await tallyFast(survey, [{ path: join(dir, answers), name: answers }], buildPlan(survey), { ...FORCED, onStepAside: (w) => why.push(w) });
    expect(why).toEqual([]);
    expect(fast!.summary.returned).toBeGreaterThan(5);
  });

  it("has worker threads read ranges: they build the survey from the checked document and take the main thread's plan", async () => {
    // A worker that refused its ranges would not change a figure (the main thread reads them instead),
    // so only asking who read each range shows that the workers work.
    const dir = join(ROOT, "fixtures/example");
    const survey = load(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const files = [{ path: join(dir, "answers.csv"), name: "answers.csv" }];
    const readers: string[] = [];
    const fast = await tallyFast(survey, files, buildPlan(survey, { by: "q2" }), { ...FORCED, threads: 3, by: "q2", onRangeRead: (_task, by) => void readers.push(by) });
    expect(fast).toBeDefined();
    expect(new Set(readers)).toEqual(new Set(["the main thread", "worker 1", "worker 2"]));
  });

  it("says once that a core is free, when a worker has read its last range and ended, with every range still added in order", async () => {
    const dir = join(ROOT, "fixtures/example");
    const survey = load(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const files = [{ path: join(dir, "answers.csv"), name: "answers.csv" }];
    let free = 0;
    const fast = await tallyFast(survey, files, buildPlan(survey), { ...FORCED, onCoreFree: () => void free++ });
    expect(free).toBe(1);
    const general = await scan(survey, files);
    expect(fast!.summary.returned).toBe(general.returned);
    expect(fast!.summary.valid).toBe(general.valid);
    // One thread: no worker, so no core is freed.
    free = 0;
    expect(await tallyFast(survey, files, buildPlan(survey), { ...FORCED, threads: 1, onCoreFree: () => void free++ })).toBeDefined();
    expect(free).toBe(0);
  });

  it("reads a GB18030 file it detected as one (Excel's CSV on Chinese Windows), and steps aside for one merely declared so", async () => {
    const dir = join(ROOT, "fixtures/all-types");
    const survey = load(readFileSync(join(dir, "survey.yaml"), "utf8"), join(dir, "survey.yaml"));
    const files = [{ path: join(dir, "answers-code.csv"), name: "code.csv" }];
    expect(await tallyFast(survey, files, buildPlan(survey), FORCED)).toBeDefined();
    const { general, auto } = await both(survey, files);
    expect(auto).toBe(general);
    const declared = load(readFileSync(join(dir, "survey.yaml"), "utf8").replace(/^data:\n/m, "data:\n  encoding: gb18030\n"), join(dir, "survey.yaml"));
    expect(declared.data.encoding).toBe("gb18030");
    expect(await tallyFast(declared, files, buildPlan(declared), FORCED)).toBeUndefined();
  });

  it("reads again a range that repeats an earlier range's id", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "survey-fast-"));
    try {
      const rows = Array.from({ length: 40 }, (_, i) => `${i < 20 ? i + 1 : i - 18},${i % 2 ? "是" : "否"}`);
      writeFileSync(join(tmp, "a.csv"), `序号,q1\n${rows.join("\n")}\n`);
      const s = load("title: t\nquestions:\n  - {id: q1, text: q1, type: single, options: [是, 否]}\n");
      const files = [{ path: join(tmp, "a.csv"), name: "a.csv" }];
      expect(await tallyFast(s, files, buildPlan(s), { ...FORCED, rangeBytes: 50 })).toBeDefined();
      const { general, auto } = await both(s, files, { ...FORCED, rangeBytes: 50 });
      expect(auto).toBe(general);
      expect(JSON.parse(auto).responses.invalidReasons.duplicate).toBe(19);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

/** Generated surveys of every closed and open type, with the cells real exports have and some they should not. */
const SURVEY = `title: 生成
role: q1
data:
  duration_column: 所用时间
scales:
  likert5:
    options: [非常满意, 比较满意, 一般, 不太满意, 很不满意]
    positive: [1, 2]
    negative: [4, 5]
questions:
  - {id: q1, text: 您的身份是, type: single, options: [党员, 群众, 干部]}
  - {id: q2, text: 满意度, type: scale, scale: likert5}
  - {id: q3, text: 困难, type: multi, options: [缺钱, 缺人, {label: 其他, other: true}]}
  - {id: q4, text: 排序, type: rank, options: [经费, 人员, 场地]}
  - {id: q5, text: 年龄, type: number, min: 18, max: 99, bins: [30, 60]}
  - {id: q6, text: 建议, type: text}
  - {id: q7, text: 原因, type: single, options: [太远, 太贵], when: "q2 >= 4"}
  - id: q8
    text: 评价
    type: matrix
    scale: likert5
    rows: [服务, 环境, 设施, 治安, 卫生]
`;

const CELLS: Record<string, string[]> = {
  q1: ["党员", "群众", "干部", "", "1", " 群众 ", "工人"],
  q2: ["非常满意", "比较满意", "一般", "不太满意", "很不满意", "", "(跳过)", "满意"],
  q3: ["缺钱", "缺钱┋缺人", "缺人┋其他〖没有场地〗", "", "缺钱┋缺钱", "其他〖,\"引号\"〗"],
  q4: ["经费→人员→场地", "人员→经费", "", "经费→经费"],
  q5: ["18", "45", "99", "100", "三十", "", "60岁", "30.5"],
  q6: ["", "路灯不亮", "希望增加停车位,加强巡逻", '他说"好"', "第一行\n第二行", "第一行\r\n第二行", "(空)", "　"],
  q7: ["太远", "太贵", "", "(跳过)"],
  q8: ["非常满意", "比较满意", "一般", "", "不太满意"],
};

function quote(cell: string, delimiter = ","): string {
  return /["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

describe.each(MODES)("generated answer files ($mode)", ({ env }) => {
  inMode(env);
  const tmp = mkdtempSync(join(tmpdir(), "survey-fast-gen-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const surveys = [load(SURVEY), load(SURVEY.replace("  duration_column: 所用时间", "  duration_column: 所用时间\n  invalid_if: {speeder: 0.5, straightline: true}"))];
  const header = ["序号", "所用时间", "您的身份是", "满意度", "困难", "排序", "年龄", "建议", "原因", ...["服务", "环境", "设施", "治安", "卫生"].map((r) => `评价—${r}`)];
  const columns = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q8", "q8", "q8", "q8"];
  const row = fc.record({
    // 0: a fresh id; strings: ids the fast path must decode as the general reader does (leading zeros,
    // spaces around, too long for a small number, not a number, blank), some equal to a number once trimmed.
    id: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.constant(0), fc.constantFrom("007", " 12 ", "12", "1234567890", "A12", "", "0", "00")),
    seconds: fc.oneof(fc.integer({ min: 5, max: 900 }).map((s) => `${s}秒`), fc.constant(""), fc.constant("很快")),
    cells: fc.tuple(...columns.map((q) => fc.constantFrom(...CELLS[q]!))),
    shape: fc.constantFrom("full", "full", "full", "full", "blank", "short", "long"),
  });
  let n = 0;
  let taken = 0;

  it("read fast in ranges of any size equal the general reader, problems and rows included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 60 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 40, max: 4000 }),
        fc.constantFrom(0, 1),
        fc.constantFrom(",", "\t", ";"),
        fc.constantFrom<{ by?: string; issued?: number }>({}, { by: "q2" }, { issued: 500 }),
        fc.boolean(),
        async (rows, newline, bom, trailing, rangeBytes, which, delimiter, options, gb18030) => {
          const survey = surveys[which]!;
          let ids = 0;
          const lines = rows.map((r) => {
            if (r.shape === "blank") return delimiter.repeat(header.length - 1);
            const id = r.id === 0 ? ++ids + 1000 : r.id;
            const cells = [String(id), r.seconds, ...r.cells];
            if (r.shape === "short") cells.pop();
            if (r.shape === "long") cells.push("多");
            return cells.map((c) => quote(c, delimiter)).join(delimiter);
          });
          const text = `${header.join(delimiter)}${newline}${lines.join(newline)}${trailing ? newline : ""}`;
          const path = join(tmp, `gen-${n++}.csv`);
          writeFileSync(path, gb18030 ? iconv.encode(text, "gb18030") : bom ? `\uFEFF${text}` : text);
          const files = [{ path, name: "answers.csv" }];
          const why: string[] = [];
          const general = JSON.stringify(await tallySurvey(survey, files, { ...options, reader: "general" }));
          const auto = JSON.stringify(await tallySurvey(survey, files, { ...options, fast: { threads: 2, parallelFrom: 0, rangeBytes, onStepAside: (w: string) => void why.push(w) } }));
          expect(auto).toBe(general);
          if (why.length === 0) taken++;
        },
      ),
      { numRuns: Math.round(40 * SCALE), seed: SEED },
    );
    expect(taken).toBe(Math.round(40 * SCALE));
  });
});
