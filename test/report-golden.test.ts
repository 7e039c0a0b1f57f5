import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { loadSurvey, resolveFiles } from "../src/cli/context.js";
import { main } from "../src/cli/main.js";
import type { Survey } from "../src/definition/model.js";
import { buildReport } from "../src/report/build.js";
import type { Block, ReportModel } from "../src/report/model.js";
import { tallySurvey } from "../src/pipeline/index.js";
import { compareTallies } from "../src/tally/compare.js";
import type { TallyResult } from "../src/tally/types.js";
import { REASON_LABELS, type InvalidReason } from "../src/validate/screen.js";
import { ROOT } from "./helpers/cli.js";
import { memoryIo } from "./helpers/memory-io.js";
import { loadFixtureSurvey } from "./helpers/read.js";
import { basicFixture, loadTemplate, narrativeOf } from "./helpers/report.js";

/**
 * The generated body of each fixture scenario as a reader reads it (title, opening, the four sections,
 * the attachment note and 落款; not the appendix), kept in fixtures/<scenario>/expected/. A change in any
 * sentence shows as a diff to read before accepting it: `UPDATE_GOLDEN=1 npx vitest run test/report-golden`.
 */

const zh = loadTemplate("zh-research-report");
const DATE = { y: 2019, m: 7, d: 30 };
const REAL = join(ROOT, "..", "shared", "realdata", "wjx-800", "wjx-800-text.xls");
const REAL_CODE = join(ROOT, "..", "shared", "realdata", "wjx-800", "wjx-800-code.xls");

function bodyText(model: ReportModel): string {
  const lines: string[] = [model.title];
  const line = (b: Block): string | undefined => {
    switch (b.kind) {
      case "heading":
        return `${b.number}${b.text}`;
      case "paragraph":
        return `${b.marker ?? ""}${b.runs.map((r) => r.text).join("")}`;
      case "table":
        return `[${b.caption}]`;
      case "figure":
        return `[${b.caption}]`;
      case "pageBreak":
        return undefined;
    }
  };
  for (const b of model.opening) lines.push(line(b) ?? "");
  for (const b of model.body) {
    if (b.kind === "pageBreak") break;
    const l = line(b);
    if (l !== undefined) lines.push(l);
  }
  return `${lines.join("\n")}\n`;
}

function golden(path: string, text: string): void {
  const file = join(ROOT, "fixtures", path);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, "utf8"));
}

async function tallyOf(survey: Survey, files?: string[]): Promise<TallyResult> {
  const io = memoryIo(ROOT);
  return tallySurvey(survey, files ? files.map((path) => ({ path, name: basename(path) })) : await resolveFiles(io, survey, []));
}

describe("golden body text of each scenario", () => {
  it("two-waves: the second round compared with the first (--previous), every change after its figure", async () => {
    const first = await tallyOf(loadFixtureSurvey("two-waves/2025/survey.yaml"));
    const survey = loadFixtureSurvey("two-waves/2026/survey.yaml");
    const tally = compareTallies(await tallyOf(survey), first, { map: survey.previousMap });
    golden("two-waves/expected/body.txt", bodyText(buildReport(tally, survey, zh, { date: DATE, reasonLabel })));
  });

  it("example: the bundled township survey, with its narrative", async () => {
    const survey = loadFixtureSurvey("example/survey.yaml");
    const tally = await tallyOf(survey);
    const narrative = narrativeOf(readFileSync(join(ROOT, "fixtures/example/report.md"), "utf8"), zh, tally, survey);
    golden("example/expected/body.txt", bodyText(buildReport(tally, survey, zh, { narrative, date: DATE, reasonLabel })));
  });

  it("example: the appendix's 说明 states the largest margin of error of the main figures, rounded up", async () => {
    const survey = loadFixtureSurvey("example/survey.yaml");
    const tally = await tallyOf(survey);
    const model = buildReport(tally, survey, zh, { date: DATE, reasonLabel });
    const notes = model.body.flatMap((b) => (b.kind === "paragraph" ? [b.runs.map((r) => r.text).join("")] : [])).find((t) => t.startsWith("说明："))!;
    // Independently: the Wilson half-widths (larger side) of every whole-sample share of a closed question
    // answered by at least half of the valid questionnaires.
    const z = 1.959963984540054;
    const margin = (k: number, n: number) => {
      const p = k / n;
      const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
      const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
      return Math.max(p - (centre - half), centre + half - p);
    };
    let worst = 0;
    for (const q of Object.values(tally.questions)) {
      for (const t of [q, ...Object.values(q.rows ?? {})]) {
        if (t.base < tally.responses.valid / 2 || !t.options) continue;
        for (const o of t.options) if (o.pct != null || o.pctOfRespondents != null) worst = Math.max(worst, margin(o.count, t.base));
      }
    }
    expect(worst).toBeGreaterThan(0.05);
    expect(notes).toContain(`主要比例的抽样误差不超过±${Math.ceil(worst * 1000) / 10}个百分点。`);
  });

  it("example: the draft without a narrative", async () => {
    const survey = loadFixtureSurvey("example/survey.yaml");
    golden("example/expected/body-draft.txt", bodyText(buildReport(await tallyOf(survey), survey, zh, { date: DATE, reasonLabel })));
  });

  it("example: broken down by gender (--by q2)", async () => {
    const survey = loadFixtureSurvey("example/survey.yaml");
    const tally = await tallySurvey(survey, await resolveFiles(memoryIo(ROOT), survey, []), { by: "q2" });
    golden("example/expected/body-by-gender.txt", bodyText(buildReport(tally, survey, zh, { date: DATE, reasonLabel })));
  });

  it("report-basic: every question type, 20 respondents in groups under 10", () => {
    const { survey, tally, narrativeText } = basicFixture();
    const narrative = narrativeOf(narrativeText, zh, tally, survey);
    golden("report-basic/expected/body.txt", bodyText(buildReport(tally, survey, zh, { narrative, date: DATE, reasonLabel })));
  });

  it("three-villages: the whole, and one village's own report (--each q1), counts only for its 6 people", async () => {
    const survey = loadFixtureSurvey("three-villages/survey.yaml");
    golden("three-villages/expected/body.txt", bodyText(buildReport(await tallyOf(survey), survey, zh, { date: DATE, reasonLabel })));
    const village = await tallyOf({ ...survey, issued: undefined }, [join(ROOT, "fixtures/three-villages/data/黄林村.csv")]);
    golden("three-villages/expected/body-黄林村.txt", bodyText(buildReport(village, { ...survey, issued: undefined }, zh, { date: DATE, reasonLabel, group: "黄林村" })));
  });

  it("tally-basic and all-types", async () => {
    for (const [name, data] of [["tally-basic", "answers.csv"], ["all-types", "answers-text.csv"]] as const) {
      const survey = loadFixtureSurvey(`${name}/survey.yaml`);
      const tally = await tallyOf(survey, [join(ROOT, "fixtures", name, data)]);
      golden(`${name}/expected/body.txt`, bodyText(buildReport(tally, survey, zh, { date: DATE, reasonLabel })));
    }
  });

  it.skipIf(!existsSync(REAL))("wjx800: the real 问卷星 export with its checked definition", async () => {
    const survey = loadFixtureSurvey("wjx800/survey.yaml");
    golden("wjx800/expected/body.txt", bodyText(buildReport(await tallyOf(survey, [REAL]), survey, zh, { date: DATE, reasonLabel })));
  });
});

describe.skipIf(!existsSync(REAL))("golden body text of an unedited draft", () => {
  it("wjx800: survey init --from both forms, then the report, nothing edited", async () => {
    const dir = await mkdtemp(join(tmpdir(), "survey-golden-"));
    const io = memoryIo(dir);
    expect(await main(["node", "survey", "init", "--from", REAL, "--from", REAL_CODE, "-o", "survey.yaml"], io)).toBe(0);
    const survey = await loadSurvey(io, "survey.yaml");
    const tally = await tallySurvey(survey, await resolveFiles(io, survey, []));
    golden("wjx800/expected/body-init-draft.txt", bodyText(buildReport(tally, survey, zh, { date: DATE, reasonLabel })));
  }, 60_000);
});

function reasonLabel(r: string): string {
  return REASON_LABELS[r as InvalidReason]?.zh ?? r;
}
