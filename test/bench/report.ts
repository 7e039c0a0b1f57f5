import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../../src/tally/exact.js";
import { buildDist } from "./build.js";

/**
 * The report's speed bar (issue 4): a 60-question survey with 5,000 answers gives its report, charts and
 * appendix included, in under 2 s with the built CLI, as a user runs it. Seeded, so every run times the
 * same work. Part of `npm run bench` (it reports, it does not fail: timings depend on the machine's load);
 * BENCH_REPORT_ROWS overrides the number of answers, KEEP=1 keeps the generated folder.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const rows = Number(process.env.BENCH_REPORT_ROWS ?? 5000);
const LIMIT_S = 2;

/** mulberry32, seeded: the data is the same on every run. */
const random = mulberry32;

const SCALE = ["非常满意", "比较满意", "一般", "不太满意", "很不满意"];
const ROLES = ["镇领导班子成员", "社区党组织负责人", "社区“两委”其他成员", "普通党员", "群众"];
const CHOICES = ["缺钱", "缺人", "缺场地", "缺制度", "群众参与不积极", "其他"];
const RANK = ["经费保障", "人员配备", "场地建设", "制度建设"];
const WORDS = ["加强", "党员", "教育", "经费", "活动", "场地", "群众", "服务", "年轻", "培养", "制度", "宣传"];

type Kind = "role" | "single" | "scale" | "multi" | "matrix" | "rank" | "number" | "text";
const SECTIONS = ["situation", "practices", "problems", "suggestions"];
const kinds: Kind[] = ["role", ...Array<Kind>(9).fill("single"), ...Array<Kind>(24).fill("scale"), ...Array<Kind>(8).fill("multi"),
  ...Array<Kind>(4).fill("matrix"), ...Array<Kind>(4).fill("rank"), ...Array<Kind>(4).fill("number"), ...Array<Kind>(6).fill("text")];

function surveyYaml(): string {
  const q = kinds.map((kind, i) => {
    const id = `q${i + 1}`;
    const section = `    section: ${SECTIONS[i % 4]}\n`;
    switch (kind) {
      case "role":
        return `  - id: ${id}\n    text: 您的身份是\n    type: single\n    options: [${ROLES.join(", ")}]\n    section: situation\n`;
      case "single":
        return `  - id: ${id}\n    text: 第${i + 1}题单选\n    type: single\n    options: [甲, 乙, 丙, 丁]\n${section}`;
      case "scale":
        return `  - id: ${id}\n    text: 您对第${i + 1}项工作的满意程度\n    type: scale\n    scale: satisfaction\n    subject: 第${i + 1}项工作\n${section}`;
      case "multi":
        return `  - id: ${id}\n    text: 第${i + 1}题的困难(可多选)\n    type: multi\n    options: [${CHOICES.join(", ")}]\n${section}`;
      case "matrix":
        return `  - id: ${id}\n    text: 请评价第${i + 1}组工作\n    type: matrix\n    scale: satisfaction\n    rows: [党员教育管理, 阵地建设, 为民服务, 村务公开, 文化活动]\n${section}`;
      case "rank":
        return `  - id: ${id}\n    text: 请排序第${i + 1}题\n    type: rank\n    options: [${RANK.join(", ")}]\n${section}`;
      case "number":
        return `  - id: ${id}\n    text: 第${i + 1}题数值\n    type: number\n    min: 18\n    max: 99\n    bins: [30, 40, 50]\n    unit: 岁\n${section}`;
      case "text":
        return `  - id: ${id}\n    text: 第${i + 1}题意见建议\n    type: text\n${section}`;
    }
  });
  return `title: 关于某镇农村社区党建工作的调研\norganization: 某镇党委\nissued: ${rows + 200}\nrole: q1\nmethods: [发放调查问卷]\nscales:\n  satisfaction:\n    options: [${SCALE.join(", ")}]\n    positive: [1, 2]\n    negative: [4, 5]\nquestions:\n${q.join("")}`;
}

function answersCsv(): string {
  const rnd = random(4);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const header: string[] = ["序号"];
  kinds.forEach((kind, i) => {
    if (kind === "matrix") for (const r of ["党员教育管理", "阵地建设", "为民服务", "村务公开", "文化活动"]) header.push(`${i + 1}(${r})`);
    else header.push(`q${i + 1}`);
  });
  const lines = [header.join(",")];
  for (let n = 1; n <= rows; n++) {
    const cells: string[] = [String(n)];
    const role = Math.floor(rnd() * ROLES.length);
    kinds.forEach((kind) => {
      // Leaders answer more favourably, so role differences exist to report.
      const scale = () => SCALE[Math.min(4, Math.floor(rnd() * 3 + rnd() * 2 + (role >= 3 ? 1 : 0)))]!;
      switch (kind) {
        case "role": cells.push(ROLES[role]!); break;
        case "single": cells.push(pick(["甲", "乙", "丙", "丁"])); break;
        case "scale": cells.push(scale()); break;
        case "multi": cells.push(CHOICES.filter(() => rnd() < 0.4).join("┋") || CHOICES[0]!); break;
        case "matrix": for (let r = 0; r < 5; r++) cells.push(scale()); break;
        case "rank": cells.push([...RANK].sort(() => rnd() - 0.5).join("→")); break;
        case "number": cells.push(String(18 + Math.floor(rnd() * 60))); break;
        case "text": cells.push(rnd() < 0.3 ? `"建议${pick(WORDS)}${pick(WORDS)},${pick(WORDS)}${pick(WORDS)}"` : ""); break;
      }
    });
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}

buildDist(ROOT);
const dir = mkdtempSync(join(tmpdir(), "survey-bench-report-"));
try {
  writeFileSync(join(dir, "survey.yaml"), surveyYaml());
  writeFileSync(join(dir, "answers.csv"), answersCsv());
  const args = [join(ROOT, "bin/survey.js"), "report", "-s", join(dir, "survey.yaml"), join(dir, "answers.csv"), "-o", join(dir, "report.docx")];
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`survey report failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const kb = statSync(join(dir, "report.docx")).size / 1024;
  console.log(`survey report: ${kinds.length} questions × ${rows.toLocaleString("en")} answers → ${r.stdout.trim().replace(/^.*: /, "")}, ${kb.toFixed(0)} KB in ${seconds.toFixed(2)} s (bar: ${LIMIT_S} s) ${seconds < LIMIT_S ? "ok" : "TOO SLOW"}`);
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}
