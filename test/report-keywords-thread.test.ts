import { describe, expect, it, vi } from "vitest";

/**
 * `survey report` loads jieba's dictionary in a thread of its own while it reads the answers, and
 * keywords() asks that thread for the words: the keywords must be those segmenting here gives.
 */
describe("keywords segmented in the report's thread", () => {
  it("are the keywords segmented on this thread, counts and order included", async () => {
    const answers = [
      "办事要跑好几趟，有时找不到人",
      "希望增加停车位，电动车充电难",
      "建议多组织文化活动，丰富群众生活",
      "停车难，电动车乱停",
      "无",
      "",
      "办事要跑好几趟，有时找不到人",
      "Parking is hard; more parking please",
    ];
    // Two instances of the module: one that never loads jieba itself, one that segments here.
    const there = await import("../src/tally/keywords.js");
    vi.resetModules();
    const here = await import("../src/tally/keywords.js");
    expect(there).not.toBe(here);
    there.startSegmenterThread();
    const fromThread = [there.keywords(answers), there.keywords(answers.slice(2))];
    // Still running: it answered, and keywords() did not fall back to segmenting here.
    expect(there.stopSegmenterThread()).toBe(true);
    expect(fromThread[0]!.length).toBeGreaterThan(3);
    expect(fromThread).toEqual([here.keywords(answers), here.keywords(answers.slice(2))]);
  }, 60_000);
});
