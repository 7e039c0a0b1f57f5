import { isMap, isNode, isPair, isScalar, stringify, type Document, type LineCounter } from "yaml";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/*
 * Where a path of survey.yaml stands in its text: what both reading (load.ts) and checking the definition
 * (build.ts) use to give every diagnostic its line and column.
 */

/** Finds the line and column of a path in the YAML document; the nearest existing ancestor if absent. */
export type Locate = (
  path: readonly PropertyKey[],
  code: DiagnosticCode,
  message: string,
  hint?: string,
  opts?: { key?: boolean },
) => Diagnostic;

export function locator(doc: Document, lineCounter: LineCounter, file: string): Locate {
  return (path, code, message, hint, opts) => {
    let node: unknown = undefined;
    // A key that `getIn` cannot reach (a collection used as a key) is still found by its text.
    const keyNode: unknown = opts?.key && path.length > 0 ? findKeyNode(doc, path as (string | number)[]) : undefined;
    for (let n = path.length; n >= 0 && !keyNode; n--) {
      const sub = path.slice(0, n) as (string | number)[];
      node = n === 0 ? doc.contents : doc.getIn(sub, true);
      if (node !== undefined) {
        break;
      }
    }
    const target = (keyNode ?? node) as { range?: [number, number, number] } | undefined;
    const offset = target && isNode(target) && target.range ? target.range[0] : 0;
    const pos = lineCounter.linePos(offset);
    return { code, severity: "error", message, file, line: pos.line, col: pos.col, hint };
  };
}

function findKeyNode(doc: Document, path: (string | number)[]): unknown {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const key = path[path.length - 1];
  if (!isMap(parent)) return undefined;
  for (const pair of parent.items) {
    if (isPair(pair) && isScalar(pair.key) && pair.key.value === key) return pair.key;
    // A collection used as a key (`? [a]`) reaches the definition as its YAML text.
    if (isPair(pair) && isNode(pair.key) && !isScalar(pair.key) && stringify(pair.key, { collectionStyle: "flow" }).trim() === key) return pair.key;
  }
  return undefined;
}
