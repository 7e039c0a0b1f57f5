import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeFileName } from "../../src/cli/each.js";
import { main } from "../../src/cli/main.js";
import { memoryIo } from "../helpers/memory-io.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixture = join(root, "fixtures/three-villages");

/** A private copy of the three-village fixture, so outputs and edits never touch the repository. */
async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "survey-each-"));
  await cp(fixture, dir, { recursive: true });
  return dir;
}

async function run(cwd: string, ...args: string[]) {
  const io = memoryIo(cwd);
  const code = await main(["node", "survey", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const json = async (path: string) => JSON.parse(await readFile(path, "utf8"));

describe("safeFileName", () => {
  it.each([
    ["黄林村", "黄林村"],
    ["东/西湾村", "东_西湾村"],
    ["..", "_"],
    ["../../etc/passwd", "_.._etc_passwd"],
    ["a\\b", "a_b"],
    ["nul\u0000byte", "nul_byte"],
    ["CON", "_CON"],
    ["com1.txt", "_com1.txt"],
    ["  .hidden. ", "hidden"],
    ["", "_"],
    ["a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"],
  ])("%j → %j", (value, expected) => {
    expect(safeFileName(value)).toBe(expected);
  });

  it("never yields a name that leaves the output folder, for any string", () => {
    const out = resolve(tmpdir(), "out");
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (value) => {
        const name = safeFileName(value);
        const rel = relative(out, resolve(out, `${name}.docx`));
        expect(name).not.toMatch(/[/\\\u0000]/);
        expect(name.length).toBeGreaterThan(0);
        expect([...name].length).toBeLessThanOrEqual(80);
        expect(rel.startsWith("..") || isAbsolute(rel) || rel.includes("/") || rel.includes("\\")).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("survey tally --each (three villages)", () => {
  it("per answer to q1: one JSON per village, named from the answer, with its own counts", async () => {
    const dir = await project();
    const r = await run(dir, "tally", "--each", "q1", "--format", "json", "-o", "out", "--summary", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      each: "q1",
      written: 3,
      failed: 0,
      groups: [
        { value: "黄林村", output: join("out", "黄林村.json"), ok: true, exitCode: 0 },
        { value: "龙王河村", output: join("out", "龙王河村.json"), ok: true, exitCode: 0 },
        { value: "东/西湾村", output: join("out", "东_西湾村.json"), ok: true, exitCode: 0 },
      ],
    });
    expect((await readdir(join(dir, "out"))).sort()).toEqual(["东_西湾村.json", "龙王河村.json", "黄林村.json"].sort());
    const huanglin = await json(join(dir, "out/黄林村.json"));
    expect(huanglin.responses).toMatchObject({ returned: 6, valid: 6 });
    // 黄林村 q3: 非常满意 2, 比较满意 2, 一般 1, 不太满意 1 → positive 4/6.
    expect(huanglin.questions.q3.positiveRate).toBeCloseTo(4 / 6, 12);
    // The definition's issued (16) is for the whole survey, so a village has no response rate.
    expect(huanglin.responses.responseRate).toBeNull();
    const wan = await json(join(dir, "out/东_西湾村.json"));
    expect(wan.responses.valid).toBe(4);
    expect(wan.questions.q4.options.map((o: { count: number }) => o.count)).toEqual([2, 2, 1]);
  });

  it("per input file: one output per file, named from the file", async () => {
    const dir = await project();
    const r = await run(dir, "tally", "--each", "file", "--format", "md", "-o", "by-file");
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(r.err).toContain("wrote by-file");
    expect((await readdir(join(dir, "by-file"))).sort()).toEqual(["东西湾村.md", "龙王河村.md", "黄林村.md"].sort());
  });

  it("a failing group is reported, the others are still written, and the exit code says so", async () => {
    const dir = await project();
    // The user's own file where one village's output would go: without --force only that group fails.
    await mkdir(join(dir, "out"));
    await writeFile(join(dir, "out/黄林村.json"), "keep me\n");
    const r = await run(dir, "tally", "--each", "q1", "--format", "json", "-o", "out", "--summary", "json");
    expect(r.code).toBe(2);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ written: 2, failed: 1 });
    const failed = summary.groups.find((g: { value: string }) => g.value === "黄林村");
    expect(failed).toMatchObject({ ok: false, exitCode: 2 });
    expect(failed.error).toMatch(/OUTPUT_EXISTS/);
    expect(r.err).toMatch(/黄林村\.json: failed/);
    expect(await readFile(join(dir, "out/黄林村.json"), "utf8")).toBe("keep me\n");
    expect((await json(join(dir, "out/龙王河村.json"))).responses.valid).toBe(5);
    expect((await json(join(dir, "out/东_西湾村.json"))).responses.valid).toBe(4);
  });

  it("messages of a group name the row of the original file", async () => {
    const dir = await project();
    // One file with the villages interleaved, and an unknown answer on spreadsheet row 5 (a 龙王河村 row).
    const lines = [
      "序号,1、您所在的村,2、您的身份是,3、您对村党组织服务群众工作的满意程度,4、您认为当前村党建工作存在的最大困难是",
      "1,黄林村,村干部,非常满意,缺钱",
      "2,龙王河村,群众,一般,缺钱",
      "3,黄林村,群众,一般,缺人",
      "4,龙王河村,群众,还行吧,缺人",
      "5,东/西湾村,群众,一般,缺钱",
    ];
    await writeFile(join(dir, "mixed.csv"), `${lines.join("\r\n")}\r\n`);
    const r = await run(dir, "tally", "mixed.csv", "--each", "q1", "--format", "json", "-o", "mixed");
    expect(r.code).toBe(0);
    const longwang = await json(join(dir, "mixed/龙王河村.json"));
    expect(longwang.responses.returned).toBe(2);
    expect(longwang.problems).toContainEqual(expect.objectContaining({ code: "UNKNOWN_OPTION", file: "mixed.csv", row: 5 }));
    expect((await json(join(dir, "mixed/黄林村.json"))).problems).toEqual([]);
  });

  it("rejects a question that cannot group, and -o naming a file", async () => {
    const dir = await project();
    const multi = await run(dir, "tally", "--each", "q4", "--format", "json", "-o", "out");
    expect(multi.code).toBe(2);
    expect(multi.err).toMatch(/q4 is a multi question/);
    const file = await run(dir, "tally", "--each", "q1", "--format", "json", "-o", "out.json");
    expect(file.code).toBe(2);
    expect(file.err).toMatch(/names a folder/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
