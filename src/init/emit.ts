import { Document, isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from "yaml";
import { draftSubject, questionKind, sectionOfKind } from "../definition/question-kind.js";
import type { Draft, DraftQuestion, DraftScale } from "./infer.js";
import type { DraftOption } from "./options.js";
import { isReserved } from "../definition/reserved.js";

export interface EmitContext {
  /** The export, as named in the command. */
  source: string;
  /** The export's path relative to the drafted survey.yaml, for data.files. */
  files: string;
  /** Encoding of a CSV export; undefined for spreadsheets. */
  encoding?: "utf-8" | "gb18030";
  /** With two exports (`--from TEXT --from CODE`): the one not in data.files, which reads the same. */
  alsoReads?: string;
}

const CHECK = " 请核对:";
const FORMS = { text: "按选项文本", code: "按选项序号", both: "按选项文本和按选项序号" } as const;

/**
 * Writes a drafted definition as survey.yaml text with comments: a header that says where it came from
 * and what to do next, and a `# 请核对` line above every guess. Built with the `yaml` Document API so
 * comments sit on the nodes they explain and the text is valid YAML whatever the labels contain.
 */
export function emitDraft(draft: Draft, ctx: EmitContext): string {
  const data: Record<string, unknown> = { files: [ctx.files] };
  if (ctx.encoding) data.encoding = ctx.encoding;
  data.header = draft.header;
  if (draft.idColumn) data.id_column = draft.idColumn;
  if (draft.durationColumn) data.duration_column = draft.durationColumn;
  if (draft.multiSeparator) data.multi_separator = "┋";
  if (draft.rankSeparator) data.rank_separator = "→";
  data.skip_markers = ["(跳过)", "-3"];
  data.blank_markers = ["(空)", "-2"];

  // What the report needs of the survey itself, as marked places an author sees highlighted in the draft report.
  const named = /\p{Script=Han}/u.test(draft.title);
  const root: Record<string, unknown> = {
    title: named ? draft.title : "关于【请补充：调研主题】的调研",
    organization: "【请补充：调研单位】",
    purpose: "【请补充：调研的背景和目的】",
  };
  if (draft.role) root.role = draft.role;
  root.data = data;
  if (draft.scales.length) root.scales = Object.fromEntries(draft.scales.map((s) => [s.name, scaleDoc(s)]));
  root.questions = draft.questions.map((q) => questionDoc(q, draft.role));

  const doc = new Document(root);
  doc.commentBefore = [
    ` 由 \`survey init --from ${ctx.source}\` 根据导出的答卷起草(${FORMS[draft.form]}导出)。`,
    " 标有「请核对」的地方是推断,可能有误:对照问卷逐条核对后删去这些注释。",
    " 核对后运行 `survey validate` 检查每一份答卷;各个键的含义见 `survey init` 生成的示例或 `survey schema`。",
    ...(guessed(draft)
      ? [
          " codes: guessed 表示选项的顺序(也就是按选项序号导出中的代码)是从答案推断的,用它读取按选项序号导出会报错:",
          " 按问卷核对顺序(补上没人选的选项)后删去这一行;或者用两种导出一起起草:survey init --from 按文本导出 --from 按序号导出",
        ]
      : []),
  ].join("\n");

  const title = [
    named ? `${CHECK} 标题取自文件名,请改成报告标题(关于……的调研)` : `${CHECK} 文件名里没有标题,请写上报告标题(关于……的调研)`,
    " issued: 发放份数 可以加在这里,用于计算回收率",
    " date: 成文日期(如 2019年7月30日)可以加在这里,写在报告落款下;不写则取生成报告的当天",
  ];
  if (!draft.role) title.push(" role: <题目 id> 指定身份题,就能按身份分组统计");
  commentKey(doc, "title", title.join("\n"));
  if (draft.role) commentKey(doc, "role", `${CHECK} 按题目文字推断的身份题,结果按它分组统计`);
  commentKey(doc, "organization", `${CHECK} 开展调研的单位,写进报告开头和落款`);
  commentKey(doc, "purpose", `${CHECK} 调研的背景和目的,写进报告开头;不需要可以删去`);

  const dataNode = doc.get("data", true) as unknown as YAMLMap;
  flow(dataNode.get("files", true));
  flow(dataNode.get("skip_markers", true));
  flow(dataNode.get("blank_markers", true));
  dataNode.commentBefore = ` 如何读取答卷。元数据列(${draft.metadata.join("、") || "无"})不是题目,已忽略`;
  if (ctx.alsoReads) dataNode.commentBefore += `\n 按选项序号导出 ${ctx.alsoReads} 读出的统计与它相同(survey tally ${ctx.alsoReads})`;

  const scalesNode = doc.get("scales", true);
  if (isMap(scalesNode)) {
    draft.scales.forEach((s) => {
      const node = scalesNode.get(s.name, true) as unknown as YAMLMap;
      flowOptions(node.get("options", true));
      for (const key of ["positive", "negative", "na"]) flow(node.get(key, true));
      if (s.check.length) node.commentBefore = s.check.map((c) => `${CHECK} ${c}`).join("\n");
    });
  }

  const questionsNode = doc.get("questions", true) as unknown as YAMLSeq;
  draft.questions.forEach((q, i) => {
    const node = questionsNode.items[i] as YAMLMap;
    flowOptions(node.get("options", true));
    flowOptions(node.get("rows", true));
    const themes = node.get("themes", true);
    if (isMap(themes)) for (const pair of themes.items) flow(pair.value);
    const check = [...q.check, sectionNote(q, draft.role)];
    node.commentBefore = check.map((c) => `${CHECK} ${c}`).join("\n");
  });

  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function guessed(draft: Draft): boolean {
  return draft.questions.some((q) => q.codesGuessed) || draft.scales.some((s) => s.codesGuessed);
}

function scaleDoc(s: DraftScale): Record<string, unknown> {
  const left = leftOut(s.options.map((o) => o.label));
  if (left) s.check.push(left);
  const out: Record<string, unknown> = { options: optionDocs(s.options) };
  if (s.positive) out.positive = s.positive;
  if (s.negative) out.negative = s.negative;
  if (s.na) out.na = s.na;
  if (s.scores) out.scores = s.scores;
  if (s.codesGuessed) out.codes = "guessed";
  return out;
}

/** Where the report states a question, and the words it uses for it: drafted by the report's own rules. */
function sectionNote(q: DraftQuestion, role: string | undefined): string {
  const kind = questionKind(q, role);
  const where = {
    background: "调查对象的基本情况,写进“基本情况”",
    fact: "写进“基本情况”",
    opinion: "写进“主要做法与成效”",
    problem: "反映问题的题,写进“存在的问题”",
    suggestion: "意见建议,写进“对策建议”",
    evaluation: "评价题:满意率达到 70% 写进“主要做法与成效”,否则写进“存在的问题”",
  }[kind];
  return `subject 是报告句子里称呼这道题的说法,section 是它所在的部分(${where}),均由题目文字推断`;
}

function questionDoc(q: DraftQuestion, role: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { id: q.id, text: q.text, type: q.type };
  out.subject = draftSubject(q.text, q.type);
  const section = sectionOfKind(questionKind(q, role));
  if (section) out.section = section;
  if (q.number !== undefined) out.number = q.number;
  const left = leftOut([...(q.options ?? []).map((o) => o.label), ...(q.rows ?? []), ...(typeof q.themes === "object" && q.themes ? Object.keys(q.themes) : [])]);
  if (left) q.check.push(left);
  if (q.options) out.options = optionDocs(q.options);
  if (q.codesGuessed) out.codes = "guessed";
  if (q.scale) out.scale = q.scale;
  if (q.rows) out.rows = q.rows.filter((r) => !isReserved(r));
  if (q.min !== undefined) out.min = q.min;
  if (q.max !== undefined) out.max = q.max;
  if (q.integer) out.integer = true;
  if (q.unit) out.unit = q.unit;
  if (q.themes) out.themes = typeof q.themes === "object" ? Object.fromEntries(Object.entries(q.themes).filter(([name]) => !isReserved(name))) : q.themes;
  return out;
}

/**
 * The 请核对 note of answers left out of a draft because survey.yaml refuses them as names (`__proto__`,
 * `valueOf` …: src/definition/reserved.ts); a draft must load.
 */
function leftOut(names: string[]): string | undefined {
  const reserved = names.filter(isReserved);
  return reserved.length ? `答案 ${reserved.map((n) => `"${n}"`).join("、")} 与程序保留的名称相同,不能作为选项、行或主题,已略去` : undefined;
}

/** Plain labels when codes are 1..n in order (as 问卷星 numbers them); `{code, label}` for all otherwise. */
function optionDocs(all: DraftOption[]): unknown[] {
  const options = all.filter((o) => !isReserved(o.label));
  // One code given means every code given: a list that mixes the two forms reads as a puzzle.
  const plain = options.every((o, i) => o.code === i + 1);
  return options.map((o) => {
    if (o.other) return plain ? { label: o.label, other: true } : { code: o.code, label: o.label, other: true };
    return plain ? o.label : { code: o.code, label: o.label };
  });
}

/** Short lists on one line, as people write them; long ones stay one item a line. */
function flowOptions(node: unknown): void {
  if (!isSeq(node)) return;
  const width = JSON.stringify(node.toJSON()).length;
  if (width <= 100) node.flow = true;
}

function flow(node: unknown): void {
  if (isSeq(node)) node.flow = true;
}

/** A comment on the line(s) above a top-level key. */
function commentKey(doc: Document, key: string, text: string): void {
  const pair = (doc.contents as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = text;
}
