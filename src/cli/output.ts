import { randomBytes } from "node:crypto";
import { access, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { usageError } from "../errors.js";
import type { Io } from "./context.js";

/**
 * Writes a command's output to `path`: into a temporary file in the same folder, then renamed, so a
 * reader never sees half a file and a failed run leaves nothing behind. An existing file is kept unless
 * `force` (a usage error, exit 2).
 */
export async function writeOutput(io: Io, path: string, content: string, force: boolean): Promise<void> {
  const full = resolve(io.cwd, path);
  if (!force && (await exists(full))) throw usageError(`${path} already exists`, "pass --force to overwrite it");
  const temp = join(dirname(full), `.${basename(full)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, content, { flag: "wx" });
    await rename(temp, full);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
