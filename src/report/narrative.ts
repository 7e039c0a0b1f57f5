import { marked, type Token, type Tokens } from "marked";
import { append } from "../arrays.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { SurveyError } from "../diagnostics/errors.js";
import { MAX_NARRATIVE_DEPTH } from "../io/limits.js";
import type { Block, TextRun } from "./model.js";
import type { SectionKey, Template } from "./template.js";

/**
 * The author's narrative: a Markdown file with one `##` per section (its title as in the template, with or
 * without the number: `## 基本情况` or `## 一、基本情况`), text before the first `##` as the opening, and
 * Liquid expressions anywhere (`{{ q5.positiveRate | pct }}`). `###` and `####` are sub-headings
 * ((一) and 1.); a paragraph "表:标题" right above a table is its caption. Expressions are rendered first over the whole file, so an error names the file's own line.
 */
export interface Narrative {
  /** From a `#` heading: replaces the generated title. */
  title?: string;
  opening: Block[];
  sections: Partial<Record<SectionKey, Block[]>>;
}

export function parseNarrative(source: string, file: string, template: Template, context: Record<string, unknown>): Narrative {
  const text = renderExpressions(source.replace(/^\uFEFF/, ""), file, template, context);
  const tokens = lexBounded(text, file);
  const narrative: Narrative = { opening: [], sections: {} };
  const titles = new Map<string, SectionKey>([
    ...(Object.entries(template.text.sectionAliases ?? {}) as [SectionKey, string[]][]).flatMap(([k, list]) =>
      list.map((t): [string, SectionKey] => [normaliseTitle(t), k]),
    ),
    ...(Object.entries(template.text.sections) as [SectionKey, string][]).map(([k, t]): [string, SectionKey] => [normaliseTitle(t), k]),
  ]);
  let current: Block[] = narrative.opening;
  let line = 1;
  for (const token of tokens) {
    const at = line;
    line += countNewlines(token.raw);
    if (token.type === "heading" && token.depth === 1) {
      narrative.title = inlineText(token.tokens ?? []);
      continue;
    }
    if (token.type === "heading" && token.depth === 2) {
      const title = inlineText(token.tokens ?? []);
      const key = titles.get(normaliseTitle(title)) ?? (isSectionKey(title) ? title : undefined);
      if (!key) {
        throw new SurveyError([
          {
            code: "NARRATIVE_SECTION",
            severity: "error",
            file,
            line: at,
            message: `"## ${title}" is not a section of the report`,
            hint: `use one of: ${Object.values(template.text.sections).join(", ")} (or situation, practices, problems, suggestions), or pass --no-narrative`,
          },
        ]);
      }
      current = narrative.sections[key] = [];
      continue;
    }
    for (const block of blocksOf(token)) {
      if (block.kind === "table") block.caption = takeCaption(current);
      current.push(block);
    }
  }
  return narrative;
}

/**
 * A Markdown table has no caption of its own: a paragraph right above it that starts with "表:" (or
 * "Table:") becomes its caption, printed as 表N followed by the text.
 */
function takeCaption(blocks: Block[]): string {
  const last = blocks[blocks.length - 1];
  if (last?.kind !== "paragraph" || last.marker) return "";
  const m = /^(?:表|Table)\s*[:\uff1a]\s*(.+)$/su.exec(last.runs.map((r) => r.text).join(""));
  if (!m) return "";
  blocks.pop();
  return m[1]!.trim();
}

function isSectionKey(s: string): s is SectionKey {
  return s === "situation" || s === "practices" || s === "problems" || s === "suggestions";
}

/** "一、基本情况", "1. Background", "基本情况" all name the same section. */
function normaliseTitle(t: string): string {
  return t
    .replace(/^\s*([一二三四五六七八九十]+、|[IVX]+\.|\d+[.、])\s*/u, "")
    .replace(/\s+/g, "")
    .toLowerCase();
}

/**
 * marked's lexer recurses once per level of blockquote, list and emphasis, and blocks nested by indentation
 * take it time cubic in their depth (300 levels: 2 s; 1,000: 19 s); 2,000 `>` overflow the stack. Lines that
 * open more than MAX_NARRATIVE_DEPTH containers are refused before lexing; emphasis, which can span lines, is
 * measured on the tokens, and a stack overflow inside marked is located by lexing paragraph by paragraph.
 * The walks below (blocksOf, inlineRuns) recurse once per level, so they stay bounded too.
 */
function lexBounded(text: string, file: string): Token[] {
  const lines = text.split("\n");
  lines.forEach((l, i) => {
    if (containerDepth(l) > MAX_NARRATIVE_DEPTH) throw tooDeep(file, i + 1);
  });
  let tokens: Token[];
  try {
    tokens = marked.lexer(text, { gfm: true });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    let start = 0;
    for (let i = 0; i <= lines.length; i++) {
      if (i < lines.length && lines[i]!.trim() !== "") continue;
      try {
        marked.lexer(lines.slice(start, i).join("\n"), { gfm: true });
      } catch (e) {
        if (e instanceof RangeError) throw tooDeep(file, start + 1);
        throw e;
      }
      start = i + 1;
    }
    throw tooDeep(file);
  }
  let line = 1;
  for (const token of tokens) {
    // Below the innermost container or emphasis come a paragraph and its text: two levels more.
    if (tokenDepth(token) > MAX_NARRATIVE_DEPTH + 2) throw tooDeep(file, line);
    line += countNewlines(token.raw);
  }
  return tokens;
}

/**
 * How many blocks a line opens: its `>` and list markers (`-`, `*`, `+`, `1.`, `1)`) at the start, plus one
 * for every two columns of indentation before them (a list nested by indentation).
 */
function containerDepth(line: string): number {
  const m = /^([ \t]*)((?:(?:>|[-*+]|\d{1,9}[.)])(?:[ \t]+|$))+)/.exec(line);
  if (!m) return 0;
  const indent = m[1]!.replace(/\t/g, "    ").length;
  const markers = m[2]!.match(/>|[-*+]|\d{1,9}[.)]/g)!.length;
  return Math.floor(indent / 2) + markers;
}

/** The depth of a token's tree (blockquotes, list items, emphasis), found without recursion. */
function tokenDepth(root: Token): number {
  let max = 0;
  const stack: [Token, number][] = [[root, 1]];
  while (stack.length && max <= MAX_NARRATIVE_DEPTH + 2) {
    const [t, depth] = stack.pop()!;
    max = Math.max(max, depth);
    // A list and its items are one level, as a blockquote is.
    if (t.type === "list") for (const item of (t as Tokens.List).items) stack.push([item as Token, depth]);
    const children: Token[][] = [];
    if ("tokens" in t && Array.isArray(t.tokens)) children.push(t.tokens);
    if (t.type === "table") {
      const table = t as Tokens.Table;
      for (const row of [table.header, ...table.rows]) for (const cell of row) children.push(cell.tokens);
    }
    for (const list of children) for (const c of list) stack.push([c, depth + 1]);
  }
  return max;
}

function tooDeep(file: string, line?: number): SurveyError {
  return new SurveyError([
    {
      code: "NARRATIVE_TOO_DEEP",
      severity: "error",
      file,
      line,
      message: `blockquotes (>), lists or emphasis (** _ ~~) nest more than ${MAX_NARRATIVE_DEPTH} levels deep`,
      hint: "the report has no use for such nesting: write the text out flat",
    },
  ]);
}

function countNewlines(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "\n") n++;
  return n;
}

/** Liquid over the whole file; an unknown name or a broken expression becomes `report.md:LINE:COL`. */
function renderExpressions(source: string, file: string, template: Template, context: Record<string, unknown>): string {
  try {
    return template.engine.parseAndRenderSync(source, context);
  } catch (err) {
    const e = err as Error & { name: string; token?: { getPosition?: () => [number, number] } };
    const [line, col] = e.token?.getPosition?.() ?? [undefined, undefined];
    const bare = e.message.replace(/, line:\d+, col:\d+$/, "");
    const unknown = /^undefined variable: (.+)$/.exec(bare);
    const d: Diagnostic = {
      code: "NARRATIVE_EXPR",
      severity: "error",
      file,
      line,
      col,
      message: unknown ? `unknown name "${unknown[1]}" in an expression` : bare,
      hint: unknown
        ? "names are question ids (q5.positiveRate, q8.options[0].label), responses.valid, roles.counts; see `survey tally --format json`"
        : undefined,
    };
    throw new SurveyError([d]);
  }
}

function blocksOf(token: Token): Block[] {
  switch (token.type) {
    case "heading": {
      const level = token.depth <= 3 ? 2 : 3;
      return [{ kind: "heading", level, number: "", text: inlineText(token.tokens ?? []) }];
    }
    case "paragraph":
      return [{ kind: "paragraph", runs: inlineRuns(token.tokens ?? []) }];
    case "text":
      return [{ kind: "paragraph", runs: inlineRuns((token as Tokens.Text).tokens ?? [{ type: "text", raw: token.raw, text: token.text } as Token]) }];
    case "list": {
      const list = token as Tokens.List;
      const start = typeof list.start === "number" ? list.start : 1;
      return list.items.map((item, i) => ({
        kind: "paragraph",
        style: "body",
        marker: list.ordered ? `${start + i}.` : "•",
        runs: item.tokens.flatMap((t) => ("tokens" in t && t.tokens ? inlineRuns(t.tokens) : [{ text: t.raw.trim() }])),
      }));
    }
    case "blockquote":
      return (token as Tokens.Blockquote).tokens.flatMap(blocksOf);
    case "table": {
      const table = token as Tokens.Table;
      return [
        {
          kind: "table",
          number: 0,
          caption: "",
          header: table.header.map((c) => inlineText(c.tokens)),
          rows: table.rows.map((r) => r.map((c) => inlineText(c.tokens))),
          align: table.align.map((a) => a ?? "left"),
        },
      ];
    }
    case "code":
      return [{ kind: "paragraph", style: "plain", runs: [{ text: (token as Tokens.Code).text }] }];
    case "hr":
      return [{ kind: "pageBreak" }];
    default:
      return [];
  }
}

function inlineRuns(tokens: Token[], marks: { bold?: boolean; italic?: boolean } = {}): TextRun[] {
  const runs: TextRun[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case "strong":
        append(runs, inlineRuns(t.tokens ?? [], { ...marks, bold: true }));
        break;
      case "em":
        append(runs, inlineRuns(t.tokens ?? [], { ...marks, italic: true }));
        break;
      case "link":
      case "del":
        append(runs, inlineRuns(t.tokens ?? [], marks));
        break;
      case "br":
        runs.push({ text: "\n", ...marks });
        break;
      case "codespan":
        runs.push({ text: decodeEntities(t.text), ...marks });
        break;
      case "text":
      case "escape":
        if ("tokens" in t && t.tokens?.length) append(runs, inlineRuns(t.tokens, marks));
        else runs.push({ text: decodeEntities(t.text ?? t.raw), ...marks });
        break;
      default:
        runs.push({ text: t.raw, ...marks });
    }
  }
  return mergeRuns(runs);
}

function inlineText(tokens: Token[]): string {
  return inlineRuns(tokens)
    .map((r) => r.text)
    .join("");
}

/** marked escapes &, <, >, " and ' in text tokens; the document wants the characters. */
function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] ?? _);
}

function mergeRuns(runs: TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && last.bold === r.bold && last.italic === r.italic && !last.placeholder && !r.placeholder) last.text += r.text;
    else out.push({ ...r });
  }
  return out.filter((r) => r.text !== "");
}
