/**
 * Issue 19 item 12 in a real process: kill -9 cannot be staged in-process. The CLI runs from the
 * sources (tsx), as test/output-safety.test.ts does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../fuzz/harness.js";
import { ROOT, runCli } from "../helpers/cli.js";

const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const ENTRY = join(ROOT, "src/cli/entry.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The example project with its answers copied `copies` times, and a private TMPDIR inside it. */
function project(copies: number): string {
  const dir = tempDir("survey-processes-");
  dirs.push(dir);
  for (const f of ["survey.yaml", "report.md"]) cpSync(join(ROOT, "fixtures/example", f), join(dir, f));
  const [head, ...rows] = readFileSync(join(ROOT, "fixtures/example/answers.csv"), "utf8").split("\n").filter(Boolean);
  const parts = Array.from({ length: copies }, (_, k) => rows.map((r) => r.replace(/^\d+/, (n) => String(Number(n) + 1000 * k))).join("\n"));
  writeFileSync(join(dir, "answers.csv"), `${head}\n${parts.join("\n")}\n`);
  mkdirSync(join(dir, "tmp"));
  return dir;
}

function exit(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((done) => child.on("exit", (code, signal) => done([code, signal])));
}

describe("processes: killed", () => {
  it("item 12: the 1 MB temporary a run killed with -9 leaves is removed by the next run writing to that folder", async () => {
    const dir = project(1);
    const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "test/helpers/hold-output.ts"), join(dir, "out.json")], { cwd: dir });
    const temp = await new Promise<string>((ready) => child.stdout!.once("data", (d: Buffer) => ready(d.toString().trim())));
    expect(temp).toMatch(new RegExp(`/\\.out\\.json\\.${child.pid}\\.[0-9a-f]{8}\\.tmp$`));
    child.kill("SIGKILL");
    await exit(child);
    expect(existsSync(temp)).toBe(true);
    const run = await runCli(["tally", "-o", "t.json", "--format", "json"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(existsSync(temp)).toBe(false);
  }, 60_000);
});
