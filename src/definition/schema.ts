import { z } from "zod";
import { MAX_BINS, MAX_OPTIONS, MAX_RANK_OPTIONS } from "../io/limits.js";
import { isReserved, reservedMessage } from "./reserved.js";

/**
 * The zod schema of survey.yaml (PRODUCT §2). It checks the shape of each key; references between keys
 * (role → question, scale → scales, groups → questions, `when` identifiers) are checked afterwards in
 * `crossrefs.ts`, where the whole definition is known.
 */

const id = z
  .string()
  .regex(/^[A-Za-z_\p{Script=Han}][\w\p{Script=Han}]*$/u, {
    message: "an id starts with a letter or _ and holds only letters, digits and _ (e.g. q5, age)",
  })
  .refine((s) => !isReserved(s), { error: (issue) => reservedMessage(String(issue.input), "an id") });

const label = z
  .string()
  .trim()
  .min(1, { message: "a label cannot be empty" })
  .refine((s) => !isReserved(s), { error: (issue) => reservedMessage(String(issue.input), "a label") });

const code = z.number().int().min(0, { message: "option codes are whole numbers from 0" });

/** An option: a label (its code is its position, 1..n, as 问卷星 numbers them) or `{code, label}`. */
const option = z.union([
  label,
  z.number().transform((n) => String(n)),
  z.strictObject({
    code: code.optional().describe("the code a 按序号 export writes; default the option's position (1..n)"),
    label,
    other: z.boolean().optional().describe("accepts fill-in text (问卷星 writes 其他〖……〗)"),
  }),
]);

const options = z
  .array(option)
  .min(1, { message: "list at least one option" })
  .max(MAX_OPTIONS, { message: `a question may have at most ${MAX_OPTIONS.toLocaleString("en-US")} options` });

/** Whether the options' codes are the questionnaire's: `survey init` marks codes it guessed from labels. */
const codes = z
  .enum(["guessed", "confirmed"])
  .optional()
  .describe("guessed (written by survey init from a 按选项文本 export): the order, so the codes, is inferred; reading a 按选项序号 export is an error until it is checked and this key removed");

export const scaleSchema = z
  .strictObject({
    options: options.describe("listed from most positive; codes 1..n unless given"),
    positive: z.array(code).optional().describe("codes counted in the positive rate (positiveRate; in a report 满意率, 认同率 … by the scale's words)"),
    negative: z.array(code).optional().describe("codes counted in the negative rate"),
    na: z.array(code).optional().describe("codes such as 不了解 left out of every base"),
    scores: z.array(z.number()).optional().describe("one score per option; default n..1, higher is better"),
    codes,
  })
  .describe("a response scale shared by scale and matrix questions");

const sections = ["situation", "practices", "problems", "suggestions"] as const;

const common = {
  id,
  text: z.string().trim().min(1, { message: "the question text cannot be empty" }),
  section: z.enum(sections).optional().describe("the report section whose evidence this question gives"),
  subject: z.string().optional().describe("a short noun phrase used in generated sentences"),
  required: z.boolean().optional().describe("a blank answer is an error"),
  when: z.string().optional().describe('skip logic: asked only when this holds, e.g. "q5 >= 4"'),
  number: z.number().int().min(1).optional().describe("the question's number in the export (第N题); default its position"),
  column: z.string().optional().describe("the exact header of this question's column, when it matches neither id nor text"),
};

/** A list of patterns: plain texts found anywhere in an answer, or /regular expressions/ (see patterns.ts). */
const patterns = z.union([z.string().transform((s) => [s]), z.array(z.string()).min(1, { message: "list at least one pattern" })]);

/** 其他 fill-ins moved to an existing option: option label → the patterns of the fill-ins that mean it. */
const otherCodes = z
  .record(z.string(), patterns)
  .optional()
  .describe('fill-ins of the 其他 option that mean an existing option: {免费赠送的: [亲友赠送, 朋友送的, "/送(的|给)/"]}; each recoded answer is listed with its text');

const single = z.strictObject({ ...common, type: z.literal("single"), options, codes, other_codes: otherCodes });
const multi = z.strictObject({
  ...common,
  type: z.literal("multi"),
  options,
  codes,
  max_choices: z.number().int().min(1).optional(),
  min_choices: z.number().int().min(1).optional(),
  other_codes: otherCodes,
});
const scaleQuestion = z.strictObject({
  ...common,
  type: z.literal("scale"),
  scale: z.string().describe("the name of a scale under `scales`"),
});
const matrixRow = z.union([
  label,
  z.strictObject({ id: z.string().regex(/^\w+$/).optional(), label }),
]);
const matrix = z.strictObject({
  ...common,
  type: z.literal("matrix"),
  scale: z.string().describe("the name of a scale under `scales`"),
  rows: z.array(matrixRow).min(1).describe("each row is a sub-question q9.1, q9.2, …"),
});
// A ranking's tally counts every option at every position: options² counts.
const rank = z.strictObject({
  ...common,
  type: z.literal("rank"),
  options: options.max(MAX_RANK_OPTIONS, { message: `a ranking may have at most ${MAX_RANK_OPTIONS.toLocaleString("en-US")} options` }),
  codes,
});
const numberQuestion = z.strictObject({
  ...common,
  type: z.literal("number"),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
  bins: z
    .array(z.number())
    .max(MAX_BINS, { message: `at most ${MAX_BINS.toLocaleString("en-US")} bins` })
    .optional()
    .describe("upper bounds: [30, 40] gives ≤30, 31–40, >40"),
  unit: z.string().optional(),
});
/** A codebook: theme → the patterns of the answers that mention it. */
export const codebookSchema = z.record(z.string().trim().min(1, { message: "a theme needs a name" }), patterns);
const text = z.strictObject({
  ...common,
  type: z.literal("text"),
  themes: z
    .union([z.string().trim().min(1), codebookSchema])
    .optional()
    .describe("a codebook: {停车难: [停车, 车位], 环境卫生: [垃圾, \"/卫生|脏乱/\"]}, or the path of a YAML file holding one (relative to survey.yaml); counts the answers that mention each theme"),
});

export const questionSchema = z.discriminatedUnion("type", [
  single,
  multi,
  scaleQuestion,
  matrix,
  rank,
  numberQuestion,
  text,
]);

const stringList = z.union([z.string(), z.array(z.string())]);

const data = z.strictObject({
  files: stringList.optional().describe("default answer files or globs, relative to survey.yaml"),
  encoding: z.enum(["auto", "utf-8", "gb18030", "gbk"]).optional(),
  header: z.enum(["auto", "id", "text"]).optional().describe("columns named by question id, by question text, or either"),
  id_column: z.string().optional().describe("respondent id column, for duplicate detection"),
  source_column: z.string().optional().describe("a column naming the respondent's group (e.g. village)"),
  multi_separator: z.string().min(1).optional(),
  rank_separator: z.string().min(1).optional(),
  skip_markers: z.array(z.string()).optional().describe('cell values meaning "not asked"'),
  blank_markers: z.array(z.string()).optional().describe('cell values meaning "asked, left blank"'),
  duration_column: z.string().optional().describe('seconds taken ("123秒"), for speeder screening'),
  weight_column: z.string().optional().describe("a column holding each questionnaire's weight (a positive number); every count becomes a weighted sum"),
  min_answered: z.number().min(0).max(1).optional(),
  invalid_if: z
    .strictObject({
      speeder: z.number().gt(0).lt(1).optional().describe("took less than this share of the median duration"),
      straightline: z.boolean().optional().describe("the same answer on every item of a matrix/group of 5+ items"),
    })
    .optional()
    .describe("screening rules whose questionnaires are left out as invalid"),
});

export const groupSchema = z.strictObject({
  id,
  label: z.string().optional(),
  items: z.array(z.string()).min(2, { message: "a group needs at least two items" }),
});

/** The rules that keep the report's generated sentences true; defaults come from the report template. */
export const reportRulesSchema = z
  .strictObject({
    strong_gap: z.number().gt(0).max(1).optional().describe("a difference is called 明显 only from this gap (a fraction: 0.1 = 10 percentage points), and only when significant"),
    significance: z.number().gt(0).lt(1).optional().describe("the p-value under which a difference counts as significant (default 0.05)"),
    min_group: z.number().int().min(1).optional().describe("groups with fewer respondents are never given a percentage in the report's text (default 10)"),
    success_rate: z.number().gt(0).max(1).optional().describe("an evaluation whose positive rate reaches this is a result (成效), below it a problem (default 0.7)"),
    max_differences: z.number().int().min(0).optional().describe("at most this many group differences are written in the report's text (default 3)"),
  })
  .describe("rules for the report's generated sentences");

/** Population targets that the answers are weighted to (raking, i.e. iterative proportional fitting). */
export const weightsSchema = z
  .strictObject({
    rake: z
      .record(z.string(), z.record(z.string(), z.number().gt(0, { message: "a target share must be more than 0" })))
      .describe("question id → {option label: the population's share}; shares of a question add up to 1 (or to 100)"),
    tolerance: z.number().gt(0).lt(0.1).optional().describe("raking stops when every weighted share is within this of its target (default 0.000001)"),
    max_iterations: z.number().int().min(1).max(10000).optional().describe("raking gives up with an error after this many rounds (default 100)"),
  })
  .describe("weight the answers so that the shares of these questions match the population's");

export const surveySchema = z
  .strictObject({
    $schema: z.string().optional(),
    title: z.string().trim().min(1, { message: "the title cannot be empty" }),
    organization: z.string().optional(),
    period: z.union([z.string(), z.number()]).optional(),
    issued: z.number().int().min(0).optional().describe("questionnaires handed out (发放)"),
    methods: z.array(z.string()).optional(),
    purpose: z.string().optional(),
    date: z.string().trim().min(1).optional().describe("the report's date (成文日期) under the organization at its end, e.g. 2019年7月30日; default SOURCE_DATE_EPOCH, else today"),
    rules: reportRulesSchema.optional(),
    lang: z.enum(["zh-CN", "en"]).optional(),
    role: z.string().optional().describe("the question whose answer is the respondent's role (身份)"),
    crosstabs: z
      .array(z.string())
      .optional()
      .describe("more questions to break every question down by, besides the role (single-choice or scale questions, or matrix rows); as survey tally --by"),
    data: data.optional(),
    weights: weightsSchema.optional(),
    scales: z.record(z.string(), scaleSchema).optional(),
    questions: z.array(questionSchema).min(1, { message: "list at least one question" }),
    groups: z.array(groupSchema).optional(),
    previous: z
      .strictObject({
        map: z
          .record(id, z.string().min(1))
          .optional()
          .describe("this round's question id → the earlier round's, for questions whose id changed (e.g. {q5: q4}); other questions match by id"),
      })
      .optional()
      .describe("how this round's questions match an earlier round's saved tally (survey tally/report --previous last.json)"),
  })
  .describe("survey.yaml: the definition of a questionnaire for the survey tool");

export type SurveyInput = z.input<typeof surveySchema>;
export type SurveyDoc = z.output<typeof surveySchema>;
export type QuestionDoc = z.output<typeof questionSchema>;
export type ReportRulesDoc = z.output<typeof reportRulesSchema>;
export const SECTIONS = sections;
export type Section = (typeof sections)[number];

/** The JSON Schema that `survey schema` prints, for editor completion and CI checks. */
export function surveyJsonSchema(): object {
  return z.toJSONSchema(surveySchema, { io: "input", target: "draft-2020-12" });
}
