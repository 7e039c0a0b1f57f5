import type { Io } from "./context.js";

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
 * (never in a pipe, a log or CI), never under --quiet, and only after a second. The line is cleared
 * before anything else is written to stderr and when the command ends, so output and diagnostics are
 * exactly what they would be without it.
 */
export async function withProgress<T>(io: Io, label: string, run: (io: Io) => Promise<T>, opts: ProgressOptions = {}): Promise<T> {
  if (!io.stderrIsTTY || opts.quiet || noProgress(io.env)) return run(io);
  const started = Date.now();
  let shown = false;
  let frame = 0;
  const clear = () => {
    if (shown) io.stderr("\r\x1b[K");
    shown = false;
  };
  const draw = () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    io.stderr(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds}s`);
    shown = true;
  };
  let ticker: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    draw();
    ticker = setInterval(draw, opts.intervalMs ?? 250);
    ticker.unref?.();
  }, opts.delayMs ?? PROGRESS_DELAY_MS);
  delay.unref?.();
  const wrapped: Io = {
    ...io,
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

/** TERM=dumb terminals cannot redraw a line; CI=true logs are read later, not watched. */
function noProgress(env: NodeJS.ProcessEnv): boolean {
  return env.TERM === "dumb" || (env.CI !== undefined && env.CI !== "" && env.CI !== "false");
}
