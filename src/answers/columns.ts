import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Item, Question, Survey } from "../definition/model.js";
import { normalizeHeader, normalizeLabel, normalizeQuestionText, parseSubColumn } from "../definition/normalize.js";

/** Where an item's answer is in a row: one cell, or one 0/1 column per option (按序号 multi-select). */
export type ItemColumns = { kind: "cell"; index: number } | { kind: "flags"; byCode: Map<number, number> };

export interface ColumnMap {
  items: Map<string, ItemColumns>;
  idIndex?: number;
  durationIndex?: number;
  /** The column of `data.weight_column`. */
  weightIndex?: number;
  sourceIndex?: number;
  /** Columns that are answers to nothing in the definition. */
  unmatched: number[];
}

/** Columns 问卷星, 腾讯问卷 and Excel templates add around the answers; ignored unless mapped (exported for `init --from`). */
export const METADATA = new Set(
  [
    "序号", "编号", "ID", "提交答卷时间", "提交时间", "开始时间", "结束时间", "答题时间", "所用时间", "答题时长", "来源",
    "来源详情", "来自IP", "IP", "IP地址", "总分", "微信昵称", "用户ID", "填写设备", "操作系统", "浏览器", "答卷编号",
    "答题序号", "来自", "地理位置", "城市", "省份",
  ].map((s) => normalizeLabel(s).toLowerCase()),
);
export const ID_COLUMNS = ["序号", "编号", "答卷编号", "ID"];
export const DURATION_COLUMNS = ["所用时间", "答题时长"];

/**
 * Maps the header of one answer file to the definition: by explicit `column`, by question id, by question
 * text (问卷星 numbering, spacing, full/half-width forms forgiven), and the per-option/per-row columns
 * `第N题(label)` of 按序号 exports and matrices. Reports unmatched columns and questions without a column.
 */
export function mapColumns(survey: Survey, header: string[], file: string, diagnostics: Diagnostic[]): ColumnMap {
  const mode = survey.data.header;
  const items = new Map<string, ItemColumns>();
  const claimed = new Map<number, string>();
  const normalized = header.map((h) => normalizeHeader(h));
  const exact = header.map((h) => normalizeLabel(h));

  const byId = new Map<string, Item>();
  for (const item of survey.items) byId.set(item.id.toLowerCase(), item);
  const byText = new Map<string, Question>();
  for (const q of survey.questions) byText.set(normalizeQuestionText(q.text), q);
  const matrixRowsByText = new Map<string, Item>();
  for (const item of survey.items) {
    if (!("parent" in item)) continue;
    const parentText = normalizeQuestionText(item.parent.text);
    for (const sep of ["—", "-", ":", "_", "—", "--"]) matrixRowsByText.set(`${parentText}${sep}${normalizeLabel(item.rowLabel)}`, item);
    matrixRowsByText.set(`${parentText}(${normalizeLabel(item.rowLabel)})`, item);
  }

  // 问卷星 numbers questions in the header (`6、兴趣爱好`); learn that numbering so `第6题(…)` columns
  // find their question even when the definition lists the questions in another order.
  const byNumber = new Map<number, Question>();
  for (const q of survey.questions) byNumber.set(q.number, q);
  const learned = new Map<number, Question>();
  normalized.forEach((n) => {
    if (n.number === undefined) return;
    const q = byText.get(n.text);
    if (q) {
      byNumber.set(n.number, q);
      learned.set(n.number, q);
    }
  });
  const questionOfNumber = numbering(survey, learned, byNumber, header, file, diagnostics);

  const claim = (index: number, itemId: string, columns: ItemColumns) => {
    const before = items.get(itemId);
    if (before && !(before.kind === "flags" && columns.kind === "flags")) {
      diagnostics.push({
        code: "HEADER_DUPLICATE",
        severity: "warning",
        file,
        row: 1,
        column: header[index],
        message: `a second column for ${itemId}; the first one ("${header[(before as { index: number }).index ?? 0]}") is used`,
      });
      claimed.set(index, itemId);
      return;
    }
    if (before?.kind === "flags" && columns.kind === "flags") {
      for (const [code, i] of columns.byCode) before.byCode.set(code, i);
    } else {
      items.set(itemId, columns);
    }
    claimed.set(index, itemId);
  };

  const explicit = new Map<string, Item>();
  for (const item of survey.items) {
    const col = "parent" in item ? undefined : item.column;
    if (col) explicit.set(normalizeLabel(col), item);
  }

  header.forEach((_, index) => {
    const n = normalized[index]!;
    const raw = exact[index]!;
    if (!raw) return;
    const byColumn = explicit.get(raw);
    if (byColumn) return claim(index, byColumn.id, { kind: "cell", index });
    if (mode !== "text") {
      const item = byId.get(raw.toLowerCase());
      if (item) return claim(index, item.id, { kind: "cell", index });
    }
    if (mode !== "id") {
      const q = byText.get(n.text);
      if (q && q.type !== "matrix") return claim(index, q.id, { kind: "cell", index });
      const row = matrixRowsByText.get(n.text);
      if (row) return claim(index, row.id, { kind: "cell", index });
    }
    const sub = parseSubColumn(raw) ?? idSubColumn(raw, survey);
    if (sub) {
      const q = "question" in sub ? sub.question : questionOfNumber(sub.number, index);
      const target = q ? subColumnTarget(q, sub.label) : undefined;
      if (target) return claim(index, target.itemId, target.columns(index));
      if (q?.type === "multi") {
        // An option column of a multi-select naming none of its options (an option nobody chose when the
        // definition was drafted, another version of the questionnaire): read, so that a choice in it is
        // an error rather than a choice silently lost. Its code is below every real one.
        diagnostics.push({
          code: "HEADER_UNMATCHED",
          severity: "warning",
          file,
          row: 1,
          column: header[index],
          message: `an option column of ${q.id}, but "${sub.label}" is not one of its options; a choice in it is an error (UNKNOWN_OPTION)`,
          hint: `add "${sub.label}" to the options of ${q.id}`,
        });
        return claim(index, q.id, { kind: "flags", byCode: new Map([[-1 - index, index]]) });
      }
    }
  });

  const meta = (configured: string | undefined, defaults: string[]): number | undefined => {
    const wanted = configured ? [configured] : defaults;
    for (const w of wanted) {
      const i = exact.findIndex((h, k) => !claimed.has(k) && h === normalizeLabel(w));
      if (i >= 0) return i;
    }
    if (configured) {
      diagnostics.push({ code: "HEADER_MISSING", severity: "error", file, row: 1, message: `no column "${configured}" (named in survey.yaml data keys)` });
    }
    return undefined;
  };
  const idIndex = meta(survey.data.idColumn, ID_COLUMNS);
  const durationIndex = meta(survey.data.durationColumn, DURATION_COLUMNS);
  const sourceIndex = survey.data.sourceColumn ? meta(survey.data.sourceColumn, []) : undefined;
  const weightIndex = survey.data.weightColumn ? meta(survey.data.weightColumn, []) : undefined;

  const unmatched: number[] = [];
  header.forEach((h, index) => {
    if (claimed.has(index) || index === idIndex || index === durationIndex || index === sourceIndex || index === weightIndex) return;
    if (!exact[index] || METADATA.has(normalizeHeader(h).text.toLowerCase())) return;
    unmatched.push(index);
    diagnostics.push({
      code: "HEADER_UNMATCHED",
      severity: "warning",
      file,
      row: 1,
      column: h,
      message: "matches no question; the column is ignored",
      hint: "add the question to survey.yaml, or give a question `column:` with this header",
    });
  });

  for (const item of survey.items) {
    if (items.has(item.id)) continue;
    diagnostics.push({
      code: "HEADER_MISSING",
      severity: "error",
      file,
      row: 1,
      message: `no column for ${item.id} (${item.text})`,
      hint: "name a column by the question id or text, or set `column:` on the question",
    });
  }
  return { items, idIndex, durationIndex, sourceIndex, weightIndex, unmatched };
}

/**
 * The question of `第N题(…)` columns. The file's own `N、text` headers say how it numbers questions; when
 * that numbering differs from survey.yaml's (another version of the questionnaire with a question added
 * or removed, or a definition that leaves questions out), a number the file's headers do not give may
 * name another question in survey.yaml, whose options or rows may well fit. It is also counted from the
 * nearest question before (or after) it that the headers number: survey.yaml's number is kept unless the
 * file numbers that question otherwise; when the two disagree a warning (HEADER_NUMBERING) says which
 * question the columns were read as.
 */
function numbering(
  survey: Survey,
  learned: Map<number, Question>,
  byNumber: Map<number, Question>,
  header: string[],
  file: string,
  diagnostics: Diagnostic[],
): (n: number, index: number) => Question | undefined {
  const differ = [...learned].find(([n, q]) => n !== q.number);
  if (!differ) return (n) => byNumber.get(n);
  const position = new Map(survey.questions.map((q, i) => [q, i]));
  const numbers = [...learned.keys()].sort((a, b) => a - b);
  const taken = new Set(learned.values());
  const warned = new Set<number>();
  return (n, index) => {
    const known = learned.get(n);
    if (known) return known;
    const before = numbers.filter((k) => k < n).at(-1);
    const after = numbers.find((k) => k > n);
    const at = before !== undefined ? position.get(learned.get(before)!)! + (n - before) : after !== undefined ? position.get(learned.get(after)!)! - (after - n) : undefined;
    const upper = after !== undefined ? position.get(learned.get(after)!)! : survey.questions.length;
    const guess = at !== undefined && at >= 0 && at < upper ? survey.questions[at] : undefined;
    // survey.yaml's own number wins, unless the file gives that question under another number.
    const stated = byNumber.get(n);
    const q = stated && !taken.has(stated) ? stated : guess && !taken.has(guess) ? guess : undefined;
    if (guess === stated) return q;
    if (!warned.has(n)) {
      warned.add(n);
      const [m, other] = differ;
      diagnostics.push({
        code: "HEADER_NUMBERING",
        severity: "warning",
        file,
        row: 1,
        column: header[index],
        message: `the file numbers its questions otherwise than survey.yaml (its ${m}、 is ${other.id}, numbered ${other.number} there): the 第${n}题 columns are read as ${q ? `${q.id} (${q.text})` : "no question"}`,
        hint: q ? `if that is right, set \`number: ${n}\` on ${q.id}; otherwise on the question they belong to` : `set \`number: ${n}\` on the question these columns belong to`,
      });
    }
    return q;
  };
}

/** `q8(缺钱)` / `q9(党员教育管理)`: the id form of per-option and per-row columns. */
function idSubColumn(raw: string, survey: Survey): { question: Question; label: string } | undefined {
  const m = /^([^()]+)\((.*)\)$/s.exec(raw);
  if (!m) return undefined;
  const question = survey.questionById.get(m[1]!.trim());
  return question ? { question, label: normalizeLabel(m[2]!) } : undefined;
}

function subColumnTarget(
  q: Question,
  label: string,
): { itemId: string; columns: (index: number) => ItemColumns } | undefined {
  if (q.type === "multi") {
    const option = q.options.find((o) => normalizeLabel(o.label) === label || String(o.code) === label);
    if (!option) return undefined;
    return { itemId: q.id, columns: (index) => ({ kind: "flags", byCode: new Map([[option.code, index]]) }) };
  }
  if (q.type === "matrix") {
    const row = q.rows.find((r) => normalizeLabel(r.label) === label || r.id === `${q.id}.${label}`);
    return row ? { itemId: row.id, columns: (index) => ({ kind: "cell", index }) } : undefined;
  }
  return undefined;
}
