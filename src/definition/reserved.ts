import { isScalar, visit, type Document, type LineCounter } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/**
 * Names every JavaScript object has already (Object.prototype's own, and `prototype`). A name of the
 * definition that becomes a key of an object — a question id in the tally's JSON, a scale's name, a theme,
 * an option label in `rake:` — would read or set that instead: a question `__proto__` vanished from the
 * tally, and zod drops a `__proto__` key of a mapping without a word.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

export function isReserved(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

/** Why a reserved name is refused, with the value echoed. */
export function reservedMessage(name: string, what: string): string {
  return `"${name}" cannot be ${what}: JavaScript objects have a "${name}" of their own, which it would read or replace`;
}

/**
 * Every key of a YAML mapping, anywhere in the document, that is a reserved name: none of the
 * definition's own keys is, so each is a name the user chose (a scale, a theme, a question id in `rake:`).
 */
export function reservedKeys(doc: Document, lineCounter: LineCounter, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== "string" || !isReserved(key.value)) return;
      const pos = key.range ? lineCounter.linePos(key.range[0]) : { line: 1, col: 1 };
      out.push({
        code: "DEF_INVALID",
        severity: "error",
        file,
        line: pos.line,
        col: pos.col,
        message: reservedMessage(key.value, "a name here"),
        hint: "rename it, here and wherever it is used",
      });
    },
  });
  return out;
}
