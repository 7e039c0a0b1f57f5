import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { readResponses, type Response } from "../../src/answers/read.js";
import { parseSurvey } from "../../src/definition/load.js";
import type { Survey } from "../../src/definition/model.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { ROOT } from "./cli.js";

export function loadFixtureSurvey(path: string): Survey {
  const full = join(ROOT, "fixtures", path);
  const { survey, diagnostics } = parseSurvey(readFileSync(full, "utf8"), full);
  if (!survey) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return survey;
}

export async function readAll(survey: Survey, paths: string[]): Promise<{ responses: Response[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const responses: Response[] = [];
  const files = paths.map((path) => ({ path, name: basename(path) }));
  for await (const r of readResponses(survey, files, { onDiagnostic: (d) => diagnostics.push(d) })) responses.push(r);
  return { responses, diagnostics };
}

/** Answers as plain, comparable values: codes, numbers, texts, or "skipped"/"missing". */
export function plain(survey: Survey, r: Response, opts: { others?: boolean } = {}): Record<string, unknown> {
  return Object.fromEntries(
    survey.items.map((item, i) => {
      const a = r.answers[i]!;
      if (a.kind === "choice") return [item.id, opts.others && a.others ? { codes: a.codes, others: a.others } : a.codes];
      if (a.kind === "number" || a.kind === "text") return [item.id, a.value];
      return [item.id, a.kind];
    }),
  );
}
