import { cp, mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as XLSX from "@e965/xlsx";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../helpers/memory-io.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The visible text of a .docx body (SheetJS's CFB reads zip containers too). */
async function docxText(path: string): Promise<string> {
  const zip = XLSX.CFB.read(await readFile(path), { type: "buffer" });
  const i = zip.FullPaths.findIndex((p) => p.endsWith("/word/document.xml"));
  const xml = Buffer.from(zip.FileIndex[i]!.content as Uint8Array).toString("utf8");
  return (xml.match(/<w:t[^>]*>[^<]*<\/w:t>/g) ?? []).map((t) => t.replace(/<[^>]+>/g, "")).join("");
}

describe("survey report --each (three villages)", () => {
  it("writes one report per village with that village's numbers, and a JSON summary", async () => {
    const dir = await mkdtemp(join(tmpdir(), "survey-report-each-"));
    await cp(join(root, "fixtures/three-villages"), dir, { recursive: true });
    const io = memoryIo(dir);
    const code = await main(["node", "survey", "report", "--each", "q1", "-o", "reports", "--summary", "json"], io);
    expect(code).toBe(0);
    const summary = JSON.parse(io.out());
    expect(summary).toMatchObject({ each: "q1", written: 3, failed: 0 });
    expect(summary.groups.map((g: { output: string }) => g.output)).toEqual(
      ["黄林村", "龙王河村", "东_西湾村"].map((v) => join("reports", `${v}.docx`)),
    );
    expect((await readdir(join(dir, "reports"))).sort()).toEqual(["东_西湾村.docx", "龙王河村.docx", "黄林村.docx"].sort());
    const returned = { 黄林村: 6, 龙王河村: 5, 东_西湾村: 4 };
    const names = { 黄林村: "黄林村", 龙王河村: "龙王河村", 东_西湾村: "东/西湾村" };
    for (const [file, n] of Object.entries(returned)) {
      const text = await docxText(join(dir, "reports", `${file}.docx`));
      const village = names[file as keyof typeof names];
      // Each report is titled and opened for its own village, with that village's coverage.
      expect(text).toContain(`关于三个村党建工作的调研报告（${village}）`);
      expect(text).toContain(`本次调研在${village}共收回调查问卷${n}份，其中有效问卷${n}份`);
      expect(text).toContain(`本题有效填写人次${n}`);
      // Under 10 people: counts, never a share, in the text of the body.
      const body = text.slice(0, text.indexOf("附件：问卷调查统计结果"));
      expect(body).toMatch(/参与本次调研的有村干部\d人，普通党员\d人，群众\d人。/);
      expect(body.replace(/回收率[\d.]+%|有效率[\d.]+%/g, "")).not.toMatch(/\d%/);
    }
  }, 60_000);
});
