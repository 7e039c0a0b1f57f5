import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Survey } from "../definition/model.js";
import { SurveyError, usageError } from "../diagnostics/errors.js";
import { displayPath, noteInputs, type Io } from "./io.js";

/*
 * What `survey report` reads besides the answers: the template folder, the narrative (report.md) and the
 * date the document carries. The report's own modules do no IO (test/report-purity.test.ts); the command
 * (report.ts) hands them what is read here.
 */

/** The templates shipped with survey: `templates/` beside `src/` and `dist/`. */
const BUILTIN_TEMPLATES = fileURLToPath(new URL("../../templates/", import.meta.url));
/** Without SOURCE_DATE_EPOCH the document carries this date, so every run gives the same bytes. */
const FIXED_DATE = new Date("2000-01-01T00:00:00Z");
/** A template file larger than this is not a template. */
const MAX_TEMPLATE_FILE = 1 << 20;

/** A template by name (built in) or as a folder; reads its files so the template itself does no IO. */
export async function readTemplate(io: Io, nameOrDir: string): Promise<[string, Record<string, string>, string]> {
  const isName = /^[a-z0-9-]+$/i.test(nameOrDir) && !(await isDir(resolve(io.cwd, nameOrDir)));
  const dir = isName ? join(BUILTIN_TEMPLATES, nameOrDir) : resolve(io.cwd, nameOrDir);
  if (!(await isDir(dir))) {
    throw usageError(`template "${nameOrDir}" not found`, "use zh-research-report, en-research-report, or the path of a template folder");
  }
  const files: Record<string, string> = {};
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile() || !/\.(ya?ml|liquid)$/.test(entry.name)) continue;
    const full = join(dir, entry.name);
    if ((await stat(full)).size > MAX_TEMPLATE_FILE) throw usageError(`${displayPath(io, full)} is too large for a template file`);
    files[entry.name] = await readFile(full, "utf8");
    noteInputs(io, [full]);
  }
  return [basename(dir), files, isName ? `templates/${nameOrDir}` : displayPath(io, dir)];
}

/** The narrative: the file given, else report.md beside survey.yaml if there is one; --narrative names one that must exist. */
export async function findNarrative(io: Io, survey: Survey, given: string | undefined): Promise<{ text: string; shown: string } | undefined> {
  const path = given ? resolve(io.cwd, given) : join(dirname(survey.file ?? resolve(io.cwd, "survey.yaml")), "report.md");
  try {
    const text = await readFile(path, "utf8");
    noteInputs(io, [path]);
    return { text, shown: displayPath(io, path) };
  } catch {
    if (given) throw new SurveyError([{ code: "FILE_NOT_FOUND", severity: "error", file: given, message: "the narrative cannot be read" }]);
    return undefined;
  }
}

/** SOURCE_DATE_EPOCH (seconds since 1970, as reproducible-builds.org defines it), else a fixed date. */
export function sourceDate(io: Io): Date {
  const raw = io.env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === "") return FIXED_DATE;
  if (!/^\d+$/.test(raw)) throw usageError(`SOURCE_DATE_EPOCH must be a whole number of seconds, not "${raw}"`);
  // Zip entries cannot hold dates before 1980.
  return new Date(Math.max(Number(raw) * 1000, Date.UTC(1980, 0, 2)));
}

/** The 落款's date as a Chinese reader's calendar has it (UTC+8), so a report reads the same in every time zone. */
export function dateParts(d: Date): { y: number; m: number; d: number } {
  const china = new Date(d.getTime() + 8 * 3600 * 1000);
  return { y: china.getUTCFullYear(), m: china.getUTCMonth() + 1, d: china.getUTCDate() };
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
