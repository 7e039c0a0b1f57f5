/**
 * Issue 19 item 2: arrays and nesting beyond what the stack holds. Before the fix each of these exited 70
 * with "Maximum call stack size exceeded" (or ran out of memory); now each is written, or refused with a
 * located error and exit 2 (the limits of src/io/limits.ts).
 */
import { existsSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { MAX_BINS, MAX_NARRATIVE_DEPTH, MAX_OPTIONS, MAX_RANK_OPTIONS, MAX_WHEN_DEPTH } from "../../src/io/limits.js";
import { ROOT } from "../helpers/cli.js";
import { example, smallProject, type HostileCase } from "./case.js";

/** A definition of one question of `type` with `n` options `o1` … `on`, and two answers. */
function manyOptions(dir: string, type: "single" | "rank", n: number): void {
  const options = Array.from({ length: n }, (_, i) => `o${i + 1}`).join(", ");
  writeFileSync(join(dir, "survey.yaml"), `title: t\ndata:\n  files: [a.csv]\nquestions:\n  - id: q1\n    text: 选\n    type: ${type}\n    options: [${options}]\n`);
  writeFileSync(join(dir, "a.csv"), `q1\no${n}\no1\n`);
}

function bins(dir: string, n: number): void {
  const list = Array.from({ length: n }, (_, i) => i).join(", ");
  writeFileSync(join(dir, "survey.yaml"), `title: t\ndata:\n  files: [a.csv]\nquestions:\n  - id: q1\n    text: 年龄\n    type: number\n    bins: [${list}]\n`);
  writeFileSync(join(dir, "a.csv"), `q1\n3\n${n + 5}\n`);
}

/** The example with a `when` on q11 made of `terms` joined by `&&`. */
function chainedWhen(dir: string, terms: number): void {
  example(dir);
  const when = Array.from({ length: terms }, () => "q5 >= 4").join(" && ");
  const yaml = readFileSync(join(dir, "survey.yaml"), "utf8").replace('when: "q5 >= 4"', `when: "${when}"`);
  writeFileSync(join(dir, "survey.yaml"), yaml);
}

/** A "billion laughs" in a template: ten levels of aliases, each repeating the one below nine times. */
function aliasBomb(): string {
  let yaml = "lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (let i = 1; i < 10; i++) yaml += `lol${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
  return yaml;
}

export const cases: HostileCase[] = [
  {
    name: "130,000 distinct open answers: the report and its appendix are written",
    item: 2,
    setup: (dir) => smallProject(dir, 130_000),
    args: ["report", "-o", "r.docx"],
    exit: 0,
    after: (dir) => expect(existsSync(join(dir, "r.docx"))).toBe(true),
    bound: 110_000,
  },
  {
    name: `${MAX_OPTIONS.toLocaleString("en-US")} options, the limit: counted`,
    item: 2,
    setup: (dir) => manyOptions(dir, "single", MAX_OPTIONS),
    args: ["tally", "--format", "json"],
    exit: 0,
    after: (_, run) => {
      const q1 = (JSON.parse(run.stdout) as { questions: { q1: { options: { code: number; count: number }[] } } }).questions.q1;
      expect(q1.options).toHaveLength(MAX_OPTIONS);
      expect(q1.options.filter((o) => o.count).map((o) => o.code)).toEqual([1, MAX_OPTIONS]);
    },
  },
  {
    name: "130,000 options: DEF_INVALID at the options, exit 2",
    item: 2,
    setup: (dir) => manyOptions(dir, "single", 130_000),
    args: ["validate"],
    exit: 2,
    stderr: /^survey\.yaml:8:\d+: error DEF_INVALID: questions\[0\]\.options: a question may have at most 10,000 options/m,
  },
  {
    name: `a ranking of ${(MAX_RANK_OPTIONS + 1).toLocaleString("en-US")} options (options² counts): DEF_INVALID, exit 2`,
    item: 2,
    setup: (dir) => manyOptions(dir, "rank", MAX_RANK_OPTIONS + 1),
    args: ["tally"],
    exit: 2,
    stderr: /survey\.yaml:8:\d+: error DEF_INVALID: questions\[0\]\.options: a ranking may have at most 1,000 options/,
  },
  {
    name: "130,000 bins: DEF_INVALID, exit 2",
    item: 2,
    setup: (dir) => bins(dir, 130_000),
    args: ["report", "-o", "r.docx"],
    exit: 2,
    stderr: /survey\.yaml:8:\d+: error DEF_INVALID: questions\[0\]\.bins: at most 1,000 bins/,
  },
  {
    name: `${MAX_BINS.toLocaleString("en-US")} bins, the limit: the report is written`,
    item: 2,
    setup: (dir) => bins(dir, MAX_BINS),
    args: ["report", "-o", "r.docx", "--no-charts"],
    exit: 0,
  },
  {
    name: "a `when` of 5,000 terms joined by &&: DEF_BAD_WHEN at the when, exit 2",
    item: 2,
    setup: (dir) => chainedWhen(dir, 5_000),
    args: ["validate"],
    exit: 2,
    stderr: new RegExp(`survey\\.yaml:\\d+:\\d+: error DEF_BAD_WHEN: question q11: the expression nests more than ${MAX_WHEN_DEPTH} levels`),
  },
  {
    name: "a `when` of 20,000 nested brackets: DEF_BAD_WHEN, exit 2",
    item: 2,
    setup: (dir) => {
      example(dir);
      const yaml = readFileSync(join(dir, "survey.yaml"), "utf8").replace('when: "q5 >= 4"', `when: "${"(".repeat(20_000)}q5 >= 4${")".repeat(20_000)}"`);
      writeFileSync(join(dir, "survey.yaml"), yaml);
    },
    args: ["tally"],
    exit: 2,
    stderr: "DEF_BAD_WHEN",
  },
  {
    name: "a `when` of 50 terms: still a condition",
    item: 2,
    setup: (dir) => chainedWhen(dir, 50),
    args: ["validate"],
    exit: 0,
  },
  ...[
    ["2,000 nested blockquotes (>)", ">".repeat(2_000) + " 深"],
    ["2,000 nested lists on one line", "- ".repeat(2_000) + "深"],
    ["300 lists nested by indentation", Array.from({ length: 300 }, (_, i) => `${" ".repeat(2 * i)}- 深`).join("\n")],
    ["2,000 nested ** (bold)", "**".repeat(2_000) + "深" + "**".repeat(2_000)],
    ["1,200 nested ~~ and _", "~~a _".repeat(1_200) + "深" + "_ a~~".repeat(1_200)],
  ].map(
    ([what, markdown], k): HostileCase => ({
      name: `a narrative of ${what}: NARRATIVE_TOO_DEEP at its line, exit 2`,
      item: 2,
      setup: (dir) => {
        example(dir);
        writeFileSync(join(dir, "report.md"), `## 基本情况\n\n正文。\n\n${markdown}\n`);
      },
      args: ["report", "-o", "r.docx"],
      exit: 2,
      // The line that goes deeper than the limit: the first of the deep text, or in the indented lists the 51st.
      stderr: new RegExp(`^report\\.md:${k === 2 ? 5 + MAX_NARRATIVE_DEPTH : 5}: error NARRATIVE_TOO_DEEP: `, "m"),
      after: (dir) => expect(existsSync(join(dir, "r.docx"))).toBe(false),
    }),
  ),
  {
    name: `a narrative nested ${MAX_NARRATIVE_DEPTH} levels (quotes and bold), the limit: written`,
    item: 2,
    setup: (dir) => {
      example(dir);
      writeFileSync(join(dir, "report.md"), `## 基本情况\n\n${">".repeat(MAX_NARRATIVE_DEPTH - 1)} **深**\n`);
    },
    args: ["report", "-o", "r.docx"],
    exit: 0,
  },
  {
    name: "an alias bomb in a template's template.yaml: TEMPLATE_INVALID at the first alias, exit 2",
    item: 2,
    setup: (dir) => {
      example(dir);
      cpSync(join(ROOT, "templates/zh-research-report"), join(dir, "tpl"), { recursive: true });
      const file = join(dir, "tpl/template.yaml");
      writeFileSync(file, aliasBomb() + readFileSync(file, "utf8"));
    },
    args: ["report", "--template", "tpl", "-o", "r.docx"],
    exit: 2,
    stderr: /^tpl\/template\.yaml:2:\d+: error TEMPLATE_INVALID: .*more than 100 aliases/m,
  },
];
