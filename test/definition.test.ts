import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildSurvey } from "../src/definition/build.js";
import { parseSurvey } from "../src/definition/load.js";
import { surveySchema } from "../src/definition/schema.js";
import { buildPlan } from "../src/tally/plan.js";
import { ROOT, runCli } from "./helpers/cli.js";

const fixture = (name: string) => readFileSync(join(ROOT, "fixtures", name), "utf8");
const places = (text: string, file = "survey.yaml") =>
  parseSurvey(text, file).diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);

describe("survey.yaml", () => {
  it("reports every problem of a broken definition at its line and column, in one run", () => {
    expect(places(fixture("definition-errors/many.yaml"))).toEqual([
      "2:7 DEF_UNKNOWN_REF", // role: q9
      "6:19 DEF_BAD_CODE", // positive lists code 4
      "7:13 DEF_BAD_CODE", // 2 scores for 3 options
      "9:5 DEF_MISSING_KEY", // q1 has no options
      "12:5 DEF_UNKNOWN_KEY", // opitons
      "16:12 DEF_UNKNOWN_REF", // scale: satisfaction
      "20:19 DEF_DUPLICATE_OPTION", // [缺钱, 缺钱]
      "21:9 DEF_DUPLICATE_ID", // q3 twice
      "27:11 DEF_BAD_WHEN", // when refers to q7
      "30:11 DEF_INVALID", // type: numbr
      "37:17 DEF_UNKNOWN_REF", // group item q8
    ]);
  });

  it("suggests the key a typo meant", () => {
    const d = parseSurvey(fixture("definition-errors/many.yaml")).diagnostics.find((x) => x.code === "DEF_UNKNOWN_KEY");
    expect(d?.hint).toContain('"options"');
  });

  it("locates YAML syntax errors", () => {
    expect(places(fixture("definition-errors/syntax.yaml"))[0]).toMatch(/^4:\d+ YAML_SYNTAX$/);
  });

  it("refuses an alias bomb instead of expanding it", () => {
    expect(places(fixture("definition-errors/aliases.yaml"))).toEqual(["1:1 YAML_ALIASES"]);
  });

  it("says an empty key is empty", () => {
    const [d] = parseSurvey("title: t\ndata:\nquestions:\n  - {id: q1, text: a, type: text}\n").diagnostics;
    expect(d).toMatchObject({ code: "DEF_INVALID", line: 2, message: "data is empty" });
  });

  it("rejects a document that is not a mapping", () => {
    expect(places("- a\n- b\n")).toEqual(["1:1 DEF_INVALID"]);
  });

  it("normalises codes, scales, matrix rows and defaults", () => {
    const { survey, diagnostics } = parseSurvey(fixture("all-types/survey.yaml"));
    expect(diagnostics).toEqual([]);
    const s = survey!;
    expect(s.items.map((i) => i.id)).toEqual(["role", "sat", "diff", "mx.1", "mx.2", "rk", "age", "why"]);
    const role = s.questionById.get("role")!;
    expect(role.type === "single" && role.options.map((o) => [o.code, o.label, o.other])).toEqual([
      [1, "党员", false],
      [2, "群众", false],
      [9, "其他", true],
    ]);
    const sat = s.scales.get("sat")!;
    expect([...sat.scores]).toEqual([[1, 6], [2, 5], [3, 4], [4, 3], [5, 2], [6, 1]]);
    expect(sat.na).toEqual([6]);
    expect(s.data.skipMarkers).toEqual(["(跳过)", "-3"]);
    expect(s.data.multiSeparator).toBe("┋");
    expect(s.itemById.get("mx.2")!.text).toBe("请评价以下工作—阵地建设");
  });

  it("checks option labels used in when against the options", () => {
    const text = `title: t\nquestions:\n  - {id: q1, text: a, type: single, options: [是, 否]}\n  - {id: q2, text: b, type: text, when: 'q1 == "也许"'}\n`;
    const [d] = parseSurvey(text).diagnostics;
    expect(d).toMatchObject({ code: "DEF_BAD_WHEN", line: 4, message: expect.stringContaining('no option "也许"') });
  });

  it("rejects a role question that is not single-choice and groups of text questions", () => {
    const text = [
      "title: t",
      "role: q2",
      "questions:",
      "  - {id: q1, text: a, type: text}",
      "  - {id: q2, text: b, type: multi, options: [x, y]}",
      "groups:",
      "  - {id: g, items: [q1, q2]}",
    ].join("\n");
    expect(places(text)).toEqual(["2:7 DEF_BAD_REF", "7:21 DEF_BAD_REF", "7:25 DEF_BAD_REF"]);
  });
});

describe("survey schema", () => {
  it("prints the JSON Schema kept in templates/survey.schema.json (regenerate it when the schema changes)", async () => {
    const run = await runCli(["schema"]);
    expect(run.code).toBe(0);
    const committed = readFileSync(join(ROOT, "templates/survey.schema.json"), "utf8");
    expect(run.stdout).toBe(committed);
    const schema = JSON.parse(run.stdout);
    expect(schema.required).toEqual(["title", "questions"]);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["title", "organization", "period", "issued", "methods", "lang", "role", "data", "scales", "questions", "groups"]),
    );
  });
});

describe("exit codes", () => {
  it("exits 2 with located lines, never a stack trace, for a broken definition", async () => {
    const run = await runCli(["validate", "-s", "fixtures/definition-errors/many.yaml", "fixtures/all-types/answers-text.csv"]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toMatch(/^fixtures\/definition-errors\/many\.yaml:2:7: error DEF_UNKNOWN_REF/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 for a missing definition, a missing file and a bad option", async () => {
    expect((await runCli(["validate", "-s", "nope.yaml"])).code).toBe(2);
    const missing = await runCli(["validate", "-s", "fixtures/all-types/survey.yaml", "nope.csv"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.csv: error FILE_NOT_FOUND");
    expect((await runCli(["validate", "--format", "xml"])).code).toBe(2);
  });
});

describe("the checked document a worker thread builds the survey from", () => {
  // Worker threads get survey.definition.doc (cloned, as postMessage clones it) and build the survey
  // again without YAML or zod: it must give the same survey, and building must not have changed it.
  const surveys = readdirSync(join(ROOT, "fixtures"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("survey.yaml"));

  it.each(surveys)("%s: builds the same survey again, and is what the schema made of the text", (name) => {
    const text = fixture(name);
    const { survey } = parseSurvey(text, name);
    expect(survey?.definition).toBeDefined();
    const { doc, file } = survey!.definition!;
    expect(file).toBe(name);
    expect(doc).toEqual(surveySchema.parse(parseYaml(text)));
    const again = buildSurvey(structuredClone(doc), () => {
      throw new Error("a checked document gave a diagnostic");
    }).survey!;
    expect(JSON.stringify(buildPlan(again))).toBe(JSON.stringify(buildPlan(survey!)));
    // Compiled `when` conditions are closures: compared by their source.
    const plainly = (x: unknown) =>
      JSON.stringify(x, (key, v: unknown) => (key === "definition" || key === "file" ? undefined : v instanceof Map ? [...v] : typeof v === "function" ? String(v) : v));
    expect(plainly(again)).toBe(plainly(survey));
  });
});
