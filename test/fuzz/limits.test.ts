/**
 * The limits of README "Limits": inputs far beyond what Excel or 问卷星 produce give a result or a clear,
 * located error — never an out-of-memory crash. The files are generated in a temporary folder.
 */
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import Papa from "papaparse";
import * as XLSX from "@e965/xlsx";
import { MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROW_CHARS, MAX_SPREADSHEET_BYTES, MAX_SPREADSHEET_UNPACKED, RecordGuard } from "../../src/io/limits.js";
import { CATALOGUE } from "../../src/diagnostics/catalogue.js";
import { MAX_ITEMS, parseSurvey } from "../../src/definition/load.js";
import { params, runBounded, runs, tempDir, TEST_TIMEOUT, violations } from "./harness.js";

const HEADER = "序号,1、您的身份是：,2、您对社区服务的满意程度,7、您不满意的原因是";
const SURVEY = `title: 限度测试
role: role
data:
  id_column: 序号
questions:
  - id: role
    text: 您的身份是
    type: single
    options: [党员, 群众]
  - id: sat
    text: 您对社区服务的满意程度
    type: scale
    scale: sat
  - id: why
    text: 您不满意的原因是
    type: text
scales:
  sat:
    options: [非常满意, 比较满意, 一般, 不太满意, 很不满意]
`;

let dir: string;
beforeAll(() => {
  dir = tempDir("survey-limits-");
  writeFileSync(join(dir, "survey.yaml"), SURVEY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]) {
  const result = await runBounded(args, dir, 60_000);
  expect(violations(result), result.stderr).toEqual([]);
  return result;
}

type Problems = { code: string; row: number; column?: string }[];

describe("limits", () => {
  test("every limit has its diagnostic in the catalogue", () => {
    for (const code of ["CELL_TOO_LONG", "TOO_MANY_COLUMNS", "ROW_TOO_LONG", "FILE_TOO_LARGE", "DEF_TOO_LARGE"]) expect(CATALOGUE).toHaveProperty(code);
  });

  test("a cell of 10 MB is left out with CELL_TOO_LONG; the rest of the file is counted", async () => {
    const huge = "很".repeat(10 * 1024 * 1024);
    writeFileSync(join(dir, "cell.csv"), `${HEADER}\n1,党员,不太满意,"${huge}"\n2,群众,一般,太慢\n`);
    const tally = await run("tally", "--format", "json", "-s", "survey.yaml", "cell.csv");
    expect(tally.code).toBe(0);
    const json = JSON.parse(tally.stdout) as { responses: { valid: number }; questions: { why: { answers: string[] } }; problems: Problems };
    expect(json.responses.valid).toBe(2);
    expect(json.questions.why.answers).toEqual(["太慢"]);
    expect(json.problems.map((p) => [p.code, p.row, p.column])).toContainEqual(["CELL_TOO_LONG", 2, "7、您不满意的原因是"]);
    expect(tally.stdout.length).toBeLessThan(100_000);
    const validate = await run("validate", "-s", "survey.yaml", "cell.csv");
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/cell\.csv:row 2, column "7、您不满意的原因是": error CELL_TOO_LONG/);
  }, 60_000);

  test("a cell at the limit is read", async () => {
    writeFileSync(join(dir, "edge.csv"), `${HEADER}\n1,党员,不太满意,${"x".repeat(MAX_CELL_CHARS)}\n`);
    const json = JSON.parse((await run("tally", "--format", "json", "-s", "survey.yaml", "edge.csv")).stdout) as { questions: { why: { answers: string[] } } };
    expect(json.questions.why.answers[0]).toHaveLength(MAX_CELL_CHARS);
  }, 60_000);

  test("a row of 10,000 columns is read; a header beyond 16,384 columns is a clear error", async () => {
    const extra = Array.from({ length: 10_000 - 4 }, (_, i) => `c${i}`);
    const cells = extra.map(() => "1");
    writeFileSync(join(dir, "wide.csv"), `${[HEADER, ...extra].join(",")}\n${["1,党员,非常满意,好", ...cells].join(",")}\n`);
    const tally = await run("tally", "--format", "json", "-s", "survey.yaml", "wide.csv");
    expect(tally.code).toBe(0);
    expect((JSON.parse(tally.stdout) as { responses: { valid: number } }).responses.valid).toBe(1);

    writeFileSync(join(dir, "wider.csv"), `${HEADER}${",x".repeat(MAX_COLUMNS)}\n1,党员,非常满意,好\n`);
    const wider = await run("validate", "-s", "survey.yaml", "wider.csv");
    expect(wider.code).toBe(2);
    expect(wider.stderr).toMatch(/wider\.csv:row 1: error TOO_MANY_COLUMNS/);
  }, 60_000);

  test("a data row beyond 16,384 cells is cut there and reported", async () => {
    writeFileSync(join(dir, "ragged.csv"), `${HEADER}\n1,党员,非常满意,好${",".repeat(MAX_COLUMNS * 2)}\n2,群众,一般,差\n`);
    const validate = await run("validate", "-s", "survey.yaml", "ragged.csv");
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/ragged\.csv:row 2: error TOO_MANY_COLUMNS/);
    expect(validate.stdout).toMatch(/^2 rows read/);
  }, 60_000);

  test("a quote never closed in a large file stops at the row limit with ROW_TOO_LONG, in bounded memory", async () => {
    const fd = openSync(join(dir, "unclosed.csv"), "w");
    writeSync(fd, `${HEADER}\n1,党员,非常满意,好\n2,群众,一般,"从这里起引号没有闭合\n`);
    const block = "3,群众,一般,好\n".repeat(65_536);
    for (let written = 0; written <= MAX_ROW_CHARS + block.length; written += block.length) writeSync(fd, block);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const validate = await run("validate", "-s", "survey.yaml", "unclosed.csv");
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/unclosed\.csv:row 3: error ROW_TOO_LONG/);
    // Generous: the parser holds the 16 Mi-character record (about 32 MB as UTF-16) a few times over.
    expect(process.memoryUsage().rss - before).toBeLessThan(600 * 2 ** 20);
  }, 120_000);

  test("a file of a million short rows is read in linear time", async () => {
    // Found by the long fuzz run (a mutation made a file of 278,086 line breaks): pausing papaparse every
    // 512 rows re-split the rest of its 1 MiB chunk each time: quadratic (400,000 lines 4 s, a million about 25 s).
    writeFileSync(join(dir, "lines.csv"), `${HEADER}\n${"\n".repeat(1_000_000)}`);
    const started = Date.now();
    const validate = await run("validate", "-s", "survey.yaml", "lines.csv");
    // No questionnaire at all: nothing usable (NO_VALID_ANSWERS), read to the end all the same.
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(/^0 rows read/);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);

  test("an .xlsx over the size limit is refused before it is read", async () => {
    const fd = openSync(join(dir, "big.xlsx"), "w");
    // Sparse: the file is large but costs no disk and no time to write.
    writeSync(fd, "PK\x03\x04", MAX_SPREADSHEET_BYTES + 1);
    closeSync(fd);
    const validate = await run("validate", "-s", "survey.yaml", "big.xlsx");
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/big\.xlsx: error FILE_TOO_LARGE/);
  }, 60_000);
});

/** A definition of `n` questions of every type (every seventh a matrix of two rows), and answers to it. */
function bigSurvey(n: number, rows: number): { yaml: string; csv: string } {
  const types = ["single", "multi", "scale", "number", "text", "rank", "matrix"];
  const lines = ["title: 大问卷", "role: q1", "scales:", "  s:", "    options: [很好, 好, 一般, 差, 很差]", "questions:"];
  const header: string[] = [];
  const cells: string[] = [];
  const value: Record<string, string> = { single: "甲", multi: "甲┋乙", scale: "好", number: "42", text: "建议", rank: "甲→乙→丙" };
  for (let i = 1; i <= n; i++) {
    const type = i === 1 ? "single" : types[i % 7]!;
    lines.push(`  - id: q${i}`, `    text: 第${i}题`, `    type: ${type}`);
    if (type === "single" || type === "multi" || type === "rank") lines.push("    options: [甲, 乙, 丙]");
    if (type === "scale" || type === "matrix") lines.push("    scale: s");
    if (type === "matrix") {
      lines.push("    rows: [一, 二]");
      header.push(`q${i}.1`, `q${i}.2`);
      cells.push("一般", "好");
    } else {
      header.push(`q${i}`);
      cells.push(value[type]!);
    }
  }
  const body = Array.from({ length: rows }, () => cells.join(",")).join("\n");
  return { yaml: `${lines.join("\n")}\n`, csv: `${header.join(",")}\n${body}\n` };
}

describe("a zip bomb", () => {
  test("an .xlsx that would unpack past the limit is refused before it is unpacked", async () => {
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([["序号", "1、您的身份是："], ["1", "党员"]]), "s");
    const bytes = Buffer.from(XLSX.write(book, { type: "buffer", bookType: "xlsx" }) as Uint8Array);
    writeFileSync(join(dir, "small.xlsx"), bytes);
    expect((await run("validate", "-s", "survey.yaml", "small.xlsx")).code).toBe(1);
    // The zip directory states each entry's unpacked size (offset 24 of a central header): claim more.
    const central = bytes.indexOf(Buffer.from("PK\x01\x02", "latin1"));
    bytes.writeUInt32LE(MAX_SPREADSHEET_UNPACKED + 1, central + 24);
    writeFileSync(join(dir, "bomb.xlsx"), bytes);
    const validate = await run("validate", "-s", "survey.yaml", "bomb.xlsx");
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/bomb\.xlsx: error FILE_TOO_LARGE: unpacks to 128 MB/);
  }, 60_000);
});

describe("the size of a definition", () => {
  test("2,000 questions: a clear DEF_TOO_LARGE at the questions key, at once", async () => {
    const { yaml } = bigSurvey(2_000, 0);
    const started = Date.now();
    const { survey, diagnostics } = parseSurvey(yaml);
    // Refused after the YAML is read, before zod and the cross-references (generous: CI machines are busy).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(survey).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([["DEF_TOO_LARGE", 6]]);
    writeFileSync(join(dir, "big.yaml"), yaml);
    const validate = await run("validate", "-s", "big.yaml", "cell.csv");
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/big\.yaml:6:1: error DEF_TOO_LARGE: 2,000 questions/);
  }, 60_000);

  test("matrix rows count one by one toward the limit", () => {
    const rows = Array.from({ length: MAX_ITEMS }, (_, i) => `r${i}`).join(", ");
    const yaml = `title: t\nscales: {s: {options: [好, 差]}}\nquestions:\n  - {id: q1, text: t, type: single, options: [a]}\n  - {id: m, text: t, type: matrix, scale: s, rows: [${rows}]}\n`;
    expect(parseSurvey(yaml).diagnostics.map((d) => d.code)).toEqual(["DEF_TOO_LARGE"]);
  }, 60_000);

  test("a definition at the limit is validated and tallied", async () => {
    // Every seventh question is a matrix of two rows: 875 questions are 1,000 items.
    const { yaml, csv } = bigSurvey(875, 30);
    expect(parseSurvey(yaml).survey?.items.length).toBe(MAX_ITEMS);
    writeFileSync(join(dir, "limit.yaml"), yaml);
    writeFileSync(join(dir, "limit.csv"), csv);
    const validate = await run("validate", "-s", "limit.yaml", "limit.csv");
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/^30 rows read: 30 valid/);
    const tally = await run("tally", "--format", "json", "-s", "limit.yaml", "limit.csv");
    expect(tally.code).toBe(0);
    expect(Object.keys((JSON.parse(tally.stdout) as { questions: object }).questions)).toHaveLength(875);
  }, 120_000);
});

describe("RecordGuard follows records as papaparse does", () => {
  const cell = fc.oneof(
    fc.constantFrom("", "a", '"', '""', "a,b", "a\nb", "a\r\nb", " ", "x\"y", '" ,', '"\t'),
    fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", " ", "好"), maxLength: 8 }),
  );
  const shape = fc
    .record({
      rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
      newline: fc.constantFrom("\n", "\r\n", "\r"),
      delimiter: fc.constantFrom(",", "\t", ";"),
    });
  const render = (raw: boolean) => (r: { rows: string[][]; newline: string; delimiter: string }) => ({
      // raw: cells written as they are, so stray and unbalanced quotes reach the parser.
      text: r.rows
        .map((cells) => cells.map((c) => (raw || !/["\r\n,\t;]/.test(c) ? c : `"${c.replace(/"/g, '""')}"`)).join(r.delimiter))
        .join(r.newline),
      newline: r.newline,
      delimiter: r.delimiter,
    });
  // Whitespace right after a closing quote is where papaparse's own scanning has quirks the guard need not
  // copy (a difference there only moves where a 16 Mi-character row is noticed): left out of this comparison.
  const csv = shape.filter((r) => r.rows.every((cells) => cells.every((c) => !/[ \t]/.test(c)))).map(render(false));
  const rawCsv = shape.map(render(true));
  const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });

  function feedInChunks(text: string, delimiter: string, newline: string, at: number[]): { records: number; last: number } {
    const guard = new RecordGuard(delimiter, newline);
    const points = [...new Set(at.map((p) => Math.floor(p * text.length)))].sort((a, b) => a - b);
    let from = 0;
    for (const p of points) {
      guard.feed(text.slice(from, p));
      from = p;
    }
    const last = guard.feed(text.slice(from), true);
    return { records: guard.records, last };
  }

  test("on CSV written correctly it counts the records papaparse finds, however the text is cut", () => {
    fc.assert(
      fc.property(csv, cuts, ({ text, newline, delimiter }, at) => {
        fc.pre(text !== ""); // papaparse finds no record in nothing; the guard counts the one it is in
        const parsed = Papa.parse<string[]>(text, { delimiter, newline: newline as Papa.ParseConfig["newline"] });
        const { records, last } = feedInChunks(text, delimiter, newline, at);
        // records counts record ends; the last record has none.
        expect(records + 1).toBe(parsed.data.length);
        expect(last).toBeGreaterThanOrEqual(parsed.data[parsed.data.length - 1]!.join("").length);
      }),
      params(runs(2000)),
    );
  }, TEST_TIMEOUT);

  test("on any text (stray quotes, whitespace after quotes) where the chunks are cut changes nothing", () => {
    fc.assert(
      fc.property(rawCsv, cuts, ({ text, newline, delimiter }, at) => {
        expect(feedInChunks(text, delimiter, newline, at)).toEqual(feedInChunks(text, delimiter, newline, []));
      }),
      params(runs(2000)),
    );
  }, TEST_TIMEOUT);
});
