import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { resolveFiles } from "../src/cli/context.js";
import { pct } from "../src/report/format.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { memoryIo } from "./helpers/memory-io.js";
import { loadFixtureSurvey } from "./helpers/read.js";

/**
 * The real reader: LibreOffice converts the example report to PDF and pdftotext reads it back. Skipped
 * where LibreOffice is not installed, unless SURVEY_REQUIRE_LIBREOFFICE=1 (set by .ci/run, which installs
 * it), where a missing LibreOffice fails the test instead.
 */
const has = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: "ignore" }).status === 0;
const available = has("soffice", "--version") && has("pdftotext", "-v");
const required = process.env.SURVEY_REQUIRE_LIBREOFFICE === "1";

describe.skipIf(!available && !required)("the example report in LibreOffice", () => {
  it("converts to a PDF whose text has the title, the four sections, the coverage and role sentences", async () => {
    expect(available, "soffice and pdftotext must be installed (SURVEY_REQUIRE_LIBREOFFICE=1)").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "survey-pdf-"));
    const survey = join(ROOT, "fixtures/example/survey.yaml");
    const r = await runCli(["report", "-s", survey, "-o", "example.docx"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    const convert = spawnSync(
      "soffice",
      [`-env:UserInstallation=${pathToFileURL(join(dir, "profile")).href}`, "--headless", "--convert-to", "pdf", "--outdir", dir, join(dir, "example.docx")],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(convert.status, convert.stderr).toBe(0);
    expect(existsSync(join(dir, "example.pdf"))).toBe(true);
    const text = spawnSync("pdftotext", [join(dir, "example.pdf"), "-"], { encoding: "utf8" }).stdout;
    // Lines wrap anywhere in Chinese text, and a sentence may run over a page foot: compare without white
    // space and page numbers.
    const flat = text.replace(/\s+/g, "").replace(/—\d+—/g, "");

    const def = loadFixtureSurvey("example/survey.yaml");
    const tally = await tallySurvey(def, await resolveFiles(memoryIo(ROOT), def, []));
    const { issued, returned, valid, validRate, responseRate } = tally.responses;
    expect(flat).toContain("关于青山镇农村社区党建工作的调研报告");
    for (const heading of ["一、基本情况", "二、主要做法与成效", "三、存在的问题", "四、对策建议", "附件"]) expect(flat).toContain(heading);
    expect(flat).toContain(`本次调研共发放调查问卷${issued}份，收回${returned}份，回收率${pct(responseRate)}，其中有效问卷${valid}份，有效率${pct(validRate)}`);
    const roles = tally.roles!.counts.filter((c) => c.count > 0);
    expect(roles.reduce((s, c) => s + c.count, 0)).toBe(tally.questions.q1!.answered);
    expect(flat).toContain(`参与本次调研的有${roles.map((c) => `${c.label}${c.count}人`).join("，")}，分别占${roles.map((c) => pct(c.pct)).join("、")}。`);
    // The page numbers.
    expect(text.replace(/\s+/g, "")).toContain("—1—");
    expect(readFileSync(join(dir, "example.pdf")).subarray(0, 4).toString()).toBe("%PDF");
  }, 180_000);

  it("lays out the pages: no heading or table caption at a page's foot, short tables on one page, 28 characters a line", async () => {
    expect(available, "soffice and pdftotext must be installed (SURVEY_REQUIRE_LIBREOFFICE=1)").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "survey-pdf-"));
    const r = await runCli(["report", "-s", join(ROOT, "fixtures/example/survey.yaml"), "-o", "example.docx"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const convert = spawnSync(
      "soffice",
      [`-env:UserInstallation=${pathToFileURL(join(dir, "profile")).href}`, "--headless", "--convert-to", "pdf", "--outdir", dir, join(dir, "example.docx")],
      { encoding: "utf8", timeout: 120_000 },
    );
    expect(convert.status, convert.stderr).toBe(0);
    const layout = spawnSync("pdftotext", ["-layout", join(dir, "example.pdf"), "-"], { encoding: "utf8" }).stdout;
    // Each page's lines, without blank lines and the page number.
    const pages = layout
      .split("\f")
      .map((page) => page.split("\n").map((l) => l.trim()).filter((l) => l && !/^—\s*\d+\s*—$/.test(l)))
      .filter((lines) => lines.length > 0);
    expect(pages.length).toBeGreaterThan(10);

    // A heading (一、 （一） 第N题) or a table's caption is never the last line of a page.
    // pdftotext puts a space where the face changes, between 表 and its number.
    const heading = /^(第\s*\d+\s*题|表\s*\d+\s|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)/;
    for (const [i, lines] of pages.entries()) expect(lines.at(-1), `page ${i + 1}`).not.toMatch(heading);

    // A table of up to 15 rows (the example's are 3 to 12) is on the page of its caption, down to its total.
    const where = pages.flatMap((lines, page) => lines.map((line) => ({ line, page })));
    let tables = 0;
    for (const [k, { line, page }] of where.entries()) {
      if (!/^表\s*\d+\s/.test(line)) continue;
      const end = where.slice(k + 1, k + 17).find((l) => l.line.startsWith("本题有效填写人次"));
      if (!end) continue;
      tables++;
      expect(end.page, line).toBe(page);
    }
    expect(tables).toBeGreaterThanOrEqual(8);

    // Body lines hold 28 characters (GB/T 9704), a 29th only when it is punctuation hanging in the margin.
    const chinese = where.map((l) => l.line).filter((l) => /^[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e“”‘’—]+$/.test(l));
    const longest = Math.max(...chinese.map((l) => [...l].length));
    expect(longest).toBeGreaterThanOrEqual(28);
    expect(longest).toBeLessThanOrEqual(29);
    for (const l of chinese.filter((c) => [...c].length === 29)) expect(l, l).toMatch(/[，。、；：”）]$/);
  }, 180_000);
});
