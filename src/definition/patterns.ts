/**
 * The patterns of a codebook (`themes:` of a text question) and of `other_codes:` (其他 fill-ins moved to
 * an option): each is a plain text, found anywhere in an answer (Latin letters in either case), or a
 * JavaScript regular expression written between slashes, `/停车(难|位)/`, with optional flags i, m, s.
 * Pure: the definition checks each pattern once, the tally compiles them again from the same strings,
 * which travel in the tally's plan.
 */

export type Pattern = { kind: "text"; text: string } | { kind: "regex"; regex: RegExp };

const REGEX = /^\/(.+)\/([a-z]*)$/su;
const FLAGS = /^[ims]*$/u;

/**
 * Reads one pattern; a string that is not a usable pattern gives the reason instead. A regular expression
 * gets the `u` flag (so that \p{…} and characters beyond the BMP work), never `g` or `y`, whose state
 * would make the same answer match or not by turns.
 */
export function parsePattern(source: string): Pattern | { error: string } {
  const m = REGEX.exec(source);
  if (!m) {
    const text = source.trim().toLowerCase();
    return text ? { kind: "text", text } : { error: "an empty pattern would match every answer" };
  }
  const flags = m[2]!;
  if (!FLAGS.test(flags)) return { error: `flags "${flags}": only i, m and s are allowed` };
  try {
    const regex = new RegExp(m[1]!, `${[...new Set(flags)].join("")}u`);
    if (regex.test("")) return { error: "this expression matches an empty answer, so it would match every answer" };
    return { kind: "regex", regex };
  } catch (err) {
    return { error: (err as Error).message.replace(/^Invalid regular expression: /, "") };
  }
}

/** Whether an answer matches a pattern. `lower` is the answer in lower case, found once per answer. */
export function matches(p: Pattern, text: string, lower: string): boolean {
  return p.kind === "text" ? lower.includes(p.text) : p.regex.test(text);
}

/** The patterns of a list that parse (the definition has already reported the others). */
export function compilePatterns(sources: readonly string[]): Pattern[] {
  return sources.flatMap((s) => {
    const p = parsePattern(s);
    return "error" in p ? [] : [p];
  });
}

/** Whether an answer matches any of the patterns. */
export function matchesAny(patterns: readonly Pattern[], text: string, lower = text.toLowerCase()): boolean {
  for (const p of patterns) if (matches(p, text, lower)) return true;
  return false;
}
