import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { SpooledAnswers } from "../tally/types.js";

/**
 * Open answers spooled to disk: when only the JSON lists them, each range of a big file writes its
 * answers to a file of its own in the run's spool folder (given by the command, which removes it), one
 * JSON string literal a line, in reading order; the tally keeps the files' names and counts, and the JSON
 * copies their lines. A million answers then cost the main thread no memory, where as strings they were
 * most of a whole tally's peak (the real-shaped bench file: 1.6 million answers, half of them distinct).
 */

/** One range's spooled answers of one question. */
export interface SpoolFile {
  path: string;
  count: number;
}

/** Lines copied into the JSON at a time: a few hundred kilobytes of text. */
const SLICE = 4096;

/** Lines held before they are written: a few hundred kilobytes. */
const HELD = 4096;

/**
 * Writes a range's answers to a new file in `folder` (`name` is unique in the run) as they are read, a
 * line each, so that the range holds no more than a few thousand of them.
 */
export class SpoolWriter {
  private readonly path: string;
  private fd: number | undefined;
  private held: string[] = [];
  private count = 0;
  private closed = false;

  constructor(folder: string, name: string) {
    this.path = join(folder, `${name}.jsonl`);
  }

  add(text: string): void {
    this.held.push(JSON.stringify(text));
    this.count++;
    if (this.held.length >= HELD) this.flush();
  }

  /** Writes what is held and closes the file; no file when there was no answer. */
  close(): SpoolFile | undefined {
    if (this.closed) return this.count ? { path: this.path, count: this.count } : undefined;
    this.closed = true;
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.count ? { path: this.path, count: this.count } : undefined;
  }

  private flush(): void {
    if (!this.held.length) return;
    this.fd ??= openSync(this.path, "wx");
    writeSync(this.fd, `${this.held.join("\n")}\n`);
    this.held = [];
  }
}

/** A question's spooled answers: its ranges' files, in reading order. */
export class AnswerSpool implements SpooledAnswers {
  readonly spooled = true;
  private readonly files: SpoolFile[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(file: SpoolFile): void {
    if (file.count === 0) return;
    this.files.push(file);
    this.count += file.count;
  }

  *jsonSlices(): Iterable<readonly string[]> {
    for (const file of this.files) {
      const lines = readFileSync(file.path, "utf8").split("\n");
      lines.pop(); // after the last line's \n
      if (lines.length !== file.count) throw new Error(`spooled answers: ${file.path} holds ${lines.length} answers, not ${file.count}`);
      for (let i = 0; i < lines.length; i += SLICE) yield lines.slice(i, i + SLICE);
    }
  }

  texts(): string[] {
    const out: string[] = [];
    for (const slice of this.jsonSlices()) for (const line of slice) out.push(JSON.parse(line) as string);
    return out;
  }

  /** As JSON.stringify would write the answers, read back (JSON output streams them instead: tally/format/json.ts). */
  toJSON(): string[] {
    return this.texts();
  }
}
