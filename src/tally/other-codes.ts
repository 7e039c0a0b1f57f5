import type { Answer } from "../answers/cells.js";
import { compilePatterns, matchesAny, type Pattern } from "../definition/patterns.js";
import type { PlanItem } from "./plan.js";
import type { OptionTally, RecodedAnswer } from "./types.js";

/**
 * One recoded fill-in, as the tally state keeps it: the `other` option it was written in, the option it
 * was moved to, its text, and 1 when the target option gained the answer (0: a multi-select answer that
 * had chosen the target already, so only the `other` option lost it).
 */
export type Recoded = [from: number, to: number, text: string, added: 0 | 1];

/**
 * `other_codes:` of one single or multi item: a fill-in of an `other` option (问卷星's 其他〖亲友赠送的〗) that
 * matches a rule's patterns counts as the rule's option instead. Rules are tried in the order written; the
 * first that matches wins. Counting then sees the recoded answer, so every count, breakdown and merge of
 * partial tallies treats it as if the respondent had chosen the option; the text is kept in the state's
 * `recoded` list, never dropped.
 *
 * - single: 其他 loses the answer and the option gains it;
 * - multi: 其他 loses the answer; the option gains it only if the respondent did not choose it as well
 *   (a respondent counts once per option).
 */
export class OtherRecoder {
  private readonly from: Set<number>;
  private readonly rules: { to: number; patterns: Pattern[] }[];

  constructor(item: PlanItem) {
    const spec = item.otherCodes!;
    this.from = new Set(spec.from);
    this.rules = spec.rules.map((r) => ({ to: r.to, patterns: compilePatterns(r.patterns) }));
  }

  /** The option a fill-in means, or undefined when no rule matches it. */
  target(text: string): number | undefined {
    const lower = text.toLowerCase();
    for (const r of this.rules) if (matchesAny(r.patterns, text, lower)) return r.to;
    return undefined;
  }

  /**
   * The answer as counted: `a` itself when no fill-in is recoded, else a new answer (answers may be shared
   * and frozen) whose codes have the option instead of the `other` one and whose fill-ins are those left.
   * Each recoded fill-in is given to `out` (when given) in the order of the answer's fill-ins.
   */
  recode(a: Answer, out?: (r: Recoded) => void): Answer {
    if (a.kind !== "choice" || !a.others) return a;
    let codes: number[] | undefined;
    let others: { code: number; text: string }[] | undefined;
    for (const o of a.others) {
      const to = this.from.has(o.code) ? this.target(o.text) : undefined;
      if (to === undefined) continue;
      codes ??= [...a.codes];
      others ??= [...a.others];
      others.splice(others.indexOf(o), 1);
      const at = codes.indexOf(o.code);
      const added = !codes.includes(to);
      // The option takes the `other` option's place; when it was chosen too, the `other` choice just goes.
      if (added) codes[at] = to;
      else codes.splice(at, 1);
      out?.([o.code, to, o.text, added ? 1 : 0]);
    }
    if (!codes) return a;
    // The four fields of every answer, in their order (see cells.ts): one object layout for the counter.
    return { kind: "choice", codes, others: others!.length ? others : undefined, value: undefined } as unknown as Answer;
  }
}

/** The recoder of each item (undefined for items without `other_codes:`), by item index. */
export function recoders(items: readonly PlanItem[]): (OtherRecoder | undefined)[] {
  return items.map((item) => (item.otherCodes && (item.type === "single" || item.type === "multi") ? new OtherRecoder(item) : undefined));
}

/**
 * The tally's view of the recoded fill-ins of one item: the list in reading order (labels for codes), and
 * on the options, `recoded` (answers that added to a target's count) and `recodedAway` (fill-ins that left
 * an `other` option, whose count is without them). Every rule's target and every `other` option carries
 * the field, 0 included, so that a script reads the same shape whatever the answers were.
 */
export function recodedTally(item: PlanItem, recoded: readonly Recoded[], options: OptionTally[]): RecodedAnswer[] {
  const spec = item.otherCodes!;
  const label = new Map(item.options.map((o) => [o.code, o.label]));
  const added = new Map<number, number>();
  const away = new Map<number, number>();
  for (const [from, to, , gained] of recoded) {
    away.set(from, (away.get(from) ?? 0) + 1);
    if (gained) added.set(to, (added.get(to) ?? 0) + 1);
  }
  const targets = new Set(spec.rules.map((r) => r.to));
  const sources = new Set(spec.from);
  for (const o of options) {
    if (targets.has(o.code)) o.recoded = added.get(o.code) ?? 0;
    if (sources.has(o.code)) o.recodedAway = away.get(o.code) ?? 0;
  }
  return recoded.map(([from, to, text, gained]) => ({ text, from: label.get(from) ?? String(from), to: label.get(to) ?? String(to), added: gained === 1 }));
}

/** The state's list back from the tally's (`survey merge` reads saved tallies): labels to codes. */
export function recodedFromTally(item: PlanItem, list: readonly RecodedAnswer[]): Recoded[] {
  const code = new Map(item.options.map((o) => [o.label, o.code]));
  return list.map((r) => [code.get(r.from) ?? Number(r.from), code.get(r.to) ?? Number(r.to), r.text, r.added ? 1 : 0]);
}
