import { dirname, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { SurveyError } from "../diagnostics/errors.js";
import { openTable, type InputFile } from "../io/table.js";
import { matchQuestions, mergeDrafts, pairRows, type BothResult } from "./both.js";
import { emitDraft } from "./emit.js";
import { inferDraft, type Draft } from "./infer.js";
import { draftCodebooks } from "./codebook.js";
import { addCell, emptyProfile } from "./profile.js";

export interface DraftResult {
  draft: Draft;
  yaml: string;
  /** Warnings met while reading the export (an encoding guess, unparseable CSV rows). */
  diagnostics: Diagnostic[];
  rows: number;
  /** Each export read, with the form it was found to be, in the order given. */
  exports: { input: InputFile; form: "text" | "code"; rows: number }[];
  /** With two exports: how their rows were paired, and what could not be settled. */
  both?: Pick<BothResult, "pairing" | "notes">;
}

interface ExportRead {
  input: InputFile;
  header: string[];
  draft: Draft;
  rows: number;
  encoding?: "utf-8" | "gb18030";
}

/** Reads an export once (streaming; memory is bounded by the per-column profiles) and drafts it alone. */
async function readExport(input: InputFile, diagnostics: Diagnostic[]): Promise<ExportRead> {
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
  draftCodebooks(draft.questions, profiles);
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
  // Only the encodings survey.yaml can name; anything else is left to detection (auto).
  const encoding = table.encoding === "utf-8" || table.encoding === "gb18030" ? table.encoding : undefined;
  return { input, header: table.header, draft, rows, encoding };
}

/**
 * Drafts the survey.yaml that reads one export, or both 问卷星 forms of the same answers (按选项文本 and
 * 按选项序号, in either order: the form of each is detected). `output` is where the definition will be
 * written, so data.files can name the export relative to it. With two exports the draft reads the text
 * form (which keeps 其他 fill-ins), and reads the code form to the same statistics.
 */
export async function draftFromExports(inputs: InputFile[], output: string): Promise<DraftResult> {
  if (inputs.length === 0 || inputs.length > 2) {
    throw new SurveyError([
      {
        code: "USAGE",
        severity: "error",
        message: `--from was given ${inputs.length} times; give one export, or the two forms of the same answers`,
        hint: "survey init --from 按选项文本.xls --from 按选项序号.xls",
      },
    ]);
  }
  const diagnostics: Diagnostic[] = [];
  const read: ExportRead[] = [];
  for (const input of inputs) read.push(await readExport(input, diagnostics));
  const exports = read.map((r) => ({ input: r.input, form: r.draft.form as "text" | "code", rows: r.rows }));
  if (read.length === 1) {
    const only = read[0]!;
    const yaml = emitDraft(only.draft, { source: only.input.name, files: dataFile(only.input, output), encoding: only.encoding });
    return { draft: only.draft, yaml, diagnostics, rows: only.rows, exports };
  }

  const text = read.find((r) => r.draft.form === "text");
  const code = read.find((r) => r.draft.form === "code");
  if (!text || !code) {
    const form = read[0]!.draft.form === "code" ? "按选项序号 (codes)" : "按选项文本 (labels)";
    throw new SurveyError([
      {
        code: "USAGE",
        severity: "error",
        message: `both exports read as ${form}: ${inputs.map((i) => i.name).join(", ")}`,
        hint: "give the two forms of the same answers: 问卷星 下载答卷 → 按选项文本 and 按选项序号",
      },
    ]);
  }
  const forms = (r: ExportRead) => ({ name: r.input.name, header: r.header, draft: r.draft });
  const matched = matchQuestions(forms(text), forms(code));
  const [textTable, codeTable] = await Promise.all(
    [text, code].map((r) => openTable(r.input, { encoding: r.encoding ?? "auto", onDiagnostic: () => {} })),
  );
  const pairing = await pairRows(forms(text), forms(code), textTable!.rows, codeTable!.rows, matched);
  if (pairing.rows.paired === 0) {
    throw new SurveyError([
      {
        code: "USAGE",
        severity: "error",
        message: `no row of ${text.input.name} has a row of ${code.input.name} with the same ${text.draft.idColumn ?? "place"}: they are not exports of the same answers`,
        hint: "download both forms of one survey's answers at the same time",
      },
    ]);
  }
  const both = mergeDrafts(forms(text), forms(code), matched, pairing);
  const yaml = emitDraft(both.draft, {
    source: `${inputs[0]!.name} --from ${inputs[1]!.name}`,
    files: dataFile(text.input, output),
    encoding: text.encoding,
    alsoReads: dataFile(code.input, output),
  });
  return { draft: both.draft, yaml, diagnostics, rows: text.rows, exports, both: { pairing: both.pairing, notes: both.notes } };
}

/** One export (kept for callers of the single-export API). */
export async function draftFromExport(input: InputFile, output: string): Promise<DraftResult> {
  return draftFromExports([input], output);
}

/**
 * The export's path relative to the drafted survey.yaml, with forward slashes: the definition is shared
 * between Windows and other machines, and globs want them. A path far outside the project reads better
 * absolute than as a climb of ../../
 */
function dataFile(input: InputFile, output: string): string {
  const full = resolve(input.path);
  const rel = relative(dirname(resolve(output)), full);
  return (rel.length <= full.length ? rel : full).split(sep).join("/");
}
