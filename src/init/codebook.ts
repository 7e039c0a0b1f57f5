import { answerWords } from "../pipeline/segmenter.js";
import { countDistinct } from "../tally/keywords.js";
import type { ColumnProfile } from "./profile.js";
import type { DraftQuestion } from "./infer.js";

/** At most this many themes in a drafted codebook: a start for the author, who merges and renames them. */
export const DRAFT_THEMES = 8;

/**
 * A draft codebook for an open question (`themes:`), from the keywords of its answers: jieba's content
 * words (as `survey tally` counts keywords), each mentioned by at least two answers and by at least 5% of
 * them, the most mentioned first; each becomes a theme named by the word, with the word as its pattern.
 * Counted over the distinct answers the profile kept (all of them unless it overflowed), each as often as
 * it was given. Undefined when no word qualifies. Ties go to the word that sorts first, so the draft is
 * the same on every run.
 */
export function draftCodebook(p: ColumnProfile): Record<string, string[]> | undefined {
  const counts = new Map<string, number>();
  let answers = 0;
  for (const [, n] of p.values) answers += n;
  countDistinct(p.values, answerWords, counts);
  const least = Math.max(2, Math.ceil(answers * 0.05));
  const words = [...counts]
    .filter(([, n]) => n >= least)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, DRAFT_THEMES);
  return words.length ? Object.fromEntries(words.map(([w]) => [w, [w]])) : undefined;
}

/** Each drafted text question with a codebook drafted from its column, and a 请核对 note saying how it was made. */
export function draftCodebooks(questions: DraftQuestion[], profiles: readonly ColumnProfile[]): void {
  for (const q of questions) {
    if (q.type !== "text" || q.columns?.length !== 1) continue;
    const p = profiles[q.columns[0]!];
    const themes = p && draftCodebook(p);
    if (!themes) continue;
    q.themes = themes;
    q.check.push("themes 是按答案中出现最多的关键词起草的编码表(主题: [关键词]):请合并、改名,补上同义词或 /正则/,删去不是主题的词");
  }
}
