import jsep from "jsep";
import { oneLine } from "../diagnostics/diagnostic.js";
import { MAX_WHEN_DEPTH } from "../io/limits.js";

/** Characters of the user's own text a message repeats: a when of a megabyte is quoted by its start. */
const ECHO = 80;

/**
 * Skip logic (`when: "q5 >= 4"`). Expressions are parsed by jsep into a syntax tree and evaluated by the
 * small interpreter below, which knows only literals, answers, comparisons, `in`, `!`, `&&`, `||` and
 * lists: no property access on objects, no calls, nothing that could reach the host.
 *
 * Values: a single/scale answer is its option code, a multi-select or ranking the list of codes, a number
 * its value, a text its string, an unanswered question `null`. A string compared with a choice question
 * is read as an option label and turned into its code when the expression is compiled (q1 == "群众").
 * `x in list` tests membership; `q8 == 3` on a multi-select is true when option 3 was chosen. Any
 * comparison other than == / != involving `null` is false, so an unanswered question never triggers
 * a follow-up question.
 */

jsep.addBinaryOp("in", 7);

export type WhenValue = number | string | boolean | null | WhenValue[];
type Node = jsep.Expression;

export interface WhenExpr {
  source: string;
  /** Item ids the expression reads. */
  refs: string[];
  evaluate(lookup: (itemId: string) => WhenValue): boolean;
}

export interface WhenContext {
  /** Resolves an identifier (`q5`) or matrix row (`q9[1]`, `q9.r1`) to an item id, or undefined. */
  resolve(name: string, row?: string | number): string | undefined;
  /** The code of a label of a choice item, or undefined when the item is not a choice or has no such label. */
  codeOf(itemId: string, label: string): number | "not-choice" | undefined;
}

export class WhenError extends Error {}

const COMPARISONS = new Set(["==", "!=", "===", "!==", "<", "<=", ">", ">="]);

export function compileWhen(source: string, ctx: WhenContext): WhenExpr {
  // jsep recurses once per bracket, unary operator and `?`, the checks below once per level of the tree.
  if (nestingMarks(source) > MAX_WHEN_DEPTH) throw tooDeep();
  let ast: Node;
  try {
    ast = jsep(source);
  } catch (err) {
    throw new WhenError(`cannot parse "${oneLine(source, ECHO)}": ${oneLine((err as Error).message, ECHO)}`);
  }
  if (depthOf(ast) > MAX_WHEN_DEPTH) throw tooDeep();
  const refs = new Set<string>();
  const resolved = resolveNode(ast, ctx, refs);
  return {
    source,
    refs: [...refs],
    evaluate: (lookup) => truthy(evaluate(resolved, lookup)),
  };
}

function tooDeep(): WhenError {
  return new WhenError(`the expression nests more than ${MAX_WHEN_DEPTH} levels deep (brackets, ! and -, ?:, or terms joined by && and ||)`);
}

/**
 * The characters outside string literals at which jsep goes one level deeper: `(`, `[`, `?` and the unary
 * operators (`-` and `+` counted whether unary or not). An upper bound of its recursion, found without it.
 */
function nestingMarks(source: string): number {
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"' || c === "'") {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === "\\") i++;
    } else if (c === "(" || c === "[" || c === "?" || (c === "!" && source[i + 1] !== "=") || c === "-" || c === "+" || c === "~") n++;
  }
  return n;
}

/** The depth of a parsed tree, found without recursion (a chain of 5,000 `&&` is 5,000 deep). */
function depthOf(root: Node): number {
  let max = 0;
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > MAX_WHEN_DEPTH) break;
    for (const key of ["left", "right", "argument", "test", "consequent", "alternate", "object", "property"]) {
      const child = (node as Record<string, unknown>)[key];
      if (child && typeof child === "object") stack.push([child as Node, depth + 1]);
    }
    for (const child of (node.elements as (Node | null)[] | undefined) ?? []) if (child) stack.push([child, depth + 1]);
  }
  return max;
}

/** A checked tree: identifiers become item references, labels become codes. */
type Resolved =
  | { t: "lit"; v: WhenValue }
  | { t: "ref"; id: string }
  | { t: "list"; items: Resolved[] }
  | { t: "not"; arg: Resolved }
  | { t: "neg"; arg: Resolved }
  | { t: "bin"; op: string; left: Resolved; right: Resolved }
  | { t: "if"; test: Resolved; then: Resolved; else: Resolved };

function resolveNode(node: Node, ctx: WhenContext, refs: Set<string>): Resolved {
  switch (node.type) {
    case "Literal":
      return { t: "lit", v: node.value as WhenValue };
    case "Identifier": {
      const name = node.name as string;
      if (name === "true" || name === "false") return { t: "lit", v: name === "true" };
      const id = ctx.resolve(name);
      if (!id) throw new WhenError(`"${oneLine(name, ECHO)}" is not a question id`);
      refs.add(id);
      return { t: "ref", id };
    }
    case "MemberExpression": {
      const object = node.object as Node;
      const property = node.property as Node;
      if (object.type !== "Identifier") throw new WhenError("only a matrix row can follow a question id (q9[1])");
      const row = node.computed ? (property as jsep.Literal).value : (property as jsep.Identifier).name;
      if (typeof row !== "string" && typeof row !== "number") throw new WhenError("a matrix row is a number or a row id");
      const id = ctx.resolve(object.name as string, row);
      if (!id) throw new WhenError(`"${oneLine(`${object.name}[${row}]`, ECHO)}" is not a matrix row`);
      refs.add(id);
      return { t: "ref", id };
    }
    case "ArrayExpression":
      return { t: "list", items: (node.elements as Node[]).map((e) => resolveNode(e, ctx, refs)) };
    case "UnaryExpression": {
      const arg = resolveNode(node.argument as Node, ctx, refs);
      if (node.operator === "!") return { t: "not", arg };
      if (node.operator === "-") return { t: "neg", arg };
      throw new WhenError(`the operator "${oneLine(String(node.operator), ECHO)}" is not allowed`);
    }
    case "BinaryExpression": {
      const op = node.operator as string;
      if (!COMPARISONS.has(op) && op !== "&&" && op !== "||" && op !== "in") {
        throw new WhenError(`the operator "${oneLine(String(op), ECHO)}" is not allowed (use == != < <= > >= in && || !)`);
      }
      let left = resolveNode(node.left as Node, ctx, refs);
      let right = resolveNode(node.right as Node, ctx, refs);
      if (COMPARISONS.has(op) || op === "in") {
        if (left.t === "ref") right = labelsToCodes(right, left.id, ctx);
        if (right.t === "ref") left = labelsToCodes(left, right.id, ctx);
      }
      return { t: "bin", op, left, right };
    }
    case "ConditionalExpression":
      return {
        t: "if",
        test: resolveNode(node.test as Node, ctx, refs),
        then: resolveNode(node.consequent as Node, ctx, refs),
        else: resolveNode(node.alternate as Node, ctx, refs),
      };
    default:
      throw new WhenError(`${node.type} is not allowed in a when expression`);
  }
}

function labelsToCodes(node: Resolved, itemId: string, ctx: WhenContext): Resolved {
  if (node.t === "list") return { t: "list", items: node.items.map((n) => labelsToCodes(n, itemId, ctx)) };
  if (node.t !== "lit" || typeof node.v !== "string") return node;
  const code = ctx.codeOf(itemId, node.v);
  if (code === "not-choice") return node;
  if (code === undefined) throw new WhenError(`${itemId} has no option "${oneLine(String(node.v), ECHO)}"`);
  return { t: "lit", v: code };
}

function evaluate(node: Resolved, lookup: (id: string) => WhenValue): WhenValue {
  switch (node.t) {
    case "lit":
      return node.v;
    case "ref":
      return lookup(node.id);
    case "list":
      return node.items.map((n) => evaluate(n, lookup));
    case "not":
      return !truthy(evaluate(node.arg, lookup));
    case "neg": {
      const v = evaluate(node.arg, lookup);
      return typeof v === "number" ? -v : null;
    }
    case "if":
      return truthy(evaluate(node.test, lookup)) ? evaluate(node.then, lookup) : evaluate(node.else, lookup);
    case "bin": {
      if (node.op === "&&") return truthy(evaluate(node.left, lookup)) && truthy(evaluate(node.right, lookup));
      if (node.op === "||") return truthy(evaluate(node.left, lookup)) || truthy(evaluate(node.right, lookup));
      return compare(node.op, evaluate(node.left, lookup), evaluate(node.right, lookup));
    }
  }
}

function compare(op: string, a: WhenValue, b: WhenValue): boolean {
  if (op === "in") {
    if (Array.isArray(b)) return Array.isArray(a) ? a.some((x) => b.some((y) => same(x, y))) : b.some((y) => same(a, y));
    if (typeof b === "string" && typeof a === "string") return b.includes(a);
    return false;
  }
  if (op === "==" || op === "===") return equals(a, b);
  if (op === "!=" || op === "!==") return !equals(a, b);
  if (a === null || b === null || Array.isArray(a) || Array.isArray(b)) return false;
  if (typeof a !== typeof b) return false;
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
  return false;
}

function equals(a: WhenValue, b: WhenValue): boolean {
  if (Array.isArray(a) && !Array.isArray(b)) return a.some((x) => same(x, b));
  if (Array.isArray(b) && !Array.isArray(a)) return b.some((y) => same(a, y));
  return same(a, b);
}

function same(a: WhenValue, b: WhenValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i] ?? null));
  return a === b;
}

function truthy(v: WhenValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && v !== false && v !== 0 && v !== "";
}
