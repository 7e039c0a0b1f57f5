import { constants } from "node:fs";
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export interface ScaffoldResult {
  /** Files written, relative to the target folder. */
  created: string[];
  /** Files that already existed and were left as they were. */
  kept: string[];
}

/** The shipped starter project: survey.yaml with every key explained, sample answers, report.md. */
export const STARTER = new URL("../../templates/init/", import.meta.url);

/**
 * Copies the starter project into `target`, file by file, never replacing a file that exists: the copy
 * is exclusive (COPYFILE_EXCL), so even a file created meanwhile is not overwritten. Running it twice
 * changes nothing the second time.
 */
export async function scaffold(target: string, source: string = fileURLToPath(STARTER)): Promise<ScaffoldResult> {
  const result: ScaffoldResult = { created: [], kept: [] };
  for (const file of await listFiles(source)) {
    const to = join(target, file);
    await mkdir(join(to, ".."), { recursive: true });
    try {
      await copyFile(join(source, file), to, constants.COPYFILE_EXCL);
      result.created.push(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      result.kept.push(file);
    }
  }
  return result;
}

/** Every file under `dir`, relative to it, in a stable order. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
