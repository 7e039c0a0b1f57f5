import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import type { TallyResult } from "../../src/tally/types.js";
import { runCli, SHARED } from "../helpers/cli.js";

const SURVEY = ["-s", "fixtures/tally-basic/survey.yaml"];
const ANSWERS = "fixtures/tally-basic/answers.csv";
const answers = readFileSync(ANSWERS);
const tmp = mkdtempSync(join(tmpdir(), "survey-streams-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Copies of standard input this process left in the temporary folder. */
const spooled = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`survey-stdin-${process.pid}-`));

/** The JSON tally with the name of its one source replaced, to compare a run on stdin with one on the file. */
function sameSource(json: string, name: string): unknown {
  const t = JSON.parse(json) as TallyResult;
  t.responses.bySource = Object.fromEntries(Object.values(t.responses.bySource).map((v) => [name, v]));
  return JSON.parse(JSON.stringify(t).replaceAll(JSON.stringify(ANSWERS).slice(1, -1), name));
}

describe("- reads the answers from standard input", () => {
  it("gives the tally of the same file, named <stdin> in messages and bySource, and leaves no copy behind", async () => {
    const before = spooled();
    const piped = await runCli(["tally", ...SURVEY, "--format", "json", "-"], { stdin: answers });
    const file = await runCli(["tally", ...SURVEY, "--format", "json", ANSWERS]);
    expect(piped.code).toBe(0);
    expect(Object.keys(JSON.parse(piped.stdout).responses.bySource)).toEqual(["<stdin>"]);
    expect(sameSource(piped.stdout, "<stdin>")).toEqual(sameSource(file.stdout, "<stdin>"));
    expect(spooled()).toEqual(before);
  });

  it("detects the encoding as for a file: GB18030 from Excel on Chinese Windows, TSV, a BOM", async () => {
    const text = answers.toString("utf8");
    const reference = JSON.parse((await runCli(["tally", ...SURVEY, "--format", "json", ANSWERS])).stdout) as TallyResult;
    for (const bytes of [
      iconv.encode(text, "gb18030"),
      Buffer.from(`\uFEFF${text}`),
      Buffer.from(text.split("\n").map((line) => line.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, "\t")).join("\n")),
    ]) {
      const r = await runCli(["tally", ...SURVEY, "--format", "json", "-"], { stdin: bytes });
      expect(r.code, r.stderr).toBe(0);
      const t = JSON.parse(r.stdout) as TallyResult;
      expect(t.questions).toEqual(reference.questions);
      expect(t.responses.valid).toBe(reference.responses.valid);
    }
  });

  it("mixes with files, in the order given", async () => {
    const r = await runCli(["validate", ...SURVEY, "--format", "json", ANSWERS, "-"], { stdin: answers });
    const summary = JSON.parse(r.stdout);
    expect(summary.files).toEqual([ANSWERS, "<stdin>"]);
    expect(summary.bySource["<stdin>"]).toEqual({ returned: 11, valid: 0 }); // every id repeats the file's
  });

  it("is refused twice, on a terminal, and where there is none (exit 2, one line)", async () => {
    const before = spooled();
    for (const [stdin, message] of [
      [answers, /error USAGE: - is given twice: standard input can be read only once/],
      ["tty", /error USAGE: -: standard input is a terminal; pipe or redirect the answers into it \(e\.g\. survey tally - < answers\.csv/],
      [undefined, /error USAGE: -: there is no standard input to read/],
    ] as const) {
      const r = await runCli(["tally", ...SURVEY, "-", ...(stdin === answers ? ["-"] : [])], { stdin });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
    expect(spooled()).toEqual(before);
  });

  it("is refused by init --from, whose draft names its export in data.files", async () => {
    const r = await runCli(["init", "--from", "-", "-o", join(tmp, "x.yaml")], { stdin: answers });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error USAGE: --from -: a draft names its export in data\.files, so it is drafted from a file, not standard input .*\n$/);
  });

  it("an empty standard input is an empty file (FILE_EMPTY, exit 2), and its copy is removed too", async () => {
    const before = spooled();
    const r = await runCli(["tally", ...SURVEY, "-"], { stdin: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("<stdin>: error FILE_EMPTY");
    expect(spooled()).toEqual(before);
  });

  it("works with --each: a group per answer, or one output named stdin for --each file", async () => {
    const out = join(tmp, "each");
    const byFile = await runCli(["tally", ...SURVEY, "--format", "json", "--each", "file", "-o", out, "-"], { stdin: answers });
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(["stdin.json"]);
    const byRole = await runCli(["tally", ...SURVEY, "--format", "json", "--each", "role", "-o", join(tmp, "roles"), "-"], { stdin: answers });
    expect(byRole.code, byRole.stderr).toBe(0);
    expect(readdirSync(join(tmp, "roles")).sort()).toEqual(["党员.json", "群众.json"]);
  });
});

const real = join(SHARED, "realdata/wjx-800");
const realPresent = existsSync(join(real, "wjx-800-code.xls"));
if (!realPresent) console.warn(`skipped: the real export is not at ${real}`);

describe.skipIf(!realPresent)("- with the real 问卷星 export (../shared/realdata/wjx-800)", () => {
  it.each(["text", "code"])("the .xls of the %s form on standard input tallies as the file does", async (form) => {
    const path = join(real, `wjx-800-${form}.xls`);
    const args = ["tally", "-s", "fixtures/wjx800/survey.yaml", "--format", "json"];
    const piped = JSON.parse((await runCli([...args, "-"], { stdin: readFileSync(path) })).stdout) as TallyResult;
    const file = JSON.parse((await runCli([...args, path])).stdout) as TallyResult;
    expect(piped.responses.valid).toBe(800);
    expect(piped.questions).toEqual(file.questions);
  });
});

describe("-o - writes to standard output", () => {
  it.each(["text", "json", "csv", "md"])("tally --format %s: the same bytes as without -o, and nothing else on stdout", async (format) => {
    const plain = await runCli(["tally", ...SURVEY, "--format", format, ANSWERS]);
    const dash = await runCli(["tally", ...SURVEY, "--format", format, "-o", "-", "--force", ANSWERS]);
    expect(dash.code).toBe(0);
    expect(dash.stdout).toBe(plain.stdout);
    expect(dash.stderr).toBe(plain.stderr);
  });

  it("merge -o -, for every format", async () => {
    const part = join(tmp, "part.json");
    expect((await runCli(["tally", ...SURVEY, "--format", "json", "-o", part, ANSWERS])).code).toBe(0);
    for (const format of ["json", "text", "csv", "md"]) {
      const plain = await runCli(["merge", "--format", format, part]);
      const dash = await runCli(["merge", "--format", format, "-o", "-", part]);
      expect(dash.code).toBe(0);
      expect(dash.stdout).toBe(plain.stdout);
    }
  });

  it("report -o - writes the .docx bytes to a pipe; what it holds is said on stderr", async () => {
    const file = join(tmp, "r.docx");
    const env = { SOURCE_DATE_EPOCH: "1700000000" };
    const written = await runCli(["report", ...SURVEY, "--no-narrative", "-o", file, ANSWERS], { env });
    const piped = await runCli(["report", ...SURVEY, "--no-narrative", "-o", "-", ANSWERS], { env });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdoutBytes.equals(readFileSync(file))).toBe(true);
    expect(piped.stderr).toBe(written.stdout.replace(file, "stdout"));
    // from standard input to standard output
    const through = await runCli(["report", ...SURVEY, "--no-narrative", "-o", "-", "-"], { env, stdin: answers });
    expect(through.code, through.stderr).toBe(0);
    expect(through.stdoutBytes.subarray(0, 2).toString()).toBe("PK");
  });

  it("report -o - refuses a terminal, and --explain (which prints on stdout); --each needs a folder", async () => {
    const tty = await runCli(["report", ...SURVEY, "-o", "-", ANSWERS], { stdoutIsTTY: true });
    expect(tty.code).toBe(2);
    expect(tty.stderr).toMatch(/^error USAGE: -o -: stdout is a terminal, and a \.docx is binary; redirect it to a file or a pipe .*\n$/);
    expect(tty.stdoutBytes.length).toBe(0);
    const explain = await runCli(["report", ...SURVEY, "-o", "-", "--explain", ANSWERS]);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toMatch(/error USAGE: --explain prints on stdout/);
    for (const command of ["tally", "report"]) {
      const each = await runCli([command, ...SURVEY, "--each", "file", "-o", "-", ANSWERS]);
      expect(each.code).toBe(2);
      expect(each.stderr).toMatch(/error USAGE: with --each, -o names a folder/);
    }
  });
});
