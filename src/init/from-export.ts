import { dirname, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { SurveyError } from "../errors.js";
import { openTable, type InputFile } from "../io/table.js";
import { emitDraft } from "./emit.js";
import { inferDraft, type Draft } from "./infer.js";
import { addCell, emptyProfile } from "./profile.js";

export interface DraftResult {
  draft: Draft;
  yaml: string;
  /** Warnings met while reading the export (an encoding guess, unparseable CSV rows). */
  diagnostics: Diagnostic[];
  rows: number;
}

/**
 * Reads an export once (streaming; memory is bounded by the per-column profiles) and drafts the
 * survey.yaml that reads it. `output` is where the definition will be written, so data.files can name the
 * export relative to it.
 */
export async function draftFromExport(input: InputFile, output: string): Promise<DraftResult> {
  const diagnostics: Diagnostic[] = [];
  const table = await openTable(input, { encoding: "auto", onDiagnostic: (d) => diagnostics.push(d) });
  const profiles = table.header.map(() => emptyProfile());
  let rows = 0;
  for await (const { cells } of table.rows) {
    if (cells.every((c) => c.trim() === "")) continue;
    rows++;
    cells.forEach((cell, i) => {
      const p = profiles[i];
      if (p) addCell(p, cell);
    });
  }
  const draft = inferDraft(table.header, profiles, input.name);
  if (draft.questions.length === 0) {
    throw new SurveyError([
      {
        code: "USAGE",
        severity: "error",
        file: input.name,
        row: 1,
        message: `no question columns: the header holds ${draft.metadata.length ? `only metadata (${draft.metadata.join(", ")})` : "no names"}`,
        hint: "the first row of the export must name the questions",
      },
    ]);
  }
  // Forward slashes: the definition is shared between Windows and other machines, and globs want them.
  // A path far outside the project reads better absolute than as a climb of ../../
  const full = resolve(input.path);
  const rel = relative(dirname(resolve(output)), full);
  const files = (rel.length <= full.length ? rel : full).split(sep).join("/");
  // Only the encodings survey.yaml can name; anything else is left to detection (auto).
  const encoding = table.encoding === "utf-8" || table.encoding === "gb18030" ? table.encoding : undefined;
  const yaml = emitDraft(draft, { source: input.name, files, encoding });
  return { draft, yaml, diagnostics, rows };
}
