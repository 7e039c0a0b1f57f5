import { randomBytes } from "node:crypto";
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * The temporary files and folders survey makes, and the removal of those a killed run left behind. A run
 * removes its own when it ends or is interrupted (output.ts); only kill -9 (or a crash of the machine)
 * leaves any. Their names say which process made them, so the next run removes those whose process is
 * gone: `.NAME.PID.HEX.tmp` beside an output, `survey-spool-PID-XXXXXX` in the temporary folder (a JSON
 * tally's spooled open answers; `survey-each-…`, --each's split copies of earlier versions, too).
 */

/** The longest file name most file systems take (ext4, APFS, NTFS: 255 bytes or UTF-16 units). */
export const MAX_NAME_BYTES = 255;

const OUTPUT_TEMPORARY = /^\..*\.(\d+)\.[0-9a-f]{8}\.tmp$/s;
const WORK_FOLDER = /^survey-(?:each|spool)-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * The temporary file an output is written to before it is moved into place: `.NAME.PID.HEX.tmp` in the
 * output's folder. A name near the 255-byte limit is legal for the output but not with the 20 or so bytes
 * added here: the copy of the name is shortened instead (at a character boundary), never the output's own.
 */
export function temporaryName(full: string): string {
  const suffix = `.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const room = MAX_NAME_BYTES - 1 - suffix.length;
  return join(dirname(full), `.${truncateBytes(basename(full), room)}${suffix}`);
}

/** The longest start of `text` whose UTF-8 encoding takes at most `max` bytes; whole characters only. */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    bytes += n;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** A private folder for a tally's spooled open answers, named after this process. */
export function makeWorkFolder(base: string): Promise<string> {
  return mkdtemp(join(base, `survey-spool-${process.pid}-`));
}

/** Whether a process of this id exists (EPERM: it does, but belongs to another user). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Folders already cleaned by this process: --each writes hundreds of outputs into one. */
const cleaned = new Set<string>();

/** Removes the output temporaries in `folder` left by runs that no longer exist, once a process. Never fails. */
export async function removeStaleOutputTemporaries(folder: string): Promise<string[]> {
  if (cleaned.has(folder)) return [];
  cleaned.add(folder);
  return removeStale(folder, OUTPUT_TEMPORARY, "file");
}

/** Removes work folders in `base` (the temporary folder) left by runs that no longer exist. Never fails. */
export function removeStaleWorkFolders(base: string): Promise<string[]> {
  return removeStale(base, WORK_FOLDER, "folder");
}

async function removeStale(folder: string, pattern: RegExp, kind: "file" | "folder"): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    const path = join(folder, name);
    try {
      const s = await lstat(path);
      // Only what this user could have made, of the kind survey makes (never a link to elsewhere).
      if ((kind === "file" ? !s.isFile() : !s.isDirectory()) || (uid !== undefined && s.uid !== uid)) continue;
      await rm(path, { recursive: kind === "folder", force: true });
      removed.push(path);
    } catch {
      // Another run removed it first, or it cannot be removed: either way not this run's business.
    }
  }
  return removed;
}
