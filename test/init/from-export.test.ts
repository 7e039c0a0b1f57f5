import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as XLSX from "@e965/xlsx";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { loadSurvey } from "../../src/cli/context.js";
import type { Survey } from "../../src/definition/model.js";
import { scan } from "../../src/validate/scan.js";
import { memoryIo } from "../helpers/memory-io.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const realdata = join(root, "../shared/realdata/wjx-800");

async function run(cwd: string, ...args: string[]) {
  const io = memoryIo(cwd);
  const code = await main(["node", "survey", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** Drafts a definition from `file` into a fresh folder and returns its path. */
async function draft(file: string): Promise<{ yaml: string; dir: string; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), "survey-from-"));
  const r = await run(dir, "init", "--from", file);
  // A 按选项文本 export: a note says the codes are guessed and how to read the 按选项序号 form too.
  expect(r.err).toMatch(/^(note: option codes are guessed from labels \(codes: guessed\); .*\n)?$/);
  expect(r.code).toBe(0);
  return { yaml: join(dir, "survey.yaml"), dir, out: r.out };
}

/** Validates a definition against its own data.files, in-process, as `survey validate` does. */
async function validate(yaml: string) {
  const r = await run(root, "validate", "-s", yaml, "--format", "json");
  return { code: r.code, result: JSON.parse(r.out) as { errors: number; returned: number; valid: number; problems: Record<string, unknown> } };
}

/**
 * Counts of each option of each choice question over the valid questionnaires, keyed by question
 * position and by label (按选项文本) or code (按选项序号): the two definitions name options differently
 * only where the export cannot tell.
 */
async function optionCounts(survey: Survey, file: string, by: "label" | "code"): Promise<Map<string, number>[]> {
  const counts = survey.questions.map(() => new Map<string, number>());
  const position = new Map(survey.items.map((item, i) => [item.id, i]));
  await scan(survey, [{ path: file, name: basename(file) }], {
    onResponse: (r, verdict) => {
      if (!verdict.valid) return;
      survey.questions.forEach((q, qi) => {
        const a = r.answers[position.get(q.id)!];
        if (!a || a.kind !== "choice" || !("options" in q)) return;
        for (const code of a.codes) {
          const option = q.options.find((o) => o.code === code)!;
          const key = by === "label" ? option.label : String(code);
          counts[qi]!.set(key, (counts[qi]!.get(key) ?? 0) + 1);
        }
      });
    },
  });
  return counts.map((m) => new Map([...m].sort(([a], [b]) => a.localeCompare(b))));
}

/** Saves the first sheet of a spreadsheet as CSV, as Excel does: UTF-8 with BOM, or GB18030. */
async function saveAsCsv(xls: string, encoding: "utf-8" | "gb18030"): Promise<string> {
  const workbook = XLSX.read(await readFile(xls), { type: "buffer" });
  const csv = XLSX.utils.sheet_to_csv(workbook.Sheets[workbook.SheetNames[0]!]!, { blankrows: false });
  const dir = await mkdtemp(join(tmpdir(), "survey-csv-"));
  const path = join(dir, `${basename(xls, ".xls")}-${encoding}.csv`);
  await writeFile(path, encoding === "utf-8" ? `\uFEFF${csv}` : iconv.encode(csv, "gb18030"));
  return path;
}

describe.skipIf(!existsSync(realdata))("init --from on the real 问卷星 exports (../shared/realdata/wjx-800)", () => {
  const cases = [
    { name: "按选项文本 .xls", file: () => join(realdata, "wjx-800-text.xls"), by: "label" as const },
    { name: "按选项序号 .xls", file: () => join(realdata, "wjx-800-code.xls"), by: "code" as const },
    { name: "按选项文本 saved as UTF-8 CSV", file: () => saveAsCsv(join(realdata, "wjx-800-text.xls"), "utf-8"), by: "label" as const },
    { name: "按选项序号 saved as GB18030 CSV", file: () => saveAsCsv(join(realdata, "wjx-800-code.xls"), "gb18030"), by: "code" as const },
    { name: "按选项文本 saved as GB18030 CSV", file: () => saveAsCsv(join(realdata, "wjx-800-text.xls"), "gb18030"), by: "label" as const },
  ];
  for (const c of cases) {
    it(`${c.name}: the draft validates the export and counts every option as the hand-written definition does`, async () => {
      const file = await c.file();
      const { yaml, out } = await draft(file);
      expect(out).toMatch(/^wrote survey\.yaml: 8 questions drafted .* \(800 rows\)/);
      expect(out).toMatch(/check: 800 rows read: 800 valid, 0 invalid; 0 errors, 0 warnings/);
      const { code, result } = await validate(yaml);
      expect(code).toBe(0);
      expect(result).toMatchObject({ errors: 0, returned: 800, valid: 800 });
      const tally = await run(root, "tally", "-s", yaml, "--format", "json");
      expect(tally.code).toBe(0);
      expect(JSON.parse(tally.out).responses).toMatchObject({ returned: 800, valid: 800 });

      const io = memoryIo(root);
      const drafted = await loadSurvey(io, yaml);
      const handWritten = await loadSurvey(io, join(root, "fixtures/wjx800/survey.yaml"));
      expect(drafted.questions.map((q) => q.type)).toEqual(handWritten.questions.map((q) => q.type));
      const mine = await optionCounts(drafted, file, c.by);
      const theirs = await optionCounts(handWritten, file, c.by);
      expect(mine.reduce((s, m) => s + m.size, 0)).toBeGreaterThan(50);
      expect(mine).toEqual(theirs);
    }, 60_000);
  }
});

describe("init --from on the bundled example (问卷星 按选项文本 CSV)", () => {
  it("infers every question type, a Likert scale with its na answer, and reads the file without errors", async () => {
    const { yaml } = await draft(join(root, "fixtures/example/answers.csv"));
    const { code, result } = await validate(yaml);
    expect(code).toBe(0);
    expect(result.errors).toBe(0);
    const survey = await loadSurvey(memoryIo(root), yaml);
    expect(Object.fromEntries(survey.questions.map((q) => [q.id, q.type]))).toEqual({
      q1: "single", q2: "single", q3: "number", q4: "single", q5: "scale", q6: "scale", q7: "scale",
      q8: "multi", q9: "matrix", q10: "rank", q11: "text", q12: "text",
    });
    expect(survey.role).toBe("q1");
    const matrix = survey.questionById.get("q9")!;
    expect(matrix.type === "matrix" && matrix.scale.na).toEqual([6]);
    const text = await readFile(yaml, "utf8");
    expect(text).toContain("# 请核对");
    expect(text).toMatch(/encoding: utf-8/);
  });

  it("never replaces an existing definition without --force", async () => {
    const { yaml, dir } = await draft(join(root, "fixtures/example/answers.csv"));
    await writeFile(yaml, "title: mine\n");
    const again = await run(dir, "init", "--from", join(root, "fixtures/example/answers.csv"));
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/^survey\.yaml: error OUTPUT_EXISTS/);
    expect(await readFile(yaml, "utf8")).toBe("title: mine\n");
    const forced = await run(dir, "init", "--from", join(root, "fixtures/example/answers.csv"), "--force");
    expect(forced.code).toBe(0);
    expect(await readFile(yaml, "utf8")).toContain("title: 关于【请补充：调研主题】的调研");
  });

  it("a missing export is a one-line error with exit 2", async () => {
    const r = await run(root, "init", "--from", "no-such-export.xls", "-o", join(tmpdir(), "never.yaml"));
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(tmpdir(), "never.yaml"))).toBe(false);
  });
});
