/**
 * Issue 19's input-side cases, each from the example project (fixtures/example): files that lie about what
 * they are, text in a code page, bytes that are not the encoding a file claims, definitions whose ids are
 * JavaScript's reserved keys. Every one gives the right reading or one located error with exit 2, never an
 * out-of-memory crash, mojibake or exit 70. Large inputs are generated small (a SYLK text of 4 lines).
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import Papa from "papaparse";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
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
    // SpreadsheetML naming row 1,000,000,000: the sheet's rows are a sparse array, never counted up to.
    writeFileSync(
      join(dir, "far.xml.xls"),
      '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table><Row><Cell><Data ss:Type="String">序号</Data></Cell></Row><Row ss:Index="1000000000"><Cell ss:Index="16000"><Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet></Workbook>',
    );
    const started = Date.now();
    const xml = await run("validate", "-s", "survey.yaml", "far.xml.xls");
    expect(xml.code).toBe(2);
    expect(xml.stderr).toMatch(/^far\.xml\.xls: error FILE_TOO_LARGE: the first sheet spans A1:WQJ1000000000/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // An HTML table: a colspan SheetJS believes.
    writeFileSync(join(dir, "span.xls"), '<table><tr><td colspan="100000000">序号</td><td>b</td></tr></table>');
    const span = await run("validate", "-s", "survey.yaml", "span.xls");
    expect(span.code).toBe(2);
    expect(span.stderr).toMatch(/^span\.xls:row 1: error TOO_MANY_COLUMNS/);
  });

  test("a workbook that declares a range past the limits around a small table is read by the cells it holds", async () => {
    const files = unzipSync(workbook(rows, "xlsx"));
    const sheet = "xl/worksheets/sheet1.xml";
    files[sheet] = strToU8(strFromU8(files[sheet]!).replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:XFD1048576"/>'));
    expect(strFromU8(files[sheet]!)).toContain("A1:XFD1048576");
    writeFileSync(join(dir, "declared.xlsx"), zipSync(files));
    const r = await run("validate", "-s", "survey.yaml", "declared.xlsx");
    expect(r.code).toBe(0);
    expect((r.stdout + r.stderr).replace(/declared\.xlsx/g, "")).toBe(expectedSummary);
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

describe("bytes that are not the file's encoding, line endings, byte-order marks (issue 19, item 10)", () => {
  /** answers.csv with byte 0xFF in place of the first byte of the last Chinese character of line `line` (0-based). */
  function withBadByte(line: number): { bytes: Buffer; offset: number } {
    const bytes = Buffer.from(readFileSync(join(dir, "answers.csv")));
    let start = 0;
    for (let i = 0; i < line; i++) start = bytes.indexOf(0x0a, start) + 1;
    const end = bytes.indexOf(0x0a, start);
    const offset = bytes.lastIndexOf(0xe5, end);
    bytes[offset] = 0xff;
    return { bytes, offset };
  }

  test("a byte that is not UTF-8 in a file with a UTF-8 BOM is an error at its row and offset, near the start or after 64 KB, by every reader", async () => {
    for (const line of [5, 300]) {
      const { bytes, offset } = withBadByte(line);
      expect(offset > 64 * 1024).toBe(line === 300);
      writeFileSync(join(dir, "bad.csv"), bytes);
      const expected = new RegExp(`^bad\\.csv:row ${line + 1}: error FILE_ENCODING: byte 0xFF at offset ${offset.toLocaleString("en-US")}: not UTF-8, which the file's byte-order mark says it is`);
      for (const reader of ["fast", "general"]) {
        const env = reader === "general" ? { SURVEY_READER: "general" } : {};
        for (const command of ["validate", "tally"]) {
          const r = await runCli([command, "-s", "survey.yaml", "bad.csv"], { cwd: dir, env });
          expect(r.code, `${command} ${reader} line ${line}`).toBe(2);
          expect(r.stderr.trim(), `${command} ${reader} line ${line}`).toMatch(expected);
        }
      }
    }
  });

  test("without a BOM, a file that is neither UTF-8 nor GB18030 is refused at the row and byte where UTF-8 fails", async () => {
    const { bytes, offset } = withBadByte(300);
    writeFileSync(join(dir, "nobom.csv"), bytes.subarray(3));
    for (const reader of ["fast", "general"]) {
      if (reader === "general") process.env.SURVEY_READER = "general";
      try {
        const r = await run("tally", "-s", "survey.yaml", "nobom.csv");
        expect(r.code, reader).toBe(2);
        expect(r.stderr.trim(), reader).toBe(
          `nobom.csv:row 301: error FILE_ENCODING: the file is neither UTF-8 nor GB18030 text (byte 0xFF at offset ${(offset - 3).toLocaleString("en-US")} is the first that is not UTF-8) (save it from Excel as “CSV UTF-8”, or export .xlsx)`,
        );
      } finally {
        delete process.env.SURVEY_READER;
      }
    }
  });

  test("readCsv locates a bad byte exactly in any chunking, in UTF-8 and in GB18030 set by data.encoding", async () => {
    const { readCsv } = await import("../src/io/csv.js");
    const iconv = (await import("iconv-lite")).default;
    const { SurveyError } = await import("../src/diagnostics/errors.js");
    const lines = ["序号,意见", ...Array.from({ length: 400 }, (_, i) => `${i + 1},社区服务很好，希望多开展活动${"。".repeat(i % 7)}`)];
    for (const encoding of ["utf-8", "gb18030"] as const) {
      const whole = encoding === "utf-8" ? Buffer.from(`${lines.join("\r\n")}\r\n`) : iconv.encode(`${lines.join("\r\n")}\r\n`, "gb18030");
      for (const [row, chunkBytes] of [[2, 7], [150, 64], [399, 1000], [401, 3], [300, 1 << 20]] as const) {
        const bytes = Buffer.from(whole);
        let start = 0;
        for (let i = 1; i < row; i++) start = bytes.indexOf(0x0a, start) + 1;
        // The first byte of the row's last Chinese character: 0xFF, which is neither UTF-8 nor GB18030.
        const offset = bytes.indexOf(0x0d, start) - (encoding === "utf-8" ? 3 : 2);
        bytes[offset] = 0xff;
        const path = join(dir, `chunks-${encoding}.csv`);
        writeFileSync(path, bytes);
        const read = async () => {
          for await (const _ of readCsv(path, { encoding, bom: 0, onProblem: () => {}, chunkBytes }));
        };
        const err = await read().catch((e: unknown) => e);
        expect(err, `${encoding} row ${row} chunks of ${chunkBytes}`).toBeInstanceOf(SurveyError);
        expect((err as InstanceType<typeof SurveyError>).diagnostics[0], `${encoding} row ${row} chunks of ${chunkBytes}`).toMatchObject({
          code: "FILE_ENCODING",
          row,
          message: expect.stringContaining(`byte 0xFF at offset ${offset.toLocaleString("en-US")}: not ${encoding === "utf-8" ? "UTF-8" : "GB18030"}`),
        });
      }
    }
  });

  test("mixed line endings, CRLF first: every row is read, by both readers, as in answers.csv", async () => {
    const crlf = readFileSync(join(dir, "answers.csv"), "latin1").split("\r\n");
    // Records end in CRLF for the first few lines, then in LF alone (cells with line breaks are quoted).
    writeFileSync(join(dir, "mixed.csv"), Buffer.from(`${crlf.slice(0, 5).join("\r\n")}\r\n${crlf.slice(5).join("\n")}`, "latin1"));
    for (const reader of ["fast", "general"]) {
      if (reader === "general") process.env.SURVEY_READER = "general";
      try {
        const r = await run("validate", "-s", "survey.yaml", "mixed.csv");
        expect(r.code, reader).toBe(0);
        expect((r.stdout + r.stderr).replace(/mixed\.csv/g, ""), reader).toBe(expectedSummary);
      } finally {
        delete process.env.SURVEY_READER;
      }
    }
  });

  test("a byte-order mark wins over data.encoding, with a warning that says so", async () => {
    writeFileSync(join(dir, "gb.yaml"), readFileSync(join(dir, "survey.yaml"), "utf8").replace("encoding: auto", "encoding: gb18030"));
    const r = await run("validate", "-s", "gb.yaml", "answers.csv");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ {2}answers\.csv: warning FILE_ENCODING_BOM: read as UTF-8, as the byte-order mark the file starts with says, not as GB18030 \(data\.encoding\)/m);
    expect(r.stdout + r.stderr).toMatch(/0 errors, 10 warnings/);
  });
});

describe("names that JavaScript objects already have (issue 19, item 9)", () => {
  const yaml = () => readFileSync(join(dir, "survey.yaml"), "utf8");
  const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;

  test("a question id __proto__ is refused at its line, not dropped from the tally", async () => {
    const text = yaml().replace("  - id: q12\n", "  - id: __proto__\n");
    writeFileSync(join(dir, "proto.yaml"), text);
    for (const command of ["validate", "tally"]) {
      const r = await run(command, "-s", "proto.yaml", "answers.csv");
      expect(r.code, command).toBe(2);
      expect(r.stderr.trim(), command).toBe(
        `proto.yaml:${lineOf(text, "__proto__")}:9: error DEF_INVALID: questions[11].id: "__proto__" cannot be an id: JavaScript objects have a "__proto__" of their own, which it would read or replace`,
      );
    }
  });

  test("every reserved name, as a question id, a scale's name, an option label or a theme, is a located error", async () => {
    const { parseSurvey } = await import("../src/definition/load.js");
    const { RESERVED_NAMES } = await import("../src/definition/reserved.js");
    expect([...RESERVED_NAMES]).toEqual(expect.arrayContaining(["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"]));
    for (const name of RESERVED_NAMES) {
      const cases = {
        id: yaml().replace("  - id: q12\n", `  - id: ${name}\n`),
        scale: yaml().replace(/\bsatisfaction\b/g, name),
        label: yaml().replace("[非常满意,", `[${name},`),
        theme: yaml().replace("    section: suggestions\n\ngroups:", `    section: suggestions\n    themes:\n      ${name}: [党员]\n\ngroups:`),
      };
      for (const [what, text] of Object.entries(cases)) {
        expect(text, `${what} ${name}`).not.toBe(yaml());
        const { survey, diagnostics } = parseSurvey(text, "s.yaml");
        expect(survey, `${what} ${name}`).toBeUndefined();
        const found = diagnostics.find((d) => d.message.includes(`"${name}" cannot be`));
        expect(found, `${what} ${name}: ${diagnostics.map((d) => d.message).join("; ")}`).toMatchObject({ code: "DEF_INVALID", file: "s.yaml" });
        expect(found!.line, `${what} ${name}`).toBe(lineOf(text, name));
      }
    }
  });
});

test("init --from an export whose answers include __proto__ or valueOf drafts a definition that loads, and says what it left out (issue 19, item 9)", async () => {
  const lines = ["序号,1、您的身份是：", ...Array.from({ length: 30 }, (_, i) => `${i + 1},${["党员", "群众", "__proto__", "valueOf"][i % 4]}`)];
  writeFileSync(join(dir, "reserved.csv"), `${lines.join("\r\n")}\r\n`);
  const r = await run("init", "--from", "reserved.csv", "-o", "reserved.yaml");
  expect(r.code, r.stderr).toBe(0);
  const yaml = readFileSync(join(dir, "reserved.yaml"), "utf8");
  expect(yaml).toContain('答案 "__proto__"、"valueOf" 与程序保留的名称相同');
  expect((await run("validate", "-s", "reserved.yaml")).code).toBe(1);
});

describe("messages that say what is wrong (issue 19, item 14)", () => {
  const yaml = () => readFileSync(join(dir, "survey.yaml"), "utf8");

  test("a when of a megabyte is quoted by its start, in one short line", async () => {
    for (const when of [`q1 == "${"党".repeat(350_000)}"`, `((((${"党".repeat(350_000)}`, `${"x".repeat(1_000_000)} == 1`]) {
      writeFileSync(join(dir, "when.yaml"), yaml().replace("  - id: q12\n", `  - id: q12\n    when: '${when}'\n`));
      const r = await run("validate", "-s", "when.yaml");
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^when\.yaml:\d+:\d+: error DEF_BAD_WHEN: question q12: .*…/);
      expect(lines[0]!.length).toBeLessThan(600);
    }
  });

  test("a saved tally that is not JSON is TALLY_INVALID at its line and column, for report --tally and merge", async () => {
    writeFileSync(join(dir, "t.json"), "not json\n");
    writeFileSync(join(dir, "t2.json"), '{"schemaVersion": 1,\n  "questions": {,}}');
    writeFileSync(join(dir, "t3.json"), "[1, 2]");
    for (const args of [["report", "-s", "survey.yaml", "-o", "r.docx", "--tally"], ["merge"]]) {
      for (const [file, place] of [["t.json", ":1:1"], ["t2.json", ":2:17"], ["t3.json", ""]] as const) {
        const r = await run(...args, file, ...(args[0] === "merge" ? [file] : []));
        expect(r.code, `${args[0]} ${file}`).toBe(2);
        expect(r.stderr, `${args[0]} ${file}`).toMatch(new RegExp(`^${file.replace(".", "\\.")}${place}: error TALLY_INVALID: is (not JSON|JSON, but not that of)`));
      }
      const missing = await run(...args, "none.json", ...(args[0] === "merge" ? ["none.json"] : []));
      expect(missing.stderr).toMatch(/^none\.json: error FILE_NOT_FOUND/);
    }
  });

  test("survey.yaml saved in GB18030 or UTF-16 (with or without a mark) is read as it was written", async () => {
    const iconv = (await import("iconv-lite")).default;
    const saves: [string, Buffer][] = [
      ["gb.yaml", iconv.encode(yaml(), "gb18030")],
      ["u16.yaml", iconv.encode(yaml(), "utf-16le", { addBOM: true })],
      ["u16le.yaml", iconv.encode(yaml(), "utf-16le")],
      ["u16be.yaml", iconv.encode(yaml(), "utf-16be")],
    ];
    for (const [name, bytes] of saves) {
      writeFileSync(join(dir, name), bytes);
      const r = await run("validate", "-s", name, "answers.csv");
      expect(r.code, name).toBe(0);
      expect((r.stdout + r.stderr).replace(/answers\.csv/g, ""), name).toBe(expectedSummary);
    }
    writeFileSync(join(dir, "binary.yaml"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0xfd, 0x00, 0x80]));
    const r = await run("validate", "-s", "binary.yaml", "answers.csv");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("binary.yaml:1:1: error YAML_SYNTAX: the file is not text in UTF-8, GB18030 or UTF-16 (save it again from your editor as UTF-8)");
  });

  test("an unknown question type is echoed, with the type it is nearest to", async () => {
    for (const [given, said] of [["numbr", '"numbr" is not a question type; did you mean "number"?'], ["Single", '"Single" is not a question type; did you mean "single"?'], ["xyzzy", '"xyzzy" is not a question type (']] as const) {
      writeFileSync(join(dir, "type.yaml"), yaml().replace("type: number", `type: ${given}`));
      const r = await run("validate", "-s", "type.yaml");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`questions[2].type ${said}`);
    }
  });
});

describe("templates: a time bound over all patterns, and style values Word accepts (issue 19, item 11)", () => {
  /** A copy of the built-in template in the project folder, `edit` applied to one of its files. */
  function templateCopy(name: string, file: "template.yaml" | "style.yaml", edit: (text: string) => string): string {
    const target = join(dir, name);
    cpSync(join(ROOT, "templates/zh-research-report"), target, { recursive: true });
    const path = join(target, file);
    const before = readFileSync(path, "utf8");
    const after = edit(before);
    expect(after).not.toBe(before);
    writeFileSync(path, after);
    return name;
  }

  test("an invalid highlight and 400 mm margins are refused at their line in style.yaml", async () => {
    const cases: [string, (t: string) => string, RegExp][] = [
      ["t-highlight", (t) => t.replace("highlight: yellow", "highlight: 'yellow\"/><w:b/><w:x a=\"'"), /style\.yaml:16:\d+: error TEMPLATE_INVALID: .*is not a highlight colour Word has: black, blue/],
      ["t-highlight2", (t) => t.replace("highlight: yellow", "highlight: orange"), /style\.yaml:16:\d+: error TEMPLATE_INVALID: .*"orange" is not a highlight colour Word has/],
      ["t-margins", (t) => t.replace("left: 28, right: 26", "left: 400, right: 26"), /style\.yaml:5:\d+: error TEMPLATE_INVALID: .*left and right margins of 400 \+ 26 mm leave less than 60 mm of the A4 page's 210 mm for text/],
      ["t-margins2", (t) => t.replace("top: 37, bottom: 35", "top: 37, bottom: 235"), /style\.yaml:5:\d+: error TEMPLATE_INVALID: .*top and bottom margins of 37 \+ 235 mm/],
      ["t-negative", (t) => t.replace("left: 28", "left: -5"), /style\.yaml:5:\d+: error TEMPLATE_INVALID: .*a margin is 0 mm or more/],
    ];
    for (const [name, edit, expected] of cases) {
      templateCopy(name, "style.yaml", edit);
      const r = await run("report", "-s", "survey.yaml", "answers.csv", "--template", name, "-o", `${name}.docx`);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(expected);
      expect(existsSync(join(dir, `${name}.docx`)), name).toBe(false);
    }
    const { HIGHLIGHT_COLORS } = await import("../src/report/template.js");
    const { HighlightColor } = await import("docx");
    expect([...HIGHLIGHT_COLORS].sort()).toEqual(Object.values(HighlightColor).sort());
  });

  test("patterns that are each under Liquid's render limit stop at the budget of all of them together", async () => {
    const { loadTemplate } = await import("./helpers/report.js");
    const { renderPattern } = await import("../src/report/template.js");
    const template = loadTemplate("zh-research-report");
    template.renderBudgetMs = 300;
    // About 10–50 ms a render here: far under the 2 s each render may take.
    const slow = "{% for i in (1..20000) %}{% endfor %}{{ x }}";
    const started = Date.now();
    let renders = 0;
    let error: unknown;
    try {
      for (; renders < 10_000; renders++) renderPattern(template, slow, { x: 1 }, "sentences.slow");
    } catch (err) {
      error = err;
    }
    expect(renders).toBeGreaterThan(0);
    expect((error as { diagnostics?: unknown[] }).diagnostics?.[0]).toMatchObject({
      code: "TEMPLATE_INVALID",
      message: expect.stringMatching(/^sentences\.slow: .*(took more than 0\.3 s to render in all|limit)/),
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("a pattern that loops without end stops the report with one located line, quickly", async () => {
    const name = templateCopy("t-loop", "template.yaml", (t) => t.replace(/^( {2}tableCaption: ).*$/m, "$1\"{% for i in (1..1000000000) %}{% endfor %}{{ text }}\""));
    const started = Date.now();
    const r = await run("report", "-s", "survey.yaml", "answers.csv", "--template", name, "-o", "loop.docx");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/error TEMPLATE_INVALID: labels: .*limit/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(existsSync(join(dir, "loop.docx"))).toBe(false);
  }, 60_000);
});
