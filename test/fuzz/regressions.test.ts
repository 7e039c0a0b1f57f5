/**
 * Replays every input the fuzz tests once failed on (fixtures/fuzz-regressions/<case>/: the files, and
 * case.json with the commands and their expected exit codes), so a fixed bug stays fixed.
 */
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test, vi } from "vitest";
import { parseSurvey } from "../../src/definition/load.js";
import { runBounded, tempDir, violations } from "./harness.js";

const DIR = fileURLToPath(new URL("../../fixtures/fuzz-regressions/", import.meta.url));

interface Case {
  about: string;
  found: string;
  runs: { args: string[]; exit: number; stderr?: string[] }[];
}

const cases = readdirSync(DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe("fuzz regressions", () => {
  test("there are cases to replay", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test.each(cases)("%s", async (name) => {
    const spec = JSON.parse(readFileSync(join(DIR, name, "case.json"), "utf8")) as Case;
    // A copy, so that outputs a case writes never land in the repository.
    const work = tempDir();
    try {
      cpSync(join(DIR, name), work, { recursive: true });
      for (const run of spec.runs) {
        const result = await runBounded(run.args, work);
        expect(violations(result), `${run.args.join(" ")}\n${result.stderr}`).toEqual([]);
        expect(result.code, result.stderr).toBe(run.exit);
        for (const s of run.stderr ?? []) expect(result.stderr).toContain(s);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("fuzz regressions below the CLI", () => {
  test("a collection as a mapping key is an unknown key, not a Node warning printed to stderr", () => {
    // Found by definition.fuzz: yaml called process.emitWarning, which a real run prints as two lines.
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const { survey, diagnostics } = parseSurvey("title: x\n? [a]\n: b\nquestions: [{id: q1, text: t, type: text}]\n");
      expect(survey).toBeUndefined();
      expect(diagnostics.map((d) => [d.code, d.line])).toEqual([["DEF_UNKNOWN_KEY", 2]]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
