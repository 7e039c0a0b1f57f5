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

/** Answers held before they are written: a few hundred kilobytes. */
const HELD = 4096;

/**
 * Writes a range's answers to a new file in `folder` (`name` is unique in the run) as they are read, so
 * that the range holds no more than a few thousand of them: JSON string literals joined as the tally's JSON
 * lists them (a comma, a line break and `indent`), for the JSON to copy byte for byte.
 */
export class SpoolWriter {
  private readonly path: string;
  private readonly separator: string;
  private fd: number | undefined;
  private held: string[] = [];
  private count = 0;
  private written = 0;
  private closed = false;

  constructor(folder: string, name: string, indent: string) {
    this.path = join(folder, `${name}.jsonl`);
    this.separator = `,\n${indent}`;
  }

  add(text: string): void {
    this.held.push(JSON.stringify(text));
    this.count++;
    if (this.held.length >= HELD) this.flush();
  }

  /** Writes what is held and closes the file; no file when there was no answer. */
  close(): SpoolFile | undefined {
    if (!this.closed) {
      this.closed = true;
      this.flush();
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
    return this.count ? { path: this.path, count: this.count } : undefined;
  }

  private flush(): void {
    if (!this.held.length) return;
    this.fd ??= openSync(this.path, "wx");
    writeSync(this.fd, `${this.written ? this.separator : ""}${this.held.join(this.separator)}`);
    this.written += this.held.length;
    this.held = [];
  }
}

/**
 * A question's spooled answers: its ranges' files, in reading order, and the answers of ranges that kept
 * theirs in memory (few distinct ones) in their places.
 */
export class AnswerSpool implements SpooledAnswers {
  readonly spooled = true;
  private readonly parts: (SpoolFile | string[])[] = [];
  private count = 0;

  constructor(readonly indent: string) {}

  get length(): number {
    return this.count;
  }

  add(file: SpoolFile): void {
    if (file.count === 0) return;
    this.parts.push(file);
    this.count += file.count;
  }

  addTexts(texts: string[]): void {
    if (!texts.length) return;
    this.parts.push(texts);
    this.count += texts.length;
  }

  *jsonChunks(): Iterable<Uint8Array> {
    const separator = `,\n${this.indent}`;
    for (const part of this.parts) {
      if (Array.isArray(part)) {
        yield Buffer.from(part.map((t) => JSON.stringify(t)).join(separator), "utf8");
        continue;
      }
      const bytes = readFileSync(part.path);
      let lines = 1;
      for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines++;
      if (lines !== part.count) throw new Error(`spooled answers: ${part.path} holds ${lines} answers, not ${part.count}`);
      yield bytes;
    }
  }

  texts(): string[] {
    const out: string[] = [];
    const separator = `,\n${this.indent}`;
    for (const part of this.parts) {
      if (Array.isArray(part)) for (const t of part) out.push(t);
      else for (const line of readFileSync(part.path, "utf8").split(separator)) out.push(JSON.parse(line) as string);
    }
    return out;
  }

  /** As JSON.stringify would write the answers, read back (JSON output streams them instead: tally/format/json.ts). */
  toJSON(): string[] {
    return this.texts();
  }
}
