/**
 * Lying spreadsheets (issue 19): files whose name says workbook and whose bytes say something else, or
 * whose content declares more than it holds. SYLK, DIF and SpreadsheetML texts naming far cells, HTML
 * tables with huge spans, BIFF5 workbooks in code page 936, CSV and HTML in GBK under an .xls name, .xlsx files whose used
 * range reaches any cell, and each of them cut short or with bytes flipped. `validate`, `tally --format
 * json` and `init --from` must keep the contract of harness.ts on every one, within its time bound: an
 * allocation of the declared range would not finish (or would end the test process).
 */
import { afterAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import iconv from "iconv-lite";
import * as XLSX from "@e965/xlsx";
import { readFileSync } from "node:fs";
import { biff5Gbk, csvGbk, htmlGbk, workbook, xlsxWithFarCell } from "../helpers/lying-files.js";
import { checkCommands, params, printTried, runs, TEST_TIMEOUT } from "./harness.js";

const SURVEY = readFileSync(new URL("../../fixtures/all-types/survey.yaml", import.meta.url), "utf8");
const HEADER = ["序号", "所用时间", "1、您的身份是：", "2、您对社区服务的满意程度", "6、您的年龄", "7、您不满意的原因是"];

const cellText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("党员", "群众", "非常满意", "一般", "很不满意", "45", "120秒", "(跳过)", "", "其他〖退休〗", "女") },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
);
/** Rows of the header above, some cells anything. */
const rows = fc.array(fc.array(cellText, { minLength: HEADER.length, maxLength: HEADER.length }), { maxLength: 8 }).map((r) => [HEADER, ...r]);
/** GBK cannot hold every character: rows of cells it can, for the code-page files. */
const gbkRows = rows.map((r) => r.map((row) => row.map((c) => iconv.decode(iconv.encode(c, "gbk"), "gbk").replace(/[\u0000-\u001f"<>&,]/g, ""))));

/** A coordinate: mostly small, sometimes at or past Excel's limits, sometimes absurd. */
const coordinate = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 2, arbitrary: fc.constantFrom(256, 16_384, 16_385, 65_536, 100_000, 1_048_576, 1_048_577) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000_000_000 }) },
);

const sylk = fc
  .record({ cells: fc.array(fc.tuple(coordinate, coordinate, cellText), { minLength: 1, maxLength: 6 }), bounds: fc.option(fc.tuple(coordinate, coordinate)), gbk: fc.boolean() })
  .map(({ cells, bounds, gbk }) => {
    const lines = ["ID;PWXL;N;E", ...(bounds ? [`B;Y${bounds[0]};X${bounds[1]}`] : []), ...cells.map(([y, x, v]) => `C;Y${y};X${x};K"${v.replace(/"/g, "")}"`), "E", ""];
    const text = lines.join("\r\n");
    return gbk ? iconv.encode(text, "gbk") : Buffer.from(text);
  });

const dif = fc.tuple(coordinate, coordinate, rows).map(([vectors, tuples, r]) =>
  Buffer.from(
    [
      "TABLE", "0,1", '""', "VECTORS", `0,${vectors}`, '""', "TUPLES", `0,${tuples}`, '""', "DATA", "0,0", '""',
      ...r.flatMap((row) => ["-1,0", "BOT", ...row.flatMap((c) => ["1,0", `"${c.replace(/"/g, "")}"`])]),
      "-1,0", "EOD", "",
    ].join("\r\n"),
  ),
);

const html = fc
  .record({ r: rows, rowspan: fc.option(coordinate), colspan: fc.option(coordinate), gbk: fc.boolean() })
  .map(({ r, rowspan, colspan, gbk }) => {
    const spans = `${rowspan ? ` rowspan="${rowspan}"` : ""}${colspan ? ` colspan="${colspan}"` : ""}`;
    const body = r.map((row, i) => `<tr>${row.map((c, j) => `<td${i === 1 && j === 0 ? spans : ""}>${c.replace(/[<&]/g, "")}</td>`).join("")}</tr>`).join("\n");
    const text = `<html><head><meta charset="${gbk ? "gbk" : "utf-8"}"></head><body><table>${body}</table></body></html>`;
    return gbk ? iconv.encode(text, "gbk") : Buffer.from(text);
  });

/** SpreadsheetML 2003: rows and cells placed by ss:Index. */
const spreadsheetMl = fc.tuple(rows, fc.array(fc.tuple(coordinate, coordinate, cellText), { maxLength: 3 })).map(([r, far]) =>
  Buffer.from(
    `<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>${r
      .map((row) => `<Row>${row.map((c) => `<Cell><Data ss:Type="String">${c.replace(/[<&]/g, "")}</Data></Cell>`).join("")}</Row>`)
      .join("")}${far
      .sort((a, b) => a[0] - b[0])
      .map(([y, x, c]) => `<Row ss:Index="${y + r.length}"><Cell ss:Index="${x}"><Data ss:Type="String">${c.replace(/[<&]/g, "")}</Data></Cell></Row>`)
      .join("")}</Table></Worksheet></Workbook>`,
  ),
);

const farCell = fc.tuple(rows, coordinate, fc.integer({ min: 1, max: 16_384 })).map(([r, row, col]) =>
  xlsxWithFarCell(r, XLSX.utils.encode_cell({ r: Math.min(row, 1_048_576) - 1, c: col - 1 })),
);

const codePage = fc.oneof(
  gbkRows.map((r) => biff5Gbk(r)),
  gbkRows.map((r) => htmlGbk(r)),
  gbkRows.map((r) => csvGbk(r)),
  rows.map((r) => workbook(r, "biff8")),
);

/** A file cut short, or with a few bytes changed: a damaged download. */
function damaged(base: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  return fc.tuple(base, fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.boolean()).map(
    ([bytes, cut, flips, truncate]) => {
      const out = Buffer.from(truncate ? bytes.subarray(0, Math.floor(bytes.length * cut)) : bytes);
      for (const [at, value] of flips) if (out.length) out[Math.floor(at * (out.length - 1))] = value;
      return out;
    },
  );
}

const lying = fc.oneof(sylk, dif, html, spreadsheetMl, farCell, codePage, damaged(fc.oneof(sylk, html, spreadsheetMl, codePage, farCell)));
const spreadsheetName = fc.constantFrom("answers.xls", "answers.xls", "answers.xlsx", "answers.et", "answers.csv");

async function property(content: Uint8Array, name: string, kind: string): Promise<void> {
  const commands = [
    ["validate", "-s", "survey.yaml", name],
    ["tally", "--format", "json", "-s", "survey.yaml", name],
    ["init", "--from", name, "-o", "draft.yaml"],
  ];
  const problems = await checkCommands({ "survey.yaml": SURVEY, [name]: content }, commands, kind);
  expect(problems).toEqual([]);
}

describe("lying spreadsheets", () => {
  afterAll(() => printTried("spreadsheet.fuzz"));

  test("SYLK, DIF and HTML texts, far cells, code pages, damaged copies: a result or one located error, in time", async () => {
    await fc.assert(
      fc.asyncProperty(lying, spreadsheetName, (bytes, name) => property(bytes, name, "lying spreadsheet")),
      params(runs(40)),
    );
  }, TEST_TIMEOUT);

  test("a GBK workbook or text read by its code page gives the Chinese text, never Latin-1 mojibake", async () => {
    await fc.assert(
      fc.asyncProperty(
        gbkRows.filter((r) => r.length > 1 && r.slice(1).some((row) => row.some((c) => /[\u4e00-\u9fff]/.test(c)))),
        fc.constantFrom("biff5", "html", "csv"),
        async (r, form) => {
          const bytes = form === "biff5" ? biff5Gbk(r) : form === "html" ? htmlGbk(r) : csvGbk(r);
          const { openTable } = await import("../../src/io/table.js");
          const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
          const { join } = await import("node:path");
          const { tmpdir } = await import("node:os");
          const dir = mkdtempSync(join(tmpdir(), "survey-gbk-"));
          try {
            writeFileSync(join(dir, "answers.xls"), bytes);
            const table = await openTable({ path: join(dir, "answers.xls"), name: "answers.xls" }, { encoding: "auto", onDiagnostic: () => {} });
            const read: string[][] = [table.header];
            for await (const row of table.rows) read.push(row.cells);
            const text = (rs: string[][]) => rs.flat().map((c) => c.trim()).filter((c) => /[\u4e00-\u9fff]/.test(c));
            expect(text(read)).toEqual(text(r));
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      params(runs(25)),
    );
  }, TEST_TIMEOUT);
});
