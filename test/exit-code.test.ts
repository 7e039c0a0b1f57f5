import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { CATALOGUE, type DiagnosticCode } from "../src/diagnostics/catalogue.js";
import { EXIT, SurveyError } from "../src/diagnostics/errors.js";
import { exitCodeFor } from "../src/diagnostics/exit-code.js";
import { fromSystemError, isSystemError } from "../src/diagnostics/system-errors.js";

/** The checkout, for its README: this test loads the diagnostics, not the whole program. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The one mapping from what stops a command to its exit code (exitCodeFor, used by the top-level catch and
 * by every group of --each), walked over every code of the catalogue and every errno of the system, and
 * held against what the README documents.
 */
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const CODES = Object.keys(CATALOGUE) as DiagnosticCode[];

/** The codes the README says exit 1: named in the "1" column of its Exit codes table, or as `CODE (exit 1)`. */
function documentedDataCodes(): Set<string> {
  const section = /^### Exit codes\n([\s\S]*?)\n## /m.exec(README);
  expect(section, "README.md has an Exit codes section").not.toBeNull();
  const rows = section![1]!.split("\n").filter((line) => /^\| `[a-z]/.test(line));
  expect(rows.length).toBeGreaterThan(3);
  const named = new Set<string>();
  for (const row of rows) {
    const exitOne = row.split(" | ")[2] ?? "";
    for (const [, code] of exitOne.matchAll(/`([A-Z][A-Z_]+)`/g)) named.add(code!);
  }
  for (const [, code] of README.matchAll(/`?\b([A-Z][A-Z_]+)`? \(exit 1\)/g)) named.add(code!);
  for (const code of named) expect(CODES, `README names ${code}, which is not in the catalogue`).toContain(code);
  return named;
}

const stop = (...codes: DiagnosticCode[]) => new SurveyError(codes.map((code) => ({ code, severity: "error" as const, message: "x" })));

describe("exitCodeFor: one error-to-exit mapping", () => {
  it("a stop on any catalogue code exits 1 exactly when the README documents it as the data's, else 2", () => {
    const dataCodes = documentedDataCodes();
    expect(dataCodes.size).toBeGreaterThan(0);
    for (const code of CODES) {
      const expected = dataCodes.has(code) ? EXIT.dataErrors : EXIT.cannotRun;
      expect(exitCodeFor(stop(code)), code).toBe(expected);
      // the property scripts and tests read agrees with the mapping
      expect(stop(code).exitCode, code).toBe(expected);
    }
  });

  it("a stop with several problems exits 1 when any says the data cannot be counted", () => {
    const dataCodes = [...documentedDataCodes()] as DiagnosticCode[];
    for (const data of dataCodes) {
      for (const other of CODES.filter((c) => !dataCodes.includes(c))) {
        expect(exitCodeFor(stop(other, data)), `${other} + ${data}`).toBe(EXIT.dataErrors);
        expect(exitCodeFor(stop(data, other)), `${data} + ${other}`).toBe(EXIT.dataErrors);
      }
    }
  });

  it("every errno of the system: 2 when it is one the FILE_SYSTEM mapping names, raw or mapped; a bug (70) otherwise", () => {
    const names = Object.keys(constants.errno);
    expect(names.length).toBeGreaterThan(50);
    let known = 0;
    for (const code of names) {
      const err = Object.assign(new Error(`${code}: open '/x/out.json'`), { code, syscall: "open", path: "/x/out.json" });
      if (isSystemError(err)) {
        known++;
        expect(exitCodeFor(err), code).toBe(EXIT.cannotRun);
        expect(exitCodeFor(fromSystemError(err, "out.json")), code).toBe(EXIT.cannotRun);
      } else {
        expect(exitCodeFor(err), code).toBe(EXIT.internal);
        // left as it is, so the catch above still sees a bug
        expect(fromSystemError(err, "out.json")).toBe(err);
      }
    }
    expect(known).toBeGreaterThan(20);
  });

  it("commander: 0 after --help or --version, 2 for a wrong option or argument", () => {
    for (const code of ["commander.helpDisplayed", "commander.help", "commander.version"]) {
      expect(exitCodeFor(new CommanderError(0, code, "")), code).toBe(EXIT.ok);
    }
    for (const code of ["commander.unknownOption", "commander.missingArgument", "commander.invalidArgument", "commander.unknownCommand", "commander.excessArguments"]) {
      expect(exitCodeFor(new CommanderError(1, code, "")), code).toBe(EXIT.cannotRun);
    }
  });

  it("anything else is a bug in survey: 70", () => {
    for (const err of [new TypeError("x is undefined"), new RangeError("Invalid array length"), "a string", undefined, null, { code: "ENOENT" }]) {
      expect(exitCodeFor(err), String(err)).toBe(EXIT.internal);
    }
  });
});
