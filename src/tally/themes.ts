import { compilePatterns, matchesAny, type Pattern } from "../definition/patterns.js";
import type { PlanItem } from "./plan.js";
import { share, wilsonOf } from "./stats.js";
import type { QuestionTally, ThemeTally } from "./types.js";

/** Representative answers shown per theme. */
export const EXAMPLES = 3;

/**
 * The codebook of a text question applied to its answers: for each theme, the answers that mention it
 * (match any of its patterns; an answer may mention several themes), with their share of all answers;
 * and the answers that mention none. Counted from the full list of answers, which partial tallies
 * concatenate, so a merged tally counts exactly what one pass does. Pure; `words` gives the keyword set of
 * each text (jieba's content words in the tally, see keywords.ts), for choosing typical answers.
 *
 * Cost: each distinct answer is matched once (answers repeat: 无, 停车难), and only the distinct answers
 * that mention a theme are segmented.
 */
export function themeTally(
  themes: NonNullable<PlanItem["themes"]>,
  answers: readonly string[],
  words: (texts: string[]) => Iterable<string>[],
): Pick<QuestionTally, "themes" | "unmatched"> {
  const compiled = themes.map((t) => compilePatterns(t.patterns));
  const times = new Map<string, number>();
  for (const a of answers) times.set(a, (times.get(a) ?? 0) + 1);
  // Per distinct text, the themes it mentions (by index).
  const mentions = new Map<string, number[]>();
  for (const text of times.keys()) mentions.set(text, themesOf(compiled, text));
  const base = answers.length;

  const members = themes.map(() => [] as string[]);
  for (const [text, list] of mentions) for (const k of list) members[k]!.push(text);
  const needed = [...new Set(members.flat())];
  const segmented = needed.length ? words(needed) : [];
  const wordsOf = new Map(needed.map((t, i) => [t, new Set(segmented[i] ?? [])]));

  const out: ThemeTally[] = themes.map((t, k) => {
    const texts = members[k]!;
    const count = texts.reduce((n, text) => n + times.get(text)!, 0);
    return {
      theme: t.theme,
      count,
      pct: share(count, base),
      ci95: wilsonOf(count, base),
      examples: typicalAnswers(texts.map((text) => ({ text, times: times.get(text)!, words: wordsOf.get(text)! }))),
    };
  });
  const unmatched = answers.filter((a) => mentions.get(a)!.length === 0);
  return { themes: out, unmatched: { count: unmatched.length, pct: share(unmatched.length, base), ci95: wilsonOf(unmatched.length, base), answers: unmatched } };
}

/** The indices of the themes an answer mentions. */
export function themesOf(compiled: readonly Pattern[][], text: string): number[] {
  const lower = text.toLowerCase();
  const out: number[] = [];
  compiled.forEach((patterns, k) => {
    if (matchesAny(patterns, text, lower)) out.push(k);
  });
  return out;
}

/**
 * The most typical answers of a theme, up to EXAMPLES, each text once. Typical means sharing the most
 * keywords with the theme's other answers: an answer's score is the average, over every other answer of
 * the theme (repeats included), of the number of keywords the two share —
 *   score(t) = Σ_{w ∈ W(t)} (df(w) − 1) / (n − 1),
 * where W(t) is t's keyword set, df(w) the number of the theme's answers whose set holds w, n the answers
 * in the theme. Ties go to the answer whose length (characters, spaces at the ends aside) is closest to the
 * median length of the theme's answers, then to the text that sorts first (by code unit).
 *
 * The score depends on the theme's answers as a multiset, never on their order, so the same examples come
 * out however the data was split into parts and merged. Computing it costs one pass over the keyword sets
 * (no pairwise comparison): the sum over the other answers of |W(t) ∩ W(u)| is Σ_{w ∈ W(t)} (df(w) − 1).
 */
export function typicalAnswers(texts: readonly { text: string; times: number; words: ReadonlySet<string> }[], limit = EXAMPLES): string[] {
  const df = new Map<string, number>();
  for (const t of texts) for (const w of t.words) df.set(w, (df.get(w) ?? 0) + t.times);
  const lengths: number[] = [];
  for (const t of texts) {
    const n = length(t.text);
    for (let i = 0; i < t.times; i++) lengths.push(n);
  }
  lengths.sort((a, b) => a - b);
  const mid = lengths.length >> 1;
  const median = lengths.length === 0 ? 0 : lengths.length % 2 ? lengths[mid]! : (lengths[mid - 1]! + lengths[mid]!) / 2;
  // n − 1 is the same for every answer of the theme: the integer sums order the averages exactly.
  const scored = texts.map((t) => {
    let shared = 0;
    for (const w of t.words) shared += df.get(w)! - 1;
    return { text: t.text, shared, distance: Math.abs(length(t.text) - median) };
  });
  scored.sort((a, b) => b.shared - a.shared || a.distance - b.distance || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.text);
}

function length(text: string): number {
  return [...text.trim()].length;
}
