import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { xmlSafeText } from "../src/report/docx/xml-safe.js";
import { runCli } from "./helpers/cli.js";

/** Characters XML 1.0 forbids even when escaped. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

describe("answers that are not plain text reach the .docx as text", () => {
  it("escapes markup and drops control characters, so every XML part stays well-formed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "survey-escape-"));
    writeFileSync(
      join(dir, "survey.yaml"),
      'title: 注入测试 <b>&amp;\nquestions:\n  - {id: q1, text: "您的身份<是>&", type: single, options: ["党员&<x>", 群众]}\n  - {id: q2, text: 意见, type: text}\n',
    );
    writeFileSync(join(dir, "a.csv"), 'q1,q2\n党员&<x>,"<w:p>&amp; ]]> \u0001\u000b\u001f控制字符"\n群众,=1+2\n群众,"\ufffe非字符"\n');
    const run = await runCli(["report", "a.csv", "-o", "r.docx"], { cwd: dir });
    expect(run.code).toBe(0);
    const parts = unzipSync(readFileSync(join(dir, "r.docx")));
    const xml = Object.entries(parts).filter(([name]) => /\.(xml|rels)$/.test(name));
    for (const [name, data] of xml) expect(NOT_XML.test(strFromU8(data)), name).toBe(false);
    const document = strFromU8(parts["word/document.xml"]!);
    expect(document).toContain("&lt;w:p&gt;&amp;amp; ]]&gt; 控制字符");
    expect(document).toContain("党员&amp;&lt;x&gt;");
    expect(document).toContain("=1+2");
    expect(document).not.toContain("<w:p>&amp;amp;");
  });

  it("keeps tabs, line breaks and paired surrogates, drops lone surrogates", () => {
    expect(xmlSafeText("a\tb\nc\r𠀀\ud800x\udc00")).toBe("a\tb\nc\r𠀀x");
  });
});
