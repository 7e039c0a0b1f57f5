import { stat } from "node:fs/promises";
import type { InputFile } from "./table.js";

/**
 * What a reader tells about its progress, for the progress line of a terminal. The readers drive it
 * (they alone know how many passes a run makes over the files); the command line draws it.
 */
export interface ReadProgress {
  /** A read of this many bytes in all (every pass over every file) starts, or starts again from nothing. */
  expect(bytes: number): void;
  /** So many more bytes read, and questionnaires with them. */
  advance(bytes: number, questionnaires: number): void;
}

/** The bytes of the answer files together (a file that cannot be read counts nothing: its reader says why). */
export async function inputBytes(files: InputFile[]): Promise<number> {
  const sizes = await Promise.all(files.map((f) => stat(f.path).then((s) => (s.isFile() ? s.size : 0), () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}
