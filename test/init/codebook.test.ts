import { describe, expect, it } from "vitest";
import { draftCodebook } from "../../src/init/codebook.js";
import { addCell, emptyProfile } from "../../src/init/profile.js";
import { wordsOfAnswer } from "../../src/pipeline/segmenter.js";

/** survey init --from: a codebook drafted from the keywords of an open question's answers. */
describe("draftCodebook", () => {
  const answers = ["停车难，车位太少", "停车位不够", "垃圾没人清理", "垃圾乱扔", "停车难，垃圾多", "路灯坏了", "无", "车位紧张", "垃圾桶太少", "车位不够"];

  it("makes a theme of each keyword that at least two answers (and 5%) mention, the most mentioned first", () => {
    const p = emptyProfile();
    for (const a of answers) addCell(p, a);
    const themes = draftCodebook(p)!;
    const names = Object.keys(themes);
    expect(names.length).toBeGreaterThan(0);
    // counted independently: answers whose keyword set holds the word
    const mentions = (w: string) => answers.filter((a) => wordsOfAnswer(a).has(w)).length;
    for (const w of names) {
      expect(themes[w]).toEqual([w]);
      expect(mentions(w)).toBeGreaterThanOrEqual(2);
    }
    const counts = names.map(mentions);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(names).toContain("垃圾");
    // a word only one answer uses is no theme
    expect(names).not.toContain("路灯");
  });

  it("drafts nothing from answers that share no keyword", () => {
    const p = emptyProfile();
    for (const a of ["无", "没有", "路灯坏了"]) addCell(p, a);
    expect(draftCodebook(p)).toBeUndefined();
  });
});
