import { describe, expect, it } from "vitest";
import { buildReport } from "../src/report/build.js";
import { renderDocx } from "../src/report/docx/render.js";
import { basicFixture, loadTemplate } from "./helpers/report.js";

/** zipper.ts zips large documents in a worker thread: the bytes must not depend on where the zip is made. */
describe("the package zipped in a worker thread", () => {
  it("has the bytes of the package zipped on the main thread, with charts of either writer", async () => {
    const { survey, tally } = basicFixture();
    const template = loadTemplate("zh-research-report");
    const model = buildReport(tally, survey, template, { charts: true, appendix: true, reasonLabel: (r) => r });
    const date = new Date("2019-07-24T00:00:00Z");
    for (const chartWriter of [undefined, "docx" as const]) {
      const here = await renderDocx(model, template.style, date, { chartWriter, zipInWorker: false });
      const there = await renderDocx(model, template.style, date, { chartWriter, zipInWorker: true });
      expect(there.equals(here)).toBe(true);
    }
  }, 60_000);
});
