import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/cli.js";

/**
 * Issue 18 item 1, read as a reader reads it: the second round of fixtures/two-waves reported with
 * --previous, converted to PDF by LibreOffice and read back by pdftotext. Every change sentence is checked
 * against the counts in fixtures/two-waves/*\/survey.yaml, worked out here by hand. Skipped where
 * LibreOffice is not installed, unless SURVEY_REQUIRE_LIBREOFFICE=1 (as in test/report-pdf.test.ts).
 */
const has = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: "ignore" }).status === 0;
const available = has("soffice", "--version") && has("pdftotext", "-v");
const required = process.env.SURVEY_REQUIRE_LIBREOFFICE === "1";

describe.skipIf(!available && !required)("the two-waves report in LibreOffice", () => {
  it("says every change true to its numbers", async () => {
    expect(available, "soffice and pdftotext must be installed (SURVEY_REQUIRE_LIBREOFFICE=1)").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "survey-waves-pdf-"));
    const waves = join(ROOT, "fixtures/two-waves");
    expect((await runCli(["tally", "-s", join(waves, "2025/survey.yaml"), "--format", "json", "-o", "2025.json"], { cwd: dir })).code).toBe(0);
    const r = await runCli(["report", "-s", join(waves, "2026/survey.yaml"), "--previous", "2025.json", "-o", "2026.docx"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const convert = spawnSync(
      "soffice",
      [`-env:UserInstallation=${pathToFileURL(join(dir, "profile")).href}`, "--headless", "--convert-to", "pdf", "--outdir", dir, join(dir, "2026.docx")],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(convert.status, convert.stderr).toBe(0);
    // Lines wrap anywhere in Chinese text and sentences run over page feet: compare without white space and page numbers.
    const flat = spawnSync("pdftotext", [join(dir, "2026.pdf"), "-"], { encoding: "utf8" }).stdout.replace(/\s+/g, "").replace(/—\d+—/g, "");

    // q6: 5/20 = 25.0% → 20/25 = 80.0%, +55.0 points; z = 0.55/√(25/45 · 20/45 · (1/20 + 1/25)) = 3.69, p = 0.0002
    // s2 (q2 before): 12/20 = 60.0% → 18/25 = 72.0%, +12.0 points; z = 0.85, p = 0.40: nothing said of the margin
    expect(flat).toContain("对党员教育管理的满意率达到80.0%（其中“非常满意”32.0%，“比较满意”48.0%），比2025年提高55.0个百分点，变化超出抽样误差；对社区服务的满意率达到72.0%，比2025年提高12.0个百分点。");
    // q3: 缺钱 10/20 = 50.0% → 9/25 = 36.0%, −14.0 points; p = 0.35
    expect(flat).toContain("认为社区工作存在的最大困难是“缺钱”，比2025年下降14.0个百分点，其次是“缺人”（32.0%）");
    // q4: 为民服务 12/20 = 15/25 = 60.0%
    expect(flat).toContain("被调查者选择最多的是“为民服务”（60.0%），与2025年基本持平");
    // q7 is new: its rate is stated without a change
    expect(flat).toContain("对环境卫生的满意率为60.0%，20.0%的被调查者");
    // no other change is claimed
    expect(flat.match(/比2025年(提高|上升|下降)|与2025年基本持平/gu)).toHaveLength(4);
    // the appendix: the columns named by the periods, the changes as signed points, the note, the rule
    // (row by row: where a table starts a page, pdftotext may give its last header cell after the rows)
    expect(flat).toContain("选项小计2026年2025年");
    expect(flat).toContain("变化（百分点）");
    expect(flat).toContain("缺钱936.0%50.0%-14.0缺人832.0%30.0%+2.0缺场地416.0%20.0%-4.0缺制度416.0%——");
    expect(flat).toContain("满意率：72.0%（2025年为60.0%，变化+12.0个百分点）；平均分：3.96（2025年为3.65，变化+0.31）");
    expect(flat).toContain("与2025年相比，本题新增“缺制度”（无2025年数据）。");
    expect(flat).toContain("称变化“超出抽样误差”的，经两比例z检验在0.05水平上显著；2025年的“您对村务公开的满意程度”本轮未设；");
  }, 180_000);
});
