import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { mulberry32 } from "../../src/tally/exact.js";

/**
 * A seeded, 问卷星-style export (按选项文本, UTF-8) for the benchmark: 序号 / 提交答卷时间 / 所用时间, then
 * 30 questions (about 1% of them speeders) — a role, 15 Likert items, 4 multi-selects joined by ┋, an age, 7 single choices and 2 open
 * answers with quoted commas, quotes and line breaks. The same seed gives the same bytes.
 */

export const ROLES = ["镇领导班子成员", "社区党组织负责人", "社区“两委”其他成员", "到社区任职机关干部", "普通党员", "群众"];
export const LIKERT = ["非常满意", "比较满意", "一般", "不太满意", "很不满意"];
export const MULTI = [
  ["缺钱", "缺人", "缺场地", "缺制度", "其他"],
  ["宣传栏", "微信群", "入户走访", "居民会议", "网站"],
  ["停车", "绿化", "卫生", "治安", "照明"],
  ["养老", "托幼", "就业", "医疗", "教育"],
];
export const SINGLE = [
  ["男", "女"],
  ["初中及以下", "高中/中专", "大专", "本科", "研究生"],
  ["1年以下", "1-3年", "3-5年", "5年以上"],
  ["是", "否"],
  ["经常参加", "偶尔参加", "从不参加"],
  ["很了解", "了解一些", "不了解"],
  ["自有住房", "租房", "其他"],
];
const PHRASES = ["希望增加停车位", "路灯不亮", "垃圾分类要加强", "办事效率低", "活动室太小", "老年人服务不够", "电动车充电难", "物业服务差"];

/** The seeded generator of test data (mulberry32). */
export const rng = mulberry32;

export function header(): string[] {
  const h = ["序号", "提交答卷时间", "所用时间", "1、您的身份是："];
  let n = 2;
  for (let i = 1; i <= 15; i++) h.push(`${n++}、满意度评价${i}`);
  MULTI.forEach((_, i) => h.push(`${n++}、多选题${i + 1}`));
  h.push(`${n++}、您的年龄`);
  SINGLE.forEach((_, i) => h.push(`${n++}、单选题${i + 1}`));
  h.push(`${n++}、意见和建议`, `${n++}、其他想说的`);
  return h;
}

/** The survey.yaml that reads the generated file. */
export function surveyYaml(): string {
  const q: string[] = [];
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  q.push(`  - {id: q1, text: 您的身份是, type: single, options: ${list(ROLES)}}`);
  let n = 2;
  for (let i = 1; i <= 15; i++) q.push(`  - {id: q${n}, text: 满意度评价${i}, type: scale, scale: sat}`), n++;
  MULTI.forEach((o, i) => (q.push(`  - {id: q${n}, text: 多选题${i + 1}, type: multi, options: ${list(o)}}`), n++));
  q.push(`  - {id: q${n}, text: 您的年龄, type: number, integer: true, min: 18, max: 99, bins: [30, 40, 50], unit: 岁}`);
  n++;
  SINGLE.forEach((o, i) => (q.push(`  - {id: q${n}, text: 单选题${i + 1}, type: single, options: ${list(o)}}`), n++));
  q.push(`  - {id: q${n}, text: 意见和建议, type: text}`, `  - {id: q${n + 1}, text: 其他想说的, type: text}`);
  return `title: 性能测试问卷\nrole: q1\ndata:\n  id_column: 序号\nscales:\n  sat:\n    options: ${list(LIKERT)}\n    positive: [1, 2]\n    negative: [4, 5]\nquestions:\n${q.join("\n")}\n`;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes CSV lines (the header, then a line a questionnaire) to `path`, CRLF-ended, cells quoted where
 * they hold a comma, quote or line break, in writes of about 1 MiB so that a file of millions of rows is
 * never one string; resolves with the file size in bytes. Both bench generators write through it.
 */
export async function writeCsv(path: string, lines: Iterable<string[]>): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let chunk = "";
  for (const cells of lines) {
    chunk += `${cells.map(csvCell).join(",")}\r\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, "finish");
  return bytes;
}

/** Writes `rows` questionnaires to `path`; resolves with the file size in bytes. */
export function generate(path: string, rows: number, seed = 20260101): Promise<number> {
  return writeCsv(path, lines(rows, seed));
}

/** The file's lines: the header, then `rows` questionnaires drawn from the generator seeded with `seed`. */
function* lines(rows: number, seed: number): Generator<string[]> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  yield header();
  for (let i = 1; i <= rows; i++) {
    const cells: string[] = [String(i), `2026/5/${1 + (i % 28)} 9:${String(i % 60).padStart(2, "0")}:00`, `${r() < 0.01 ? 20 + Math.floor(r() * 60) : 240 + Math.floor(r() * 600)}秒`, pick(ROLES)];
    // Likert answers lean towards the positive end, as real satisfaction surveys do
    for (let k = 0; k < 15; k++) cells.push(LIKERT[Math.min(4, Math.floor(r() * r() * 5))]!);
    for (const options of MULTI) {
      const chosen = options.filter(() => r() < 0.4);
      cells.push(chosen.length ? chosen.join("┋") : options[0]!);
    }
    cells.push(String(18 + Math.floor(r() * 60)));
    for (const options of SINGLE) cells.push(pick(options));
    for (let t = 0; t < 2; t++) {
      const x = r();
      if (x < 0.5) cells.push("(空)");
      else if (x < 0.8) cells.push(`${pick(PHRASES)},${pick(PHRASES)}`);
      else if (x < 0.9) cells.push(`${pick(PHRASES)}\n${pick(PHRASES)}`);
      else cells.push(`他说"${pick(PHRASES)}"`);
    }
    yield cells;
  }
}
