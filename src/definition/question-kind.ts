import type { Question, QuestionType } from "./model.js";
import type { Section } from "./schema.js";

/**
 * What a question asks about, read from its type and wording: the report states a background question as
 * composition (never "认为"), an evaluation as a rate, a problem question under 存在的问题, a suggestion
 * question under 对策建议. `survey init --from` drafts `subject:` and `section:` with the same rules, so a
 * draft and a report without those keys agree.
 */
export type QuestionKind =
  /** Who answered: 性别, 年龄, 学历, 所在村 … — composition, never an opinion. */
  | "background"
  /** A satisfaction/agreement scale or matrix: a rate, a success or a problem by one threshold. */
  | "evaluation"
  /** Difficulties, problems, reasons for dissatisfaction. */
  | "problem"
  /** Suggestions, needs, what should be strengthened. */
  | "suggestion"
  /** A view that is neither of the above (认为, 看法). */
  | "opinion"
  /** A fact about the respondent's life or behaviour (手机价格, 兴趣爱好). */
  | "fact";

// Matched against the question's noun phrase (see draftSubject), anchored, so that "爱好投入占收入比重"
// is not taken for income and "社区党建工作存在的困难" not for the respondent's community.
const BACKGROUND = new RegExp(
  [
    "^(性别|年龄|年龄段|出生年份|学历|文化程度|受教育程度|最高学历|职业|工作|职务|职称|民族|政治面貌|婚姻状况|户籍|户口|户口类型|籍贯|身份|宗教信仰|年级|专业|工龄|党龄)$",
    "(月收入|年收入|家庭收入|收入水平|收入|年龄|学历|职业|身份|性别)$",
    "^(所在|居住|来自|工作|就读)(的)?(地区|区域|省份|城市|县|区|乡镇|镇|街道|村|社区|单位|学校|部门|小区)",
    "^(所在|居住)",
    "(工作年限|从业年限|居住年限|家庭人口|家庭人数|家庭规模|单位性质|单位类型)$",
  ].join("|"),
  "u",
);
const PROBLEM = /困难|问题|原因|不足|障碍|难点|短板|瓶颈|顾虑|担心|担忧|不满意|不满|矛盾|阻碍|制约/u;
const SUGGESTION = /建议|意见|希望|需要|需求|期望|期待|应该|应当|加强|改进|改善|措施|迫切|诉求|打算/u;
const OPINION = /认为|觉得|看法|评价|同意|赞成|支持|满意|态度|感受|印象|认同|看待|認為|覺得/u;

/** A question's noun phrase in sentences: the definition's `subject`, else one drafted from its text. */
export function subjectOf(q: Pick<Question, "type" | "text" | "subject">): string {
  return q.subject ?? draftSubject(q.text, q.type);
}

/**
 * Whether a subject names the problem itself (…最大困难, …主要原因), so that "认为{subject}是“X”" reads;
 * otherwise a sentence quotes the question. The same words as a problem question's.
 */
export function namesProblem(subject: string): boolean {
  return new RegExp(`(${PROBLEM.source})$`, "u").test(subject);
}

/** The kind of a question (the role question is always background). */
export function questionKind(q: Pick<Question, "type" | "text" | "id" | "subject">, roleId?: string): QuestionKind {
  if (q.id === roleId) return "background";
  if (q.type === "scale" || q.type === "matrix") return "evaluation";
  const subject = subjectOf(q);
  const text = `${q.text} ${subject}`;
  if (PROBLEM.test(text)) return "problem";
  if (SUGGESTION.test(text)) return "suggestion";
  if ((q.type === "single" || q.type === "number" || q.type === "multi") && BACKGROUND.test(subject)) return "background";
  // Open answers are what people want said: 对策建议, unless they name problems.
  if (q.type === "text") return "suggestion";
  if (OPINION.test(text)) return "opinion";
  return "fact";
}

/**
 * The section a question's evidence goes to when the definition names none. Evaluations have no section
 * of their own: each rate goes to 主要做法与成效 or 存在的问题 by the one threshold rule of the report.
 */
export function sectionOfKind(kind: QuestionKind): Section | undefined {
  switch (kind) {
    case "background":
    case "fact":
      return "situation";
    case "opinion":
      return "practices";
    case "problem":
      return "problems";
    case "suggestion":
      return "suggestions";
    case "evaluation":
      return undefined;
  }
}

/**
 * A short noun phrase for a question, for sentences such as "对{subject}的满意率为…" and "从{subject}看":
 * the question text without 您/您的/请问/请/认为/觉得, a trailing 是/为/如何/哪些/什么/怎样, "(多选)" and other
 * bracketed notes, and punctuation; for an evaluation also without "的满意程度" / "作出评价" and the like.
 *
 *   您的性别 → 性别 · 您所在的社区 → 所在社区 · 您对社区服务的满意程度 → 社区服务
 *   您认为当前村党建工作存在的最大困难是(可多选) → 当前村党建工作存在的最大困难
 *   请对社区以下各项工作的满意程度作出评价 → 社区各项工作
 */
export function draftSubject(text: string, type: QuestionType): string {
  let s = text.trim();
  // 问卷星 numbering and trailing notes: "8、", "(可多选)", "【多选题】", "(最多选三项)".
  s = s.replace(/^\s*(第?\d+[、.．:：)）]|[(（]\d+[)）])\s*/u, "");
  for (let i = 0; i < 3; i++) s = s.replace(/\s*([(（【\[][^)）】\]]*[)）】\]])\s*$/u, "").replace(/[\s:：?？。．.!！,，;；、_＿]+$/u, "");
  s = s.replace(/^(请问|請問|请您|請您|请|請)\s*/u, "");
  // "现在，您对…": a time phrase before the question proper.
  s = s.replace(/^(现在|現在|目前|当前|當前)[,，]\s*(?=[您你])/u, "");
  s = s.replace(/^(您|你)(们)?(的|自己的)?/u, "");
  s = s.replace(/^(认为|認為|觉得|覺得|感觉|感覺|感到)/u, "");
  s = s.replace(/(是|为|有|在)?(如何|怎样|怎么样|哪些|什么|哪个|哪一项|哪项|多少|几)$/u, "");
  s = s.replace(/(是|为)$/u, "");
  if (type === "scale" || type === "matrix") {
    s = s.replace(/^(对|對)(于|於)?/u, "");
    s = s.replace(/(的)?(总体)?(满意程度|滿意程度|满意度|滿意度|满意情况|评价|評價|看法|认可度|认同度|同意程度)(作出评价|进行评价|打分|评分)?$/u, "");
    s = s.replace(/(作出|进行)?(评价|打分|评分)$/u, "");
    s = s.replace(/(的)?(满意程度|满意度)$/u, "");
  }
  if (type === "rank") s = s.replace(/^对(于)?/u, "").replace(/(进行)?(按[^按]*)?(排序|排列)$/u, "");
  s = s.replace(/以下(各项|各个|几个)?/u, (m) => (m.length > 2 ? m.slice(2) : ""));
  s = s.replace(/^(所在|居住)的/u, "$1");
  s = s.replace(/[\s:：?？。．.!！,，;；、]+$/u, "").trim();
  return s || text.trim();
}
