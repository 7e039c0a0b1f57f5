import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { renderDocx } from "../src/report/docx/render.js";
import { crc32, deflateEntry, writeZip } from "../src/report/docx/zip-writer.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

describe("zip-writer.ts", () => {
  it("writes the zip fflate's zipSync writes, from entries deflated beforehand", async () => {
    const { survey, tally } = basicFixture();
    const template = loadTemplate("zh-research-report");
    const model = buildReport(tally, survey, template, { charts: true, appendix: true, reasonLabel: (r) => r });
    const files: Record<string, Uint8Array> = {
      ...unzipSync(await renderDocx(model, template.style, new Date(0))),
      "名字/中文.xml": strToU8("<a>中文</a>"),
      "empty.xml": new Uint8Array(0),
    };
    const names = Object.keys(files).sort();
    for (const date of [new Date("2019-07-24T13:45:17Z"), new Date("1980-01-02T00:00:00Z"), new Date("2099-12-31T23:59:58Z")]) {
      // fflate takes the date in local time: shifted, so that its fields are the UTC ones writeZip writes.
      const mtime = new Date(date.getTime() + date.getTimezoneOffset() * 60_000);
      const expected = zipSync(Object.fromEntries(names.map((n) => [n, [files[n]!, { mtime, level: 6 }]])));
      expect(Buffer.from(writeZip(names.map((n) => deflateEntry(n, files[n]!)), date)).equals(Buffer.from(expected))).toBe(true);
    }
    expect(crc32(strToU8("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
    // A date past what a zip entry holds is written as its last one, not wrapped round to 1980.
    const late = [{ name: "a", crc: 0, size: 0, deflated: new Uint8Array([3, 0]) }];
    expect(writeZip(late, new Date("2200-01-01T00:00:00Z"))).toEqual(writeZip(late, new Date("2107-12-31T23:59:58Z")));
  });
});

/** zipper.ts zips large documents in a worker thread: the bytes must not depend on where the zip is made. */
describe("the package zipped in a worker thread", () => {
  it("has the bytes of the package zipped on the main thread, with charts of either writer", async () => {
    const { survey, tally } = basicFixture();
    const template = loadTemplate("zh-research-report");
    const model = buildReport(tally, survey, template, { charts: true, appendix: true, reasonLabel: (r) => r });
    const date = new Date("2019-07-24T00:00:00Z");
    for (const writer of [undefined, "docx" as const]) {
      const here = await renderDocx(model, template.style, date, { writer, zipInWorker: false });
      const there = await renderDocx(model, template.style, date, { writer, zipInWorker: true });
      expect(there.equals(here)).toBe(true);
    }
  }, 60_000);
});
