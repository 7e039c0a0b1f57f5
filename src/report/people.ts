import type { BreakdownGroup, OptionTally, QuestionTally, RowTally, TallyResult } from "../tally/types.js";

/**
 * The tally as a weighted report states it: shares weighted (population estimates), counts and bases in
 * people (the questionnaires actually returned). A report says "男性占51.0%" and "共10人", never "5.1人";
 * the minimum group size is a number of people too. `effectiveBase` stays, for the tests of differences.
 * An unweighted tally is returned as it is.
 */
export function peopleView(tally: TallyResult): TallyResult {
  if (!tally.weighting) return tally;
  const questions: Record<string, QuestionTally> = {};
  for (const [id, q] of Object.entries(tally.questions)) questions[id] = inPeople(q);
  return {
    ...tally,
    roles: tally.roles && { ...tally.roles, counts: tally.roles.counts.map((c) => ({ ...c, count: c.unweightedCount ?? c.count })) },
    questions,
  };
}

function inPeople<T extends QuestionTally | RowTally>(q: T): T {
  const out: T = { ...q, base: q.unweightedBase ?? q.base, options: q.options && options(q.options) };
  if ("bins" in q && q.bins) (out as QuestionTally).bins = q.bins.map((b) => ({ ...b, count: b.unweightedCount ?? b.count }));
  if (q.breakdowns) {
    out.breakdowns = Object.fromEntries(Object.entries(q.breakdowns).map(([by, groups]) => [by, groups.map(group)]));
    if (q.byRole) out.byRole = out.breakdowns[Object.keys(q.breakdowns).find((by) => q.breakdowns![by] === q.byRole) ?? ""] ?? q.byRole.map(group);
  } else if (q.byRole) out.byRole = q.byRole.map(group);
  if ("rows" in q && q.rows) (out as QuestionTally).rows = Object.fromEntries(Object.entries(q.rows).map(([id, r]) => [id, inPeople(r)]));
  return out;
}

function group(g: BreakdownGroup): BreakdownGroup {
  return { ...g, base: g.unweightedBase ?? g.base, options: options(g.options) };
}

function options(os: OptionTally[]): OptionTally[] {
  return os.map((o) => ({ ...o, count: o.unweightedCount ?? o.count }));
}
