import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/cli.js";

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "survey-out-"));
  copyFileSync(join(ROOT, "fixtures/all-types/survey.yaml"), join(dir, "survey.yaml"));
  copyFileSync(join(ROOT, "fixtures/all-types/answers-text.csv"), join(dir, "a.csv"));
  return dir;
}
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("outputs are never lost, half-written or replaced by surprise", () => {
  it("keeps an existing output unless --force, and names it in one line", async () => {
    const dir = workspace();
    writeFileSync(join(dir, "out.json"), "mine");
    const run = await runCli(["tally", "a.csv", "--format", "json", "-o", "out.json"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("out.json: error OUTPUT_EXISTS: the output file exists; it was not changed (pass --force to overwrite it)");
    expect(readFileSync(join(dir, "out.json"), "utf8")).toBe("mine");
    const forced = await runCli(["tally", "a.csv", "--format", "json", "-o", "out.json", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "out.json"), "utf8")).responses.valid).toBe(6);
    expect(leftovers(dir)).toEqual([]);
  });

  it("lets two runs write different outputs in one folder at once, and only one of two runs claim the same name", async () => {
    const dir = workspace();
    const both = await Promise.all([
      runCli(["tally", "a.csv", "--format", "json", "-o", "one.json"], { cwd: dir }),
      runCli(["tally", "a.csv", "--format", "csv", "-o", "two.csv"], { cwd: dir }),
    ]);
    expect(both.map((r) => r.code)).toEqual([0, 0]);
    expect(existsSync(join(dir, "one.json")) && existsSync(join(dir, "two.csv"))).toBe(true);

    const race = await Promise.all(
      [1, 2, 3].map(() => runCli(["tally", "a.csv", "--format", "json", "-o", "same.json"], { cwd: dir })),
    );
    expect(race.map((r) => r.code).sort()).toEqual([0, 2, 2]);
    expect(JSON.parse(readFileSync(join(dir, "same.json"), "utf8")).schemaVersion).toBe(1);
    expect(leftovers(dir)).toEqual([]);
  });

  it("never modifies its inputs", async () => {
    const dir = workspace();
    const before = [sha(join(dir, "survey.yaml")), sha(join(dir, "a.csv"))];
    await runCli(["validate", "a.csv"], { cwd: dir });
    await runCli(["tally", "a.csv", "--format", "json", "-o", "t.json"], { cwd: dir });
    await runCli(["report", "a.csv", "-o", "r.docx", "--no-charts"], { cwd: dir });
    expect([sha(join(dir, "survey.yaml")), sha(join(dir, "a.csv"))]).toEqual(before);
  });

  it("removes the temporary file of an output being written when interrupted (SIGINT, SIGTERM)", async () => {
    for (const [signal, exit] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      const dir = workspace();
      const temp = join(dir, ".report.docx.1.tmp");
      const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "test/helpers/hold-temporary.ts"), temp], { cwd: dir });
      await new Promise<void>((ready) => child.stdout.once("data", () => ready()));
      expect(existsSync(temp)).toBe(true);
      child.kill(signal);
      const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
      expect(code).toBe(exit);
      expect(existsSync(temp)).toBe(false);
    }
  }, 60_000);

  it("leaves no partial file when a real run is interrupted", async () => {
    const dir = workspace();
    const rows = ["序号,1、您的身份是,2、您对社区服务的满意程度,6、您的年龄"];
    for (let i = 1; i <= 150_000; i++) rows.push(`${i},${i % 3 ? "党员" : "群众"},${["非常满意", "一般", "不了解"][i % 3]},${20 + (i % 60)}`);
    writeFileSync(join(dir, "big.csv"), rows.join("\n"));
    writeFileSync(join(dir, "survey.yaml"), readFileSync(join(dir, "survey.yaml"), "utf8").replace("data:\n  duration_column: 所用时间\n", ""));
    const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "src/cli/entry.ts"), "tally", "big.csv", "--format", "json", "-o", "out.json"], {
      cwd: dir,
      stdio: "ignore",
    });
    setTimeout(() => child.kill("SIGINT"), 2500);
    const [code, signal] = await new Promise<[number | null, string | null]>((done) => child.on("exit", (c, s) => done([c, s])));
    expect(leftovers(dir)).toEqual([]);
    if (code === 0) {
      // The machine was fast enough to finish first: then the output must be whole.
      expect(JSON.parse(readFileSync(join(dir, "out.json"), "utf8")).responses.returned).toBe(150_000);
    } else {
      // 130 from our handler, or killed outright if the signal came before the program had loaded.
      expect(code === 130 || signal === "SIGINT").toBe(true);
      expect(existsSync(join(dir, "out.json"))).toBe(false);
    }
  }, 60_000);
});
