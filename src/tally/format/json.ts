import { isSpooled } from "../spooled.js";
import type { SpooledAnswers } from "../types.js";

/**
 * `JSON.stringify(value, null, 2)`, written out in pieces of about `PIECE` characters instead of built as
 * one string: the tally of a million questionnaires lists every open answer, and as one string its JSON
 * took more memory than the whole count (test/format-json.test.ts compares the two on every fixture and on
 * generated values).
 */
const PIECE = 1 << 14;

/** A piece of the JSON: text, or the UTF-8 bytes of spooled answers, copied as they are. */
export type Piece = string | Uint8Array;

/**
 * The indent of an open question's answers in a tally's JSON (questions, an id, answers, each answer: four levels):
 * answers spooled with it are copied into the JSON byte for byte (see SpooledAnswers).
 */
export const ANSWER_INDENT = " ".repeat(8);

export function writeJson(value: unknown, write: (piece: Piece) => void): void {
  let pending = "";
  const out: Out = (text: string) => {
    pending += text;
    if (pending.length >= PIECE) {
      write(pending);
      pending = "";
    }
  };
  out.bytes = (bytes: Uint8Array) => {
    if (pending) write(pending);
    pending = "";
    write(bytes);
  };
  const top = serialisable(value, "");
  if (top === undefined) return;
  emit(top, "", out);
  if (pending) write(pending);
}

type Out = ((text: string) => void) & { bytes?: (bytes: Uint8Array) => void };

/** The value JSON.stringify would write for `value` under `key`, or undefined when it writes nothing. */
function serialisable(value: unknown, key: string): unknown {
  // Spooled answers are written from their files (emitSpooled), not read back whole by their toJSON.
  if (isSpooled(value)) return value;
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
  return value;
}

function emit(value: unknown, indent: string, out: Out): void {
  if (value === null || typeof value !== "object") {
    // Strings, numbers (NaN and Infinity as null), booleans, bigint (which throws, as JSON.stringify does).
    out(JSON.stringify(value));
    return;
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    out(JSON.stringify(value));
    return;
  }
  const inner = `${indent}  `;
  if (isSpooled(value)) {
    emitSpooled(value, inner, indent, out);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out("[]");
      return;
    }
    if (value.length > SLICE && value.every(isPrimitive)) {
      emitPrimitives(value, indent, out);
      return;
    }
    out("[\n");
    for (let i = 0; i < value.length; i++) {
      out(i === 0 ? inner : `,\n${inner}`);
      const v = serialisable(value[i], String(i));
      if (v === undefined) out("null");
      else emit(v, inner, out);
    }
    out(`\n${indent}]`);
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const v = serialisable((value as Record<string, unknown>)[key], key);
    if (v === undefined) continue;
    out(first ? `{\n${inner}` : `,\n${inner}`);
    first = false;
    out(`${JSON.stringify(key)}: `);
    emit(v, inner, out);
  }
  out(first ? "{}" : `\n${indent}}`);
}

/** Elements JSON.stringify writes as themselves on one line (strings escape their line breaks). */
function isPrimitive(v: unknown): boolean {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/**
 * Elements per slice of a long list: small enough that a slice's text (about 40 KB) is an ordinary young
 * object, not a large object that only a full collection frees (with 4,096, the 1M-row bench's peak RSS
 * was 12 MB higher, at the same speed).
 */
const SLICE = 1024;

/**
 * A long list of strings or numbers (a million open answers): written by JSON.stringify a slice at a time
 * — twice as fast as element by element. The slice is stringified nested in as many arrays as the list is
 * deep, so that JSON.stringify itself indents its lines to the list's depth (indents are two spaces a
 * level), and the wrapping arrays' lines are cut off: no second pass over the text to indent it.
 */
function emitPrimitives(list: unknown[], indent: string, out: Out): void {
  const depth = indent.length / 2;
  out("[\n");
  for (let i = 0; i < list.length; i += SLICE) {
    if (i > 0) out(",\n");
    let wrapped: unknown = list.slice(i, i + SLICE);
    for (let d = 0; d < depth; d++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, 2);
    // The first depth + 1 lines open the arrays, the last depth + 1 close them.
    let start = 0;
    for (let d = 0; d <= depth; d++) start = text.indexOf("\n", start) + 1;
    let end = text.length;
    for (let d = 0; d <= depth; d++) end = text.lastIndexOf("\n", end - 1);
    out(text.slice(start, end));
  }
  out(`\n${indent}]`);
}

/**
 * Spooled open answers, as JSON.stringify writes a list of strings: a chunk of their JSON texts at a time,
 * copied as bytes when they were spooled with this indent, else re-indented.
 */
function emitSpooled(answers: SpooledAnswers, inner: string, indent: string, out: Out): void {
  let first = true;
  const between = `,\n${inner}`;
  for (const chunk of answers.jsonChunks()) {
    if (!chunk.length) continue;
    out(first ? `[\n${inner}` : between);
    first = false;
    if (inner === answers.indent && out.bytes) out.bytes(chunk);
    else out(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8").replaceAll(`,\n${answers.indent}`, between));
  }
  out(first ? "[]" : `\n${indent}]`);
}
