import { Chalk, type ChalkInstance } from "chalk";
import { renderCsv } from "../tally/format/csv.js";
import { writeJson } from "../tally/format/json.js";
import { renderMarkdown, renderText } from "../tally/format/text.js";
import type { TallyResult } from "../tally/types.js";
import type { ScanSummary } from "../validate/scan.js";
import { REASON_LABELS, type InvalidReason } from "../validate/screen.js";
import type { Io } from "./io.js";
import type { Content } from "./output.js";

/*
 * What commands print, shared between them: a tally in each --format (tally, merge), the summary line of a
 * read (validate, init --from), and colour only where it is wanted.
 */

export type Format = "text" | "json" | "csv" | "md";

/** A tally as the text, JSON, tidy CSV or Markdown that `--format` names. */
export function render(result: TallyResult, format: Format, opts: Parameters<typeof renderText>[1]): Content {
  switch (format) {
    case "json":
      // In pieces: as one string, the JSON of a million open answers outweighed the whole tally in memory.
      return (write) => {
        writeJson(result, write);
        write("\n");
      };
    case "csv":
      return renderCsv(result);
    case "md":
      return renderMarkdown(result, opts);
    case "text":
      return renderText(result, opts);
  }
}

/** The one-line summary of a read: rows, valid and invalid (with why), errors and warnings. */
export function summaryLine(summary: ScanSummary, lang: "zh-CN" | "en"): string {
  const reasons = Object.entries(summary.invalidReasons)
    .map(([r, n]) => `${REASON_LABELS[r as InvalidReason][lang === "en" ? "en" : "zh"]} ${n}`)
    .join(", ");
  const files = summary.files.length === 1 ? "" : ` from ${summary.files.length} files`;
  const { errorCount, warningCount } = summary.diagnostics;
  return (
    `${summary.returned} rows read${files}: ${summary.valid} valid, ${summary.invalid} invalid` +
    `${reasons ? ` (${reasons})` : ""}; ${errorCount} error${errorCount === 1 ? "" : "s"}, ` +
    `${warningCount} warning${warningCount === 1 ? "" : "s"}`
  );
}

/** Colour only on a terminal; NO_COLOR and --no-color turn it off, FORCE_COLOR on. */
export function chalkFor(io: Io, colorFlag: boolean | undefined, tty = io.stderrIsTTY): ChalkInstance {
  const env = io.env;
  let level: 0 | 1 = tty ? 1 : 0;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") level = 1;
  if (colorFlag === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.FORCE_COLOR === "0") level = 0;
  return new Chalk({ level });
}
