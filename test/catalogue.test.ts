import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, catalogueMarkdown, FIXES } from "../src/diagnostics/catalogue.js";
import { ROOT } from "./helpers/cli.js";

const README = join(ROOT, "README.md");
const BLOCK = /(<!-- catalogue -->\n)([\s\S]*?)(\n<!-- \/catalogue -->)/;

describe("the error catalogue", () => {
  it("gives every diagnostic code a meaning and a fix", () => {
    for (const code of Object.keys(CATALOGUE)) {
      expect(FIXES[code as keyof typeof FIXES], code).toMatch(/\S/);
    }
    expect(Object.keys(FIXES).sort()).toEqual(Object.keys(CATALOGUE).sort());
  });

  it("is printed in the README as generated from the code (UPDATE_README=1 rewrites it)", () => {
    const readme = readFileSync(README, "utf8");
    const table = catalogueMarkdown();
    if (process.env.UPDATE_README) {
      writeFileSync(README, readme.replace(BLOCK, (_, open: string, __: string, close: string) => `${open}${table}${close}`));
      return;
    }
    const found = BLOCK.exec(readme);
    expect(found, "README.md has no <!-- catalogue --> block").not.toBeNull();
    expect(found![2]).toBe(table);
  });
});
