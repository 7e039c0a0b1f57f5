import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { FEW_TO_SEGMENT } from "../src/pipeline/ranges/texts.js";

/**
 * Open answers' keywords on the fast path: a range with many distinct answers segments them in the thread
 * that read it, one with few leaves them to the main thread (FEW_TO_SEGMENT). Either way the keyword counts
 * are the general reader's, to the count.
 */

const tmp = mkdtempSync(join(tmpdir(), "survey-keywords-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const { survey, diagnostics } = parseSurvey(
  `title: 关键词
questions:
  - {id: q1, text: 您的身份, type: single, options: [党员, 群众]}
  - {id: q2, text: 您的意见和建议, type: text}
data: {files: [answers.csv]}
`,
  "survey.yaml",
);
if (!survey) throw new Error(JSON.stringify(diagnostics));

const SUBJECTS = ["停车位", "物业服务", "垃圾分类", "路灯照明", "绿化带", "健身器材", "快递柜", "电梯维修", "噪音扰民", "社区食堂", "老年活动室", "儿童乐园"];
const VERBS = ["希望增加", "建议改善", "尽快解决", "加强管理", "定期检查"];

/** A seeded answer from pieces: with `distinct`, the row number makes it one of its own. */
function answer(i: number, distinct: boolean): string {
  const s = SUBJECTS[(i * 7) % SUBJECTS.length]!;
  const v = VERBS[(i * 3) % VERBS.length]!;
  return distinct ? `${v}${s}问题第${i}号楼` : `${v}${s}`;
}

async function compare(rows: number, distinct: boolean | ((i: number) => boolean), rangeBytes: number, answers = true) {
  const path = join(tmp, `answers-${rows}-${String(distinct).length}.csv`);
  const lines = Array.from({ length: rows }, (_, i) => `${i % 3 ? "群众" : "党员"},${i % 5 === 4 ? "" : answer(i, typeof distinct === "function" ? distinct(i) : distinct)}`);
  writeFileSync(path, `您的身份,您的意见和建议\n${lines.join("\n")}\n`);
  const files = [{ path, name: "answers.csv" }];
  const general = await tallySurvey(survey!, files, { reader: "general", answers });
  const fast = await tallySurvey(survey!, files, { answers, fast: { threads: 2, parallelFrom: 0, rangeBytes } });
  expect(fast.questions.q2!.keywords).toEqual(general.questions.q2!.keywords);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
  return general;
}

describe("keywords of open answers read in ranges", () => {
  it("equal the general reader's when each range has more distinct answers than FEW_TO_SEGMENT (segmented by its thread)", async () => {
    const rows = FEW_TO_SEGMENT * 4;
    const general = await compare(rows, true, 64 << 10);
    expect(general.questions.q2!.keywords!.length).toBeGreaterThan(0);
  });

  it("equal the general reader's when the answers are not listed: segmented a batch at a time while reading, repeats remembered", async () => {
    // One range of 30,000 rows: 12,000 distinct answers (several batches, more than a range remembers)
    // among 12,000 repeats of 60 phrases, which hit the remembered keywords or arrive after they were forgotten.
    const general = await compare(30_000, (i) => i % 2 === 0, 64 << 20, false);
    expect(general.questions.q2!.answers).toBeUndefined();
    expect(general.questions.q2!.keywords![0]!.count).toBeGreaterThan(1000);
    // and in many ranges
    await compare(30_000, (i) => i % 2 === 0, 128 << 10, false);
  });

  it("equal the general reader's when ranges repeat a few phrases (left to the main thread)", async () => {
    const general = await compare(2000, false, 2 << 10);
    expect(general.questions.q2!.keywords![0]!.count).toBeGreaterThan(10);
  });
});
