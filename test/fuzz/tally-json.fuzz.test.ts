/**
 * Saved tallies (`survey tally --format json`) are inputs too: `survey merge` adds them up and `survey
 * report --tally` builds a report from one. A file edited by hand, cut short or from another version must
 * give a located error or a result, never an internal error.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { checkCommands, params, printTried, runBounded, runs, tempDir, TEST_TIMEOUT } from "./harness.js";
import { rmSync } from "node:fs";

const read = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), "utf8");
const SURVEY = read("report-basic/survey.yaml");
const TALLY = JSON.parse(read("report-basic/tally.json")) as unknown;

/** A tally of real answers with the `_state` that merge needs, made once by the CLI itself. */
let MERGEABLE: unknown;
const ALL_TYPES = read("all-types/survey.yaml");
const ANSWERS = readFileSync(new URL("../../fixtures/all-types/answers-text.csv", import.meta.url));

const VALUES: unknown[] = [null, 0, -1, 1.5, 1e308, "", "x", "0", [], {}, [null], { code: 1 }, true, Number.MAX_SAFE_INTEGER + 2];

type Path = (string | number)[];

/** Every path to a value inside a JSON document. */
function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function mutateJson(doc: unknown, edits: [number, number, boolean][]): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (const [which, value, remove] of edits) {
    const all = paths(copy).filter((p) => p.length > 0);
    if (!all.length) break;
    const path = all[which % all.length]!;
    let parent: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (remove && !Array.isArray(parent)) delete parent[last];
    else parent[last] = structuredClone(VALUES[value % VALUES.length]);
  }
  return copy;
}

const edits = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 4 });

describe("saved tallies, mutated", () => {
  afterAll(() => printTried("tally-json.fuzz"));

  test("survey report --tally on a mutated tally", async () => {
    await fc.assert(
      fc.asyncProperty(edits, async (e) => {
        const problems = await checkCommands(
          { "survey.yaml": SURVEY, "tally.json": JSON.stringify(mutateJson(TALLY, e)) },
          [["report", "-s", "survey.yaml", "--tally", "tally.json", "--no-narrative", "--no-charts", "-o", "out.docx"]],
          "report --tally",
        );
        expect(problems).toEqual([]);
      }),
      params(runs(25)),
    );
  }, TEST_TIMEOUT);

  test("survey merge of a good tally and a mutated one", async () => {
    if (!MERGEABLE) {
      const dir = tempDir();
      try {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(`${dir}/survey.yaml`, ALL_TYPES);
        writeFileSync(`${dir}/answers.csv`, ANSWERS);
        const run = await runBounded(["tally", "--format", "json", "-s", "survey.yaml", "answers.csv"], dir);
        MERGEABLE = JSON.parse(run.stdout);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    await fc.assert(
      fc.asyncProperty(edits, async (e) => {
        const problems = await checkCommands(
          { "a.json": JSON.stringify(MERGEABLE), "b.json": JSON.stringify(mutateJson(MERGEABLE, e)) },
          [["merge", "a.json", "b.json"]],
          "merge",
        );
        expect(problems).toEqual([]);
      }),
      params(runs(60)),
    );
  }, TEST_TIMEOUT);
});
