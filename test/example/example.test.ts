import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateExample } from "../../fixtures/example/generate.js";
import { main } from "../../src/cli/main.js";
import { loadSurvey } from "../../src/cli/context.js";
import { scan } from "../../src/validate/scan.js";
import { memoryIo } from "../helpers/memory-io.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("the bundled example (fixtures/example)", () => {
  it("answers.csv is exactly what generate.ts writes, so the two cannot drift", () => {
    const committed = readFileSync(`${root}fixtures/example/answers.csv`, "utf8");
    expect(generateExample()).toBe(committed);
  });

  it("validates with exit 0 and the planned invalid questionnaires", async () => {
    const io = memoryIo(root);
    const code = await main(["node", "survey", "validate", "-s", "fixtures/example/survey.yaml", "--format", "json"], io);
    expect(code).toBe(0);
    const result = JSON.parse(io.out());
    expect(result.errors).toBe(0);
    expect(result.returned).toBe(324);
    expect(result.valid).toBe(320);
    expect(result.invalidReasons).toEqual({ duplicate: 2, too_few_answers: 1, speeder: 1 });
  });

  it("satisfaction (q5) differs by role: chi-square well past the 0.1% critical value", async () => {
    const io = memoryIo(root);
    const survey = await loadSurvey(io, "fixtures/example/survey.yaml");
    const q1 = survey.items.findIndex((i) => i.id === "q1");
    const q5 = survey.items.findIndex((i) => i.id === "q5");
    const table = new Map<number, number[]>();
    await scan(survey, [{ path: `${root}fixtures/example/answers.csv`, name: "answers.csv" }], {
      onResponse: (r, verdict) => {
        const role = r.answers[q1]!;
        const sat = r.answers[q5]!;
        if (!verdict.valid || role.kind !== "choice" || sat.kind !== "choice") return;
        const counts = table.get(role.codes[0]!) ?? [0, 0, 0, 0, 0];
        counts[sat.codes[0]! - 1]!++;
        table.set(role.codes[0]!, counts);
      },
    });
    // Pearson's chi-square over the roles × options actually used (no empty row or column).
    const rows = [...table.values()];
    const cols = [0, 1, 2, 3, 4].filter((c) => rows.some((r) => r[c]! > 0));
    const n = rows.reduce((s, r) => s + cols.reduce((t, c) => t + r[c]!, 0), 0);
    let chi = 0;
    for (const r of rows) {
      const rowSum = cols.reduce((t, c) => t + r[c]!, 0);
      for (const c of cols) {
        const colSum = rows.reduce((t, x) => t + x[c]!, 0);
        const expected = (rowSum * colSum) / n;
        chi += (r[c]! - expected) ** 2 / expected;
      }
    }
    const df = (rows.length - 1) * (cols.length - 1);
    expect(rows.length).toBe(6);
    // Critical values of chi-square at p = 0.001 for the df this table can have.
    const critical: Record<number, number> = { 15: 37.7, 20: 45.31 };
    expect(chi).toBeGreaterThan(critical[df]!);
  });
});
