import { isNode, LineCounter, parseDocument } from "yaml";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { parsePattern } from "./patterns.js";
import { reservedKeys } from "./reserved.js";
import { codebookSchema, type SurveyDoc } from "./schema.js";

/**
 * A codebook kept in a file of its own (`themes: codebook.yaml` on a text question): a YAML mapping of
 * theme → patterns, as `themes:` is written inline. Pure: the caller reads the file. Problems are located in
 * the codebook file itself; patterns that do not parse are reported here and left out, so that the
 * definition, which checks the patterns it is given, does not report them a second time.
 */
export function parseCodebook(text: string, file: string): { themes?: Record<string, string[]>; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const place = (path: (string | number)[]): { line: number; col: number } => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (node && isNode(node) && node.range) return lineCounter.linePos(node.range[0]);
    }
    return { line: 1, col: 1 };
  };
  const at = (path: (string | number)[], code: DiagnosticCode, message: string, hint?: string): Diagnostic => ({
    code,
    severity: "error",
    message,
    file,
    ...place(path),
    hint,
  });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    return { diagnostics: [{ code: "YAML_SYNTAX", severity: "error", message: e.message.split("\n")[0] ?? e.message, file, ...lineCounter.linePos(e.pos[0]) }] };
  }
  const reserved = reservedKeys(doc, lineCounter, file);
  if (reserved.length) return { diagnostics: reserved };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { diagnostics: [{ code: "YAML_ALIASES", severity: "error", message: (err as Error).message, file, line: 1, col: 1 }] };
  }
  const parsed = codebookSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      diagnostics: parsed.error.issues.map((i) =>
        at(i.path as (string | number)[], "DEF_INVALID", `codebook: ${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message.replace(/^Invalid input: /, "")}`, "a codebook maps each theme to its patterns: 停车难: [停车, 车位]"),
      ),
    };
  }
  const diagnostics: Diagnostic[] = [];
  const themes: Record<string, string[]> = {};
  for (const [theme, list] of Object.entries(parsed.data)) {
    themes[theme] = list.filter((source, k) => {
      const p = parsePattern(source);
      if ("error" in p) diagnostics.push(at([theme, k], "DEF_INVALID", `theme ${theme}: pattern "${source}": ${p.error}`, 'write plain text (停车), or a regular expression between slashes ("/停车(难|位)/")'));
      return !("error" in p);
    });
  }
  return { themes, diagnostics };
}

/** The text questions of a definition whose `themes:` names a codebook file, with their places in `questions`. */
export function codebookFiles(doc: SurveyDoc): { index: number; path: string }[] {
  return doc.questions.flatMap((q, index) => (q.type === "text" && typeof q.themes === "string" ? [{ index, path: q.themes }] : []));
}
