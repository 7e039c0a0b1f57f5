import { describe, expect, it } from "vitest";
import { resolveFiles } from "../src/cli/context.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { buildReport } from "../src/report/build.js";
import type { Template } from "../src/report/template.js";
import { ROOT } from "./helpers/cli.js";
import { memoryIo } from "./helpers/memory-io.js";
import { loadFixtureSurvey } from "./helpers/read.js";
import { loadTemplate } from "./helpers/report.js";

/**
 * A template variable that is renamed keeps its old name too: a user's template.yaml written with the
 * old name must not silently lose the word (Liquid renders an unknown variable as nothing).
 */
describe("template variables under their earlier names", () => {
  it("the difference patterns still give `measure`, now `rateName`", async () => {
    const zh = loadTemplate("zh-research-report");
    const probe = "《{{ measure }}|{{ rateName }}》";
    const template: Template = { ...zh, text: { ...zh.text, sentences: { ...zh.text.sentences, difference: probe } } };
    const survey = loadFixtureSurvey("example/survey.yaml");
    const tally = await tallySurvey(survey, await resolveFiles(memoryIo(ROOT), survey, []));
    const model = buildReport(tally, survey, template, { charts: false });
    const text = model.body.flatMap((b) => (b.kind === "paragraph" ? [b.runs.map((r) => r.text).join("")] : [])).join("\n");
    const said = [...text.matchAll(/《([^|》]*)\|([^》]*)》/gu)];
    expect(said.length).toBeGreaterThan(0);
    for (const [, measure, rateName] of said) expect(measure).toBe(rateName);
    expect(said.some(([, measure]) => measure === "满意率")).toBe(true);
  });

  it("the chart caption under a difference still gives `measure`", async () => {
    const zh = loadTemplate("zh-research-report");
    const template: Template = { ...zh, text: { ...zh.text, labels: { ...zh.text.labels, roleFigureCaption: "《{{ measure }}|{{ rateName }}》" } } };
    const survey = loadFixtureSurvey("example/survey.yaml");
    const tally = await tallySurvey(survey, await resolveFiles(memoryIo(ROOT), survey, []));
    const model = buildReport(tally, survey, template, { charts: true });
    const captions = model.body.flatMap((b) => (b.kind === "figure" ? [b.caption] : [])).filter((c) => c.includes("《"));
    expect(captions.length).toBeGreaterThan(0);
    for (const c of captions) expect(c).toContain("《满意率|满意率》");
  });
});
