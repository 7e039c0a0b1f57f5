import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/io.js";
import { buildProgram, main } from "../../src/cli/main.js";

/**
 * The README is checked against the program, so the two never drift:
 * - every `<!-- help: <command> -->` block is exactly that command's --help, and every command has one;
 * - every `<!-- console -->` block is a session run in one scratch folder: `$ survey …` and `$ cd …`
 *   lines are run in order and the text after each is exactly what it printed (stdout and stderr as a
 *   terminal shows them, interleaved).
 * `UPDATE_README=1 npx vitest run test/readme` rewrites the blocks from the program instead.
 */

const root = fileURLToPath(new URL("../../", import.meta.url));
const README = join(root, "README.md");
const HELP = /(<!-- help: ?([a-z]*) -->\n```text\n)([\s\S]*?)(```\n<!-- \/help -->)/g;
const CONSOLE = /(<!-- console -->\n```console\n)([\s\S]*?)(```)/g;
/** A console session block, or an excerpt of a command's output (`$ survey …`) or of a file the session wrote. */
const BLOCK = /<!-- (console|excerpt: (.*?)) -->\n```[a-z]*\n([\s\S]*?)```/g;
const update = Boolean(process.env.UPDATE_README);

/** An Io that records stdout and stderr in one stream, in the order written, as a terminal shows them. */
function terminalIo(cwd: string): Io & { text(): string } {
  let text = "";
  return {
    cwd,
    stdout: (t) => void (text += t),
    stderr: (t) => void (text += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { NO_COLOR: "1" },
    text: () => text,
  };
}

async function help(command: string): Promise<string> {
  const io = terminalIo(root);
  await main(["node", "survey", ...(command ? [command] : []), "--help"], io);
  return io.text();
}

/**
 * Runs the README's console blocks in order in one scratch folder and returns what each printed; checks
 * on the way that every line of each excerpt block (but "…") is in that command's output or that file.
 */
async function session(readme: string): Promise<string[]> {
  let cwd = await mkdtemp(join(tmpdir(), "survey-readme-"));
  const run = async (line: string) => {
    const [cmd, ...args] = line.slice(2).trim().split(/\s+/);
    if (cmd === "cd") {
      cwd = resolve(cwd, args[0]!);
      return "";
    }
    expect(cmd).toBe("survey");
    const io = terminalIo(cwd);
    await main(["node", "survey", ...args], io);
    return io.text();
  };
  const out: string[] = [];
  for (const [, kind, source, body] of readme.matchAll(BLOCK)) {
    if (kind === "console") {
      let text = "";
      for (const line of body!.split("\n").filter((l) => l.startsWith("$ "))) text += `${line}\n${await run(line)}`;
      out.push(text);
      continue;
    }
    const whole = source!.startsWith("$ ") ? await run(source!) : await readFile(join(cwd, source!), "utf8");
    const lines = whole.split("\n");
    for (const line of body!.split("\n").filter((l) => l && l !== "…")) expect(lines, `excerpt of ${source}`).toContain(line);
  }
  return out;
}

describe("README.md", () => {
  it("shows every command's --help exactly as the program prints it", async () => {
    const readme = await readFile(README, "utf8");
    const documented = [...readme.matchAll(HELP)].map((m) => m[2]!);
    const commands = ["", ...buildProgram(terminalIo(root), () => {}).commands.map((c) => c.name())];
    expect(documented).toEqual(commands);
    let next = readme;
    for (const command of commands) {
      const actual = await help(command);
      const block = [...next.matchAll(HELP)].find((m) => m[2] === command)!;
      if (update) next = next.replace(block[0], `${block[1]}${actual}${block[4]}`);
      else expect(block[3], `survey ${command} --help`).toBe(actual);
    }
    if (update && next !== readme) await writeFile(README, next);
  }, 30_000);

  it("shows the walkthrough's real output, and excerpts of real output", async () => {
    const readme = await readFile(README, "utf8");
    const blocks = [...readme.matchAll(CONSOLE)];
    expect(blocks.length).toBeGreaterThan(3);
    const actual = await session(readme);
    if (update) {
      let i = 0;
      await writeFile(README, readme.replace(CONSOLE, (_, open: string, _body: string, close: string) => `${open}${actual[i++]}${close}`));
    } else {
      blocks.forEach((b, i) => expect(b[2]).toBe(actual[i]));
    }
  }, 180_000);
});
