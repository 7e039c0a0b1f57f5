/**
 * Options that carry an amount — ages (16~19岁 … 60岁以上), incomes, shares (没有投入, 10%左右 … 超过50%),
 * counts — form an ordered list. `survey init` sorts labels seen in a 按选项文本 export by these numbers;
 * the report keeps such a list (and the role list) in the questionnaire's order in its charts instead of
 * sorting it by count.
 */

/**
 * "None" in an ordered list of amounts: 没有投入, 从不, 零 come before the smallest amount, as
 * questionnaires list them. 无收入 is left after the bands, where income questions tend to put it beside
 * 不知道/拒绝回答 (the real export in ../shared/realdata does).
 */
const NONE = /^(没有|从不|从未|从来没有|零)/;

/** The number a label sorts by ("以下" just below it, "以上" just above), or undefined. */
export function numericKey(label: string): number | undefined {
  const m = /\d+(?:\.\d+)?/.exec(label.replace(/,/g, ""));
  if (!m) return NONE.test(label) ? -1 : undefined;
  const n = Number(m[0]);
  if (/以下|以内|及以下|不足|少于|不到|低于/.test(label)) return n - 0.5;
  if (/以上|超过|多于|高于|及以上/.test(label)) return n + 0.5;
  return n;
}

/** Whether labels can be ordered by their numbers: at least two, and half of them, carry one. */
export function numbered(keys: (number | undefined)[]): boolean {
  const n = keys.filter((k) => k !== undefined).length;
  return n * 2 >= keys.length && n >= 2;
}

/**
 * Whether options, in the order listed, are an ordered list of amounts: numbered (see above; fill-in
 * options such as 其他 aside) with the numbers rising. Such a list is never re-sorted by count.
 */
export function isOrdinal(options: readonly { label: string; other?: boolean }[]): boolean {
  const keys = options.filter((o) => !o.other).map((o) => numericKey(o.label));
  if (!numbered(keys)) return false;
  const known = keys.filter((k): k is number => k !== undefined);
  return known.every((k, i) => i === 0 || k >= known[i - 1]!);
}
