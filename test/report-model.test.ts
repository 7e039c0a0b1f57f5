import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { draftSubject } from "../src/definition/question-kind.js";
import type { TallyResult } from "../src/tally/types.js";
import type { Block, ReportModel } from "../src/report/model.js";
import { SurveyError } from "../src/diagnostics/errors.js";
import { basicFixture, loadTemplate, narrativeOf } from "./helpers/report.js";

const zh = loadTemplate("zh-research-report");
const en = loadTemplate("en-research-report");

function text(blocks: Block[]): string[] {
  return blocks.map((b) => {
    switch (b.kind) {
      case "heading":
        return `${b.number}${b.text}`;
      case "paragraph":
        return `${b.marker ?? ""}${b.runs.map((r) => r.text).join("")}`;
      case "table":
        return `[${b.caption}] ${[b.header, ...b.rows, ...(b.footer ? [b.footer] : [])].map((r) => r.join(" | ")).join(" / ")}`;
      case "figure":
        return `[${b.caption}] ${b.chart.type}: ${b.chart.categories.join(", ")}`;
      case "pageBreak":
        return "----";
    }
  });
}

function outline(m: ReportModel): string[] {
  return [m.title, ...text(m.opening), ...text(m.body)];
}

describe("the report model", () => {
  const { survey, tally, narrativeText } = basicFixture();

  it("reads like the seeds, with the author's narrative", () => {
    const narrative = narrativeOf(narrativeText, zh, tally, survey);
    const model = buildReport(tally, survey, zh, { narrative, reasonLabel: (r) => (r === "duplicate" ? "重复提交" : r) });
    expect(outline(model)).toMatchSnapshot();
  });

  it("writes the coverage sentence and the role sentence from the tally", () => {
    const model = buildReport(tally, survey, zh, { reasonLabel: (r) => (r === "duplicate" ? "重复提交" : r) });
    const all = outline(model).join("\n");
    expect(all).toContain("本次调研共发放调查问卷24份，收回22份，回收率91.7%，其中有效问卷20份，有效率90.9%；剔除无效问卷2份（重复提交2份）。现将调研情况报告如下：");
    expect(all).toContain("参与本次调研的有社区干部6人，普通党员6人，群众8人，分别占30.0%、30.0%、40.0%。");
    expect(all).toContain("从年龄看，30岁及以下3人，占15.0%；31-50岁9人，占45.0%；51岁及以上8人，占40.0%。");
  });

  it("puts the weak results and the leading problem in words under 存在的问题, and compares no group under 10", () => {
    const model = buildReport(tally, survey, zh);
    const lines = text(model.body);
    const problems = lines.slice(lines.indexOf("三、存在的问题"), lines.indexOf("四、对策建议")).join("\n");
    // 为民服务: 9 of 19 positive; 5 of 19 negative.
    expect(problems).toContain("从评价结果看，被调查者对“为民服务”的满意率仅为47.4%，26.3%的被调查者表示“不太满意”或“很不满意”。");
    // 缺钱: 14 of 20 respondents.
    expect(problems).toContain("问卷调查显示，有七成（70.0%）的被调查者认为社区党建工作存在的最大困难是“缺钱”，其次是“缺人”（50.0%）和“缺场地”（30.0%）。");
    // The roles have 6, 6 and 8 respondents: none is given a percentage of its own, so nothing is compared.
    expect(lines.join("\n")).not.toMatch(/明显|群众的满意率|社区干部的/);
    expect(model.body.some((b) => b.kind === "figure" && b.caption.includes("不同身份"))).toBe(false);
  });

  it("names the largest material difference between groups of 10 or more, with its chart", () => {
    // The same answers three times over: the shares are unchanged, the groups are 18, 18 and 24.
    const model = buildReport(scaled(tally, 3), survey, zh);
    const lines = text(model.body);
    const problems = lines.slice(lines.indexOf("三、存在的问题"), lines.indexOf("四、对策建议")).join("\n");
    // 社区服务: 社区干部 18 of 18 positive, 群众 9 of 24.
    expect(problems).toContain("不同身份的被调查者对社区服务的评价差异明显：群众的满意率为37.5%，明显低于社区干部的100.0%。");
    expect(problems).toMatch(/\[图1 不同身份被调查者对社区服务的满意率（N=60）\] grouped: 社区干部（n=18）, 普通党员（n=18）, 群众（n=24）/);
    // No χ² in the body unless asked.
    expect(problems).not.toContain("χ²");
    expect(text(buildReport(scaled(tally, 3), survey, zh, { technical: true }).body).join("\n")).toMatch(/明显低于社区干部的100.0%（χ²=\d+\.\d\d，p[<=]/);
  });

  it("orders the results strongest first and numbers tables and figures in print order", () => {
    const model = buildReport(tally, survey, zh);
    const lines = text(model.body);
    const practices = lines.slice(lines.indexOf("二、主要做法与成效"), lines.indexOf("三、存在的问题"));
    expect(practices.join("\n")).toContain("调查显示，被调查者对“党员教育管理”的满意率达到80.0%（其中“非常满意”50.0%，“比较满意”30.0%）；对社区服务的满意率达到70.0%。");
    const captions = [...model.opening, ...model.body].flatMap((b) => (b.kind === "table" || b.kind === "figure" ? [b.caption] : []));
    const tables = captions.filter((c) => c.startsWith("表")).map((c) => Number(/^表(\d+)/.exec(c)![1]));
    expect(tables).toEqual(tables.map((_, i) => i + 1));
    expect(captions.every((c) => /N=\d+/.test(c))).toBe(true);
  });

  it("leaves out what the definition does not say", () => {
    const bare = { ...survey, purpose: undefined, period: undefined, organization: undefined, methods: [] };
    expect(outline(buildReport(tally, bare, zh))[1]).toBe("【请补充：调研的背景和目的】");
    const noPeriod = { ...survey, purpose: "", period: "" };
    expect(outline(buildReport(tally, noPeriod, zh))[1]).toBe("某镇党委对某社区党建工作进行了专题调研。本次调研主要采取发放调查问卷、召开座谈会的方式进行。");
  });

  it("without a narrative, marks a place for the author in every section and beside each problem", () => {
    const model = buildReport(tally, survey, zh);
    const placeholders = text(model.body.filter((b) => b.kind === "paragraph" && b.runs.some((r) => r.placeholder)));
    expect(placeholders).toEqual([
      "【请补充：调研对象和调研地区的基本情况】",
      "【请补充：主要做法与取得的成效，可分（一）（二）（三）逐条写】",
      "【请补充：存在的主要问题及原因分析】",
      "【请补充：有针对性的对策建议】",
      "【请补充：针对“缺钱”问题的对策建议】",
      "【请补充：针对“为民服务”满意率偏低的对策建议】",
    ]);
  });

  it("closes with the attachment note, the 落款 and the date, then the appendix and its 说明", () => {
    const lines = text(buildReport(tally, survey, zh, { date: { y: 2019, m: 7, d: 30 } }).body);
    const at = lines.indexOf("附件：问卷调查统计结果");
    // One blank line above the attachment note, two above the 落款 (GB/T 9704).
    expect(lines.slice(at - 1, at + 8)).toEqual(["", "附件：问卷调查统计结果", "", "", "某镇党委", "2019年7月30日", "----", "附件", "问卷调查统计结果"]);
    expect(lines[at + 8]).toMatch(/^说明：表中比例均以本题有效填写人次为基数/);
    const dated = text(buildReport(tally, { ...survey, date: "2019年8月1日", organization: undefined }, zh).body);
    expect(dated.slice(dated.indexOf("附件：问卷调查统计结果") + 3, dated.indexOf("----"))).toEqual(["【请补充：调研单位】", "2019年8月1日"]);
  });

  it("titles and opens a per-group report for its group", () => {
    const model = buildReport(tally, survey, zh, { group: "黄林社区" });
    expect(model.title).toBe("关于某社区党建工作的调研报告（黄林社区）");
    expect(text(model.opening).join("")).toContain("本次调研在黄林社区共发放调查问卷24份");
  });

  it("leaves out charts and the appendix on request", () => {
    const model = buildReport(tally, survey, zh, { charts: false, appendix: false });
    expect(model.body.some((b) => b.kind === "figure")).toBe(false);
    expect(text(model.body)).not.toContain("附件");
  });

  it("has an English template with the same structure", () => {
    const model = buildReport(tally, survey, en, { reasonLabel: () => "duplicate" });
    const lines = outline(model);
    expect(lines).toContain("I. Background");
    expect(lines).toContain("IV. Recommendations");
    expect(lines.join("\n")).toContain("24 questionnaires were handed out and 22 returned (91.7%), of which 20 were valid (90.9%)");
    expect(lines.join("\n")).toContain("The respondents were 6 社区干部 (30.0%), 6 普通党员 (30.0%) and 8 群众 (40.0%).");
  });
});

describe("the narrative", () => {
  const { survey, tally } = basicFixture();

  function failure(source: string): { code: string; line?: number; message: string } {
    try {
      narrativeOf(source, zh, tally, survey);
    } catch (err) {
      expect(err).toBeInstanceOf(SurveyError);
      const d = (err as SurveyError).diagnostics[0]!;
      return { code: d.code, line: d.line, message: d.message };
    }
    throw new Error("no error");
  }

  it("names the line and the unknown name of a typo", () => {
    const f = failure("## 基本情况\n\n第一段。\n\n满意率为{{ q3.positveRate | pct }}。\n");
    expect(f).toMatchObject({ code: "NARRATIVE_EXPR", line: 5 });
    expect(f.message).toContain("q3.positveRate");
    expect(failure("text\n{{ q99 }}")).toMatchObject({ code: "NARRATIVE_EXPR", line: 2 });
    expect(failure("{{ q3.positiveRate | percent }}").code).toBe("NARRATIVE_EXPR");
    expect(failure("x\n\n{{ q3.positiveRate | pct ").code).toBe("NARRATIVE_EXPR");
  });

  it("is sandboxed: no files, no runaway loops, no prototype walks", () => {
    expect(failure("{% include '/etc/passwd' %}").code).toBe("NARRATIVE_EXPR");
    expect(failure("{% render '../../package.json' %}").code).toBe("NARRATIVE_EXPR");
    expect(failure("{% for i in (1..100000000) %}{{ i }}{% endfor %}").code).toBe("NARRATIVE_EXPR");
    expect(failure("{{ q3.constructor.name }}").code).toBe("NARRATIVE_EXPR");
  });

  it("rejects a ## that is no section, naming its line", () => {
    expect(failure("intro\n\n## 调研方法\n")).toMatchObject({ code: "NARRATIVE_SECTION", line: 3 });
  });

  it("accepts the titles a template lists as aliases: a Chinese narrative under the English template", () => {
    const { survey, tally } = basicFixture();
    const en = loadTemplate("en-research-report");
    const n = narrativeOf("## 基本情况\n\n甲。\n\n## 存在问题\n\n乙。\n\n## Recommendations\n\n丙。\n", en, tally, survey);
    expect(Object.keys(n.sections).sort()).toEqual(["problems", "situation", "suggestions"]);
    const zh = loadTemplate("zh-research-report");
    expect(Object.keys(narrativeOf("## Practices and results\n\n甲。\n", zh, tally, survey).sections)).toEqual(["practices"]);
  });

  it("parses Markdown: numbered and plain titles, bold, lists, tables, sub-headings", () => {
    const n = narrativeOf(
      "# 标题\n\n开头。\n\n## 二、主要做法与成效\n\n**加粗**和*斜体*。\n\n### 小标题\n\n1. 第一\n2. 第二\n\n| a | b |\n| - | -: |\n| 1 | {{ q3.base }} |\n",
      zh,
      tally,
      survey,
    );
    expect(n.title).toBe("标题");
    expect(n.opening).toEqual([{ kind: "paragraph", runs: [{ text: "开头。" }] }]);
    const p = n.sections.practices!;
    expect(p[0]).toEqual({ kind: "paragraph", runs: [{ text: "加粗", bold: true }, { text: "和" }, { text: "斜体", italic: true }, { text: "。" }] });
    expect(p[1]).toMatchObject({ kind: "heading", level: 2, text: "小标题" });
    expect(p[2]).toMatchObject({ marker: "1.", runs: [{ text: "第一" }] });
    expect(p[4]).toMatchObject({ kind: "table", header: ["a", "b"], rows: [["1", "20"]], align: ["left", "right"] });
  });
});

describe("draftSubject: a question as a noun phrase in a sentence", () => {
  it.each([
    ["您的年龄", "number", "年龄"],
    ["您所在的社区：", "single", "所在社区"],
    ["您认为社区党建工作存在的最大困难是\uff08可多选\uff09", "multi", "社区党建工作存在的最大困难"],
    ["您认为社区党建工作存在的最大困难是(最多选三项)", "multi", "社区党建工作存在的最大困难"],
  ] as const)("%s → %s", (text, type, subject) => {
    expect(draftSubject(text, type)).toBe(subject);
  });
});

/** A tally of the same answers `k` times over: every share is unchanged, every count and base is k times as large. */
function scaled(t: TallyResult, k: number): TallyResult {
  const out = structuredClone(t);
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) return o.forEach(walk);
    if (!o || typeof o !== "object") return;
    for (const [key, v] of Object.entries(o)) {
      if (typeof v === "number" && ["count", "base", "answered", "n", "valid", "returned"].includes(key)) (o as Record<string, number>)[key] = v * k;
      else walk(v);
    }
  };
  walk(out.roles);
  walk(out.questions);
  return out;
}
