import type { DiagnosticCode } from "./catalogue.js";

/**
 * A diagnostic: one problem found in a user's input, with its stable code (catalogue.ts), a location and,
 * where one exists, a fix. Tests assert on codes and locations, never on prose.
 */

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** The file the problem is in (definition, data file, narrative). */
  file?: string;
  /** 1-based line and column inside a text file (survey.yaml, report.md). */
  line?: number;
  col?: number;
  /** The row number a spreadsheet shows for a data row: the header is row 1. */
  row?: number;
  /** The header of the data column concerned. */
  column?: string;
  /** How to fix it. */
  hint?: string;
}

/**
 * Renders one diagnostic as the single line the user sees. Headers, cells and file names quoted in it come
 * from the user's files and may hold line breaks, control characters or megabytes (a never-closed quote
 * makes the rest of a file one header cell): each part is flattened and shortened so the line stays one line.
 */
export function formatDiagnostic(d: Diagnostic): string {
  let place = d.file === undefined ? "" : oneLine(d.file, 300);
  if (d.line !== undefined) place += `:${d.line}${d.col !== undefined ? `:${d.col}` : ""}`;
  if (d.row !== undefined) place += `:row ${d.row}`;
  if (d.column !== undefined) place += `${d.row !== undefined ? "," : ":"} column "${oneLine(d.column, 80)}"`;
  const hint = d.hint ? ` (${oneLine(d.hint, 300)})` : "";
  return `${place ? `${place}: ` : ""}${d.severity} ${d.code}: ${oneLine(d.message, 500)}${hint}`;
}

/**
 * Text from a user's file made fit for a one-line message: line breaks shown as ↵, other control
 * characters (NUL, ESC, …) as \xNN, and anything longer than `max` characters cut with an ellipsis.
 */
export function oneLine(text: string, max = 100): string {
  // Cut first: a 10 MB cell is not worth escaping in full.
  const head = text.length > max ? text.slice(0, max) : text;
  const flat = head
    .replace(/\r\n|[\r\n\u2028\u2029]/g, "↵")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  if (text.length <= max) return flat;
  // Do not leave half of a surrogate pair at the cut.
  return `${/[\ud800-\udbff]$/.test(flat) ? flat.slice(0, -1) : flat}…`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
