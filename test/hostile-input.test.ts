/**
 * Issue 19's input-side cases, each from the example project (fixtures/example): files that lie about what
 * they are, text in a code page, bytes that are not the encoding a file claims, definitions whose ids are
 * JavaScript's reserved keys. Every one gives the right reading or one located error with exit 2, never an
 * out-of-memory crash, mojibake or exit 70. Large inputs are generated small (a SYLK text of 4 lines).
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import Papa from "papaparse";
import { sniffKind } from "../src/io/sniff.js";
import { biff5Gbk, csvGbk, htmlGbk, sylk, workbook, xlsxWithFarCell } from "./helpers/lying-files.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { tempDir } from "./fuzz/harness.js";

let dir: string;
/** The example's answers as rows of cells. */
let rows: string[][];
/** What `validate` says of the example's own answers.csv, its name left out. */
let expectedSummary: string;

const run = (...args: string[]) => runCli(args, { cwd: dir });

beforeAll(async () => {
  dir = tempDir("survey-hostile-");
  cpSync(join(ROOT, "fixtures/example"), dir, { recursive: true });
  const text = readFileSync(join(dir, "answers.csv"), "utf8").replace(/^\ufeff/, "");
  rows = Papa.parse<string[]>(text.trim(), { newline: "\r\n" }).data;
  const own = await run("validate", "-s", "survey.yaml", "answers.csv");
  expect(own.code).toBe(0);
  expectedSummary = (own.stdout + own.stderr).replace(/answers\.csv/g, "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("spreadsheets that are something else (issue 19, item 1)", () => {
  test("sniffKind tells workbooks and texts apart by their bytes", () => {
    expect(sniffKind(workbook([["a"]], "xlsx"))).toBe("zip");
    expect(sniffKind(workbook([["a"]], "biff8"))).toBe("cfb");
    expect(sniffKind(Buffer.from(sylk(2, 2)))).toBe("sylk");
    expect(sniffKind(Buffer.from('TABLE\r\n0,1\r\n""\r\n'))).toBe("dif");
    expect(sniffKind(htmlGbk([["您好"]]))).toBe("html");
    expect(sniffKind(Buffer.from('\ufeff<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'))).toBe("xml");
    expect(sniffKind(csvGbk([["序号", "您的性别"], [1, "女"]]))).toBe("text");
    expect(sniffKind(Buffer.from([0x09, 0x08, 0x08, 0x00, 0x00, 0x05, 0x05, 0x00]))).toBe("biff");
    expect(sniffKind(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]))).toBe("binary");
  });

  test("a 48-byte SYLK .xls naming cell Y100000;X1000 is refused before a grid is built", async () => {
    const started = Date.now();
    const before = process.memoryUsage().rss;
    for (const [name, y, x] of [["sylk.xls", 100_000, 1000], ["far.xls", 1_000_000_000, 1]] as const) {
      writeFileSync(join(dir, name), sylk(y, x));
      const r = await run("validate", "-s", "survey.yaml", name);
      expect(r.code, name).toBe(2);
      expect(r.stderr.trim(), name).toMatch(new RegExp(`^${name.replace(".", "\\.")}:3: error FILE_TOO_LARGE: SYLK text .* at most 16,777,216 cells`));
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - before).toBeLessThan(500 * 2 ** 20);
  });

  test("a workbook whose used range spans more cells than a sheet may is refused before its rows are made", async () => {
    writeFileSync(join(dir, "range.xlsx"), xlsxWithFarCell([["序号"]], "XFD1048576"));
    const r = await run("validate", "-s", "survey.yaml", "range.xlsx");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^range\.xlsx: error FILE_TOO_LARGE: the first sheet spans A1:XFD1048576/);
    // An HTML table: a colspan SheetJS believes.
    writeFileSync(join(dir, "span.xls"), '<table><tr><td colspan="100000000">序号</td><td>b</td></tr></table>');
    const span = await run("validate", "-s", "survey.yaml", "span.xls");
    expect(span.code).toBe(2);
    expect(span.stderr).toMatch(/^span\.xls:row 1: error TOO_MANY_COLUMNS/);
  });

  test("a CSV saved as .xls is read as CSV: the same rows as answers.csv", async () => {
    cpSync(join(dir, "answers.csv"), join(dir, "csv.xls"));
    const r = await run("validate", "-s", "survey.yaml", "csv.xls");
    expect(r.code).toBe(0);
    expect((r.stdout + r.stderr).replace(/csv\.xls/g, "")).toBe(expectedSummary);
  });
});

describe("Chinese text in a code page inside an .xls (issue 19, item 7)", () => {
  test.each([
    ["BIFF5 in code page 936", "gbk5.xls", () => biff5Gbk(rows)],
    ["a GBK HTML table saved as .xls", "gbk-html.xls", () => htmlGbk(rows)],
    ["a GBK CSV saved as .xls", "gbk-csv.xls", () => csvGbk(rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))))],
  ])("%s reads as answers.csv does", async (_what, name, make) => {
    writeFileSync(join(dir, name), make());
    const r = await run("validate", "-s", "survey.yaml", name);
    expect(r.code).toBe(0);
    expect((r.stdout + r.stderr).replace(new RegExp(name.replace(".", "\\."), "g"), "")).toBe(expectedSummary);
  });

  test("init --from a GBK BIFF5 .xls drafts the questions' Chinese texts", async () => {
    writeFileSync(join(dir, "gbk5.xls"), biff5Gbk(rows));
    const r = await run("init", "--from", "gbk5.xls", "drafted");
    expect(r.code).toBe(0);
    const yaml = readFileSync(join(dir, "drafted/survey.yaml"), "utf8");
    expect(yaml).toContain("text: 您的身份是");
    expect(yaml).toContain("text: 您对社区党组织服务群众工作的满意程度");
    expect(yaml).not.toMatch(/[\u00a1-\u00ff]{3}/);
  });
});

describe("messages about unreadable answer files (issue 19, item 14)", () => {
  test("a truncated .xls is located and said in words, not as a TypeError", async () => {
    const whole = workbook(rows, "biff8");
    writeFileSync(join(dir, "cut.xls"), whole.subarray(0, (whole.length >> 1) + 100));
    const r = await run("validate", "-s", "survey.yaml", "cut.xls");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^cut\.xls: error FILE_FORMAT: an \.xls workbook \(OLE compound file\) cut short: [\d,]+ bytes is not a whole number of its 512-byte sectors$/);
    expect(r.stderr).not.toMatch(/TypeError|argument|undefined/);
    // Cut at a sector boundary the file's own tables point past it.
    writeFileSync(join(dir, "cut512.xls"), whole.subarray(0, 512 * 8));
    const at512 = await run("validate", "-s", "survey.yaml", "cut512.xls");
    expect(at512.code).toBe(2);
    expect(at512.stderr.trim()).toMatch(/^cut512\.xls: error FILE_FORMAT: an \.xls workbook \(OLE compound file\) (that is damaged or cut short|that cannot be read)/);
    expect(at512.stderr).not.toMatch(/TypeError|argument must|Received undefined/);
  });

  test("an empty workbook or a blank first row is FILE_EMPTY, not a HEADER_MISSING per question", async () => {
    writeFileSync(join(dir, "empty.xlsx"), workbook([[""]], "xlsx"));
    writeFileSync(join(dir, "none.xlsx"), workbook([], "xlsx"));
    writeFileSync(join(dir, "blank.csv"), "\r\n\r\n");
    writeFileSync(join(dir, "commas.csv"), ",,,\n1,2,3,4\n");
    for (const name of ["empty.xlsx", "none.xlsx", "blank.csv", "commas.csv"]) {
      const r = await run("validate", "-s", "survey.yaml", name);
      expect(r.code, name).toBe(2);
      expect(r.stderr.trim().split("\n"), name).toHaveLength(1);
      expect(r.stderr, name).toMatch(new RegExp(`^${name.replace(".", "\\.")}(:row 1)?: error FILE_EMPTY`));
    }
  });
});
