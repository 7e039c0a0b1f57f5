import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as XLSX from "@e965/xlsx";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { tallySurvey } from "../src/pipeline/index.js";
import { SHARED } from "./helpers/cli.js";
import { loadFixtureSurvey, plain, readAll } from "./helpers/read.js";

const dir = join(SHARED, "realdata/wjx-800");
const present = existsSync(join(dir, "wjx-800-text.xls"));

/** Saves a workbook's first sheet as Excel on Chinese Windows would: CSV in GB18030, or CSV UTF-8 with BOM. */
function saveAsCsv(xls: string, out: string, encoding: "gb18030" | "utf-8-bom"): string {
  const wb = XLSX.read(readFileSync(xls), { type: "buffer" });
  const csv = XLSX.utils.sheet_to_csv(wb.Sheets[wb.SheetNames[0]!]!, { RS: "\r\n" });
  writeFileSync(out, encoding === "gb18030" ? iconv.encode(csv, "gb18030") : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
  return out;
}

describe.skipIf(!present)("the real 问卷星 export (../shared/realdata/wjx-800)", () => {
  const survey = loadFixtureSurvey("wjx800/survey.yaml");

  it("reads the 按文本 and 按序号 .xls files, and their CSV saves, into identical answers for all 800 rows", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "survey-wjx-"));
    const inputs: string[] = [];
    for (const form of ["text", "code"]) {
      const xls = join(dir, `wjx-800-${form}.xls`);
      inputs.push(xls, saveAsCsv(xls, join(tmp, `${form}-gb.csv`), "gb18030"), saveAsCsv(xls, join(tmp, `${form}-bom.csv`), "utf-8-bom"));
    }
    const reads = [];
    for (const file of inputs) {
      const { responses, diagnostics } = await readAll(survey, [file]);
      expect(diagnostics, file).toEqual([]);
      expect(responses).toHaveLength(800);
      reads.push(responses.map((r) => plain(survey, r)));
    }
    for (const read of reads.slice(1)) expect(read).toEqual(reads[0]);
  });

  it("keeps 其他〖…〗 fill-ins of the 按文本 form and counts what 问卷星 counts", async () => {
    const { responses } = await readAll(survey, [join(dir, "wjx-800-text.xls")]);
    const price = survey.items.findIndex((i) => i.id === "price");
    const others = responses.flatMap((r) => {
      const a = r.answers[price]!;
      return a.kind === "choice" && a.others ? a.others.map((o) => o.text) : [];
    });
    expect(others.sort()).toEqual(["亲友赠送的", "我妈买的。"]);
    const hobbies = survey.items.findIndex((i) => i.id === "hobbies");
    const count = (code: number) => responses.filter((r) => {
      const a = r.answers[hobbies]!;
      return a.kind === "choice" && a.codes.includes(code);
    }).length;
    // Counted independently from the raw cells with a spreadsheet filter: 运动 479, 美食 492, 其他 2.
    expect([count(1), count(4), count(14)]).toEqual([479, 492, 2]);
  });

  it("tallies its CSV saves (UTF-8 with BOM, GB18030) by the fast path, cut into small ranges read by a worker thread, as the general reader and the .xls do", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "survey-wjx-fast-"));
    for (const [form, encoding] of [["text", "utf-8-bom"], ["code", "utf-8-bom"], ["text", "gb18030"], ["code", "gb18030"]] as const) {
      const xls = join(dir, `wjx-800-${form}.xls`);
      const csv = saveAsCsv(xls, join(tmp, `${form}-${encoding}.csv`), encoding);
      const files = [{ path: csv, name: "answers.csv" }];
      const aside: string[] = [];
      const fast = await tallySurvey(survey, files, { fast: { threads: 2, parallelFrom: 0, rangeBytes: 4000, onStepAside: (w) => void aside.push(w) } });
      expect(aside).toEqual([]);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(await tallySurvey(survey, files, { reader: "general" })));
      expect(fast.questions).toEqual((await tallySurvey(survey, [{ path: xls, name: "answers.csv" }])).questions);
    }
  });
});
