import { Liquid } from "liquidjs";
import { LineCounter, parseDocument, visit } from "yaml";
import { z } from "zod";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { SurveyError } from "../diagnostics/errors.js";
import { MAX_YAML_ALIASES } from "../io/limits.js";
import { reportRulesSchema } from "../definition/schema.js";
import { approx, count, fixed, pct, type Lang } from "./format.js";

/**
 * A report template: a folder under `templates/` holding `template.yaml` (structure, labels, sentence
 * patterns) and `style.yaml` (the style sheet). Parsed here from the files' text, so this module does no IO;
 * the command reads the folder.
 */

const sentenceKeys = [
  "title", "opening", "coverage", "openingEnd", "roles", "distribution", "numberSummary", "scaleStrong",
  "choices", "scaleWeak", "problemLead", "difference", "suggestionChoices", "rank", "openAnswers", "others", "change", "waveNote",
  "problemTopic", "attachmentNote", "notes", "themes", "recodedNote",
] as const;
export type SentenceKey = (typeof sentenceKeys)[number];

const sectionKeys = ["situation", "practices", "problems", "suggestions"] as const;
export type SectionKey = (typeof sectionKeys)[number];

const templateSchema = z.strictObject({
  lang: z.enum(["zh-CN", "en"]),
  numerals: z.strictObject({ level1: z.string(), level2: z.string(), level3: z.string() }),
  sections: z.strictObject({ situation: z.string(), practices: z.string(), problems: z.string(), suggestions: z.string() }),
  /** Other `##` titles a narrative may use for each section (another language, a shorter form). */
  sectionAliases: z
    .strictObject({
      situation: z.array(z.string()).optional(),
      practices: z.array(z.string()).optional(),
      problems: z.array(z.string()).optional(),
      suggestions: z.array(z.string()).optional(),
    })
    .optional(),
  labels: z.strictObject({
    appendix: z.string(), appendixTitle: z.string(), table: z.string(), figure: z.string(), option: z.string(),
    count: z.string(), share: z.string(), weightedShare: z.string().optional(), validN: z.string(), role: z.string(), people: z.string(),
    /** Unused, and no longer in the built-in templates: a rate is named by its scale, through `rateNames`; accepted so that a template copied with it still loads. */
    rate: z.string().optional(),
    mean: z.string(), row: z.string(), score: z.string(), meanPosition: z.string(), position: z.string(),
    statistic: z.string(), value: z.string(), answers: z.string(), all: z.string(), binsSuffix: z.string(),
    theme: z.string(), unmatched: z.string(),
    types: z.strictObject({ single: z.string(), multi: z.string(), scale: z.string(), matrix: z.string(), rank: z.string(), number: z.string(), text: z.string() }),
    numberStats: z.strictObject({ n: z.string(), mean: z.string(), sd: z.string(), median: z.string(), min: z.string(), max: z.string() }),
    noAnswers: z.string(),
    questionHeading: z.string(),
    tableCaption: z.string(),
    figureCaption: z.string(),
    roleTableCaption: z.string(),
    roleFigureCaption: z.string(),
    rateNames: z.record(z.string(), z.string()).refine((r) => "default" in r, "needs a `default` entry"),
    /** How a sentence names a group of the breakdown: 男 → 男性. */
    groupNames: z.record(z.string(), z.string()).optional(),
    /** A group whose label is a range (30岁及以下): `{{ label }}的被调查者`. */
    groupOfRange: z.string(),
    /** The date under the 落款: y, m, d. */
    date: z.string(),
    /** The title of a per-group report (--each): title, group. */
    groupTitle: z.string(),
    /**
     * With --previous: how the rounds are named where their `period` is unknown — columns `previous` and
     * `current`, `inText` in sentences —, the change column, and `changeNote` (previous, value, change)
     * after an evaluation's rate in the appendix.
     */
    waves: z.strictObject({ previous: z.string(), current: z.string(), change: z.string(), inText: z.string(), changeNote: z.string() }),
  }),
  /** The rules that keep generated sentences true (survey.yaml's `rules:` overrides them). */
  rules: reportRulesSchema.optional(),
  placeholder: z.string(),
  placeholders: z.strictObject({
    opening: z.string(), situation: z.string(), practices: z.string(), problems: z.string(), suggestions: z.string(),
    /** A marked place for the author's suggestion beside a problem the report states: topic. */
    suggestionFor: z.string(),
    organization: z.string(),
  }),
  sentences: z.strictObject(Object.fromEntries(sentenceKeys.map((k) => [k, z.string()])) as Record<SentenceKey, z.ZodString>),
});

const fontBox = z.strictObject({
  font: z.string(),
  size: z.number().positive().max(100),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  align: z.enum(["left", "center", "right", "justify"]).optional(),
  spaceAfter: z.number().min(0).optional(),
  firstLineChars: z.number().min(0).max(10).optional(),
  line: z.number().positive().optional(),
  headerBold: z.boolean().optional(),
  text: z.string().optional(),
});

/** A4 in millimetres, and the least type area a page keeps between its margins. */
const A4 = { width: 210, height: 297 };
const MIN_TYPE_AREA_MM = 60;

/**
 * Word's highlight colours (ST_HighlightColor of ECMA-376, as docx's HighlightColor lists them): any other
 * value makes a document Word refuses to open.
 */
export const HIGHLIGHT_COLORS = [
  "black", "blue", "cyan", "darkBlue", "darkCyan", "darkGray", "darkGreen", "darkMagenta", "darkRed", "darkYellow",
  "green", "lightGray", "magenta", "none", "red", "white", "yellow",
] as const;

const margin = z.number().min(0, { message: "a margin is 0 mm or more" });

const styleSchema = z.strictObject({
  page: z.strictObject({
    size: z.literal("A4"),
    margins: z
      .strictObject({ top: margin, bottom: margin, left: margin, right: margin })
      .refine((m) => m.left + m.right <= A4.width - MIN_TYPE_AREA_MM, {
        error: (issue) => {
          const m = issue.input as { left: number; right: number };
          return `left and right margins of ${m.left} + ${m.right} mm leave less than ${MIN_TYPE_AREA_MM} mm of the A4 page's ${A4.width} mm for text`;
        },
      })
      .refine((m) => m.top + m.bottom <= A4.height - MIN_TYPE_AREA_MM, {
        error: (issue) => {
          const m = issue.input as { top: number; bottom: number };
          return `top and bottom margins of ${m.top} + ${m.bottom} mm leave less than ${MIN_TYPE_AREA_MM} mm of the A4 page's ${A4.height} mm for text`;
        },
      }),
  }),
  latin: z.string(),
  /** Exact line spacing of body text, in points. */
  line: z.number().positive().max(100),
  title: fontBox,
  heading1: fontBox,
  heading2: fontBox,
  heading3: fontBox,
  body: fontBox,
  caption: fontBox,
  table: fontBox,
  footer: fontBox.extend({ text: z.string().includes("{PAGE}") }),
  placeholder: z.strictObject({
    highlight: z.enum(HIGHLIGHT_COLORS, { error: (issue) => `"${String(issue.input).slice(0, 40)}" is not a highlight colour Word has: ${HIGHLIGHT_COLORS.join(", ")}` }),
  }),
  chart: z.strictObject({ font: z.string(), size: z.number().positive(), width: z.number().positive(), barHeight: z.number().positive() }),
  /**
   * The type area's grid: characters a body line holds and lines a page holds (GB/T 9704: 28 × 22). Body-size
   * text is set close enough for `chars` characters to fit the line.
   */
  grid: z.strictObject({ chars: z.number().int().min(10).max(60), lines: z.number().int().min(10).max(60) }).optional(),
});

export type TemplateText = z.infer<typeof templateSchema>;
export type StyleSheet = z.infer<typeof styleSchema>;
export type FontBox = z.infer<typeof fontBox>;

export interface Template {
  name: string;
  lang: Lang;
  text: TemplateText;
  style: StyleSheet;
  engine: Liquid;
  /** Milliseconds all its patterns may take to render (MAX_TEMPLATE_RENDER_MS unless set). */
  renderBudgetMs?: number;
}

/** The files of a template folder, by name relative to the folder. Only these can ever be included. */
export type TemplateFiles = Record<string, string>;

/** Parses and checks a template folder's files; every problem is thrown at once with file, line and column. */
export function parseTemplate(name: string, files: TemplateFiles, shownDir: string): Template {
  const diagnostics: Diagnostic[] = [];
  const text = parseYaml(files["template.yaml"], `${shownDir}/template.yaml`, templateSchema, diagnostics);
  const style = parseYaml(files["style.yaml"], `${shownDir}/style.yaml`, styleSchema, diagnostics);
  if (!text || !style) throw new SurveyError(diagnostics);
  const template: Template = { name, lang: text.lang, text, style, engine: createEngine(text.lang, files) };
  checkSentences(template, shownDir);
  return template;
}

function parseYaml<T>(source: string | undefined, file: string, schema: z.ZodType<T>, out: Diagnostic[]): T | undefined {
  if (source === undefined) {
    out.push({ code: "TEMPLATE_INVALID", severity: "error", file, message: "the template has no such file" });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      out.push({ code: "TEMPLATE_INVALID", severity: "error", file, line: pos.line, col: pos.col, message: e.message.split("\n")[0] ?? e.message });
    }
    return undefined;
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // yaml refuses to expand a "billion laughs" alias bomb (a ReferenceError): point at the first alias.
    let at: number | undefined;
    visit(doc, { Alias: (_, node) => ((at = node.range?.[0]), visit.BREAK) });
    const pos = at === undefined ? { line: 1, col: 1 } : lineCounter.linePos(at);
    out.push({ code: "TEMPLATE_INVALID", severity: "error", file, line: pos.line, col: pos.col, message: `${(err as Error).message}: more than ${MAX_YAML_ALIASES} aliases are expanded`, hint: "write the repeated parts out" });
    return undefined;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number] } | undefined;
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    out.push({
      code: "TEMPLATE_INVALID",
      severity: "error",
      file,
      line: pos?.line,
      col: pos?.col,
      message: `${issue.path.join(".") || "(top)"}: ${issue.message}`,
    });
  }
  return undefined;
}

/** Milliseconds one render of a pattern (or of the narrative) may take. */
const RENDER_LIMIT_MS = 2000;

/**
 * The sandboxed Liquid engine of a template: no JavaScript evaluation (Liquid has none), includes only
 * from the template's own files held in memory (never the disk), own properties only (no prototype walks),
 * and limits on parsing, rendering time and memory so a runaway loop stops with an error.
 */
export function createEngine(lang: Lang, files: TemplateFiles = {}): Liquid {
  const templates = Object.fromEntries(Object.entries(files).filter(([f]) => f.endsWith(".liquid")));
  const engine = new Liquid({
    templates,
    relativeReference: false,
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // "" and 0 are false, as a template author expects: `{% if period %}于{{ period }}{% endif %}` must
    // print nothing when the definition has no period (Shopify Liquid would print "于").
    jsTruthy: true,
    parseLimit: 1e6,
    renderLimit: RENDER_LIMIT_MS,
    memoryLimit: 5e7,
  });
  engine.registerFilter("pct", (x: unknown, decimals?: number) => pct(x, decimals ?? 1));
  engine.registerFilter("count", (x: unknown, unit?: string) => count(x, unit ?? "", lang));
  engine.registerFilter("approx", (x: unknown) => approx(x, lang));
  engine.registerFilter("num", (x: unknown, decimals?: number) => fixed(x, decimals ?? 2));
  return engine;
}

/** Parses every sentence pattern up front, so a broken template fails before any report is built. */
function checkSentences(template: Template, shownDir: string): void {
  const diagnostics: Diagnostic[] = [];
  const patterns: [string, string][] = [
    ...Object.entries(template.text.sentences).map(([k, v]) => [`sentences.${k}`, v] as [string, string]),
    ["placeholder", template.text.placeholder],
    ["labels.questionHeading", template.text.labels.questionHeading],
    ["labels.tableCaption", template.text.labels.tableCaption],
    ["labels.figureCaption", template.text.labels.figureCaption],
    ["labels.roleTableCaption", template.text.labels.roleTableCaption],
    ["labels.roleFigureCaption", template.text.labels.roleFigureCaption],
    ["labels.groupOfRange", template.text.labels.groupOfRange],
    ["labels.date", template.text.labels.date],
    ["labels.groupTitle", template.text.labels.groupTitle],
    ["labels.waves.changeNote", template.text.labels.waves.changeNote],
    ["placeholders.suggestionFor", template.text.placeholders.suggestionFor],
  ];
  for (const [key, source] of patterns) {
    try {
      // Kept: the report renders these same patterns.
      parsed(template, source);
    } catch (err) {
      diagnostics.push({
        code: "TEMPLATE_INVALID",
        severity: "error",
        file: `${shownDir}/template.yaml`,
        message: `${key}: ${(err as Error).message}`,
      });
    }
  }
  if (diagnostics.length) throw new SurveyError(diagnostics);
}

const parsedPatterns = new WeakMap<Template, Map<string, ReturnType<Liquid["parse"]>>>();

/** A pattern parsed once per template: a report renders the same few patterns hundreds of times. */
function parsed(template: Template, source: string): ReturnType<Liquid["parse"]> {
  let cache = parsedPatterns.get(template);
  if (!cache) parsedPatterns.set(template, (cache = new Map()));
  let tpl = cache.get(source);
  if (!tpl) cache.set(source, (tpl = template.engine.parse(source)));
  return tpl;
}

/** Renders one sentence pattern with its variables. A pattern that names an unknown variable is a template bug. */
export function sentence(template: Template, key: SentenceKey, vars: object): string {
  return renderPattern(template, template.text.sentences[key], vars, `sentences.${key}`);
}

/**
 * Milliseconds all of one template's sentence patterns may take to render, together. Liquid's renderLimit
 * bounds one render, but a report renders patterns thousands of times: a pattern looping for 2 s each time
 * would run for hours. A real report's patterns take well under a second in all.
 */
export const MAX_TEMPLATE_RENDER_MS = 20_000;
const renderSpent = new WeakMap<Template, number>();

export function renderPattern(template: Template, source: string, vars: object, where: string): string {
  const budget = template.renderBudgetMs ?? MAX_TEMPLATE_RENDER_MS;
  const spent = renderSpent.get(template) ?? 0;
  const started = performance.now();
  try {
    if (spent >= budget) {
      throw new Error(`the template's patterns took more than ${budget / 1000} s to render in all, so the report is not written (a loop in a pattern?)`);
    }
    const renderLimit = Math.max(1, Math.min(RENDER_LIMIT_MS, budget - spent));
    return template.engine.renderSync(parsed(template, source), vars as Record<string, unknown>, { renderLimit }).trim();
  } catch (err) {
    throw new SurveyError([
      { code: "TEMPLATE_INVALID", severity: "error", file: `template ${template.name}`, message: `${where}: ${(err as Error).message}` },
    ]);
  } finally {
    renderSpent.set(template, spent + (performance.now() - started));
  }
}
