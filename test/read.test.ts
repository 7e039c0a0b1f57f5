import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseSurvey } from "../src/definition/load.js";
import { SurveyError } from "../src/diagnostics/errors.js";
import { ROOT } from "./helpers/cli.js";
import { loadFixtureSurvey, plain, readAll } from "./helpers/read.js";

const survey = loadFixtureSurvey("all-types/survey.yaml");
/** The same definition for files made in the tests, which have no duration column. */
const bare = { ...survey, data: { ...survey.data, durationColumn: undefined } };
const open = parseSurvey("title: t\nquestions:\n  - {id: note, text: 您的意见, type: text}\n").survey!;
const textForm = join(ROOT, "fixtures/all-types/answers-text.csv");
const codeForm = join(ROOT, "fixtures/all-types/answers-code.csv");

/** The six questionnaires of fixtures/all-types, written out by hand. */
const EXPECTED = [
  { role: [1], sat: [1], diff: [1, 2], "mx.1": [1], "mx.2": [2], rk: [1, 2, 3], age: 45, why: "skipped" },
  { role: [2], sat: [4], diff: [3, 9], "mx.1": [3], "mx.2": [4], rk: [2, 1, 3], age: 28, why: "活动太少" },
  { role: [9], sat: [6], diff: [1], "mx.1": [6], "mx.2": [3], rk: "missing", age: 61, why: "skipped" },
  { role: [2], sat: [5], diff: [2], "mx.1": [5], "mx.2": [5], rk: [3, 2, 1], age: 35, why: "服务态度差,办事慢\n有时找不到人" },
  { role: [1], sat: [2], diff: "missing", "mx.1": [2], "mx.2": [1], rk: [1, 3, 2], age: 52, why: "skipped" },
  { role: [2], sat: [3], diff: [1, 3], "mx.1": [3], "mx.2": [3], rk: [2, 3, 1], age: 40, why: "skipped" },
];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "survey-read-"));
}

describe("reading 问卷星 exports", () => {
  it("reads the 按选项文本 form (UTF-8 with BOM): labels, ┋, →, 〖fill-ins〗, (跳过)/(空), quoted newlines", async () => {
    const { responses, diagnostics } = await readAll(survey, [textForm]);
    expect(diagnostics).toEqual([]);
    expect(responses.map((r) => plain(survey, r))).toEqual(EXPECTED);
    expect(responses.map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(responses.map((r) => r.duration)).toEqual([120, 95, 200, 30, 110, 130]);
    expect(responses[1]!.answers[2]).toEqual({ kind: "choice", codes: [3, 9], others: [{ code: 9, text: "没有活动室" }] });
    expect(responses[2]!.answers[0]).toEqual({ kind: "choice", codes: [9], others: [{ code: 9, text: "退休教师" }] });
  });

  it("reads the 按选项序号 form (GB18030): codes, 0/1 option columns, -3/-2", async () => {
    const { responses, diagnostics } = await readAll(survey, [codeForm]);
    expect(diagnostics).toEqual([]);
    expect(responses.map((r) => plain(survey, r))).toEqual(EXPECTED);
  });

  it("keeps each row's source file and reads several files in the order given", async () => {
    const { responses } = await readAll(survey, [codeForm, textForm]);
    expect(responses.map((r) => `${r.file}:${r.row}`).slice(5, 8)).toEqual([
      "answers-code.csv:7",
      "answers-text.csv:2",
      "answers-text.csv:3",
    ]);
  });

  it("reads TSV, semicolons and CRLF the same as CSV", async () => {
    const dir = tmp();
    const csv = iconv.decode(readFileSync(codeForm), "gb18030");
    const records = parseSimple(csv);
    const tsv = join(dir, "a.tsv");
    writeFileSync(tsv, records.map((r) => r.map((c) => (c.includes("\n") ? `"${c}"` : c)).join("\t")).join("\n"));
    const semi = join(dir, "b.csv");
    writeFileSync(semi, records.map((r) => r.map((c) => (c.includes("\n") ? `"${c}"` : c)).join(";")).join("\r\n") + "\r\n");
    for (const file of [tsv, semi]) {
      const { responses, diagnostics } = await readAll(survey, [file]);
      expect(diagnostics).toEqual([]);
      expect(responses.map((r) => plain(survey, r))).toEqual(EXPECTED);
    }
  });

  it("reads .xlsx and legacy .xls workbooks, with spreadsheet row numbers", async () => {
    const dir = tmp();
    const csv = iconv.decode(readFileSync(codeForm), "gb18030");
    const sheet = XLSX.utils.aoa_to_sheet(parseSimple(csv));
    for (const [ext, bookType] of [["xlsx", "xlsx"], ["xls", "biff8"]] as const) {
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, sheet, "Sheet1");
      const file = join(dir, `answers.${ext}`);
      writeFileSync(file, XLSX.write(wb, { bookType, type: "buffer" }) as Buffer);
      const { responses, diagnostics } = await readAll(survey, [file]);
      expect(diagnostics).toEqual([]);
      expect(responses.map((r) => plain(survey, r))).toEqual(EXPECTED);
      expect(responses.map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7]);
    }
  });

  it("matches headers by id as well as by text", async () => {
    const dir = tmp();
    const file = join(dir, "ids.csv");
    writeFileSync(file, "role,sat,diff,mx.1,mx(阵地建设),rk,age,why\n党员,1,缺钱┋缺人,1,2,1→2→3,45岁,(跳过)\n");
    const { responses, diagnostics } = await readAll(bare, [file]);
    expect(diagnostics).toEqual([]);
    expect(plain(survey, responses[0]!)).toEqual(EXPECTED[0]);
  });
});

describe("files that cannot be read", () => {
  it("names an empty file, a file with only a BOM, and a broken workbook", async () => {
    const dir = tmp();
    const cases: [string, Buffer, string][] = [
      ["empty.csv", Buffer.alloc(0), "FILE_EMPTY"],
      ["bom.csv", Buffer.from([0xef, 0xbb, 0xbf]), "FILE_EMPTY"],
      ["broken.xlsx", Buffer.from("PK\u0003\u0004 not really a zip"), "FILE_FORMAT"],
    ];
    for (const [name, bytes, code] of cases) {
      writeFileSync(join(dir, name), bytes);
      const err = await readAll(survey, [join(dir, name)]).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(SurveyError);
      expect((err as SurveyError).diagnostics[0], name).toMatchObject({ code, file: name });
    }
  });

  it("matches only ids when data.header is id, only texts when it is text", async () => {
    const file = join(tmp(), "mixed.csv");
    writeFileSync(file, "role,您对社区服务的满意程度\n党员,非常满意\n");
    const byId = { ...bare, data: { ...bare.data, header: "id" as const } };
    const byText = { ...bare, data: { ...bare.data, header: "text" as const } };
    const missing = async (s: typeof bare) =>
      (await readAll(s, [file])).diagnostics.filter((d) => d.code === "HEADER_MISSING").map((d) => d.message.split(" ")[3]);
    expect(await missing(byId)).not.toContain("role");
    expect(await missing(byId)).toContain("sat");
    expect(await missing(byText)).toContain("role");
    expect(await missing(byText)).not.toContain("sat");
  });
});

describe("encodings", () => {
  it("reads GB18030 text, including 4-byte characters that GBK cannot hold", async () => {
    const file = join(tmp(), "gb4.csv");
    writeFileSync(file, iconv.encode("序号,您的意见\r\n1,𠀀字与㐀字都要能读\r\n2,社区服务很好\r\n", "gb18030"));
    const read = await readAll(open, [file]);
    expect(read.diagnostics).toEqual([]);
    expect(read.responses.map((r) => r.answers[0])).toEqual([
      { kind: "text", value: "𠀀字与㐀字都要能读" },
      { kind: "text", value: "社区服务很好" },
    ]);
  });

  it("names a file that is neither UTF-8 nor GB18030", async () => {
    const dir = tmp();
    const file = join(dir, "bad.csv");
    writeFileSync(file, Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xff, 0xff, 0x0a]));
    const err = await readAll(survey, [file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SurveyError);
    expect((err as SurveyError).diagnostics[0]).toMatchObject({ code: "FILE_ENCODING", file: "bad.csv" });
  });

  it("warns when a short file could be either encoding", async () => {
    const dir = tmp();
    const file = join(dir, "short.csv");
    // 女 in GBK is C5 AE, which is also valid UTF-8 (Ů): the classic ambiguous case, read as UTF-8.
    writeFileSync(file, Buffer.concat([Buffer.from("note\n"), Buffer.from([0xc5, 0xae]), Buffer.from("\n")]));
    const { diagnostics } = await readAll(open, [file]);
    expect(diagnostics.map((d) => d.code)).toContain("FILE_ENCODING_GUESS");
  });

  it("carries a UTF-8 character cut at a 1 MiB chunk boundary", async () => {
    const dir = tmp();
    const file = join(dir, "long.csv");
    const header = "序号,您的意见\n";
    // Rows of 10,000 characters (a cell may hold at most 32,767) up to the boundary; the last one is cut in 满.
    const rows = Array.from({ length: 104 }, (_, i) => `${i + 1},${"很".repeat(20)}${"x".repeat(10_000 - 20)}\n`).join("");
    const before = Buffer.byteLength(header + rows) + Buffer.byteLength("105,");
    const body = `${header}${rows}105,${"x".repeat((1 << 20) - 1 - before)}满意度\n`;
    expect(Buffer.from(body).indexOf("满") + 1).toBe(1 << 20); // the cut falls inside 满
    writeFileSync(file, body);
    const { responses, diagnostics } = await readAll(open, [file]);
    expect(diagnostics).toEqual([]);
    expect(responses).toHaveLength(105);
    expect((responses[104]!.answers[0] as { value: string }).value.endsWith("满意度")).toBe(true);
  });
});

/** A tiny CSV splitter for the fixture (quoted newlines only), so the tests do not use the reader under test. */
function parseSimple(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n") {
      row.push(cell.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
