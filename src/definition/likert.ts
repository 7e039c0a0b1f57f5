import { normalizeLabel } from "./normalize.js";

/**
 * Known five-level response scales (Likert label sets) as Chinese questionnaires word them. Each level
 * lists its usual wordings, most positive level first, so a drafted scale's codes run 1 (best) … 5 and
 * its positive set is [1, 2], negative [4, 5].
 */
const FAMILIES: { name: string; levels: string[][] }[] = [
  {
    name: "satisfaction",
    levels: [["非常满意", "很满意"], ["比较满意", "满意"], ["一般", "基本满意"], ["不太满意", "不满意", "比较不满意"], ["非常不满意", "很不满意"]],
  },
  {
    name: "agreement",
    levels: [["非常同意", "完全同意"], ["比较同意", "同意"], ["一般", "中立", "不确定"], ["不太同意", "不同意", "比较不同意"], ["非常不同意", "完全不同意"]],
  },
  {
    name: "importance",
    levels: [["非常重要", "很重要"], ["比较重要", "重要"], ["一般"], ["不太重要", "不重要"], ["非常不重要", "很不重要"]],
  },
  {
    name: "familiarity",
    levels: [["非常了解", "很了解"], ["比较了解", "了解"], ["一般", "了解一些"], ["不太了解"], ["完全不了解", "不了解"]],
  },
  {
    name: "quality",
    levels: [["非常好", "很好"], ["比较好", "较好", "好"], ["一般"], ["比较差", "较差", "差"], ["非常差", "很差"]],
  },
];

/** Answers that say "cannot judge": kept as options, but left out of every base (`na`). */
const NOT_APPLICABLE = ["不了解", "不清楚", "说不清", "说不清楚", "不适用", "无法评价", "不知道"];

export interface LikertMatch {
  /** The family's name, used to name the drafted scale. */
  family: string;
  /** Five labels, most positive first, in the wording the export uses where it was seen. */
  levels: string[];
  /** Not-applicable labels seen, appended after the levels. */
  na: string[];
}

/**
 * The scale a set of answer labels belongs to, if every label is a level (or a not-applicable answer) of
 * one known family, no level is worded two ways, and at least three levels were used — fewer could be
 * an ordinary two- or three-option question.
 */
export function matchLikert(labels: Iterable<string>): LikertMatch | undefined {
  const seen = [...new Set([...labels].map(normalizeLabel))];
  for (const family of FAMILIES) {
    const chosen: (string | undefined)[] = family.levels.map(() => undefined);
    const na: string[] = [];
    let fits = true;
    for (const label of seen) {
      const level = family.levels.findIndex((words) => words.includes(label));
      if (level >= 0) {
        if (chosen[level] !== undefined) fits = false;
        chosen[level] = label;
      } else if (NOT_APPLICABLE.includes(label)) {
        na.push(label);
      } else {
        fits = false;
      }
      if (!fits) break;
    }
    const used = chosen.filter((c) => c !== undefined).length;
    if (fits && used >= 3) {
      return { family: family.name, levels: family.levels.map((words, i) => chosen[i] ?? words[0]!), na };
    }
  }
  return undefined;
}

/**
 * Each label's level in a known family (0 = most positive), -1 for a not-applicable answer, when the
 * labels are such a scale (see matchLikert); for checking a definition's positive/negative and scores.
 */
export function likertLevels(labels: string[]): number[] | undefined {
  const match = matchLikert(labels);
  if (!match) return undefined;
  return labels.map((l) => {
    const label = normalizeLabel(l);
    const level = match.levels.indexOf(label);
    return level >= 0 ? level : -1;
  });
}
