import { strToU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { zipPackage } from "../src/report/docx/package-zip.js";
import { renderDocx } from "../src/report/docx/render.js";
import type { ReportModel } from "../src/report/model.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

/** Each entry's name and its MS-DOS date and time fields, read from the local headers in the zip's order. */
function entries(zip: Uint8Array): { name: string; time: number; day: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: { name: string; time: number; day: number }[] = [];
  for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
    const nameLength = view.getUint16(at + 26, true);
    const name = Buffer.from(zip.subarray(at + 30, at + 30 + nameLength)).toString("utf8");
    out.push({ name, time: view.getUint16(at + 10, true), day: view.getUint16(at + 12, true) });
    at += 30 + nameLength + view.getUint16(at + 28, true) + view.getUint32(at + 18, true);
  }
  return out;
}

/** The date and time fields of a zip entry dated `d` (UTC), as APPNOTE 4.4.6 defines them. */
function dos(d: Date): { time: number; day: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    day: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function withTimeZone<T>(tz: string, f: () => Promise<T>): Promise<T> {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  return f().finally(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}

describe("package-zip.ts", () => {
  const parts = { "word/document.xml": strToU8("<w:document/>"), "[Content_Types].xml": strToU8("<Types/>"), "名字/中文.xml": strToU8("<a>中文</a>"), "empty.xml": new Uint8Array(0) };

  it("zips the parts in name order, [Content_Types].xml first, each dated in UTC whatever the time zone", async () => {
    const date = new Date("2019-07-24T13:45:17Z");
    const east = await withTimeZone("Asia/Shanghai", async () => zipPackage(parts, date));
    const west = await withTimeZone("America/Los_Angeles", async () => zipPackage(parts, date));
    expect(Buffer.from(east).equals(Buffer.from(west))).toBe(true);
    expect(entries(east).map((e) => e.name)).toEqual(["[Content_Types].xml", "empty.xml", "word/document.xml", "名字/中文.xml"]);
    for (const e of entries(east)) expect({ time: e.time, day: e.day }).toEqual(dos(new Date("2019-07-24T13:45:16Z")));
    expect(unzipSync(east)["名字/中文.xml"]).toEqual(parts["名字/中文.xml"]);
    // Seven hours after this, Los Angeles has moved its clocks on: the shift is taken at the shifted time.
    const beforeChange = new Date("2019-03-10T05:00:00Z");
    const [first] = entries(await withTimeZone("America/Los_Angeles", async () => zipPackage(parts, beforeChange)));
    expect({ time: first!.time, day: first!.day }).toEqual(dos(beforeChange));
  });

  it("dates entries outside the years a zip holds at its first or last date", async () => {
    const [early] = entries(zipPackage(parts, new Date(0)));
    const [late] = entries(zipPackage(parts, new Date("2200-01-01T00:00:00Z")));
    expect({ time: early!.time, day: early!.day }).toEqual(dos(new Date("1980-01-02T00:00:00Z")));
    expect({ time: late!.time, day: late!.day }).toEqual(dos(new Date("2099-12-31T23:59:58Z")));
  });
});

describe("the report's package", () => {
  it("dates every entry with the report's date, and holds workbooks of both chart writers that are not dated at all", async () => {
    const { survey, tally } = basicFixture();
    const template = loadTemplate("zh-research-report");
    const date = new Date("2019-07-24T08:30:00Z");
    const model = buildReport(tally, survey, template, { charts: true, appendix: true, reasonLabel: (r) => r });
    // Clustered columns are drawn by ChartRun, whose workbook docx dates with the current time.
    const columns: ReportModel = {
      ...model,
      body: [...model.body, { kind: "figure", number: 99, caption: "图99", chart: { type: "grouped", categories: ["甲", "乙"], series: [{ name: "一", values: [1, 2] }, { name: "二", values: [3, 4] }], unit: "count" } }],
    };
    for (const m of [model, columns]) {
      const docx = await renderDocx(m, template.style, date);
      expect(Object.keys(unzipSync(docx)).some((name) => name.endsWith(".xlsx"))).toBe(true);
      for (const e of entries(docx)) expect({ time: e.time, day: e.day }).toEqual(dos(date));
      // A zip entry's time counts in 2 s: a time stamped anywhere would differ after 2 s.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect(Buffer.from(await renderDocx(m, template.style, date)).equals(docx)).toBe(true);
    }
  }, 60_000);
});
