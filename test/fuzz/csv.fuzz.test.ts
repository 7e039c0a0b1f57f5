/**
 * Answer files as Excel, WPS and 问卷星 really produce them, and worse: generated CSVs (any header, any
 * cells, any delimiter, quoting, line endings and encoding) and byte-level mutations of the fixtures'
 * real exports (truncated, stray quotes, NUL, BOM in the middle, mixed line endings, invalid UTF-8, huge
 * cells, xlsx/xls magic followed by garbage). `validate`, `tally --format json` and `init --from` must keep
 * the contract of harness.ts on every one; `report` on a sample.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import iconv from "iconv-lite";
import * as XLSX from "@e965/xlsx";
import { checkCommands, params, printTried, runs, TEST_TIMEOUT } from "./harness.js";

const fixture = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url));

const ALL_TYPES = fixture("all-types/survey.yaml").toString("utf8");
/** The same definition with every data option that changes how a file is read or judged. */
const ALL_TYPES_STRICT = ALL_TYPES.replace(
  "data:\n  duration_column: 所用时间\n",
  `data:
  duration_column: 所用时间
  id_column: 序号
  encoding: auto
  min_answered: 0.5
  invalid_if: {speeder: 0.3, straightline: true}
`,
);
const TALLY_BASIC = fixture("tally-basic/survey.yaml").toString("utf8");
const SURVEYS = [ALL_TYPES, ALL_TYPES_STRICT, TALLY_BASIC];

/** Real exports: 按选项文本 (UTF-8 with BOM), 按选项序号 (GB18030), and a plain UTF-8 file. */
const SEEDS = [fixture("all-types/answers-text.csv"), fixture("all-types/answers-code.csv"), fixture("tally-basic/answers.csv")];

const HEADER = SEEDS[0]!.subarray(3).toString("utf8").split(/\r?\n/)[0]!.split(",");

/** Cells that mean something to the reader, plus the awkward ones. */
const MEANINGFUL = [
  "党员", "群众", "其他〖退休教师〗", "其他〖", "〗", "〖〗", "非常满意", "不了解", "1", "2", "6", "9", "0", "-3", "-2", "(跳过)",
  "(空)", "缺钱┋缺人", "缺钱┋缺钱┋缺钱", "┋", "┋┋", "经费→人员→场地", "经费→经费", "→", "45", "28岁", "1e400", "-0",
  "NaN", "Infinity", "0x1F", "１８", "18.5", "99999999999999999999", "120秒", "1小时2分", "00:02:03", "9:99:99", "",
  " ", "\u3000", "\u200b", "\ufeff", "=cmd|' /C calc'!A0", "<w:t>&amp;</w:t>", "\u0000", "\u0007",
];

const cell = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...MEANINGFUL) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
);

const headerCell = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HEADER) },
  { weight: 1, arbitrary: fc.constantFrom("第3题(缺钱)", "第3题(其他)", "第4题()", "第99题(x)", "role", "mx.1", "q(", "(", "序号", "") },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);

interface Shape {
  delimiter: string;
  newline: string;
  quoteAll: boolean;
}

function quote(value: string, shape: Shape): string {
  const needs = shape.quoteAll || /["\r\n]/.test(value) || value.includes(shape.delimiter);
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV built from cells: any header, rows of any width, written out correctly (the reader must cope with the content). */
const generatedCsv = fc
  .record({
    header: fc.array(headerCell, { minLength: 0, maxLength: 14 }),
    rows: fc.array(fc.array(cell, { minLength: 0, maxLength: 14 }), { maxLength: 12 }),
    shape: fc.record({
      delimiter: fc.constantFrom(",", ",", "\t", ";", "|"),
      newline: fc.constantFrom("\n", "\r\n", "\r"),
      quoteAll: fc.boolean(),
    }),
    encoding: fc.constantFrom("utf-8", "utf-8-bom", "gb18030", "utf-16le", "latin1"),
    trailingNewline: fc.boolean(),
  })
  .map(({ header, rows, shape, encoding, trailingNewline }) => {
    const lines = [header, ...rows].map((r) => r.map((c) => quote(c, shape)).join(shape.delimiter));
    const text = lines.join(shape.newline) + (trailingNewline ? shape.newline : "");
    return encode(text, encoding);
  });

function encode(text: string, encoding: string): Uint8Array {
  switch (encoding) {
    case "utf-8-bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    case "gb18030":
      return iconv.encode(text, "gb18030");
    case "utf-16le":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "latin1":
      return iconv.encode(text, "latin1");
    default:
      return Buffer.from(text, "utf8");
  }
}

/** Byte strings a broken file is made of. */
const INSERTS: Uint8Array[] = [
  Buffer.from('"'), Buffer.from('""'), Buffer.from('"\n'), Buffer.from("\0"), Buffer.from("\0\0\0\0"), Buffer.from("\r"),
  Buffer.from("\n"), Buffer.from("\r\n"), Buffer.from("\n\n\n"), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]),
  Buffer.from(","), Buffer.from(",,,,,,,,,,"), Buffer.from("\t"), Buffer.from([0xff]), Buffer.from([0xe4, 0xb8]),
  Buffer.from([0x81, 0x30]), Buffer.from([0xc5, 0xae]), Buffer.from("┋"), Buffer.from("〖"), Buffer.from("→"),
  Buffer.from("PK\x03\x04"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
];

type Mutation =
  | { op: "truncate"; at: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "delete"; at: number; length: number }
  | { op: "duplicate"; at: number; length: number; times: number }
  | { op: "newlines"; to: string; every: number }
  | { op: "hugeCell"; at: number; size: number; fill: string };

const position = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("truncate" as const), at: position.map((p) => p) }).map((m) => ({ ...m, at: m.at })),
  fc.record({
    op: fc.constant("insert" as const),
    at: position,
    bytes: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...INSERTS) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  }),
  fc.record({ op: fc.constant("delete" as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant("duplicate" as const), at: position, length: fc.integer({ min: 1, max: 200 }), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ op: fc.constant("newlines" as const), to: fc.constantFrom("\n", "\r", "\r\n", "\n\r"), every: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("hugeCell" as const), at: position, size: fc.integer({ min: 1000, max: 300_000 }), fill: fc.constantFrom("x", "满", '"', ",", "\n", "┋") }),
) as fc.Arbitrary<Mutation>;

function mutate(seed: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const at = "at" in m ? Math.floor(m.at * b.length) : 0;
    switch (m.op) {
      case "truncate":
        b = b.subarray(0, at);
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case "duplicate": {
        const piece = b.subarray(at, at + m.length);
        b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: m.times }, () => piece), b.subarray(at)]);
        break;
      }
      case "newlines": {
        // Only some line ends change: a file of mixed endings.
        let n = 0;
        const text = b.toString("latin1").replace(/\r\n|\n|\r/g, (eol) => (n++ % m.every === 0 ? m.to : eol));
        b = Buffer.from(text, "latin1");
        break;
      }
      case "hugeCell":
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.fill.repeat(m.size)), b.subarray(at)]);
        break;
    }
  }
  return b;
}

const mutatedCsv = fc
  .record({ seed: fc.constantFrom(...SEEDS), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
  .map(({ seed, mutations }) => mutate(seed, mutations));

/** Not text at all: garbage, and garbage behind the magic numbers of zip (xlsx) and OLE (xls). */
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ maxLength: 2000 }).map((g) => Buffer.concat([Buffer.from("PK\x03\x04"), g])),
  fc.uint8Array({ maxLength: 2000 }).map((g) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), g])),
  fc.constantFrom(...SEEDS).map((s) => Buffer.from(s.subarray(0, 0))),
  fc.constant(Buffer.from("\ufeff")),
  fc.constant(Buffer.from(HEADER.join(","))),
  fc.constant(Buffer.from(`${HEADER.join(",")}\r\n`)),
);

/** The 按选项文本 fixture as an .xlsx and a legacy .xls (BIFF8), as 问卷星 downloads them. */
function workbook(bookType: "xlsx" | "biff8"): Uint8Array {
  const rows = SEEDS[0]!.subarray(3).toString("utf8").trim().split("\n").map((l) => l.split(","));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), "Sheet1");
  return XLSX.write(book, { type: "buffer", bookType }) as Uint8Array;
}
const WORKBOOKS: [string, Uint8Array][] = [
  ["answers.xlsx", workbook("xlsx")],
  ["answers.xls", workbook("biff8")],
];
const mutatedWorkbook = fc
  .record({ seed: fc.constantFrom(...WORKBOOKS), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }), asCsv: fc.boolean() })
  .map(({ seed: [name, bytes], mutations, asCsv }) => ({ name: asCsv ? "answers.csv" : name, bytes: mutate(bytes, mutations) }));

const fileName = fc.constantFrom("answers.csv", "answers.csv", "answers.csv", "answers.tsv", "answers.txt", "answers.xlsx", "answers.xls");

const COMMANDS = (name: string) => [
  ["validate", "-s", "survey.yaml", name],
  ["tally", "--format", "json", "-s", "survey.yaml", name],
];

async function property(content: Uint8Array, name: string, survey: string, kind: string, withReport = false, withInit = false): Promise<void> {
  const commands = COMMANDS(name);
  // init --from reads the same exports to draft a definition.
  if (withInit) commands.push(["init", "--from", name, "-o", "draft.yaml"]);
  if (withReport) {
    commands.push(["report", "--no-charts", "--no-narrative", "-s", "survey.yaml", "-o", "out.docx", name]);
    // Charts drawn as pictures put the answers' labels (any character at all) through the SVG renderer.
    commands.push(["report", "--charts", "image", "--no-narrative", "-s", "survey.yaml", "-o", "out-image.docx", name]);
  }
  const problems = await checkCommands({ "survey.yaml": survey, [name]: content }, commands, kind);
  expect(problems).toEqual([]);
}

const surveyArb = fc.constantFrom(...SURVEYS);

describe("answer files, generated and broken", () => {
  afterAll(() => printTried("csv.fuzz"));

  test("generated CSVs: any header, cells, delimiter, quoting, line ending and encoding", async () => {
    await fc.assert(
      fc.asyncProperty(generatedCsv, surveyArb, fc.constantFrom("answers.csv", "answers.tsv"), (csv, survey, name) =>
        property(csv, name, survey, "generated CSV", false, true),
      ),
      params(runs(80)),
    );
  }, TEST_TIMEOUT);

  test("mutated real exports: truncated, stray quotes, NUL, BOM inside, mixed line endings, huge cells", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedCsv, surveyArb, (csv, survey) => property(csv, "answers.csv", survey, "mutated export", false, true)),
      params(runs(70)),
    );
  }, TEST_TIMEOUT);

  test("not text: empty files, header only, binary garbage, xlsx/xls magic then garbage, under every extension", async () => {
    await fc.assert(
      fc.asyncProperty(garbage, fileName, surveyArb, (bytes, name, survey) => property(bytes, name, survey, "garbage", false, true)),
      params(runs(60)),
    );
  }, TEST_TIMEOUT);

  test("mutated .xlsx and .xls workbooks, under their own names and as .csv", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedWorkbook, surveyArb, ({ name, bytes }, survey) => property(bytes, name, survey, "mutated workbook", false, true)),
      params(runs(40)),
    );
  }, TEST_TIMEOUT);

  test("report keeps the contract on broken answers too", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedCsv, generatedCsv), surveyArb, (csv, survey) => property(csv, "answers.csv", survey, "report input", true)),
      params(runs(6)),
    );
  }, TEST_TIMEOUT);
});
