import { normalizeHeader, normalizeLabel, parseSubColumn } from "../definition/normalize.js";
import { maxOf, minOf } from "../arrays.js";
import type { RawRow } from "../io/raw-row.js";
import type { Draft, DraftQuestion, DraftScale } from "./infer.js";
import { matchLikert } from "../definition/likert.js";
import { ambiguousLabels, type DraftOption } from "./options.js";
import { MARKERS } from "./profile.js";

/**
 * Drafting from both 问卷星 export forms of the same answers (`survey init --from TEXT --from CODE`).
 * The 按选项序号 export knows the questionnaire's codes (so its order) and, in `第N题(label)` headers, the
 * labels of multi-select options, chosen or not; the 按选项文本 export knows every other label, the
 * question texts and which answers are fill-ins. Reading the two row by row pairs each label with its
 * code. Pure apart from the rows it is given: no files, no output format.
 */

/** One export as drafted on its own, with its header. */
export interface FormDraft {
  name: string;
  header: string[];
  draft: Draft;
}

/** What pairing the rows found, per text-draft question: label → code → times seen together. */
interface Pairing {
  /** Rows read from each export, and rows paired (the same 序号, or the same place when there is none). */
  rows: { text: number; code: number; paired: number; unpaired: number };
  /** Per text question id. */
  labels: Map<string, Map<string, Map<number, number>>>;
  /** Per text question id: rows whose multi-select answers differ between the exports. */
  disagreements: Map<string, { count: number; example?: string }>;
}

export interface BothResult {
  draft: Draft;
  pairing: Pairing["rows"];
  /** Lines for the user about what could not be settled (also in the draft as 请核对). */
  notes: string[];
}

const FILL_IN = /^(.*?)〖([\s\S]*)〗$/;
const OTHER = /^其他|^其它|^other/i;

/** Which question of the code draft answers which question of the text draft: by 问卷星's number, else by text. */
export function matchQuestions(text: FormDraft, code: FormDraft): Map<string, DraftQuestion> {
  const key = (f: FormDraft, q: DraftQuestion): { number?: number; text: string } => {
    const first = q.columns?.[0];
    const h = first === undefined ? "" : f.header[first]!;
    const sub = parseSubColumn(h);
    if (sub && (q.columns?.length ?? 0) > 0 && (q.type === "multi" || q.type === "matrix")) return { number: sub.number, text: normalizeHeader(q.text).text };
    const n = normalizeHeader(h);
    return { number: n.number, text: n.text };
  };
  const byNumber = new Map<number, DraftQuestion>();
  const byText = new Map<string, DraftQuestion>();
  for (const q of code.draft.questions) {
    const k = key(code, q);
    if (k.number !== undefined && !byNumber.has(k.number)) byNumber.set(k.number, q);
    if (!byText.has(k.text)) byText.set(k.text, q);
  }
  const out = new Map<string, DraftQuestion>();
  const used = new Set<DraftQuestion>();
  for (const q of text.draft.questions) {
    const k = key(text, q);
    const found = (k.number !== undefined ? byNumber.get(k.number) : undefined) ?? byText.get(k.text);
    if (found && !used.has(found)) {
      out.set(q.id, found);
      used.add(found);
    }
  }
  return out;
}

/**
 * Reads the two exports' rows side by side and records, for every choice question, which code each label
 * was given. Rows are paired by the id column (问卷星's 序号) when both have one, else by position.
 */
export async function pairRows(
  text: FormDraft,
  code: FormDraft,
  textRows: AsyncIterable<RawRow>,
  codeRows: AsyncIterable<RawRow>,
  matched: Map<string, DraftQuestion>,
): Promise<Pairing> {
  const pairing: Pairing = { rows: { text: 0, code: 0, paired: 0, unpaired: 0 }, labels: new Map(), disagreements: new Map() };
  const idAt = (f: FormDraft) => (f.draft.idColumn === undefined ? -1 : f.header.findIndex((h) => normalizeLabel(h) === f.draft.idColumn));
  const textId = idAt(text);
  const codeId = idAt(code);
  const byId = textId >= 0 && codeId >= 0;

  const left = textRows[Symbol.asyncIterator]();
  const right = codeRows[Symbol.asyncIterator]();
  const next = async (it: AsyncIterator<RawRow>, side: "text" | "code"): Promise<string[] | undefined> => {
    for (;;) {
      const r = await it.next();
      if (r.done) return undefined;
      if (r.value.cells.every((c) => c.trim() === "")) continue;
      pairing.rows[side]++;
      return r.value.cells;
    }
  };
  // Exports of one survey list answers by 序号, rising: a row missing from one side is passed over.
  let t = await next(left, "text");
  let c = await next(right, "code");
  while (t && c) {
    if (byId) {
      const a = (t[textId] ?? "").trim();
      const b = (c[codeId] ?? "").trim();
      if (a !== b) {
        const x = Number(a);
        const y = Number(b);
        if (Number.isFinite(x) && Number.isFinite(y) && x !== y) {
          if (x < y) t = await next(left, "text");
          else c = await next(right, "code");
        } else {
          t = await next(left, "text");
          c = await next(right, "code");
        }
        continue;
      }
    }
    pairing.rows.paired++;
    for (const q of text.draft.questions) {
      const other = matched.get(q.id);
      if (other) pairCells(q, other, text.header, code.header, t, c, pairing);
    }
    t = await next(left, "text");
    c = await next(right, "code");
  }
  while (t) t = await next(left, "text");
  while (c) c = await next(right, "code");
  pairing.rows.unpaired = pairing.rows.text + pairing.rows.code - 2 * pairing.rows.paired;
  return pairing;
}

function answered(cell: string | undefined): string | undefined {
  const s = (cell ?? "").trim();
  return s === "" || MARKERS.includes(s) ? undefined : s;
}

/** A label as the text export writes it, without a fill-in. */
function labelOf(cell: string): string {
  const m = FILL_IN.exec(cell);
  return normalizeLabel(m ? m[1]! : cell);
}

function codeOf(cell: string): number | undefined {
  const m = FILL_IN.exec(cell);
  const s = normalizeLabel(m ? m[1]! : cell);
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

function see(pairing: Pairing, id: string, label: string, code: number): void {
  let labels = pairing.labels.get(id);
  if (!labels) pairing.labels.set(id, (labels = new Map()));
  let codes = labels.get(label);
  if (!codes) labels.set(label, (codes = new Map()));
  codes.set(code, (codes.get(code) ?? 0) + 1);
}

function pairCells(tq: DraftQuestion, cq: DraftQuestion, th: string[], ch: string[], t: string[], c: string[], pairing: Pairing): void {
  const tc = tq.columns ?? [];
  const cc = cq.columns ?? [];
  if ((tq.type === "single" || tq.type === "scale") && tc.length === 1 && cc.length === 1) {
    const a = answered(t[tc[0]!]);
    const b = answered(c[cc[0]!]);
    const code = b === undefined ? undefined : codeOf(b);
    if (a !== undefined && code !== undefined) see(pairing, tq.id, labelOf(a), code);
    return;
  }
  if (tq.type === "rank" && tc.length === 1 && cc.length === 1) {
    const a = answered(t[tc[0]!])?.split("→").map((p) => p.trim()).filter(Boolean);
    const b = answered(c[cc[0]!])?.split("→").map((p) => codeOf(p.trim()));
    if (a && b && a.length === b.length) a.forEach((label, i) => b[i] !== undefined && see(pairing, tq.id, labelOf(label), b[i]));
    return;
  }
  if (tq.type === "matrix" && cq.type === "matrix") {
    // Rows by their label in the header: `第9题(党员教育管理)` in both.
    const codeRow = new Map(cc.map((i) => [parseSubColumn(ch[i]!)?.label, i]));
    for (const i of tc) {
      const j = codeRow.get(parseSubColumn(th[i]!)?.label);
      if (j === undefined) continue;
      const a = answered(t[i]);
      const b = answered(c[j]);
      const code = b === undefined ? undefined : codeOf(b);
      if (a !== undefined && code !== undefined) see(pairing, tq.id, labelOf(a), code);
    }
    return;
  }
  if (tq.type === "multi" && cq.type === "multi" && tc.length === 1 && cc.length > 1) {
    const a = answered(t[tc[0]!]);
    const chosen = new Set(a === undefined ? [] : a.split("┋").map((p) => labelOf(p.trim())).filter(Boolean));
    const flagged = new Set<string>();
    cc.forEach((i, k) => {
      const v = (c[i] ?? "").trim();
      if (v !== "" && v !== "0" && !MARKERS.includes(v)) flagged.add(cq.options![k]!.label);
    });
    if (chosen.size !== flagged.size || [...chosen].some((l) => !flagged.has(l))) {
      const d = pairing.disagreements.get(tq.id) ?? { count: 0 };
      d.count++;
      d.example ??= `${[...chosen].join("┋") || "(无)"} / ${[...flagged].join("┋") || "(无)"}`;
      pairing.disagreements.set(tq.id, d);
    }
  }
}

/**
 * The one draft: the text draft's questions (texts, types, fill-ins) with the code draft's codes. A
 * question that cannot be paired is kept as the text draft has it, `codes: guessed`, with a note.
 */
export function mergeDrafts(text: FormDraft, code: FormDraft, matched: Map<string, DraftQuestion>, pairing: Pairing): BothResult {
  const notes: string[] = [];
  const scales: DraftScale[] = [];
  const textScales = new Map(text.draft.scales.map((s) => [s.name, s]));
  const addScale = (wanted: string, scale: Omit<DraftScale, "name">): string => {
    const key = JSON.stringify([scale.options, scale.positive, scale.negative, scale.na, scale.scores]);
    const known = scales.find((s) => JSON.stringify([s.options, s.positive, s.negative, s.na, s.scores]) === key);
    if (known) return known.name;
    let name = wanted;
    for (let k = 2; scales.some((s) => s.name === name); k++) name = `${wanted}_${k}`;
    scales.push({ name, ...scale });
    return name;
  };
  const keepGuessed = (tq: DraftQuestion, why: string): DraftQuestion => {
    notes.push(`${tq.id}: ${why}; its codes are guessed from the 按选项文本 export`);
    const q: DraftQuestion = { ...tq, check: [`${why}:选项顺序仍是推断的`, ...tq.check] };
    if (tq.scale) {
      const s = textScales.get(tq.scale)!;
      q.scale = addScale(s.name, { ...s, check: [...s.check] });
    }
    return q;
  };

  const questions = text.draft.questions.map((tq): DraftQuestion => {
    const cq = matched.get(tq.id);
    // A 0/1 or matrix group has no question text in its header (第6题): the other export may have it.
    const text = /^第\d+题$/.test(tq.text) && cq && !/^第\d+题$/.test(cq.text) ? cq.text : tq.text;
    if (tq.type === "number" || tq.type === "text") return tq;
    if (!cq) return keepGuessed(tq, "按选项序号导出中没有这道题");

    if (tq.type === "multi") {
      if (cq.type !== "multi" || (cq.columns?.length ?? 0) < 2) return tq.codesGuessed ? keepGuessed(tq, "按选项序号导出中这道题不是每个选项一列 0/1") : tq;
      const textLabels = new Map((tq.options ?? []).map((o) => [o.label, o]));
      const options = cq.options!.map((o) => ({ ...o, ...(textLabels.get(o.label)?.other || OTHER.test(o.label) ? { other: true } : {}) }));
      const unknown = [...textLabels.keys()].filter((l) => !options.some((o) => o.label === l));
      const check = tq.check.filter((c) => !c.includes("codes: guessed"));
      check.unshift("多选题;选项和代码取自按选项序号导出的列名(第N题(选项)),没人选的选项也在其中");
      const d = pairing.disagreements.get(tq.id);
      if (d) {
        check.push(`${d.count} 份答卷的两种导出不一致(如 ${d.example})`);
        notes.push(`${tq.id}: ${d.count} rows answer differently in the two exports (${d.example})`);
      }
      if (unknown.length) {
        check.push(`按选项文本导出中的“${unknown.join("”“")}”不在按选项序号导出的列名中`);
        notes.push(`${tq.id}: ${unknown.join(", ")} of the 按选项文本 export are not options in the 按选项序号 export`);
      }
      return { ...withoutGuess(tq), text, options, check };
    }

    const labels = pairing.labels.get(tq.id);
    if (!labels || labels.size === 0) return keepGuessed(tq, "两种导出中这道题无法逐行对应");
    const { byLabel, conflicts } = settle(labels);
    if (conflicts.length) {
      notes.push(`${tq.id}: the exports disagree: ${conflicts.join("; ")}; the most frequent pairing is used`);
    }
    const conflictCheck = conflicts.length ? [`两种导出不一致:${conflicts.join(";")};取了最常见的对应`] : [];

    if (tq.type === "scale" || tq.type === "matrix") {
      const s = textScales.get(tq.scale!)!;
      const seen = cq.type === "matrix" ? (code.draft.scales.find((x) => x.name === cq.scale)?.options ?? []) : (cq.options ?? []);
      const built = pairedScale(s, byLabel, seen.map((o) => o.code));
      if (!built) return keepGuessed(tq, "量表的代码无法从两种导出中确定");
      const name = addScale(s.name, { ...built, check: [...built.check, ...conflictCheck] });
      return { ...tq, text, scale: name, check: tq.check.filter((c) => !c.includes("codes: guessed")) };
    }

    // single, rank: the codes seen in the code export, with the labels paired to them.
    const other = new Set((tq.options ?? []).filter((o) => o.other).map((o) => o.label));
    const labelOfCode = new Map<number, string>();
    for (const [label, code] of byLabel) labelOfCode.set(code, label);
    const codes = new Set<number>([...labelOfCode.keys(), ...(cq.options ?? []).map((o) => o.code)]);
    const max = maxOf(codes);
    const missing: number[] = [];
    const options: DraftOption[] = [];
    for (let code = minOf(codes, 1); code <= max; code++) {
      const label = labelOfCode.get(code);
      if (label === undefined) {
        missing.push(code);
        options.push({ code, label: placeholder(code, byLabel) });
      } else options.push(other.has(label) || OTHER.test(label) ? { code, label, other: true } : { code, label });
    }
    const check: string[] = [
      `${tq.type === "rank" ? "排序题" : "单选题"};选项的顺序(代码)取自按选项序号导出,文字取自按选项文本导出;排在最后而没人选的选项两种导出都没有,请对照问卷补上`,
      ...tq.check.filter((c) => !c.includes("codes: guessed") && !c.startsWith("单选题") && !c.startsWith("选项文字")),
      ...conflictCheck,
    ];
    const clash = ambiguousLabels(options);
    if (clash) {
      check.unshift(clash);
      notes.push(`${tq.id}: option labels that are bare numbers are also codes of other options; the 按选项序号 export reads them as labels`);
    }
    if (missing.length) {
      check.unshift(`代码 ${missing.join("、")} 没有人选,两种导出都没有它的文字:请把“${missing.map((c) => placeholder(c, byLabel)).join("”“")}”改成问卷上的选项`);
    }
    return { ...withoutGuess(tq), text, options, check };
  });

  // Questions only the code export has (a column the text export lacks) are drafted as it has them.
  const taken = new Set(matched.values());
  for (const cq of code.draft.questions) {
    if (taken.has(cq)) continue;
    notes.push(`${cq.id}: only in the 按选项序号 export`);
    const q: DraftQuestion = { ...cq, check: ["只在按选项序号导出中出现", ...cq.check] };
    if (cq.scale) {
      const s = code.draft.scales.find((x) => x.name === cq.scale)!;
      q.scale = addScale(s.name, s);
    }
    let id = q.id;
    for (let k = 2; questions.some((x) => x.id === id); k++) id = `${cq.id}_${k}`;
    questions.push({ ...q, id });
  }

  const role = questions.find((q) => q.id === text.draft.role && q.type === "single")?.id;
  return {
    draft: { ...text.draft, form: "both", role, scales, questions },
    pairing: pairing.rows,
    notes,
  };
}

function withoutGuess(q: DraftQuestion): DraftQuestion {
  const { codesGuessed: _, ...rest } = q;
  return rest;
}

/** A label not in the text export: `选项3`, unless an answer is literally that. */
function placeholder(code: number, byLabel: Map<string, number>): string {
  let label = `选项${code}`;
  while (byLabel.has(label)) label = `${label}?`;
  return label;
}

/**
 * Each label's code: the one it was paired with most often. Pairs that disagree (a label with two codes,
 * a code with two labels) mean the exports are not the same answers, or rows were paired wrongly: named.
 */
function settle(labels: Map<string, Map<number, number>>): { byLabel: Map<string, number>; conflicts: string[] } {
  const byLabel = new Map<string, number>();
  const conflicts: string[] = [];
  const owner = new Map<number, { label: string; count: number }>();
  for (const [label, codes] of labels) {
    const ranked = [...codes].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const [code, count] = ranked[0]!;
    if (ranked.length > 1) conflicts.push(`“${label}”对应代码 ${ranked.map(([c, n]) => `${c}(${n} 次)`).join("、")}`);
    const held = owner.get(code);
    if (held) {
      conflicts.push(`代码 ${code} 对应“${held.label}”和“${label}”`);
      if (held.count >= count) continue;
      byLabel.delete(held.label);
    }
    owner.set(code, { label, count });
    byLabel.set(label, code);
  }
  return { byLabel, conflicts };
}

/**
 * A scale drafted from the text export (a Likert family, or an ad-hoc label set) given the codes paired
 * with its labels. Listed as the text draft lists it (most positive first), each option with its
 * questionnaire code; positive / negative / na by the labels' meaning, so a questionnaire that numbers
 * 很不满意 as 1 is read right. Likert levels nobody chose get their code from the others when the codes
 * run evenly (1..5 or 5..1). Undefined when the codes cannot be settled.
 */
function pairedScale(s: DraftScale, byLabel: Map<string, number>, exportCodes: number[]): Omit<DraftScale, "name"> | undefined {
  const codeOf = (label: string) => byLabel.get(normalizeLabel(label));
  const likert = matchLikert(s.options.map((o) => o.label));
  if (!likert) {
    // Not a known scale: the questionnaire's order, which is all that is known; the direction is the user's.
    if (s.options.some((o) => codeOf(o.label) === undefined)) return undefined;
    const options = s.options.map((o) => ({ code: codeOf(o.label)!, label: o.label })).sort((a, b) => a.code - b.code);
    if (new Set(options.map((o) => o.code)).size !== options.length || exportCodes.some((c) => !options.some((o) => o.code === c))) return undefined;
    return { options, check: ["不是常见的量表:选项按问卷的顺序(代码)列出;请按从好到差排列,并设置 positive / negative"] };
  }
  const levels = s.options.slice(0, 5);
  const seen = levels.map((o, i) => ({ i, code: codeOf(o.label) })).filter((x): x is { i: number; code: number } => x.code !== undefined);
  if (seen.length === 0) return undefined;
  const codes: (number | undefined)[] = levels.map((o) => codeOf(o.label));
  const check: string[] = [];
  if (codes.some((c) => c === undefined)) {
    if (!likert || seen.length < 2) return undefined;
    const step = (seen[1]!.code - seen[0]!.code) / (seen[1]!.i - seen[0]!.i);
    const start = seen[0]!.code - step * seen[0]!.i;
    if (Math.abs(step) !== 1 || !seen.every((x) => x.code === start + step * x.i)) return undefined;
    const filled: string[] = [];
    levels.forEach((o, i) => {
      if (codes[i] === undefined) {
        codes[i] = start + step * i;
        filled.push(`“${o.label}”(代码 ${codes[i]})`);
      }
    });
    check.push(`没有人选 ${filled.join("、")}:代码按其余等级推出,文字是常见说法,请对照问卷`);
  }
  const na = s.options.slice(levels.length).map((o) => ({ label: o.label, code: codeOf(o.label) }));
  if (na.some((o) => o.code === undefined)) return undefined;
  const options: DraftOption[] = [
    ...levels.map((o, i) => ({ code: codes[i]!, label: o.label })),
    ...na.map((o) => ({ code: o.code!, label: o.label })),
  ];
  const all = new Set(options.map((o) => o.code));
  if (all.size !== options.length) return undefined;
  // A code of the export that no label was paired with would be read as no option at all.
  const stray = exportCodes.filter((c) => !all.has(c));
  if (stray.length) return undefined;
  const scale: Omit<DraftScale, "name"> = { options, check: [...check, ...s.check.filter((c) => !c.includes("codes: guessed"))] };
  scale.positive = [codes[0]!, codes[1]!];
  scale.negative = [codes[3]!, codes[4]!];
  if (na.length) scale.na = na.map((o) => o.code!);
  if (codes[0]! > codes[4]!) scale.check.unshift("问卷上的顺序是从差到好(代码 1 是最差的一项);这里按从好到差列出,代码是问卷的");
  return scale;
}
