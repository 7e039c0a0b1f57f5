import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT, SurveyError } from "../../src/diagnostics/errors.js";
import { ROOT, runCli } from "../helpers/cli.js";

/**
 * Exit codes a script can rely on (README, "Exit codes"): 0 done, 1 the data has errors, 2 the command
 * could not run. Here: what "no valid questionnaire" does in every command.
 */
const SURVEY = ["-s", "fixtures/tally-basic/survey.yaml"];
const ANSWERS = "fixtures/tally-basic/answers.csv";
const [HEADER, ...ROWS] = readFileSync(ANSWERS, "utf8").trimEnd().split("\n");
const tmp = mkdtempSync(join(tmpdir(), "survey-exit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(tmp, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
/** A header and nothing else. */
const headerOnly = file("header-only.csv", [HEADER!]);
/** Three questionnaires with an id and no answer: none is valid. */
const noneValid = file("none-valid.csv", [HEADER!, "1,,,,,,,,", "2,,,,,,,,", "3,,,,,,,,"]);

describe("no valid questionnaire: exit 1 and a message, from every command", () => {
  it("tally writes nothing, to stdout or -o, whatever the format", async () => {
    for (const format of ["text", "json", "csv", "md"]) {
      const r = await runCli(["tally", ...SURVEY, "--format", format, noneValid]);
      expect(r.code).toBe(EXIT.dataErrors);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `${noneValid}: error NO_VALID_ANSWERS: not one of the 3 questionnaires read is valid (作答题数不足 3); nothing to count (\`survey validate\` says why each row is left out)\n`,
      );
    }
    const out = join(tmp, "t.json");
    expect((await runCli(["tally", ...SURVEY, "--format", "json", "-o", out, noneValid])).code).toBe(1);
    expect(existsSync(out)).toBe(false);
    const empty = await runCli(["tally", ...SURVEY, headerOnly]);
    expect(empty.code).toBe(1);
    expect(empty.stderr.startsWith(`${headerOnly}: error NO_VALID_ANSWERS: no questionnaire was read`)).toBe(true);
    expect(empty.stderr).toMatch(/NO_VALID_ANSWERS: no questionnaire was read: the answers hold a header and no rows; nothing to count \(export the answers again/);
  });

  it("from standard input as from a file", async () => {
    const r = await runCli(["tally", ...SURVEY, "-"], { stdin: readFileSync(noneValid) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("<stdin>: error NO_VALID_ANSWERS");
  });

  it("report writes no document", async () => {
    const out = join(tmp, "r.docx");
    const r = await runCli(["report", ...SURVEY, "--no-narrative", "-o", out, noneValid]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error NO_VALID_ANSWERS: not one of the 3 questionnaires read is valid");
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("validate lists why, says so, and exits 1 though every problem is a warning", async () => {
    const r = await runCli(["validate", ...SURVEY, noneValid]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("TOO_FEW_ANSWERS");
    expect(r.stderr).toContain(`${noneValid}: error NO_VALID_ANSWERS: not one of the 3 questionnaires read is valid (作答题数不足 3); nothing to count\n`);
    expect(r.stdout).toBe("3 rows read: 0 valid, 3 invalid (作答题数不足 3); 0 errors, 3 warnings\n");
    const json = await runCli(["validate", ...SURVEY, "--format", "json", noneValid]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).valid).toBe(0);
    expect(json.stderr).toContain("error NO_VALID_ANSWERS");
  });

  it("merge, when not one questionnaire of all the parts is valid; report --tally of such a tally", async () => {
    const valid = join(tmp, "valid.json");
    expect((await runCli(["tally", ...SURVEY, "--format", "json", "-o", valid, ANSWERS])).code).toBe(0);
    // A part with no valid questionnaire cannot be written by tally; the empty state of the same
    // definition, finished as tally finishes it, is what one would hold.
    const empty = join(tmp, "empty.json");
    writeFileSync(empty, await emptyPart());
    expect((await runCli(["merge", valid])).code).toBe(0);
    const r = await runCli(["merge", empty]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.startsWith(`${empty}: error NO_VALID_ANSWERS`)).toBe(true); // the part is the place
    expect(r.stdout).toBe("");
    expect((await runCli(["merge", empty, valid])).code).toBe(0);
    const rep = await runCli(["report", ...SURVEY, "--no-narrative", "--tally", empty, "-o", join(tmp, "from-tally.docx")]);
    expect(rep.code).toBe(1);
    expect(rep.stderr).toMatch(/: error NO_VALID_ANSWERS/);
  });

  it("--each: the empty group fails with 1, the others are written, the batch exits 1", async () => {
    const out = join(tmp, "each");
    const r = await runCli(["tally", ...SURVEY, "--format", "json", "--each", "file", "-o", out, ANSWERS, noneValid]);
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toEqual(["answers.json"]);
    expect(r.stderr).toMatch(/none-valid\.json: failed: \S*none-valid\.csv: error NO_VALID_ANSWERS: not one of the 3 questionnaires read is valid/);
  });

  it("init --from writes the draft, then exits 1: there is nothing to count yet", async () => {
    const dir = join(tmp, "init");
    const r = await runCli(["init", "--from", headerOnly, dir]);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, "survey.yaml"))).toBe(true);
    expect(r.stderr).toMatch(/header-only\.csv: error NO_VALID_ANSWERS: no questionnaire was read/);
    const fine = await runCli(["init", "--from", ANSWERS, "-o", join(tmp, "fine.yaml")]);
    expect(fine.code).toBe(0);
  });
});

describe("one mapping from a stopping problem to its exit code", () => {
  it("a data problem that stops a command exits 1, any other 2, whatever the thrower forgot to say", () => {
    const stop = (code: "NO_VALID_ANSWERS" | "CODES_GUESSED" | "FILE_NOT_FOUND" | "USAGE") => new SurveyError([{ code, severity: "error", message: "x" }]).exitCode;
    expect([stop("NO_VALID_ANSWERS"), stop("CODES_GUESSED"), stop("FILE_NOT_FOUND"), stop("USAGE")]).toEqual([1, 1, 2, 2]);
  });

  it("problems in the data that leave valid questionnaires: tally 0 (1 under --strict), validate 1", async () => {
    const bad = file("bad.csv", [HEADER!, ...ROWS.slice(0, 10), "30,党员,满意极了,缺钱,一般,一般,经费→人员→场地,40,(跳过)"]);
    expect((await runCli(["tally", ...SURVEY, bad])).code).toBe(0);
    expect((await runCli(["tally", ...SURVEY, "--strict", bad])).code).toBe(1);
    expect((await runCli(["validate", ...SURVEY, bad])).code).toBe(1);
    expect((await runCli(["report", ...SURVEY, "--no-narrative", "-o", join(tmp, "bad.docx"), bad])).code).toBe(0);
  });
});

/** The JSON tally of no questionnaire at all: the plan of the definition, every count zero. */
async function emptyPart(): Promise<string> {
  const { emptyState, finalize, buildPlan } = await import("../../src/tally/index.js");
  const { writeJson } = await import("../../src/tally/format/json.js");
  const { loadSurvey } = await import("../../src/cli/context.js");
  const survey = await loadSurvey({ cwd: ROOT, stdout: () => {}, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {} }, SURVEY[1]!);
  let text = "";
  writeJson(finalize(emptyState(buildPlan(survey)), { keepState: true }), (t) => (text += t));
  return text;
}
