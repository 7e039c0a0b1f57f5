import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { answerWords, wordsOfAnswer } from "../src/pipeline/segmenter.js";
import { fallbackTag, WordTags } from "../src/pipeline/word-tags.js";
import { contentWords } from "../src/tally/keywords.js";
import { generateReal } from "./bench/real-shape.js";
import { SHARED } from "./helpers/cli.js";

/**
 * The segmenter cuts answers many to a call and looks each word's tag up itself (src/pipeline/segmenter.ts,
 * word-tags.ts), for speed; these tests hold it equal to what jieba's own `tag` gives, answer by answer
 * and word by word, on every cell of the fixtures, the real 问卷星 export when present, the bench's
 * real-shaped open answers, and strings made to break the joining.
 */

const require = createRequire(import.meta.url);
const { Jieba } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
const jieba = Jieba.withDict(dict);

/** Every cell of every CSV under fixtures/. */
function fixtureCells(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".csv")) for (const row of Papa.parse<string[]>(readFileSync(path, "utf8")).data) out.push(...row);
    }
  };
  walk("fixtures");
  return out;
}

/** Every cell of the real export, in both its forms (when ../shared is beside the repository). */
function realCells(): string[] {
  const dir = join(SHARED, "realdata/wjx-800");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const wb = XLSX.read(readFileSync(join(dir, name)), { type: "buffer" });
    return XLSX.utils.sheet_to_json<string[]>(wb.Sheets[wb.SheetNames[0]!]!, { header: 1, raw: false }).flat().map(String);
  });
}

async function benchAnswers(): Promise<string[]> {
  const path = join(mkdtempSync(join(tmpdir(), "survey-seg-")), "real.csv");
  await generateReal(path, 4000);
  const rows = Papa.parse<string[]>(readFileSync(path, "utf8")).data;
  const width = rows[0]!.length;
  return rows.slice(1).flatMap((r) => [r[width - 2] ?? "", r[width - 1] ?? ""]);
}

/** Made to break a joined cut: the separator itself, white space and line breaks at the ends, Latin and digits. */
const AWKWARD = [
  "",
  " ",
  "\u0001",
  "停车难\u0001路灯不亮",
  "\u0001垃圾分类",
  "路灯 不亮\r\n希望修",
  "\n停车难",
  "停车难\r",
  "WiFi信号差,4S店太远",
  "123",
  "abc123",
  "CEO走上人生巅峰",
  "小区门口停车难😀😀",
  "電動車充電難，sheng huo bu fang bian",
  "a",
  "A.B.C",
  "3.5%的人",
  "#话题# 加装电梯",
];

describe("the segmenter", () => {
  it("gives each answer the keywords jieba's tag gives it, batch after batch", async () => {
    const answers = [...AWKWARD, ...fixtureCells(), ...realCells(), ...(await benchAnswers()), ...AWKWARD];
    expect(answers.length).toBeGreaterThan(8000);
    const ours = answerWords(answers);
    expect(ours).toHaveLength(answers.length);
    const differ = answers.filter((a, i) => [...ours[i]!].join("|") !== [...contentWords(jieba.tag(a, true))].join("|"));
    expect(differ).toEqual([]);
    // and the keywords are not all empty: the comparison compares something
    expect(ours.filter((s) => s.size > 0).length).toBeGreaterThan(5000);
  });

  it("tags every word jieba cuts as jieba's tag does", async () => {
    const tags = new WordTags(dict);
    const words = new Map<string, string>();
    for (const a of [...AWKWARD, ...fixtureCells(), ...realCells(), ...(await benchAnswers())]) for (const t of jieba.tag(a, true)) words.set(t.word, t.tag);
    expect(words.size).toBeGreaterThan(1000);
    const differ = [...words].filter(([w, tag]) => tags.tagOf(w) !== tag);
    expect(differ).toEqual([]);
    expect(new Set(words.values()).size).toBeGreaterThan(10);
  });

  it("finds words in a dictionary that is not in byte order", () => {
    const tags = new WordTags(Buffer.from("路灯 10 n\n停车 20 v\nabc 1 nz\n 5 x\n空 1\n"));
    expect(tags.tagOf("停车")).toBe("v");
    expect(tags.tagOf("路灯")).toBe("n");
    expect(tags.tagOf("abc")).toBe("nz");
    expect(tags.tagOf("空")).toBe("");
    expect(tags.tagOf("电梯")).toBe("x");
  });

  it("tags a word outside the dictionary by its ASCII letters and digits, as jieba does", () => {
    expect([fallbackTag("龘龘"), fallbackTag("2026"), fallbackTag("4S"), fallbackTag("ＡＢ")]).toEqual(["x", "m", "eng", "x"]);
  });

  it("gives one answer's keywords alone as in a batch", () => {
    expect([...wordsOfAnswer("办事要跑好几趟，有时找不到人")]).toEqual(["办事"]);
    expect(answerWords(["停车难\u0001路灯不亮", "加装电梯"]).map((s) => [...s])).toEqual([
      [...contentWords(jieba.tag("停车难\u0001路灯不亮", true))],
      [...contentWords(jieba.tag("加装电梯", true))],
    ]);
  });
});
