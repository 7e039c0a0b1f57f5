import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { withProgress } from "../../src/cli/progress.js";
import { memoryIo, type MemoryIo } from "../helpers/memory-io.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string };
/** An SGR colour sequence (not the line-clearing of the progress line, which is not colour). */
const COLOUR = /\x1b\[\d+(;\d+)*m/;

async function run(io: MemoryIo, ...args: string[]) {
  return main(["node", "survey", ...args], io);
}

describe("working like a good CLI", () => {
  it("--version prints the package version", async () => {
    const io = memoryIo(root);
    expect(await run(io, "--version")).toBe(0);
    expect(io.out()).toBe(`${pkg.version}\n`);
  });

  it.each(["init", "validate", "tally", "report", "merge", "schema"])("%s --help has a worked example", async (command) => {
    const io = memoryIo(root);
    expect(await run(io, command, "--help")).toBe(0);
    expect(io.out()).toMatch(/Examples?:\n\s+\$ survey /);
  });

  it("colours diagnostics on a terminal; NO_COLOR and --no-color turn it off, FORCE_COLOR on", async () => {
    const args = ["validate", "-s", "fixtures/example/survey.yaml"];
    const tty = memoryIo(root, {}, true);
    await run(tty, ...args);
    expect(tty.err()).toMatch(COLOUR);
    const noColor = memoryIo(root, { NO_COLOR: "1" }, true);
    await run(noColor, ...args);
    expect(noColor.err()).not.toMatch(COLOUR);
    const flag = memoryIo(root, {}, true);
    await run(flag, "--no-color", ...args);
    expect(flag.err()).not.toMatch(COLOUR);
    const pipe = memoryIo(root, {}, false);
    await run(pipe, ...args);
    expect(pipe.err()).not.toMatch(COLOUR);
    const forced = memoryIo(root, { FORCE_COLOR: "1" }, false);
    await run(forced, ...args);
    expect(forced.err()).toMatch(COLOUR);
  });

  it("--quiet leaves only results: the summary on stdout, no warnings", async () => {
    const io = memoryIo(root);
    expect(await run(io, "--quiet", "validate", "-s", "fixtures/example/survey.yaml")).toBe(0);
    expect(io.err()).toBe("");
    expect(io.out()).toMatch(/^324 rows read: 320 valid, 4 invalid/);
  });

  it("results on stdout, diagnostics on stderr: JSON output parses while problems are reported", async () => {
    const io = memoryIo(root);
    expect(await run(io, "tally", "-s", "fixtures/example/survey.yaml", "--format", "json")).toBe(0);
    expect(JSON.parse(io.out()).responses.valid).toBe(320);
    expect(io.err()).toMatch(/4 invalid/);
  });
});

describe("progress on stderr", () => {
  const slow = (io: { stdout: (t: string) => void; stderr: (t: string) => void }) =>
    new Promise<number>((done) =>
      setTimeout(() => {
        io.stderr("a diagnostic\n");
        io.stdout("the result\n");
        setTimeout(() => done(7), 60);
      }, 60),
    );
  const timing = { delayMs: 10, intervalMs: 10 };

  it("is drawn on a terminal, cleared before any other output and at the end", async () => {
    const io = memoryIo(root, {}, true);
    expect(await withProgress(io, "survey tally", slow, timing)).toBe(7);
    const err = io.err();
    expect(err).toMatch(/survey tally \d+s/);
    expect(err).toMatch(/\r\x1b\[Ka diagnostic\n/);
    expect(err.endsWith("\r\x1b[K")).toBe(true);
    expect(io.out()).toBe("the result\n");
  });

  it("is never drawn in a pipe, under --quiet, in CI or on a dumb terminal", async () => {
    for (const [io, quiet] of [
      [memoryIo(root, {}, false), false],
      [memoryIo(root, {}, true), true],
      [memoryIo(root, { CI: "true" }, true), false],
      [memoryIo(root, { TERM: "dumb" }, true), false],
    ] as const) {
      await withProgress(io, "survey tally", slow, { ...timing, quiet });
      expect(io.err()).toBe("a diagnostic\n");
    }
  });

  it("is not drawn for a command shorter than the delay", async () => {
    const io = memoryIo(root, {}, true);
    await withProgress(io, "survey validate", async () => 0);
    expect(io.err()).toBe("");
  });
});
