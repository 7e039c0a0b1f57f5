import type { Answer } from "../answers/cells.js";
import type { Response } from "../answers/read.js";
import type { Survey } from "../definition/model.js";
import type { InputFile } from "../io/table.js";
import { scan, type ScanSummary } from "../validate/scan.js";

/**
 * The check after drafting from both export forms: each export is read with the draft, and the two
 * must agree — every count of every item, and every questionnaire's answers, row by row (by 序号, else
 * by place). Counts alone would miss two answers swapped between rows.
 */
export interface FormsCheck {
  summaries: ScanSummary[];
  /** Items whose counts differ between the exports. */
  counts: string[];
  /** Questionnaires (of those in both) whose answers differ, with the first such. */
  rows: { count: number; compared: number; first?: { row: number; items: string[] } };
}

/** Rows compared one by one at most; past this only counts are compared (memory stays bounded). */
const MAX_ROWS = 200_000;

export async function checkForms(survey: Survey, exports: [InputFile, InputFile]): Promise<FormsCheck> {
  const summaries: ScanSummary[] = [];
  const histograms: Map<string, string>[] = [];
  const first = new Map<string, Int32Array>();
  const rows: FormsCheck["rows"] = { count: 0, compared: 0 };
  for (const [k, input] of exports.entries()) {
    const histogram = new Map<string, Map<string, number>>();
    let position = 0;
    const summary = await scan(survey, [input], {
      onResponse: (r, verdict) => {
        position++;
        const keys = survey.items.map((_, i) => answerKey(survey, r.answers[i]!, i));
        if (verdict.valid) {
          survey.items.forEach((item, i) => {
            let m = histogram.get(item.id);
            if (!m) histogram.set(item.id, (m = new Map()));
            for (const key of keys[i]!) m.set(key, (m.get(key) ?? 0) + 1);
          });
        }
        const id = rowKey(r, position);
        const hashes = Int32Array.from(keys, (parts) => hash(parts.join("\u0001")));
        if (k === 0) {
          if (first.size < MAX_ROWS) first.set(id, hashes);
          return;
        }
        const theirs = first.get(id);
        if (!theirs) return;
        rows.compared++;
        const items = survey.items.filter((_, i) => theirs[i] !== hashes[i]).map((item) => item.id);
        if (items.length === 0) return;
        rows.count++;
        rows.first ??= { row: r.row, items };
      },
    });
    summaries.push(summary);
    histograms.push(new Map([...histogram].map(([id, m]) => [id, JSON.stringify([...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))])));
  }
  const [a, b] = histograms as [Map<string, string>, Map<string, string>];
  const counts = survey.items.map((i) => i.id).filter((id) => (a.get(id) ?? "[]") !== (b.get(id) ?? "[]"));
  return { summaries, counts, rows };
}

/** An answer as the parts it is counted by: each chosen code (in order for a ranking), the number, the text. Fill-ins aside: the 按序号 form does not keep them. */
function answerKey(survey: Survey, a: Answer, i: number): string[] {
  switch (a.kind) {
    case "choice":
      return survey.items[i]!.type === "rank" ? [a.codes.join("→")] : [...a.codes].sort((x, y) => x - y).map(String);
    case "number":
      return [`n${a.value}`];
    case "text":
      return [`t${a.value}`];
    default:
      return [a.kind];
  }
}

function rowKey(r: Response, position: number): string {
  if (r.id !== undefined) return `id:${r.id}`;
  if (r.idNumber !== undefined) return `id:${r.idNumber}`;
  return `#${position}`;
}

/** FNV-1a over UTF-16 code units: enough to tell two answers apart in a check. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
