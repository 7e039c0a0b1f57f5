/**
 * Issue 19, "Done when": exit code 70 is reached by no input and no environment error. Runs every case of
 * every test/hostile/*.cases.ts through the CLI (in-process) and asserts its exit code and diagnostic, and
 * that it keeps the contract of test/fuzz/harness.ts: exit 0, 1 or 2, never 70, no stack trace, one located
 * line per problem.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { runBounded, tempDir, violations } from "../fuzz/harness.js";
import type { HostileCase } from "./case.js";

const DIR = fileURLToPath(new URL(".", import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith(".cases.ts")).sort();
const suites: [string, HostileCase[]][] = [];
for (const f of files) suites.push([f, ((await import(/* @vite-ignore */ join(DIR, f))) as { cases: HostileCase[] }).cases]);

describe("hostile input and environments: no exit 70", () => {
  test("there are cases, from more than one file as they are added", () => {
    expect(suites.flatMap(([, c]) => c).length).toBeGreaterThan(10);
  });

  for (const [file, cases] of suites) {
    describe(file, () => {
      test.each(cases.map((c) => [`item ${c.item}: ${c.name}`, c] as const))("%s", async (_, c) => {
        const dir = tempDir("survey-hostile-");
        try {
          if ((await c.setup(dir)) === false) return;
          const run = await runBounded(c.args, dir, c.bound, c.env?.(dir));
          expect(run.code, run.stderr).not.toBe(70);
          expect(violations(run), run.stderr).toEqual([]);
          expect(run.code, run.stderr).toBe(c.exit);
          if (typeof c.stderr === "string") expect(run.stderr).toContain(c.stderr);
          else if (c.stderr) expect(run.stderr).toMatch(c.stderr);
          await c.after?.(dir, run);
        } finally {
          c.teardown?.(dir);
          rmSync(dir, { recursive: true, force: true });
        }
      }, 120_000);
    });
  }
});
