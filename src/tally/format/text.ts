import type { ChalkInstance } from "chalk";
import { append } from "../../arrays.js";
import type { TallyResult } from "../types.js";
import { blocks, type BlockOptions } from "./blocks.js";
import { markdownTable, textTable } from "./table.js";

/** Tables for people on a terminal: bold titles, dim captions (colour only when `chalk` has a level). */
export function renderText(result: TallyResult, opts: BlockOptions & { chalk: ChalkInstance }): string {
  const c = opts.chalk;
  const out: string[] = [];
  for (const b of blocks(result, opts)) {
    out.push(c.bold(b.title));
    for (const t of b.tables) {
      const [head, ...rows] = textTable(t.header, t.rows, t.right);
      out.push(c.underline(head!));
      append(out, rows);
      if (t.caption) out.push(c.dim(t.caption));
    }
    append(out, b.notes).push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** The same tables in GitHub-flavoured Markdown, one `###` per question. */
export function renderMarkdown(result: TallyResult, opts: BlockOptions): string {
  const out: string[] = [];
  blocks(result, opts).forEach((b, i) => {
    out.push(`${i === 0 ? "#" : "###"} ${b.title.replace(/([\\`*_[\]#|<>])/g, "\\$1")}`, "");
    for (const t of b.tables) {
      append(out, markdownTable(t.header, t.rows, t.right)).push("");
      if (t.caption) out.push(t.caption, "");
    }
    for (const note of b.notes) out.push(note, "");
  });
  return `${out.join("\n").trimEnd()}\n`;
}
