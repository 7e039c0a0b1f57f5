import type { ReportRulesDoc } from "../definition/schema.js";

/**
 * The rules that keep a generated sentence true (PRODUCT §7): the template gives the defaults, survey.yaml's
 * `rules:` overrides them for one survey. Every finding says which of them placed and worded it.
 */
export interface ReportRules {
  /** 明显/显著 only for a gap of at least this much (a fraction: 0.1 = 10 percentage points)… */
  strongGap: number;
  /** …that is also significant at this level (both the test across the groups and the test of the pair). */
  significance: number;
  /** No percentage for a group of fewer respondents: counts instead, or left out of comparisons. */
  minGroup: number;
  /** An evaluation whose positive rate reaches this is a result (成效); below it, a problem. */
  successRate: number;
  /** At most this many group differences are written, the largest gaps first. */
  maxDifferences: number;
}

export const DEFAULT_RULES: ReportRules = {
  strongGap: 0.1,
  significance: 0.05,
  minGroup: 10,
  successRate: 0.7,
  maxDifferences: 3,
};

/** The template's defaults with the survey's overrides, keys as survey.yaml writes them (snake_case). */
export function resolveRules(...layers: (ReportRulesDoc | undefined)[]): ReportRules {
  const rules = { ...DEFAULT_RULES };
  for (const l of layers) {
    if (!l) continue;
    if (l.strong_gap !== undefined) rules.strongGap = l.strong_gap;
    if (l.significance !== undefined) rules.significance = l.significance;
    if (l.min_group !== undefined) rules.minGroup = l.min_group;
    if (l.success_rate !== undefined) rules.successRate = l.success_rate;
    if (l.max_differences !== undefined) rules.maxDifferences = l.max_differences;
  }
  return rules;
}
