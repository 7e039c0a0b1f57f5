import stringWidth from "string-width";
import { maxOf } from "../../arrays.js";

/**
 * A plain-text table aligned by display width: a CJK character takes two columns on a terminal, so
 * `String.length` would misalign every Chinese label. Columns are separated by two spaces; `right`
 * marks numeric columns. Colour codes, if any, are ignored by string-width.
 */
export function textTable(header: string[], rows: string[][], right: boolean[] = []): string[] {
  const widths = header.map((h, j) => maxOf(rows.map((r) => stringWidth(r[j] ?? "")), stringWidth(h)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => {
        const pad = " ".repeat(Math.max(0, widths[j]! - stringWidth(c)));
        return right[j] ? pad + c : j === cells.length - 1 ? c : c + pad;
      })
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A GitHub-flavoured Markdown table; pipes and line breaks inside cells are escaped. */
export function markdownTable(header: string[], rows: string[][], right: boolean[] = []): string[] {
  const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
  const rule = header.map((_, j) => (right[j] ? "---:" : "---"));
  return [header, rule, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(cell)).join(" | ")} |`);
}
