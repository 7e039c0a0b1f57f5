import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { formatBytes, formatSeconds, ProgressMeter } from "../../src/cli/progress.js";
import { ROOT } from "../helpers/cli.js";
import { memoryIo } from "../helpers/memory-io.js";

const SURVEY = ["-s", "fixtures/example/survey.yaml"];
const tmp = mkdtempSync(join(tmpdir(), "survey-progress-"));
const big = join(tmp, "answers.csv");
/** The example's 324 rows 20 times over, ids renumbered: 6,480 rows, about 2.4 MB, read in several chunks. */
const ROWS = 324 * 20;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

beforeAll(() => {
  const [header, ...rows] = readFileSync(join(ROOT, "fixtures/example/answers.csv"), "utf8").replace(/^\uFEFF/, "").split(/\r?\n(?=\d+,)/);
  const lines = [header];
  for (let k = 0; k < 20; k++) rows.forEach((row, i) => lines.push(row.trimEnd().replace(/^\d+/, String(k * rows.length + i + 1))));
  expect(lines.length - 1).toBe(ROWS);
  writeFileSync(big, `${lines.join("\n")}\n`);
});

/** Every state the progress line was drawn in, in order. */
function drawn(err: string): string[] {
  return [...err.matchAll(/\r\x1b\[K(\S) (survey \w+ \d+s[^\r\n]*)/g)].map((m) => m[2]!);
}

/** stderr without the progress line: what a pipe would have been given. */
function withoutProgress(err: string): string {
  return err.replace(/\r\x1b\[K(\S [^\r\n]*)?/g, "");
}

async function tallyOn(io: ReturnType<typeof memoryIo>, ...extra: string[]) {
  return main(["node", "survey", ...extra, "tally", ...SURVEY, "--format", "json", "-o", "-", big], io, { delayMs: 0, intervalMs: 0 });
}

describe("the progress of reading, on a terminal", () => {
  it("says rows read, the share of the input's bytes (both passes: durations, then answers) and ends at all of them", async () => {
    const io = memoryIo(ROOT, {}, true);
    expect(await tallyOn(io)).toBe(0);
    const states = drawn(io.err());
    const size = formatBytes(2 * readFileSync(big).length);
    expect(states.some((s) => s.includes(`0 rows read, 50% of ${size}`))).toBe(true);
    expect(states.at(-1)).toMatch(new RegExp(`^survey tally \\d+s: 6,480 rows read, 100% of ${size.replace(".", "\\.")}$`));
    expect(JSON.parse(io.out()).responses.returned).toBe(ROWS);
    const pipe = memoryIo(ROOT, {}, false);
    await tallyOn(pipe);
    expect(withoutProgress(io.err())).toBe(pipe.err());
  });

  it("moves forward chunk by chunk through the general reader, and never back", async () => {
    const io = memoryIo(ROOT, { SURVEY_READER: "general" }, true);
    expect(await tallyOn(io)).toBe(0);
    const reading = drawn(io.err())
      .map((s) => /: ([\d,]+) rows read, (\d+)% of/.exec(s))
      .filter((m) => m !== null)
      .map((m) => ({ rows: Number(m[1]!.replace(/,/g, "")), pct: Number(m[2]) }));
    const percents = new Set(reading.map((r) => r.pct));
    expect(percents.size).toBeGreaterThanOrEqual(4);
    for (let k = 1; k < reading.length; k++) {
      expect(reading[k]!.pct).toBeGreaterThanOrEqual(reading[k - 1]!.pct);
      expect(reading[k]!.rows).toBeGreaterThanOrEqual(reading[k - 1]!.rows);
    }
    expect(reading.at(-1)).toEqual({ rows: ROWS, pct: 100 });
  });

  it("is fed by validate and report too", async () => {
    for (const command of [["validate"], ["report", "--no-narrative", "-o", join(tmp, "r.docx")]]) {
      const io = memoryIo(ROOT, {}, true);
      await main(["node", "survey", ...command, ...SURVEY, big], io, { delayMs: 0, intervalMs: 0 });
      expect(drawn(io.err()).at(-1)).toMatch(/: 6,480 rows read, 100% of/);
    }
  });

  it("is not drawn in a pipe or under --quiet", async () => {
    for (const [io, args] of [
      [memoryIo(ROOT, {}, false), []],
      [memoryIo(ROOT, {}, true), ["--quiet"]],
    ] as const) {
      await tallyOn(io, ...args);
      expect(io.err()).not.toContain("\r");
      expect(io.err()).not.toContain("rows read,");
    }
  });
});

describe("ProgressMeter", () => {
  it("estimates the time left from the pace so far, once there is a pace to go by", () => {
    let now = 0;
    const meter = new ProgressMeter(undefined, () => now);
    expect(meter.describe()).toBeUndefined();
    meter.expect(4000 * 1024);
    now = 1000;
    meter.advance(1024 * 1024, 500);
    // a quarter in 1 s: three quarters take 3 s more
    expect(meter.describe()).toBe("500 rows read, 25% of 3.9 MB, about 3 s left");
    meter.advance(3000 * 1024, 1500);
    now = 4000;
    expect(meter.describe()).toBe("2,000 rows read, 100% of 3.9 MB");
    // a second read (the general reader after the fast one stepped aside) starts again from nothing
    meter.expect(100 * 1024);
    now = 4200;
    meter.advance(50 * 1024, 10);
    expect(meter.describe()).toBe("10 rows read, 50% of 100 KB"); // 0.2 s is no pace yet
    now = 5000;
    meter.advance(1024, 1);
    expect(meter.describe()).toBe("11 rows read, 51% of 100 KB, about 1 s left");
  });

  it("never counts past the whole", () => {
    const meter = new ProgressMeter(undefined, () => 0);
    meter.expect(10);
    meter.advance(25, 3);
    expect(meter.describe()).toBe("3 rows read, 100% of 1 KB");
  });

  it("formats sizes and times", () => {
    expect([formatBytes(100), formatBytes(300 * 1024), formatBytes(5.25 * (1 << 20)), formatBytes(419 * (1 << 20))]).toEqual(["1 KB", "300 KB", "5.3 MB", "419 MB"]);
    expect([formatSeconds(0.2), formatSeconds(59), formatSeconds(59.5), formatSeconds(125)]).toEqual(["1 s", "59 s", "1 min 0 s", "2 min 5 s"]);
  });
});
