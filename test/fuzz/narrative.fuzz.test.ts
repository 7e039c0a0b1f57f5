/**
 * The author's narrative (report.md) as people write it and as an attacker would: Markdown of every kind
 * mixed with Liquid expressions, right, wrong and hostile (unknown names, broken tags, prototype walks,
 * includes of files, loops without end, huge ranges, filters given nonsense). Parsing and building the
 * report model must either succeed or throw a SurveyError whose every diagnostic names report.md, in
 * bounded time; `survey report --narrative` must keep the contract of harness.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { parseSurvey } from "../../src/definition/load.js";
import { formatDiagnostic } from "../../src/diagnostics/diagnostic.js";
import { SurveyError } from "../../src/diagnostics/errors.js";
import { buildReport } from "../../src/report/build.js";
import { narrativeContext } from "../../src/report/context.js";
import { parseNarrative } from "../../src/report/narrative.js";
import { parseTemplate, type Template } from "../../src/report/template.js";
import type { TallyResult } from "../../src/tally/types.js";
import { checkCommands, count, params, printTried, runs, TEST_TIMEOUT } from "./harness.js";

const root = new URL("../../", import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), "utf8");

function template(name: string): Template {
  const dir = new URL(`templates/${name}/`, root);
  const files = Object.fromEntries(readdirSync(dir).filter((f) => /\.(ya?ml|liquid)$/.test(f)).map((f) => [f, readFileSync(new URL(f, dir), "utf8")]));
  return parseTemplate(name, files, `templates/${name}`);
}

const SURVEY_TEXT = read("fixtures/report-basic/survey.yaml");
const TALLY_TEXT = read("fixtures/report-basic/tally.json");
const NARRATIVE = read("fixtures/report-basic/report.md");
const survey = parseSurvey(SURVEY_TEXT).survey!;
const tally = JSON.parse(TALLY_TEXT) as TallyResult;
const TEMPLATES = [template("zh-research-report"), template("en-research-report")];

/** Liquid, from the documented forms to the hostile ones. */
const EXPRESSIONS = [
  "{{ q3.positiveRate | pct }}", "{{ q4.options[0].label }}", "{{ q4.options[0].pctOfRespondents | approx }}",
  '{{ responses.valid | count: "份" }}', "{{ q5.1.positiveRate | pct }}", "{{ roles.counts[1].count | plus: 50 }}",
  "{{ q3.meanScore | num }}", "{{ survey.title }}", "{{ q4.options[999].label }}", "{{ q4.options[-1].label }}",
  "{{ q99.positiveRate }}", "{{ q3.nosuch }}", "{{ q3.positiveRate | nosuch }}", "{{ q3.positiveRate | pct: 1000 }}",
  "{{ q3.positiveRate | pct: -1 }}", '{{ q3.positiveRate | pct: "x" }}', "{{ q3.positiveRate | num: 500 }}", "{{ 1e308 | times: 10 | pct }}",
  "{{ q3.__proto__ }}", "{{ q3.constructor.constructor }}", "{{ responses.toString }}", "{{ q3['__proto__'].x }}",
  "{{", "}}", "{{ }}", "{{ q3. }}", "{{ | pct }}", "{%", "{% %}", "{% if %}", "{% if q3.positiveRate > 0.5 %}高{% else %}低{% endif %}",
  "{% for o in q4.options %}{{ o.label }}、{% endfor %}", "{% for i in (1..100000000) %}x{% endfor %}",
  "{% for a in (1..3000) %}{% for b in (1..3000) %}x{% endfor %}{% endfor %}", '{% include "x" %}',
  "{% render '/etc/passwd' %}", "{% include '../../package.json' %}", '{% layout "zh" %}', "{% raw %}{{ x }}{% endraw %}",
  "{% raw %}", "{% comment %}", "{% capture x %}{{ q3.positiveRate }}{% endcapture %}{{ x }}", "{% assign x = q3 %}{{ x.positiveRate }}",
  "{% tablerow o in q4.options %}{{ o.label }}{% endtablerow %}", "{% liquid\necho q3.positiveRate\n%}",
  '{% assign s = "x" %}{% for i in (1..20) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}',
  "{% cycle 'a', 'b' %}", "{% increment x %}", "{{ 'now' | date: '%Y' }}", "{{ q4.options | map: 'label' | join: '、' }}",
  "{{ q4.options | sort: 'count' | first | json }}", "{% echo q3 %}", "{{ q3 }}", "{{ responses }}",
];

const MARKDOWN = [
  "## 基本情况", "## 一、基本情况", "## 主要做法与成效", "## 存在的问题", "## 对策建议", "## situation", "## 不存在的章节", "## ", "#",
  "# 新标题", "### 小标题", "#### 更小", "##### 五级", "- 一项", "1. 第一", "* [ ] task", "> 引用", ">>>>>>>>>>>>>>>>>>>> 深",
  "| a | b |\n| --- | --- |\n| 1 |", "| a |\n|---|\n| x | y | z |", "```\ncode\n", "```js\nalert(1)\n```", "---", "***",
  "**粗体** *斜体* ~~删~~ `代码`", "[链接](javascript:alert(1))", "![图](/etc/passwd)", "<script>alert(1)</script>", "<!-- 注释",
  "&lt;&amp;&#0;&#x1F600;", "\u0000", "\u0007\u001b[31m", "\ufeff", "\r\n", "\r", "   \t", "[^1]: 脚注", "<w:t>x</w:t>",
  "正文段落,有数字62.5%。", "a".repeat(5000), "- ".repeat(200), "  ".repeat(50) + "- 深缩进",
];

/** The ones that render: weighted up so that many narratives get past Liquid into Markdown and the model. */
const GOOD = EXPRESSIONS.filter((e) => /^\{\{ (q3\.positiveRate \| pct \}\}|q4\.options\[0\]|responses\.valid|q5\.1|roles|q3\.meanScore|survey)|^\{% (if q3|for o|capture|assign x|raw %\}\{)/.test(e));

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...MARKDOWN) },
  { weight: 3, arbitrary: fc.constantFrom(...GOOD) },
  { weight: 1, arbitrary: fc.constantFrom(...EXPRESSIONS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) },
);
const joiner = fc.constantFrom("\n", "\n\n", " ", "", "\r\n");
const generatedNarrative = fc.array(fc.tuple(piece, joiner), { maxLength: 30 }).map((parts) => parts.map(([p, j]) => p + j).join(""));

/** The fixture's narrative with pieces spliced in at random places. */
const mutatedNarrative = fc
  .array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), piece, fc.nat(20)), { minLength: 1, maxLength: 5 })
  .map((edits) => {
    let text = NARRATIVE;
    for (const [at, p, drop] of edits) {
      const i = Math.floor(at * text.length);
      text = text.slice(0, i) + p + text.slice(i + drop);
    }
    return text;
  });

const narrative = fc.oneof(generatedNarrative, mutatedNarrative);

/** parse + build, below the CLI: a SurveyError naming report.md, or a model; nothing else, and in time. */
function checkModel(text: string, tpl: Template): void {
  count("narrative (model)");
  const started = Date.now();
  try {
    const parsed = parseNarrative(text, "report.md", tpl, narrativeContext(tally, survey));
    buildReport(tally, survey, tpl, { narrative: parsed, charts: true, appendix: true, reasonLabel: (r) => r });
  } catch (err) {
    if (!(err instanceof SurveyError)) throw new Error(`not a SurveyError: ${(err as Error)?.stack ?? String(err)}`);
    for (const d of err.diagnostics) {
      const line = formatDiagnostic(d);
      expect(line).not.toMatch(/[\r\n]/);
      expect(d.file === "report.md" || d.code === "TEMPLATE_INVALID", line).toBe(true);
    }
  }
  // The engine's own limits (renderLimit 2 s) must stop a runaway loop well before this.
  expect(Date.now() - started, "narrative took too long").toBeLessThan(10_000);
}

describe("report.md, generated and mutated", () => {
  test("the benign expressions render (else the fuzzer would test only error paths)", () => {
    expect(GOOD.length).toBeGreaterThan(8);
    for (const e of GOOD) expect(() => parseNarrative(e, "report.md", TEMPLATES[0]!, narrativeContext(tally, survey)), e).not.toThrow();
  });

  afterAll(() => printTried("narrative.fuzz"));

  test("parseNarrative and buildReport: a model or a located SurveyError", () => {
    fc.assert(fc.property(narrative, fc.constantFrom(...TEMPLATES), (text, tpl) => checkModel(text, tpl)), params(runs(120)));
  }, TEST_TIMEOUT);

  test("survey report --narrative keeps the contract", async () => {
    await fc.assert(
      fc.asyncProperty(narrative, async (text) => {
        const problems = await checkCommands(
          { "survey.yaml": SURVEY_TEXT, "tally.json": TALLY_TEXT, "report.md": text },
          [["report", "-s", "survey.yaml", "--tally", "tally.json", "--narrative", "report.md", "--no-charts", "-o", "out.docx"]],
          "narrative (CLI)",
        );
        expect(problems).toEqual([]);
      }),
      params(runs(8)),
    );
  }, TEST_TIMEOUT);
});
