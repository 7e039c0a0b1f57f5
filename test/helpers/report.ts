import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Survey } from "../../src/definition/model.js";
import { narrativeContext } from "../../src/report/context.js";
import { parseNarrative } from "../../src/report/narrative.js";
import { parseTemplate, type Template } from "../../src/report/template.js";
import type { TallyResult } from "../../src/tally/types.js";
import { ROOT } from "./cli.js";
import { loadFixtureSurvey } from "./read.js";

/** A built-in template, read from templates/ as the command reads it. */
export function loadTemplate(name: "zh-research-report" | "en-research-report"): Template {
  const dir = join(ROOT, "templates", name);
  const files = Object.fromEntries(readdirSync(dir).filter((f) => /\.(ya?ml|liquid)$/.test(f)).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  return parseTemplate(name, files, `templates/${name}`);
}

/** fixtures/report-basic: a survey with every question type and its hand-written tally. */
export function basicFixture(): { survey: Survey; tally: TallyResult; narrativeText: string } {
  const survey = loadFixtureSurvey("report-basic/survey.yaml");
  const tally = JSON.parse(readFileSync(join(ROOT, "fixtures/report-basic/tally.json"), "utf8")) as TallyResult;
  const narrativeText = readFileSync(join(ROOT, "fixtures/report-basic/report.md"), "utf8");
  return { survey, tally, narrativeText };
}

export function narrativeOf(text: string, template: Template, tally: TallyResult, survey: Survey) {
  return parseNarrative(text, "report.md", template, narrativeContext(tally, survey));
}
