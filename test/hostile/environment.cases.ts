/**
 * Issue 19 items 3–6, 8, 12 and 13: a hostile environment (full, read-only or odd paths for the outputs and
 * the temporary folder, links, devices, stale temporaries) and hostile names. Before the fixes these
 * exited 70 ("a bug in survey"), 1 with a stack trace, or destroyed something; now each is done, or refused
 * with one located line and exit 2, leaving nothing behind.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, constants, existsSync, linkSync, openSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { example, type HostileCase } from "./case.js";

/** A process id that no process can have: above Linux's largest pid_max (2²²). */
export const DEAD_PID = 2 ** 22 + 1;

const sha = (file: string) => readFileSync(file).toString("base64");
const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));
const root = process.getuid?.() === 0;

/** Mounts a 64 KB tmpfs at `dir` (read-only with `ro`); false where this process may not mount. */
function mountTmpfs(dir: string, ro = false): boolean {
  if (!root || process.platform !== "linux") return false;
  mkdirSync(dir, { recursive: true });
  return spawnSync("mount", ["-t", "tmpfs", "-o", `${ro ? "ro," : ""}size=64k`, "tmpfs", dir]).status === 0;
}
function unmount(dir: string): void {
  if (existsSync(dir)) spawnSync("umount", [dir]);
}

export const cases: HostileCase[] = [
  // Item 3: --each once wrote split copies of the data to the temporary folder; it reads the data once now.
  {
    name: "--each with a temporary folder that is a file: needs none, every group written",
    item: 3,
    setup: (dir) => {
      example(dir);
      writeFileSync(join(dir, "tmp"), "not a folder");
    },
    env: (dir) => ({ TMPDIR: join(dir, "tmp") }),
    args: ["tally", "--each", "q4", "-o", "out"],
    exit: 0,
    after: (dir) => expect(readdirSync(join(dir, "out"))).toHaveLength(4),
  },

  // Item 4: every system error of an output path is one FILE_SYSTEM line naming the path, exit 2.
  {
    name: "an output below a file (ENOTDIR): FILE_SYSTEM naming the output",
    item: 4,
    setup: (dir) => {
      example(dir);
      writeFileSync(join(dir, "afile"), "x");
    },
    args: ["tally", "-o", "afile/t.json", "--format", "json"],
    exit: 2,
    stderr: /^afile\/t\.json: error FILE_SYSTEM: a part of the path is a file, not a folder \(open\): ENOTDIR/m,
  },
  {
    name: "an output through a symbolic link loop (ELOOP): FILE_SYSTEM naming the output",
    item: 4,
    setup: (dir) => {
      example(dir);
      symlinkSync("loop2", join(dir, "loop1"));
      symlinkSync("loop1", join(dir, "loop2"));
    },
    args: ["report", "-o", "loop1/r.docx"],
    exit: 2,
    stderr: /^loop1\/r\.docx: error FILE_SYSTEM: too many symbolic links .*: ELOOP/m,
  },
  {
    name: "an output on a read-only file system (EROFS; root only): FILE_SYSTEM naming the output",
    item: 4,
    setup: (dir) => {
      example(dir);
      return mountTmpfs(join(dir, "ro"), true);
    },
    args: ["tally", "-o", "ro/t.csv", "--format", "csv"],
    exit: 2,
    stderr: /^ro\/t\.csv: error FILE_SYSTEM: the file system is read-only \(open\): EROFS/m,
    teardown: (dir) => unmount(join(dir, "ro")),
  },
  {
    name: "an output on a full disk (ENOSPC; root only): FILE_SYSTEM naming the output, no temporary left",
    item: 4,
    setup: (dir) => {
      example(dir);
      return mountTmpfs(join(dir, "full"));
    },
    args: ["report", "-o", "full/r.docx"],
    exit: 2,
    stderr: /^full\/r\.docx: error FILE_SYSTEM: no space left on the disk \(write\): ENOSPC/m,
    after: (dir) => expect(readdirSync(join(dir, "full"))).toEqual([]),
    teardown: (dir) => unmount(join(dir, "full")),
  },
  {
    name: "an output in a folder without write permission (EACCES; not as root, who may write anywhere)",
    item: 4,
    setup: (dir) => {
      if (root) return false;
      example(dir);
      mkdirSync(join(dir, "locked"), { mode: 0o555 });
    },
    args: ["tally", "-o", "locked/t.json", "--format", "json"],
    exit: 2,
    stderr: /^locked\/t\.json: error FILE_SYSTEM: permission denied \(open\): EACCES/m,
  },
  {
    name: "an output name of 300 bytes (ENAMETOOLONG): FILE_SYSTEM naming it",
    item: 4,
    setup: example,
    args: ["tally", "-o", `${"a".repeat(300)}.json`, "--format", "json"],
    exit: 2,
    stderr: /error FILE_SYSTEM: the name is too long for the file system \(\w+\): ENAMETOOLONG/,
  },
  {
    name: "an output that is a folder, with --force (EISDIR before): FILE_SYSTEM, the folder kept",
    item: 4,
    setup: (dir) => {
      example(dir);
      mkdirSync(join(dir, "d.json"));
    },
    args: ["tally", "-o", "d.json", "--format", "json", "--force"],
    exit: 2,
    stderr: /^d\.json: error FILE_SYSTEM: the output is a folder/m,
    after: (dir) => expect(statSync(join(dir, "d.json")).isDirectory()).toBe(true),
  },

  // Item 5: names near the 255-byte limit.
  {
    name: "an output named with 79 Chinese characters (242 bytes with .docx): written, no temporary left",
    item: 5,
    setup: example,
    args: ["report", "-o", `${"调".repeat(79)}.docx`],
    exit: 0,
    after: (dir) => {
      expect(existsSync(join(dir, `${"调".repeat(79)}.docx`))).toBe(true);
      expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
    },
  },
  {
    name: "--each groups named with 80 Chinese and 80 four-byte characters: every file written, names within 255 bytes",
    item: 5,
    setup: (dir) => {
      const long = ["调".repeat(80), "𠀀".repeat(80)];
      writeFileSync(join(dir, "survey.yaml"), `title: t\ndata:\n  files: [a.csv]\nquestions:\n  - id: q1\n    text: 村\n    type: single\n    options: [${long.join(", ")}]\n`);
      writeFileSync(join(dir, "a.csv"), `q1\n${long[0]}\n${long[1]}\n`);
    },
    args: ["tally", "--each", "q1", "-o", "out", "--format", "json"],
    exit: 0,
    after: (dir) => {
      const names = readdirSync(join(dir, "out"));
      expect(names).toHaveLength(2);
      for (const n of names) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
      expect(names).toContain(`${"调".repeat(80)}.json`);
    },
  },

  // Item 6: devices, pipes and the command's own inputs.
  {
    name: "-o a character device --force (a copy of /dev/null as root, else /dev/null): written into, still a device",
    item: 6,
    setup: (dir) => {
      example(dir);
      if (root) execFileSync("mknod", [join(dir, "null"), "c", "1", "3"]);
    },
    // Never the real /dev/null as root: a regression would replace it.
    args: ["tally", "-o", root ? "null" : "/dev/null", "--force"],
    exit: 0,
    after: (dir) => {
      expect(statSync(root ? join(dir, "null") : "/dev/null").isCharacterDevice()).toBe(true);
      expect(temporaries(dir)).toEqual([]);
    },
  },
  {
    name: "-o a FIFO: the tally goes into the pipe, which stays a pipe",
    item: 6,
    setup: (dir) => {
      if (process.platform === "win32") return false;
      example(dir);
      execFileSync("mkfifo", [join(dir, "pipe")]);
      // A reader on the other end, in another process: it copies what comes through into a file.
      spawnSync("sh", ["-c", `cat pipe > piped.json &`], { cwd: dir, stdio: "ignore" });
    },
    args: ["tally", "-o", "pipe", "--format", "json"],
    exit: 0,
    after: async (dir) => {
      expect(lstatSync(join(dir, "pipe")).isFIFO()).toBe(true);
      const piped = () => (existsSync(join(dir, "piped.json")) ? readFileSync(join(dir, "piped.json"), "utf8") : "");
      for (let i = 0; i < 50 && !piped().endsWith("}\n"); i++) await new Promise((r) => setTimeout(r, 100));
      expect(JSON.parse(piped()).responses.returned).toBe(324);
    },
    // Should survey never have opened the pipe, its reader would wait for ever: open and close the other end.
    teardown: (dir) => {
      try {
        closeSync(openSync(join(dir, "pipe"), constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader left: nothing waits.
      }
    },
  },
  {
    name: "tally -o answers.csv --force answers.csv: OUTPUT_IS_INPUT, the answers unchanged",
    item: 6,
    setup: example,
    args: ["tally", "-o", "answers.csv", "--force", "--format", "csv", "answers.csv"],
    exit: 2,
    stderr: /^answers\.csv: error OUTPUT_IS_INPUT: /m,
    after: (dir) => expect(readFileSync(join(dir, "answers.csv"), "utf8")).toMatch(/^\uFEFF?序号,/),
  },
  {
    name: "-o survey.yaml --force (the definition): OUTPUT_IS_INPUT",
    item: 6,
    setup: example,
    args: ["tally", "-o", "survey.yaml", "--force"],
    exit: 2,
    stderr: /^survey\.yaml: error OUTPUT_IS_INPUT: /m,
  },
  {
    name: "-o a hard link to the answers --force: OUTPUT_IS_INPUT, the answers unchanged",
    item: 6,
    setup: (dir) => {
      example(dir);
      linkSync(join(dir, "answers.csv"), join(dir, "hard.csv"));
      writeFileSync(join(dir, "sha"), sha(join(dir, "answers.csv")));
    },
    args: ["tally", "-o", "hard.csv", "--force", "--format", "csv"],
    exit: 2,
    stderr: /^hard\.csv: error OUTPUT_IS_INPUT: /m,
    after: (dir) => expect(sha(join(dir, "answers.csv"))).toBe(readFileSync(join(dir, "sha"), "utf8")),
  },
  {
    name: "report -o the narrative --force (its name made to end in .docx by a link): OUTPUT_IS_INPUT",
    item: 6,
    setup: (dir) => {
      example(dir);
      symlinkSync("report.md", join(dir, "report.docx"));
    },
    args: ["report", "-o", "report.docx", "--force"],
    exit: 2,
    stderr: /^report\.docx: error OUTPUT_IS_INPUT: /m,
    after: (dir) => expect(readFileSync(join(dir, "report.md"), "utf8")).toMatch(/^## 基本情况/),
  },

  // Item 8: globs.
  {
    name: "a glob through a symbolic link to a folder it already reads: 324 rows read once, not 648",
    item: 8,
    setup: (dir) => {
      example(dir);
      mkdirSync(join(dir, "data/a"), { recursive: true });
      writeFileSync(join(dir, "data/a/x.csv"), readFileSync(join(dir, "answers.csv")));
      symlinkSync("a", join(dir, "data/link"));
    },
    args: ["tally", "--format", "json", "data/**/*.csv"],
    exit: 0,
    after: (_, run) => {
      const json = JSON.parse(run.stdout) as { responses: { returned: number; bySource: Record<string, unknown> } };
      expect(json.responses.returned).toBe(324);
      expect(Object.keys(json.responses.bySource)).toEqual(["data/a/x.csv"]);
    },
  },
  {
    name: "one file named three ways (a path, ./path, a hard link): read once",
    item: 8,
    setup: (dir) => {
      example(dir);
      linkSync(join(dir, "answers.csv"), join(dir, "same.csv"));
    },
    args: ["tally", "--format", "json", "answers.csv", "./answers.csv", "same.csv"],
    exit: 0,
    after: (_, run) => expect((JSON.parse(run.stdout) as { responses: { returned: number } }).responses.returned).toBe(324),
  },
  {
    name: "'/proc/**/*.csv': the kernel's files are not walked, FILE_NOT_FOUND at once",
    item: 8,
    setup: (dir) => (process.platform === "linux" ? example(dir) : false),
    args: ["tally", "/proc/**/*.csv"],
    exit: 2,
    stderr: /^\/proc\/\*\*\/\*\.csv: error FILE_NOT_FOUND: no file matches this pattern/m,
    bound: 20_000,
  },
  {
    name: "a glob into a folder 40 levels deep: not walked below 32, FILE_NOT_FOUND",
    item: 8,
    setup: (dir) => {
      example(dir);
      const deep = join(dir, "d", ...Array.from({ length: 40 }, (_, i) => `${i}`));
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(deep, "x.csv"), readFileSync(join(dir, "answers.csv")));
    },
    args: ["tally", "d/**/*.csv"],
    exit: 2,
    stderr: "FILE_NOT_FOUND",
  },

  // Item 12: what a killed run left behind is removed by the next.
  {
    name: "a 1 MB temporary of a run killed with -9 (.NAME.PID.HEX.tmp): removed by the next run; a live run's kept",
    item: 12,
    setup: (dir) => {
      example(dir);
      writeFileSync(join(dir, `.t.json.${DEAD_PID}.0123abcd.tmp`), Buffer.alloc(1 << 20));
      writeFileSync(join(dir, `.t.json.${process.pid}.0123abcd.tmp`), "being written");
      writeFileSync(join(dir, ".notes.1.tmp"), "not ours");
    },
    args: ["tally", "-o", "t.json", "--format", "json"],
    exit: 0,
    after: (dir) => expect(temporaries(dir).sort()).toEqual([`.notes.1.tmp`, `.t.json.${process.pid}.0123abcd.tmp`]),
  },

  // Item 13: invisible characters in --each names.
  {
    name: "--each names from answers with U+202E, zero-width and other invisible characters: stripped",
    item: 13,
    setup: (dir) => {
      const labels = ["黄林\u202Excod.exe", "龙\u200B王\u2066河\u2069村\uFEFF", "柳\u00ADmulti\u0085湾"];
      writeFileSync(join(dir, "survey.yaml"), `title: t\ndata:\n  files: [a.csv]\nquestions:\n  - id: q1\n    text: 村\n    type: single\n    options: [${labels.map((l) => JSON.stringify(l)).join(", ")}]\n`);
      writeFileSync(join(dir, "a.csv"), `q1\n${labels.join("\n")}\n`);
    },
    args: ["tally", "--each", "q1", "-o", "out", "--format", "json"],
    exit: 0,
    after: (dir) => expect(readdirSync(join(dir, "out")).sort()).toEqual(["柳multi湾.json", "黄林xcod.exe.json", "龙王河村.json"].sort()),
  },
];
