import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/cli.js";

const SURVEY = join(ROOT, "fixtures/report-basic/survey.yaml");
const TALLY = join(ROOT, "fixtures/report-basic/tally.json");

async function report(extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), "survey-report-"));
  const out = join(dir, "调研报告.docx");
  const run = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "-o", out, ...extra], { cwd: dir, env });
  return { ...run, dir, out };
}

async function parts(file: string) {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const read = (name: string) => zip.file(name)!.async("string");
  return { zip, names: Object.keys(zip.files), document: await read("word/document.xml"), styles: await read("word/styles.xml"), read };
}

/** The XML of one paragraph style. */
function style(styles: string, id: string): string {
  const m = new RegExp(`<w:style [^>]*w:styleId="${id}".*?</w:style>`, "s").exec(styles);
  if (!m) throw new Error(`no style ${id}`);
  return m[0];
}

/** The document's text, paragraph by paragraph. */
function paragraphs(document: string): string[] {
  return [...document.matchAll(/<w:p[ >].*?<\/w:p>/gs)].map((p) => [...p[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(""));
}

describe("survey report: the .docx", () => {
  let docx: Awaited<ReturnType<typeof parts>>;
  beforeAll(async () => {
    const r = await report();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/调研报告\.docx: 4 sections, 9 tables, 6 charts/);
    docx = await parts(r.out);
  });

  it("has GB/T 9704 A4 margins in twips", () => {
    expect(docx.document).toContain('<w:pgSz w:w="11906" w:h="16838"');
    // 37, 26, 35 and 28 mm.
    expect(docx.document).toMatch(/<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
  });

  it("sets the title in 2号 方正小标宋简体, centred", () => {
    const s = style(docx.styles, "Title");
    expect(s).toContain('w:eastAsia="方正小标宋简体"');
    expect(s).toContain('<w:sz w:val="44"/>');
    expect(s).toContain('<w:jc w:val="center"/>');
    expect(paragraphs(docx.document)[0]).toBe("关于某社区党建工作的调研报告");
  });

  it("sets headings in 3号 黑体, 楷体_GB2312 and bold 仿宋_GB2312", () => {
    for (const [id, font, bold] of [["Heading1", "黑体", false], ["Heading2", "楷体_GB2312", false], ["Heading3", "仿宋_GB2312", true]] as const) {
      const s = style(docx.styles, id);
      expect(s).toContain(`w:eastAsia="${font}"`);
      expect(s).toContain('<w:sz w:val="32"/>');
      expect(s.includes("<w:b/>")).toBe(bold);
    }
    const text = paragraphs(docx.document);
    expect(text).toEqual(expect.arrayContaining(["一、基本情况", "二、主要做法与成效", "三、存在的问题", "四、对策建议", "（一）推行功能型党组织设置"]));
  });

  it("sets the body in 3号 仿宋_GB2312, Latin in Times New Roman, exact 28.9 pt lines, 2-character indent", () => {
    const s = style(docx.styles, "Normal");
    expect(s).toContain('w:eastAsia="仿宋_GB2312"');
    expect(s).toContain('w:ascii="Times New Roman"');
    expect(s).toContain('<w:sz w:val="32"/>');
    expect(s).toMatch(/<w:spacing [^>]*w:line="578" w:lineRule="exact"/);
    expect(s).toContain('<w:ind w:firstLine="640" w:firstLineChars="200"/>');
  });

  it("numbers pages “— 1 —” in 4号 宋体: odd pages right, even pages left", async () => {
    expect(await docx.read("word/settings.xml")).toContain("<w:evenAndOddHeaders/>");
    expect(docx.document).toMatch(/<w:footerReference w:type="default" r:id="(\w+)"\/>/);
    expect(docx.document).toMatch(/<w:footerReference w:type="even" r:id="(\w+)"\/>/);
    const rels = await docx.read("word/_rels/document.xml.rels");
    const target = (type: string) => {
      const id = new RegExp(`<w:footerReference w:type="${type}" r:id="(\\w+)"/>`).exec(docx.document)![1];
      return new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`).exec(rels)![1]!;
    };
    const odd = await docx.read(`word/${target("default")}`);
    const even = await docx.read(`word/${target("even")}`);
    for (const footer of [odd, even]) {
      expect(footer).toContain("PAGE");
      expect(footer).toContain('w:eastAsia="宋体"');
      expect(footer).toContain('<w:sz w:val="28"/>');
      expect(paragraphs(footer).join("")).toMatch(/^— .*—$/);
    }
    expect(odd).toContain('<w:jc w:val="right"/>');
    expect(even).toContain('<w:jc w:val="left"/>');
  });

  it("draws three-line tables with the caption above", () => {
    const table = /<w:tbl>.*?<\/w:tbl>/s.exec(docx.document)![0];
    expect(table).toMatch(/<w:tblBorders><w:top w:val="single" w:color="000000" w:sz="12"\/>/);
    expect(table).toMatch(/<w:bottom w:val="single" w:color="000000" w:sz="12"\/>/);
    expect(table).toContain('<w:insideV w:val="none"');
    expect(table).toContain('<w:insideH w:val="none"');
    // The rule under the header row.
    expect(table).toMatch(/<w:tblHeader\/>.*?<w:bottom w:val="single" w:color="000000" w:sz="6"\/>/s);
    const before = docx.document.slice(0, docx.document.indexOf("<w:tbl>"));
    expect(paragraphs(before).at(-1)).toBe("表1 调查对象身份构成（N=20）");
    expect(paragraphs(table)).toContain("本题有效填写人次");
  });

  it("embeds native charts with their data, captions below naming N", async () => {
    const charts = docx.names.filter((n) => /^word\/charts\/chart\d+\.xml$/.test(n));
    expect(charts).toHaveLength(6);
    expect(docx.names.filter((n) => n.startsWith("word/embeddings/") && n.endsWith(".xlsx"))).toHaveLength(6);
    const chart = await docx.read("word/charts/chart1.xml");
    expect(chart).toContain("社区干部");
    // The theme gives chart text an East Asian face, so Chinese labels do not fall back.
    expect(await docx.read("word/theme/theme1.xml")).toMatch(/<a:font script="Hans" typeface="仿宋_GB2312"\/>/);
    const text = paragraphs(docx.document);
    expect(text).toContain("图1 您的身份是（N=20）");
  });

  it("keeps every data label on one line (LibreOffice wraps labels in square text boxes)", async () => {
    const labelled = [];
    for (const name of docx.names.filter((n) => /^word\/charts\/chart\d+\.xml$/.test(n))) {
      const xml = await docx.read(name);
      for (const labels of xml.match(/<c:dLbls?>[\s\S]*?<\/c:dLbls?>/g) ?? []) {
        labelled.push(labels);
        expect(labels).not.toMatch(/<a:bodyPr\b[^>]*wrap="square"/);
      }
    }
    expect(labelled.length).toBeGreaterThan(0);
  });

  it("highlights the places left for the author", () => {
    expect(docx.document).toMatch(/<w:highlight w:val="yellow"\/>.*?【请补充：有针对性的对策建议】/s);
  });
});

describe("survey report: options and safety", () => {
  it("gives the same bytes for the same input, and honours SOURCE_DATE_EPOCH", async () => {
    const a = await report();
    const b = await report();
    expect(readFileSync(a.out).equals(readFileSync(b.out))).toBe(true);
    const c = await report([], { SOURCE_DATE_EPOCH: "1563926400" });
    const core = await (await JSZip.loadAsync(readFileSync(c.out))).file("docProps/core.xml")!.async("string");
    expect(core).toContain(">2019-07-24T00:00:00Z</dcterms:created>");
    expect(readFileSync(a.out).equals(readFileSync(c.out))).toBe(false);
  });

  it("gives the same bytes in every time zone", async () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = "Asia/Shanghai";
      const east = await report();
      process.env.TZ = "America/Los_Angeles";
      const west = await report();
      expect(new Date(Date.UTC(2000, 0, 1)).getHours()).toBe(16);
      expect(readFileSync(east.out).equals(readFileSync(west.out))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("never overwrites without --force, and leaves no temporary file", async () => {
    const r = await report();
    writeFileSync(r.out, "keep me");
    const again = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "-o", r.out], { cwd: r.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/OUTPUT_EXISTS/);
    expect(readFileSync(r.out, "utf8")).toBe("keep me");
    const forced = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "-o", r.out, "--force"], { cwd: r.dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(r.out).subarray(0, 2).toString()).toBe("PK");
  });

  it("--no-charts, --no-appendix, --title, --lang en", async () => {
    const r = await report(["--no-charts", "--no-appendix", "--title", "另一个标题", "--no-narrative"]);
    const d = await parts(r.out);
    expect(d.names.some((n) => n.startsWith("word/charts/"))).toBe(false);
    const text = paragraphs(d.document);
    expect(text[0]).toBe("另一个标题");
    expect(text).not.toContain("附件");
    const en = await report(["--lang", "en", "--no-narrative"]);
    const e = paragraphs((await parts(en.out)).document);
    expect(e).toContain("I. Background");
    expect(e).toContain("Appendix");
  });

  it("names report.md:LINE and the unknown name of a typo, exit 2, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "survey-report-"));
    const narrative = join(dir, "report.md");
    writeFileSync(narrative, "## 基本情况\n\n满意率为{{ q3.positveRate | pct }}。\n");
    const r = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "--narrative", "report.md", "-o", "out.docx"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^report\.md:3:\d+: error NARRATIVE_EXPR: unknown name "q3\.positveRate"/);
    expect(existsSync(join(dir, "out.docx"))).toBe(false);
  });

  it("refuses a file that is not a tally, a bad SOURCE_DATE_EPOCH and a name without .docx, in one line each", async () => {
    const dir = mkdtempSync(join(tmpdir(), "survey-report-"));
    writeFileSync(join(dir, "t.json"), '{"hello": 1}');
    const notTally = await runCli(["report", "-s", SURVEY, "--tally", "t.json", "-o", "x.docx"], { cwd: dir });
    expect(notTally.code).toBe(2);
    expect(notTally.stderr).toMatch(/^t\.json: error TALLY_INVALID: is JSON, but not that of `survey tally --format json`/);
    const epoch = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "-o", "x.docx"], { cwd: dir, env: { SOURCE_DATE_EPOCH: "yesterday" } });
    expect(epoch.code).toBe(2);
    expect(epoch.stderr).toMatch(/SOURCE_DATE_EPOCH/);
    const pdf = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "-o", "x.pdf"], { cwd: dir });
    expect(pdf.code).toBe(2);
    for (const r of [notTally, epoch, pdf]) expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(dir, "x.docx"))).toBe(false);
  });

  it("reports a broken template with its file and line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "survey-template-"));
    const zh = join(ROOT, "templates/zh-research-report");
    writeFileSync(join(dir, "style.yaml"), readFileSync(join(zh, "style.yaml")));
    writeFileSync(join(dir, "template.yaml"), readFileSync(join(zh, "template.yaml"), "utf8").replace("coverage: >-\n    本次", "coverage: >-\n    {{ issued | nosuchfilter }}本次"));
    const r = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "--template", dir, "-o", "x.docx"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/template\.yaml: error TEMPLATE_INVALID: sentences\.coverage: undefined filter: nosuchfilter/);
    const missing = await runCli(["report", "-s", SURVEY, "--tally", TALLY, "--template", "no-such-template", "-o", "x.docx"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/template "no-such-template" not found/);
  });
});
