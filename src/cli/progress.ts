import type { ReadProgress } from "../io/read-progress.js";
import type { Io } from "./io.js";

/** A command that finishes sooner than this shows no progress at all. */
export const PROGRESS_DELAY_MS = 1000;
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface ProgressOptions {
  quiet?: boolean;
  delayMs?: number;
  intervalMs?: number;
}

/**
 * Runs a command with a progress line on stderr while it takes long: only when stderr is a terminal
 * (never in a pipe, a log or CI), never under --quiet, and only after a second. While answers are read,
 * the readers tell `io.progress` how far they are, and the line says the rows read, the share of the
 * input's bytes and the time left; before and after, a spinner and the seconds. The line is drawn by a
 * timer and also whenever the readers report (a thread busy reading a big range lets no timer run), at
 * most every `intervalMs`. It is cleared before anything else is written to stderr and when the command
 * ends, so output and diagnostics are exactly what they would be without it.
 */
export async function withProgress<T>(io: Io, label: string, run: (io: Io) => Promise<T>, opts: ProgressOptions = {}): Promise<T> {
  if (!io.stderrIsTTY || opts.quiet || noProgress(io.env)) return run(io);
  const started = Date.now();
  const delayMs = opts.delayMs ?? PROGRESS_DELAY_MS;
  const intervalMs = opts.intervalMs ?? 250;
  let shown = false;
  let frame = 0;
  let drawn = 0;
  const clear = () => {
    if (shown) io.stderr("\r\x1b[K");
    shown = false;
  };
  const draw = () => {
    drawn = Date.now();
    const seconds = Math.round((drawn - started) / 1000);
    const reading = meter.describe(drawn);
    const line = `${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds}s${reading ? `: ${reading}` : ""}`;
    // A line longer than the terminal wraps, and \r then redraws only its last part: cut it to fit.
    const columns = process.stderr.columns;
    io.stderr(`\r\x1b[K${columns && line.length >= columns ? line.slice(0, Math.max(1, columns - 1)) : line}`);
    shown = true;
  };
  const meter = new ProgressMeter(() => {
    const now = Date.now();
    if (now - started >= delayMs && now - drawn >= intervalMs) draw();
  });
  let ticker: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    draw();
    ticker = setInterval(draw, intervalMs);
    ticker.unref?.();
  }, delayMs);
  delay.unref?.();
  const wrapped: Io = {
    ...io,
    progress: meter,
    stdout: (text) => {
      clear();
      io.stdout(text);
    },
    stderr: (text) => {
      clear();
      io.stderr(text);
    },
  };
  try {
    return await run(wrapped);
  } finally {
    clearTimeout(delay);
    if (ticker) clearInterval(ticker);
    clear();
  }
}

/**
 * How far reading has come, as the readers report it: bytes of all the passes over the input, and the
 * rows (questionnaires) read. The time left is the time so far scaled by the bytes still to read, which
 * holds because reading costs about the same per byte from the first range to the last.
 */
export class ProgressMeter implements ReadProgress {
  private total = 0;
  private done = 0;
  private rows = 0;
  private since: number | undefined;

  /** `onChange` is called after every report (the progress line redraws itself, at most so often). */
  constructor(
    private readonly onChange: () => void = () => {},
    private readonly clock: () => number = Date.now,
  ) {}

  expect(bytes: number): void {
    this.total = bytes;
    this.done = 0;
    this.rows = 0;
    this.since = this.clock();
    this.onChange();
  }

  advance(bytes: number, rows: number): void {
    this.done = Math.min(this.total, this.done + bytes);
    this.rows += rows;
    this.onChange();
  }

  /** "12,000 rows read, 47% of 419 MB, about 4 s left"; undefined before reading starts. */
  describe(now = this.clock()): string | undefined {
    if (this.since === undefined) return undefined;
    const fraction = this.total > 0 ? this.done / this.total : 1;
    const parts = [`${this.rows.toLocaleString("en-US")} rows read`, `${Math.floor(fraction * 100)}% of ${formatBytes(this.total)}`];
    const elapsed = (now - this.since) / 1000;
    // A pace measured over less than half a second, or 1% of the input, says little about the rest.
    if (fraction < 1 && fraction >= 0.01 && elapsed >= 0.5) parts.push(`about ${formatSeconds((elapsed * (1 - fraction)) / fraction)} left`);
    return parts.join(", ");
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1 << 20) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1 << 20);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

export function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** TERM=dumb terminals cannot redraw a line; CI=true logs are read later, not watched. */
function noProgress(env: NodeJS.ProcessEnv): boolean {
  return env.TERM === "dumb" || (env.CI !== undefined && env.CI !== "" && env.CI !== "false");
}
