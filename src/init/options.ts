import { normalizeLabel } from "../definition/normalize.js";
import { numbered, numericKey } from "../definition/ordinal.js";

export interface DraftOption {
  code: number;
  label: string;
  other?: boolean;
}

const FILL_IN = /^(.*?)〖([\s\S]*)〗$/;
const OTHER = /^其他|^其它|^other/i;

/**
 * The options of a choice question from the answer labels seen with their counts. `其他〖…〗` fill-ins fold
 * into one `other` option; labels that differ only in full/half-width forms are one option (the reader
 * treats them alike). Codes follow `orderLabels`.
 */
export function optionsFromLabels(counts: Map<string, number>): DraftOption[] {
  const merged = new Map<string, { count: number; other: boolean; first: number }>();
  let position = 0;
  for (const [value, count] of counts) {
    const m = FILL_IN.exec(value);
    const label = normalizeLabel(m ? m[1]! : value);
    if (!label) continue;
    const seen = merged.get(label);
    const other = Boolean(m) || OTHER.test(label);
    if (seen) {
      seen.count += count;
      seen.other ||= other;
    } else {
      merged.set(label, { count, other, first: position++ });
    }
  }
  return orderLabels([...merged].map(([label, m]) => ({ label, ...m }))).map((o, i) =>
    o.other ? { code: i + 1, label: o.label, other: true } : { code: i + 1, label: o.label },
  );
}

interface Counted {
  label: string;
  count: number;
  other: boolean;
  first: number;
}

/**
 * A sensible order for options whose questionnaire order is unknown (a 按选项文本 export does not say):
 * 男 before 女; ranges and amounts (`0-799元`, `16~19岁`, `3000元以下`, `超过50%`) by their first number,
 * with "以下" just before and "以上" just after the number, "none" (没有投入, 从不) first; other labels
 * by how often they were chosen; 其他 last.
 */
export function orderLabels<T extends Counted>(items: T[]): T[] {
  const labels = new Set(items.map((i) => i.label));
  if (labels.size === 2 && labels.has("男") && labels.has("女")) {
    return [...items].sort((a, b) => (a.label === "男" ? -1 : b.label === "男" ? 1 : 0));
  }
  const keyed = items.map((item) => ({ item, key: numericKey(item.label) }));
  const byNumber = numbered(keyed.map((k) => k.key));
  return keyed
    .sort((a, b) => {
      if (a.item.other !== b.item.other) return a.item.other ? 1 : -1;
      if (byNumber) {
        if ((a.key === undefined) !== (b.key === undefined)) return a.key === undefined ? 1 : -1;
        if (a.key !== undefined && b.key !== undefined && a.key !== b.key) return a.key - b.key;
      }
      return b.item.count - a.item.count || a.item.first - b.item.first;
    })
    .map((k) => k.item);
}

/**
 * How `orderLabels` orders these labels: by the numbers in them (ranges, amounts, ages), or, knowing
 * nothing of the questionnaire, by how often each was chosen.
 */
export function labelOrder(labels: string[]): "number" | "count" {
  const plain = labels.filter((l) => !OTHER.test(l));
  if (plain.length === 2 && plain.includes("男") && plain.includes("女")) return "count";
  return numbered(plain.map(numericKey)) ? "number" : "count";
}

/** Placeholder options for a 按选项序号 export, whose cells hold codes only: 选项1 … 选项n. */
export function placeholderOptions(min: number, max: number): DraftOption[] {
  const options: DraftOption[] = [];
  for (let code = Math.max(0, Math.min(min, 1)); code <= max; code++) options.push({ code, label: `选项${code}` });
  return options;
}

/**
 * A 请核对 note when option labels are bare numbers that are other options' codes ("1" is code 2 while
 * code 1 is "0"): a cell "1" then reads as the label, though a 按选项序号 export means code 1.
 */
export function ambiguousLabels(options: DraftOption[]): string | undefined {
  const byCode = new Map(options.map((o) => [o.code, o]));
  const clashes = options.filter((o) => /^\d+$/.test(o.label) && Number(o.label) !== o.code && byCode.has(Number(o.label)));
  if (!clashes.length) return undefined;
  const o = clashes[0]!;
  return `选项文字“${clashes.map((c) => c.label).join("”“")}”是数字,又是别的选项的代码(“${o.label}”的代码是 ${o.code},代码 ${o.label} 是“${byCode.get(Number(o.label))!.label}”):按选项序号导出会被误读,请把文字改成“${o.label}个”这样的说法`;
}
