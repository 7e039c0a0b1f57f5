import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { append } from "../arrays.js";
import { MAX_YAML_ALIASES } from "../io/limits.js";
import { oneLine, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Survey } from "./model.js";
import { buildSurvey, type BrokenNames } from "./build.js";
import { codebookFiles, parseCodebook } from "./codebook.js";
import { locator, type Locate } from "./locate.js";
import { reservedKeys } from "./reserved.js";
import { groupSchema, questionSchema, scaleSchema, surveySchema, type SurveyDoc } from "./schema.js";

/** More aliases than this in one survey.yaml is an attack ("billion laughs"), not a definition. */
export { MAX_YAML_ALIASES };

/**
 * Questions in one definition, each matrix row counted as one (README "Limits"). Measured here: a report
 * of 2,000 took 74 s and 1.8 GB; 1,000 keeps a report near a gigabyte, and real questionnaires have a few
 * dozen to a few hundred.
 */
export const MAX_ITEMS = 1_000;

export interface LoadResult {
  survey?: Survey;
  diagnostics: Diagnostic[];
}

/**
 * Parses and checks survey.yaml text. Pure: the caller reads the file. Every problem is collected and
 * located at `file:line:col`; the survey is returned only when there is no error.
 */
export function parseSurvey(text: string, file = "survey.yaml", opts: { readCodebook?: ReadCodebook } = {}): LoadResult {
  const lineCounter = new LineCounter();
  // logLevel "error": yaml would otherwise print Node warnings (a `? [a]` collection key) straight to stderr,
  // outside the one-line diagnostics; such a key is reported as an unknown key instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const at = locator(doc, lineCounter, file);
  const diagnostics: Diagnostic[] = [];

  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    diagnostics.push({
      code: "YAML_SYNTAX",
      severity: "error",
      message: e.message.split("\n")[0] ?? e.message,
      file,
      line: pos.line,
      col: pos.col,
      hint: "check indentation and quote values that contain a colon",
    });
  }
  if (diagnostics.length) return { diagnostics };
  // Before zod, which drops a `__proto__` key without a word.
  const reserved = reservedKeys(doc, lineCounter, file);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    return {
      diagnostics: [{ code: "YAML_ALIASES", severity: "error", message: (err as Error).message, file, line: 1, col: 1 }],
    };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return {
      diagnostics: [
        {
          code: "DEF_INVALID",
          severity: "error",
          message: "survey.yaml must be a mapping with title and questions",
          file,
          line: 1,
          col: 1,
          hint: "run `survey init` to see a working definition",
        },
      ],
    };
  }

  // Before zod and the cross-references, whose cost grows with the number of questions.
  const questionCount = Array.isArray((raw as { questions?: unknown }).questions) ? (raw as { questions: unknown[] }).questions.length : 0;
  if (questionCount > MAX_ITEMS) return { diagnostics: [tooLarge(at, questionCount, "questions")] };

  const parsed = surveySchema.safeParse(raw, { reportInput: true });
  append(diagnostics, reserved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) append(diagnostics, issueToDiagnostics(issue, at));
    // Cross-references are checked on the parts that are well-formed, so that one run reports them too.
    const salvaged = salvage(raw as Record<string, unknown>);
    for (const d of includeCodebooks(salvaged.doc, (path, ...rest) => at(["questions", salvaged.questionIndex[path[1] as number]!, ...path.slice(2)], ...rest), opts.readCodebook)) diagnostics.push(d);
    const original: Locate = (path, ...rest) =>
      at(path[0] === "questions" && typeof path[1] === "number" ? ["questions", salvaged.questionIndex[path[1]]!, ...path.slice(2)] : path, ...rest);
    append(diagnostics, buildSurvey(salvaged.doc, original, salvaged.broken).diagnostics);
    return { diagnostics: sortByPlace(dedupe(diagnostics)) };
  }
  const included = includeCodebooks(parsed.data, at, opts.readCodebook);
  const built = buildSurvey(parsed.data, at);
  if (included.length || reserved.length) return { diagnostics: sortByPlace(dedupe([...reserved, ...included, ...built.diagnostics])) };
  if (built.survey && built.survey.items.length > MAX_ITEMS) {
    return { diagnostics: [tooLarge(at, built.survey.items.length, "questions and matrix rows")] };
  }
  if (built.survey) {
    built.survey.file = file;
    built.survey.definition = { doc: parsed.data, file };
  }
  return { survey: built.survey, diagnostics: sortByPlace(built.diagnostics) };
}

/** Reads a codebook file named by `themes:` (a path relative to survey.yaml): its text and its name as shown, or undefined. */
export type ReadCodebook = (path: string) => { text: string; file: string } | undefined;

/**
 * Puts the contents of each codebook file in place of its path, in the document itself: worker threads
 * build the survey from that document, and read no file. Problems in a codebook are located in it.
 */
function includeCodebooks(doc: SurveyDoc, at: Locate, read: ReadCodebook | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { index, path } of codebookFiles(doc)) {
    const q = doc.questions[index] as Extract<SurveyDoc["questions"][number], { type: "text" }>;
    const got = read?.(path);
    if (!got) {
      out.push(at(["questions", index, "themes"], "FILE_NOT_FOUND", `question ${q.id}: the codebook ${path} cannot be read`, "give the path of the codebook file relative to survey.yaml"));
      delete q.themes;
      continue;
    }
    const { themes, diagnostics } = parseCodebook(got.text.replace(/^\uFEFF/, ""), got.file);
    for (const d of diagnostics) out.push(d);
    if (themes) q.themes = themes;
    else delete q.themes;
  }
  return out;
}

function tooLarge(at: Locate, n: number, what: string): Diagnostic {
  return at(
    ["questions"],
    "DEF_TOO_LARGE",
    `${n.toLocaleString("en-US")} ${what}; a definition may have at most ${MAX_ITEMS.toLocaleString("en-US")}`,
    "split the questionnaire into parts, each with its own survey.yaml",
    { key: true },
  );
}

/**
 * The well-formed parts of a definition that failed the schema: each question, scale and group that
 * passes on its own, with the ids of the broken ones so references to them are not reported as unknown.
 */
function salvage(raw: Record<string, unknown>): { doc: SurveyDoc; broken: BrokenNames; questionIndex: number[] } {
  const broken: BrokenNames = { questions: new Set(), scales: new Set() };
  const questions: SurveyDoc["questions"] = [];
  const questionIndex: number[] = [];
  for (const [i, q] of (Array.isArray(raw.questions) ? raw.questions : []).entries()) {
    const ok = questionSchema.safeParse(q);
    if (ok.success) {
      questions.push(ok.data);
      questionIndex.push(i);
    }
    else if (q && typeof q === "object" && typeof (q as { id?: unknown }).id === "string") broken.questions.add((q as { id: string }).id);
  }
  const scales: NonNullable<SurveyDoc["scales"]> = {};
  if (raw.scales && typeof raw.scales === "object") {
    for (const [name, s] of Object.entries(raw.scales)) {
      const ok = scaleSchema.safeParse(s);
      if (ok.success) scales[name] = ok.data;
      else broken.scales.add(name);
    }
  }
  const groups = (Array.isArray(raw.groups) ? raw.groups : []).flatMap((g) => {
    const ok = groupSchema.safeParse(g);
    return ok.success ? [ok.data] : [];
  });
  return {
    doc: {
      title: "",
      role: typeof raw.role === "string" ? raw.role : undefined,
      scales,
      questions,
      groups,
    },
    broken,
    questionIndex,
  };
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.line}|${d.col}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function issueToDiagnostics(issue: z.core.$ZodIssue, at: Locate): Diagnostic[] {
  const path = issue.path;
  const where = path.length ? path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").slice(1) : "the top level";
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) =>
        at([...path, key], "DEF_UNKNOWN_KEY", `unknown key "${oneLine(key, 80)}" in ${oneLine(where, 200)}`, suggestKey(key), { key: true }),
      );
    case "invalid_type":
      if (issue.input === undefined) {
        return [at(path, "DEF_MISSING_KEY", `${where} is required`, `add "${String(path[path.length - 1])}:"`)];
      }
      if (issue.input === null) {
        return [at(path, "DEF_INVALID", `${where} is empty`, `give it a value (expected ${issue.expected}), or remove the key`)];
      }
      return [at(path, "DEF_INVALID", `${where}: ${issue.message.replace(/^Invalid input: /, "")}`)];
    case "invalid_union":
      if ("discriminator" in issue && issue.discriminator) {
        const types = ["single", "multi", "scale", "matrix", "rank", "number", "text"];
        const input = (issue as { input?: unknown }).input;
        const value = input !== null && typeof input === "object" ? (input as Record<string, unknown>)[issue.discriminator] : input;
        const near = typeof value === "string" ? nearest(value, types, 2) : undefined;
        const given = value === undefined ? "is missing" : `${typeof value === "string" ? `"${oneLine(value, 40)}"` : oneLine(JSON.stringify(value) ?? String(value), 40)} is not a question type`;
        return [
          at(path, "DEF_INVALID", `${where} ${given}${near ? `; did you mean "${near}"?` : ""}`, `a question's type is one of ${types.join(", ")}`),
        ];
      }
      return [at(path, "DEF_INVALID", `${where}: ${describeUnion(issue)}`)];
    default:
      return [at(path, "DEF_INVALID", `${where}: ${issue.message}`)];
  }
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const first = issue.errors[0]?.[0];
  return first ? first.message.replace(/^Invalid input: /, "") : issue.message;
}

const KNOWN_KEYS = [
  "title", "organization", "period", "previous", "map", "issued", "methods", "purpose", "lang", "role", "data", "scales", "questions",
  "groups", "id", "text", "type", "options", "section", "subject", "required", "when", "number", "column", "scale",
  "rows", "max_choices", "min_choices", "min", "max", "integer", "bins", "unit", "label", "code", "other",
  "positive", "negative", "na", "scores", "items", "files", "encoding", "header", "id_column", "source_column",
  "multi_separator", "rank_separator", "skip_markers", "blank_markers", "duration_column", "min_answered",
  "invalid_if", "speeder", "straightline", "themes", "other_codes", "weight_column", "weights", "rake", "tolerance", "max_iterations",
];

/** The candidate nearest to `word` within `within` edits (case aside), if any. */
function nearest(word: string, candidates: readonly string[], within: number): string | undefined {
  let best: string | undefined;
  let bestDistance = within + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** "did you mean" for a mistyped key, by edit distance. */
function suggestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of KNOWN_KEYS) {
    const d = editDistance(key.toLowerCase(), known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best ? `did you mean "${best}"?` : "remove it, or see `survey schema` for the keys";
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

function sortByPlace(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}
