import * as fs from "node:fs";
import { realpathSync, statfsSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { globSync } from "tinyglobby";
import { SurveyError } from "../diagnostics/errors.js";
import { MAX_GLOB_DEPTH, MAX_GLOB_ENTRIES } from "./limits.js";

/**
 * Expands one glob of answer files (`'data/**\/*.csv'`) into absolute paths, sorted, with a bounded walk:
 * at most MAX_GLOB_ENTRIES entries and MAX_GLOB_DEPTH folders deep (a located error beyond), the kernel's
 * pseudo file systems (/proc, /sys, /dev and their kind wherever mounted) never entered, and a folder
 * reached again through a symbolic link not read twice. Links are still followed, so a link to a data
 * folder or file works.
 *
 * tinyglobby crawls with fdir, which stops a link back to an ancestor but follows one to a sibling (every
 * file then found twice); the walk is synchronous so that which of two paths is read first does not vary.
 */
export function expandGlob(pattern: string, cwd: string, limits = { entries: MAX_GLOB_ENTRIES, depth: MAX_GLOB_DEPTH }): string[] {
  const seen = new Set<string>();
  let entries = 0;
  let tooMany = false;
  const controller = new AbortController();
  const readdirSync = ((path: fs.PathLike, options?: unknown) => {
    if (tooMany || skipFolder(path.toString(), seen)) return [];
    const list = fs.readdirSync(path, options as { withFileTypes: true });
    entries += list.length;
    if (entries > limits.entries) {
      tooMany = true;
      controller.abort();
      return [];
    }
    return list;
  }) as typeof fs.readdirSync;
  const matches = globSync(pattern, {
    cwd,
    absolute: true,
    onlyFiles: true,
    expandDirectories: false,
    deep: limits.depth,
    signal: controller.signal,
    fs: { ...fs, readdirSync },
  });
  if (tooMany) {
    throw new SurveyError([
      {
        code: "USAGE",
        severity: "error",
        file: pattern,
        message: `the pattern walks more than ${limits.entries.toLocaleString("en-US")} files and folders`,
        hint: "name the folder of the answer files, e.g. 'data/*.csv' rather than '/**/*.csv'",
      },
    ]);
  }
  return matches.sort();
}

/** statfs types of the kernel's pseudo file systems: their files are not answer files, and some never end. */
const PSEUDO_FILE_SYSTEMS = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1cd1, // devpts
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0xcafe4a11, // bpf
  0x6165676c, // pstore
  0x62656570, // configfs
  0x42494e4d, // binfmt_misc
  0x19800202, // mqueue
  0xde5e81e4, // efivarfs
  0x50495045, // pipefs
  0x534f434b, // sockfs
]);

const PSEUDO_ROOTS = /^\/(proc|sys|dev)(\/|$)/;

/** Whether the walk passes over a folder: a pseudo file system's, or one already read through another path. */
function skipFolder(path: string, seen: Set<string>): boolean {
  try {
    const real = realpathSync(path);
    if (process.platform !== "win32" && PSEUDO_ROOTS.test(real)) return true;
    const s = statSync(real);
    const id = `${s.dev}:${s.ino}`;
    if (seen.has(id)) return true;
    seen.add(id);
    return PSEUDO_FILE_SYSTEMS.has(Number(statfsSync(real).type));
  } catch {
    // Unreadable: fdir's own readdir reports nothing for it either.
    return false;
  }
}

/**
 * The files of a run without repeats: one file named twice (two patterns, a link, `./a.csv` and `a.csv`)
 * is read once, under the first of its names. Files are told apart by device and inode; a path that
 * cannot be found stays, for the reader to report.
 */
export function distinctFiles(paths: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const path of paths) {
    let id = `path:${path}`;
    try {
      if (!isAbsolute(path)) throw new Error("not a file path (standard input)");
      const s = statSync(path);
      if (s.isFile()) id = `${s.dev}:${s.ino}`;
    } catch {
      // Missing or unreadable: reported by the reader, under this name.
    }
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(path);
  }
  return out;
}
