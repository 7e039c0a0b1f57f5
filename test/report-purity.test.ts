import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

/** STYLE habit 1: the report's model and renderers do no IO; only src/cli/report.ts reads and writes. */
describe("src/report", () => {
  const dir = join(ROOT, "src/report");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));

  it.each(files)("%s touches neither files, process nor commander", (file) => {
    const source = readFileSync(join(dir, file), "utf8");
    expect(source).not.toMatch(/from "node:(fs|fs\/promises|child_process|os)"/);
    expect(source).not.toMatch(/from "commander"/);
    expect(source).not.toMatch(/\bprocess\./);
  });

  it("is loaded by the report command only when it runs (docx stays out of the other commands)", () => {
    const command = readFileSync(join(ROOT, "src/cli/report.ts"), "utf8");
    for (const line of command.split("\n").filter((l) => /^import .* from "\.\.\/report\//.test(l))) expect(line).toMatch(/^import type /);
    expect(command).not.toMatch(/^import .*"docx/m);
  });
});
