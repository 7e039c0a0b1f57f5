import { DURATION_COLUMNS, ID_COLUMNS, METADATA } from "../answers/columns.js";
import { normalizeHeader, normalizeLabel, parseSubColumn } from "../definition/normalize.js";
import type { QuestionType } from "../definition/model.js";
import { matchLikert } from "../definition/likert.js";
import { ambiguousLabels, labelOrder, optionsFromLabels, placeholderOptions, type DraftOption } from "./options.js";
import { emptyProfile, type ColumnProfile } from "./profile.js";

/**
 * Drafting a definition from an export (`survey init --from`): from the header and the per-column
 * profiles, guess each question's id, text, type and options. Pure: no files, no output format. Every
 * guess that could be wrong carries a note in `check`, which the YAML writer turns into `# 请核对` comments.
 */

export interface DraftQuestion {
  id: string;
  text: string;
  type: QuestionType;
  /** 问卷星's question number, when the columns can only be found by it (`第6题(…)`) and it is not the position. */
  number?: number;
  options?: DraftOption[];
  scale?: string;
  rows?: string[];
  min?: number;
  max?: number;
  integer?: boolean;
  unit?: string;
  /** The option codes follow an order inferred from labels, not the questionnaire's (`codes: guessed`). */
  codesGuessed?: boolean;
  /** Why this guess could be wrong; one `# 请核对` line each. */
  check: string[];
  /** The export's columns this question was drafted from (header positions). */
  columns?: number[];
  /** Text questions: a codebook drafted from the answers' keywords (see codebook.ts). */
  themes?: Record<string, string[]>;
}

export interface DraftScale {
  name: string;
  options: DraftOption[];
  positive?: number[];
  negative?: number[];
  na?: number[];
  /** One score per option, when the options are not listed from the highest score down. */
  scores?: number[];
  codesGuessed?: boolean;
  check: string[];
}

export interface Draft {
  title: string;
  role?: string;
  /** The export form(s) it was drafted from: 按选项文本, 按选项序号, or both together. */
  form: "text" | "code" | "both";
  header: "auto" | "id" | "text";
  idColumn?: string;
  durationColumn?: string;
  multiSeparator: boolean;
  rankSeparator: boolean;
  scales: DraftScale[];
  questions: DraftQuestion[];
  /** Headers recognised as metadata (序号, 提交答卷时间 …), not questions. */
  metadata: string[];
}

/** A column of 0/1 per option, or one per matrix row: `第6题(运动)`, `9(党员教育管理)`. */
interface SubGroup {
  number: number;
  labels: string[];
  profiles: ColumnProfile[];
  /** Header positions of the columns. */
  indexes: number[];
}

type Entry = { kind: "column"; header: string; profile: ColumnProfile; index: number } | { kind: "group"; group: SubGroup };

const TEXT_HINT = /意见|建议|看法|原因|理由|说明|描述|想法|请写|填写|补充|为什么|怎样|如何/;
const ROLE_HINT = /身份|职务|角色|人员类别|人员类型/;
const ID_LIKE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function inferDraft(header: string[], profiles: ColumnProfile[], fileName: string): Draft {
  const entries: Entry[] = [];
  const groups = new Map<number, SubGroup>();
  const metadata: string[] = [];
  let idColumn: string | undefined;
  let durationColumn: string | undefined;

  header.forEach((h, i) => {
    const raw = normalizeLabel(h);
    if (!raw) return;
    const profile = profiles[i] ?? emptyProfile();
    if (METADATA.has(normalizeHeader(h).text.toLowerCase())) {
      metadata.push(raw);
      if (!idColumn && ID_COLUMNS.some((c) => normalizeLabel(c) === raw)) idColumn = raw;
      if (!durationColumn && DURATION_COLUMNS.some((c) => normalizeLabel(c) === raw)) durationColumn = raw;
      return;
    }
    const sub = parseSubColumn(h);
    // A repeated `第N题(label)` column would draft a row or option twice, and the draft would not load:
    // the first one is used (validate reports the second as HEADER_DUPLICATE); `第N题()` is a plain column.
    if (sub && groups.get(sub.number)?.labels.includes(sub.label)) return;
    if (sub && sub.label) {
      let group = groups.get(sub.number);
      if (!group) {
        group = { number: sub.number, labels: [], profiles: [], indexes: [] };
        groups.set(sub.number, group);
        entries.push({ kind: "group", group });
      }
      group.labels.push(sub.label);
      group.indexes.push(i);
      group.profiles.push(profile);
      return;
    }
    entries.push({ kind: "column", header: h, profile, index: i });
  });

  const columns = entries.flatMap((e) => (e.kind === "column" ? [e] : []));
  const form = exportForm(columns, [...groups.values()]);
  const headerIds = entries.every((e) => e.kind === "group" || ID_LIKE.test(normalizeLabel(e.header)));
  const anyIds = entries.some((e) => e.kind === "column" && ID_LIKE.test(normalizeLabel(e.header)));

  const scales = new ScaleRegistry();
  const ids = new Set<string>();
  const questions: DraftQuestion[] = [];
  let multiSeparator = false;
  let rankSeparator = false;

  entries.forEach((entry) => {
    const position = questions.length + 1;
    if (entry.kind === "group") {
      const id = uniqueId(`q${entry.group.number}`, ids);
      const q = inferGroup(entry.group, id, form, scales);
      q.columns = entry.group.indexes;
      if (entry.group.number !== position) q.number = entry.group.number;
      questions.push(q);
      return;
    }
    const { text, number } = normalizeHeader(entry.header);
    const raw = normalizeLabel(entry.header);
    const idFromHeader = headerIds && ID_LIKE.test(raw) ? raw : undefined;
    const id = uniqueId(idFromHeader ?? `q${number ?? position}`, ids);
    const q = inferColumn(entry.profile, id, idFromHeader ? raw : text || raw, form, scales);
    q.columns = [entry.index];
    const skipped = (entry.profile.markers.get("(跳过)") ?? 0) + (entry.profile.markers.get("-3") ?? 0);
    if (skipped > 0) q.check.push(`${skipped} 份答卷跳过了这道题:可以用 when 写明跳题条件(如 when: "q5 >= 4")`);
    if (idFromHeader) q.check.push("表头只有题号,没有题目文字:请把 text 改成问卷上的题目");
    if (q.type === "multi") multiSeparator = true;
    if (q.type === "rank") rankSeparator = true;
    questions.push(q);
  });

  // The definition accepts only a single-choice question as the role.
  const role = questions.find((q) => q.type === "single" && ROLE_HINT.test(q.text));
  return {
    title: titleFromFile(fileName),
    role: role?.id,
    form,
    header: headerIds ? "id" : anyIds ? "auto" : "text",
    idColumn,
    durationColumn,
    multiSeparator,
    rankSeparator,
    scales: scales.all(),
    questions,
    metadata,
  };
}

/**
 * 问卷星 exports "按选项文本" (cells hold labels) or "按选项序号" (cells hold codes, multi-selects as 0/1
 * columns). Codes are recognised when small whole numbers fill the choice columns and no column holds
 * choice labels — short answers that repeat, or a rating scale — as opposed to free text.
 */
function exportForm(columns: { header: string; profile: ColumnProfile }[], groups: SubGroup[]): "text" | "code" {
  const codeLike = columns.filter((c) => isCodeLike(c.profile)).length;
  const labelLike = columns.filter(({ header, profile: p }) => {
    if (p.answered === 0 || p.numeric.all || p.overflow || p.withMulti > 0 || p.withRank > 0) return false;
    if (TEXT_HINT.test(header) || averageLength(p) >= 12) return false;
    return p.values.size * 2 <= p.answered || matchLikert(p.values.keys()) !== undefined;
  }).length;
  const flagGroups = groups.filter(isFlagGroup).length;
  return codeLike > 0 && labelLike === 0 && (flagGroups > 0 || codeLike >= 2) ? "code" : "text";
}

function isCodeLike(p: ColumnProfile): boolean {
  const n = p.numeric;
  return p.answered > 0 && n.all && n.integers && n.min >= 0 && n.max <= 30 && p.values.size <= 15 && n.unit === undefined;
}

/** Every column of the group holds 0/1 (the 其他 column may hold its fill-in text instead). */
function isFlagGroup(g: SubGroup): boolean {
  return g.profiles.every((p, i) => {
    if (p.overflow) return false;
    const values = [...p.values.keys()];
    if (values.every((v) => v === "0" || v === "1")) return true;
    return /^其他|^其它/.test(g.labels[i]!) && values.some((v) => v === "0" || v === "1" || v.startsWith("1〖"));
  });
}

function inferColumn(p: ColumnProfile, id: string, text: string, form: "text" | "code", scales: ScaleRegistry): DraftQuestion {
  const q: DraftQuestion = { id, text, type: "text", check: [] };
  if (p.answered === 0) {
    q.check.push("这一列没有答案,无法判断题型,暂作填空题");
    return q;
  }
  // Cells of bare separators ("┋", "→") name no option: such a column is not drafted as a choice question,
  // since a choice question without options does not load.
  if (p.withRank > 0 && p.withRank * 2 >= p.answered && optionsFromLabels(p.rankParts).length > 0) {
    q.type = "rank";
    q.options = optionsFromLabels(p.rankParts);
    q.check.push(`答案用“→”连接,推断为排序题;${guessedOrder(q.options)}`);
    q.codesGuessed = true;
    return q;
  }
  if (p.withMulti > 0 && optionsFromLabels(p.multiParts).length > 0) {
    q.type = "multi";
    q.options = optionsFromLabels(p.multiParts);
    q.check.push(`答案用“┋”连接,推断为多选题;只列出了数据中出现过的选项,${guessedOrder(q.options)}`);
    q.codesGuessed = true;
    return q;
  }
  const n = p.numeric;
  if (n.all && n.unitConsistent) {
    if (form === "code" && isCodeLike(p)) {
      q.type = "single";
      q.options = placeholderOptions(n.min, n.max);
      q.check.push("按选项序号导出只有选项代码:请把“选项1”等改成问卷上的选项文字");
      return q;
    }
    q.type = "number";
    q.min = n.min;
    q.max = n.max;
    if (n.integers) q.integer = true;
    if (n.unit) q.unit = n.unit;
    q.check.push(`数字题;min ${n.min} 和 max ${n.max} 取自数据中的最小值和最大值,请改成问卷允许的范围`);
    return q;
  }
  if (!p.overflow) {
    const likert = matchLikert(p.values.keys());
    if (likert) {
      q.type = "scale";
      q.scale = scales.likert(likert);
      return q;
    }
  }
  const distinct = p.values.size;
  const avg = averageLength(p);
  const textLike =
    p.overflow ||
    avg >= 15 ||
    distinct > 40 ||
    (distinct > 10 && distinct * 2 > p.answered) ||
    (TEXT_HINT.test(text) && (distinct > 5 || avg > 6));
  if (textLike) {
    if (distinct <= 40 && !p.overflow) q.check.push(`只有 ${distinct} 种不同的答案,也可能是单选题`);
    return q;
  }
  // Answers that are only spaces or control characters name no option: left as text, which loads.
  const options = optionsFromLabels(p.values);
  if (!options.length) return q;
  q.type = "single";
  q.options = options;
  q.check.push(`单选题;只列出了数据中出现过的选项,${guessedOrder(options)}`);
  const clash = ambiguousLabels(options);
  if (clash) q.check.push(clash);
  q.codesGuessed = true;
  return q;
}

function inferGroup(g: SubGroup, id: string, form: "text" | "code", scales: ScaleRegistry): DraftQuestion {
  const text = `第${g.number}题`;
  if (isFlagGroup(g)) {
    const options: DraftOption[] = g.labels.map((label, i) =>
      /^其他|^其它/.test(label) ? { code: i + 1, label, other: true } : { code: i + 1, label },
    );
    return { id, text, type: "multi", options, check: ["每个选项一列 0/1,推断为多选题;导出没有题目文字:请把 text 改成问卷上的题目"] };
  }
  const q: DraftQuestion = { id, text, type: "matrix", rows: g.labels, check: ["每行一列,推断为矩阵量表题;导出没有题目文字:请把 text 改成问卷上的题目"] };
  const values = new Map<string, number>();
  let numeric = true;
  let min = Infinity;
  let max = -Infinity;
  for (const p of g.profiles) {
    for (const [v, c] of p.values) values.set(v, (values.get(v) ?? 0) + c);
    numeric &&= p.numeric.all && p.numeric.integers;
    if (p.numeric.all) {
      min = Math.min(min, p.numeric.min);
      max = Math.max(max, p.numeric.max);
    }
  }
  const likert = numeric ? undefined : matchLikert(values.keys());
  if (likert) q.scale = scales.likert(likert);
  else if (numeric && form === "code" && max <= 30) q.scale = scales.adHoc(`${id}_scale`, placeholderOptions(min, max), "按选项序号导出只有代码:请把“选项1”等改成量表的文字,并设置 positive / negative");
  else if (optionsFromLabels(values).length === 0) {
    // No row has an answer that names an option; a scale without options does not load.
    q.scale = scales.adHoc(`${id}_scale`, placeholderOptions(1, 5), "这些列没有可用的答案,无法推断量表:请填写量表的选项,并设置 positive / negative");
  } else {
    const options = optionsFromLabels(values);
    q.scale = scales.adHoc(`${id}_scale`, options, `不是常见的量表:${guessedOrder(options)};请按从好到差排列,并设置 positive / negative`, true);
  }
  return q;
}

/**
 * The 请核对 note of options whose order was inferred from labels: what it was ordered by, and that the
 * codes are guessed until checked (or drafted from both export forms).
 */
export function guessedOrder(options: DraftOption[]): string {
  const by = labelOrder(options.map((o) => o.label)) === "number" ? "按选项中的数字排列" : "按选择人数排列";
  return `顺序${by},不一定是问卷上的顺序(codes: guessed)`;
}

/** Drafted scales, one per distinct label set; names from the Likert family (satisfaction, agreement …). */
class ScaleRegistry {
  private readonly scales: DraftScale[] = [];
  private readonly byKey = new Map<string, string>();

  likert(m: { family: string; levels: string[]; na: string[] }): string {
    const options = [...m.levels, ...m.na].map((label, i) => ({ code: i + 1, label }));
    const na = m.na.map((_, i) => m.levels.length + i + 1);
    return this.add(m.family, {
      options,
      positive: [1, 2],
      negative: [4, 5],
      ...(na.length ? { na } : {}),
      codesGuessed: true,
      check: [
        "选项按从好到差排列,问卷上的顺序可能相反(codes: guessed)",
        ...(m.na.length ? ["“" + m.na.join("”“") + "”记为 na,不计入任何比例的基数"] : []),
      ],
    });
  }

  adHoc(name: string, options: DraftOption[], check: string, codesGuessed = false): string {
    return this.add(name, { options, check: [check], ...(codesGuessed ? { codesGuessed } : {}) });
  }

  private add(base: string, scale: Omit<DraftScale, "name">): string {
    const key = JSON.stringify(scale.options.map((o) => [o.code, o.label]));
    const known = this.byKey.get(key);
    if (known) return known;
    let name = base;
    for (let k = 2; this.scales.some((s) => s.name === name); k++) name = `${base}_${k}`;
    this.scales.push({ name, ...scale });
    this.byKey.set(key, name);
    return name;
  }

  all(): DraftScale[] {
    return this.scales;
  }
}

function uniqueId(wanted: string, ids: Set<string>): string {
  let id = wanted;
  for (let k = 2; ids.has(id); k++) id = `${wanted}_${k}`;
  ids.add(id);
  return id;
}

function averageLength(p: ColumnProfile): number {
  return p.answered ? p.totalLength / p.answered : 0;
}

/** 问卷星 names downloads `12345678_2_问卷标题_800_800.xls`; keep the title part. */
export function titleFromFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  const title = base
    .replace(/^(\d+_)+/, "")
    .replace(/(_\d+)+$/, "")
    .replace(/_?(按文本|按序号|按选项文本|按选项序号)$/, "")
    .replace(/_/g, " ")
    .trim();
  return title || base || "调查问卷";
}
