/**
 * Issue 19: the pieces behind the hostile cases, tested directly where the CLI cannot reach every branch:
 * the mapping of system errors (item 4), byte-counted names (items 5, 13), the bounded glob (item 8).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { safeFileName } from "../../src/cli/each.js";
import { temporaryName, truncateBytes } from "../../src/cli/temporaries.js";
import { SurveyError } from "../../src/diagnostics/errors.js";
import { distinctFiles, expandGlob } from "../../src/io/glob.js";
import { fromSystemError, systemDiagnostic } from "../../src/diagnostics/system-errors.js";
import { tempDir } from "../fuzz/harness.js";

const errno = (code: string, syscall = "open", path = "/x/out.json") => Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });

describe("item 4: system errors are the environment's, exit 2, naming the path", () => {
  it.each(["EROFS", "ENOTDIR", "ELOOP", "EACCES", "EPERM", "ENOSPC", "EDQUOT", "EISDIR", "ENAMETOOLONG", "EEXIST", "ENOENT", "EMFILE", "EIO", "EFBIG", "EBUSY", "ENXIO"])(
    "%s",
    (code) => {
      const mapped = fromSystemError(errno(code), "out.json");
      expect(mapped).toBeInstanceOf(SurveyError);
      expect((mapped as SurveyError).exitCode).toBe(2);
      expect((mapped as SurveyError).diagnostics).toEqual([expect.objectContaining({ code: "FILE_SYSTEM", file: "out.json", message: expect.stringMatching(new RegExp(`\\(open\\): ${code}$`)) })]);
    },
  );

  it("names the error's own path when the caller gives none; leaves other errors alone", () => {
    expect(systemDiagnostic(errno("ENOSPC", "write", "/tmp/a"))).toMatchObject({ file: "/tmp/a", message: "no space left on the disk (write): ENOSPC" });
    const bug = new TypeError("x is undefined");
    expect(fromSystemError(bug)).toBe(bug);
    expect(fromSystemError(Object.assign(new Error("?"), { code: "ERR_SOMETHING_INTERNAL" }))).not.toBeInstanceOf(SurveyError);
  });
});

describe("items 5 and 13: names by their UTF-8 bytes, without invisible characters", () => {
  it("keeps a name within 240 bytes and 80 characters, cutting only between characters", () => {
    expect(safeFileName("调".repeat(80))).toBe("调".repeat(80));
    expect(safeFileName("调".repeat(81))).toBe("调".repeat(80));
    // Four bytes each: 60 fit in 240 bytes.
    expect(safeFileName("𠀀".repeat(80))).toBe("𠀀".repeat(60));
    expect(Buffer.byteLength(safeFileName(`a${"😀".repeat(100)}`))).toBeLessThanOrEqual(240);
  });

  it("strips bidi controls, zero-width and other format characters, C1 controls and lone surrogates", () => {
    expect(safeFileName("黄林\u202Excod.exe")).toBe("黄林xcod.exe");
    expect(safeFileName("a\u2066b\u2067c\u2068d\u2069e\u200Ef\u200Fg\u061Ch")).toBe("abcdefgh");
    expect(safeFileName("龙\u200B王\u200C河\u200D村\uFEFF\u00AD\u2060")).toBe("龙王河村");
    expect(safeFileName("x\u0085y\u009Bz\u2028w\u2029v")).toBe("xyzwv");
    expect(safeFileName("a\uD800b")).toBe("ab");
    expect(safeFileName("\u202E\u200B")).toBe("_");
    // Still: path characters and C0 controls become _.
    expect(safeFileName("东/西\u0000村")).toBe("东_西_村");
  });

  it("gives an output of a 250-byte name a temporary name within 255 bytes, beside it", () => {
    const name = `${"调".repeat(81)}.docx`;
    expect(Buffer.byteLength(name)).toBe(248);
    const temp = temporaryName(join("/out", name));
    expect(temp.startsWith("/out/.")).toBe(true);
    expect(Buffer.byteLength(basename(temp))).toBeLessThanOrEqual(255);
    expect(basename(temp)).toMatch(new RegExp(`^\\.调+\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    expect(temporaryName("/out/a.json")).toMatch(new RegExp(`^/out/\\.a\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
  });

  it("truncateBytes cuts at a character boundary", () => {
    expect(truncateBytes("ab调", 4)).toBe("ab");
    expect(truncateBytes("ab调", 5)).toBe("ab调");
    expect(truncateBytes("😀😀", 5)).toBe("😀");
  });
});

describe("item 8: a bounded glob", () => {
  const dir = tempDir("survey-glob-");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "data/a/b"), { recursive: true });
  for (let i = 0; i < 60; i++) writeFileSync(join(dir, "data/a", `${i}.csv`), "");
  writeFileSync(join(dir, "data/a/b/deep.csv"), "");
  symlinkSync("a", join(dir, "data/link"));
  symlinkSync("..", join(dir, "data/a/b/up"));

  it("reads a folder reached twice through links once, and sorts", () => {
    const found = expandGlob("data/**/*.csv", dir);
    expect(found).toHaveLength(61);
    expect(found.every((f) => f.startsWith(join(dir, "data/a/")))).toBe(true);
    expect(found).toEqual([...found].sort());
  });

  it("stops a walk that passes more entries than its limit with a located error", () => {
    expect(() => expandGlob("data/**/*.csv", dir, { entries: 50, depth: 32 })).toThrow(SurveyError);
    try {
      expandGlob("data/**/*.csv", dir, { entries: 50, depth: 32 });
    } catch (err) {
      expect((err as SurveyError).diagnostics[0]).toMatchObject({ file: "data/**/*.csv", message: "the pattern walks more than 50 files and folders" });
    }
  });

  it("does not descend below its depth limit", () => {
    expect(expandGlob("data/**/*.csv", dir, { entries: 1000, depth: 1 }).map((f) => basename(f))).not.toContain("deep.csv");
  });

  it("distinctFiles keeps the first name of a file named twice, and names it cannot find", () => {
    const a = join(dir, "data/a/1.csv");
    expect(distinctFiles([a, join(dir, "data/link/1.csv"), join(dir, "data/./a/1.csv"), join(dir, "missing.csv"), join(dir, "missing.csv"), "-"])).toEqual([a, join(dir, "missing.csv"), "-"]);
  });
});
