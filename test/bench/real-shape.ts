import { rng, writeCsv } from "./generate.js";

/**
 * The bench's real-shaped file: a seeded 问卷星 export 按选项序号 (UTF-8 CSV), shaped like what users give
 * survey, unlike generate.ts's labels and eight repeated phrases (issue 16, item 5):
 *
 * - the metadata columns of a real export: 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP;
 * - 30 questions: a role (q1), 15 Likert items (q2–q16), 4 multi-selects (q17–q20, codes joined by ┋),
 *   8 single choices (q21–q28: age bracket, sex, …, with skip logic: q25 = 2 (否) skips q26 and q27),
 *   and two open questions (q29, q30), headed as the questionnaire numbers them (1、… 30、);
 * - answers as option codes (1, 2, …), `(空)` where a question was skipped (by the skip logic, or 2% of the
 *   time on any closed question after the role);
 * - open answers from about 80% of respondents, about 15 Chinese characters, and about half of them
 *   distinct: 40% come from a pool of 300 common answers, the others are assembled from seeded pieces
 *   (place × problem × suggestion, some with a building number or a time), so that a cache of answers or
 *   of their keywords cannot hide the cost of segmenting them. A few carry an ASCII comma, a quote or a
 *   line break, which the CSV must quote.
 *
 * Every questionnaire is valid (no speeders: 所用时间 is 180–900 s; ids unique; at most a few skipped
 * questions), so that the bench can compare survey's counts with DuckDB's, which applies no such rules.
 * The same seed gives the same bytes.
 */

export type Kind = "single" | "scale" | "multi" | "text";

/** A question of the file: its column's header, id in survey.yaml, kind and options (codes 1…n). */
export interface Column {
  header: string;
  id: string;
  text: string;
  kind: Kind;
  options: string[];
}

export const METADATA = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"];

const ROLES = ["镇领导班子成员", "社区党组织负责人", "社区“两委”其他成员", "到社区任职机关干部", "普通党员", "群众"];
const LIKERT = ["非常满意", "比较满意", "一般", "不太满意", "很不满意"];
const SUBJECTS = ["党组织服务群众", "为民服务中心", "村务公开", "环境卫生", "治安巡逻", "停车管理", "绿化养护", "路灯照明",
  "文化活动", "养老服务", "物业管理", "矛盾调解", "志愿服务", "党员教育", "办事效率"];
const MULTI: [string, string[]][] = [
  ["当前社区工作存在的主要困难(可多选)", ["缺经费", "缺人手", "缺场地", "缺制度", "群众参与不积极", "其他"]],
  ["您了解社区信息的渠道(可多选)", ["宣传栏", "微信群", "入户走访", "居民会议", "社区网站", "其他"]],
  ["您最希望改善的方面(可多选)", ["停车", "绿化", "卫生", "治安", "照明", "健身设施", "其他"]],
  ["您最需要的社区服务(可多选)", ["养老", "托幼", "就业", "医疗", "教育", "法律咨询"]],
];
const SINGLE: [string, string[]][] = [
  ["您的年龄", ["18~25岁", "26~30岁", "31~40岁", "41~50岁", "51~60岁", "60岁以上"]],
  ["您的性别", ["男", "女"]],
  ["您的学历", ["初中及以下", "高中/中专", "大专", "本科", "研究生"]],
  ["您在本社区居住的时间", ["1年以下", "1-3年", "3-5年", "5年以上"]],
  ["您是否参加过社区组织的活动", ["是", "否"]],
  ["您参加社区活动的频率", ["每周都参加", "每月一两次", "偶尔参加"]],
  ["您对社区活动内容的评价", ["很丰富", "一般", "比较单调"]],
  ["您对社区党组织的了解程度", ["很了解", "了解一些", "不了解"]],
];
const OPEN = ["您对社区工作还有哪些意见和建议", "您最希望社区为您解决的一件事是"];
/** Skip logic: the single choice (index in SINGLE) whose answer 2 skips the next two questions. */
const SKIP_FROM = 4;

/** The 30 questions in order, as the file's headers and the definition's ids. */
export function columns(): Column[] {
  const cols: Column[] = [];
  const add = (text: string, kind: Kind, options: string[]) => {
    const n = cols.length + 1;
    // A real export's headers: the question number, 、, the text, often with a trailing ：or space.
    cols.push({ header: `${n}、${text}${n % 3 === 0 ? "：" : n % 3 === 1 ? "" : " "}`, id: `q${n}`, text, kind, options });
  };
  add("您的身份是", "single", ROLES);
  for (const s of SUBJECTS) add(`您对${s}工作的满意程度`, "scale", LIKERT);
  for (const [text, options] of MULTI) add(text, "multi", options);
  for (const [text, options] of SINGLE) add(text, "single", options);
  for (const text of OPEN) add(text, "text", []);
  return cols;
}

/** The survey.yaml that reads the file: options in the questionnaire's order, so code k is option k. */
export function realSurveyYaml(withOpen = true): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const q = columns()
    .filter((c) => withOpen || c.kind !== "text")
    .map((c) => {
      const text = JSON.stringify(c.text);
      if (c.kind === "scale") return `  - {id: ${c.id}, text: ${text}, type: scale, scale: sat}`;
      if (c.kind === "text") return `  - {id: ${c.id}, text: ${text}, type: text}`;
      return `  - {id: ${c.id}, text: ${text}, type: ${c.kind}, options: ${list(c.options)}}`;
    });
  return `title: 社区工作满意度调查\nrole: q1\ndata:\n  id_column: 序号\n  blank_markers: ["(空)", "-2"]\nscales:\n  sat:\n    options: ${list(LIKERT)}\n    positive: [1, 2]\n    negative: [4, 5]\nquestions:\n${q.join("\n")}\n`;
}

const PLACES = ["东门", "西门", "北门", "南门口", "广场", "菜市场", "幼儿园门口", "公交站", "活动中心", "地下车库", "步道", "卫生站",
  "篮球场", "楼道里", "电梯", "单元门", "垃圾站", "小公园", "快递柜旁", "围墙边"];
const WHEN = ["", "", "", "", "", "晚上", "周末", "雨天"];
const PROBLEMS = ["路灯不亮", "停车位太少", "垃圾清运不及时", "下水道堵塞", "电动车乱停", "噪音扰民", "积水严重", "监控坏了",
  "健身器材损坏", "狗粪没人管", "外来车辆多", "充电桩不够", "绿化缺少修剪", "地面坑洼", "座椅太少", "卫生死角多",
  "堆放杂物", "电梯常坏", "门禁没用", "占道经营", "油烟太大", "路面结冰", "井盖松动", "小广告多",
  "漏水", "墙皮脱落", "没有遮雨棚", "台阶太陡", "树枝挡路", "排水不畅", "蚊虫多", "车辆乱停", "灯光太暗", "栏杆生锈",
  "有异味", "无障碍坡道被占", "消防通道堵塞", "宠物扰民", "快递乱堆", "高空抛物"];
const ASKING = ["希望", "建议", "请", "麻烦"];
const ACTIONS = ["尽快维修", "增加巡查", "物业处理", "早日解决", "加强管理", "多派人手", "有人负责", "专人管理", "定期清理",
  "尽快安排", "统一规划", "增加投入", "听取意见", "加大整治", "及时回复", "公示进度", "安装监控", "增设车位", "限时整改",
  "上门查看", "协调解决", "张贴告示", "设置标识", "更换设备", "加强宣传", "定期检查", "联系施工队", "及时通报", "落实责任", "改善一下"];
const SHORT = ["没有", "无", "暂无", "很好", "满意", "继续保持", "希望越来越好", "没什么意见", "辛苦了", "都挺好的"];

/** Writes `rows` questionnaires to `path`; resolves with the file size in bytes. */
export function generateReal(path: string, rows: number, seed = 20261205): Promise<number> {
  return writeCsv(path, lines(rows, seed));
}

/** The file's lines: the header, then `rows` questionnaires drawn from the generator seeded with `seed`. */
function* lines(rows: number, seed: number): Generator<string[]> {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  /** An answer assembled from pieces: about 15 characters, one of some 3 million. */
  const composed = () => {
    const where = r() < 0.5 ? `${1 + int(99)}号楼${r() < 0.2 ? `${1 + int(4)}单元` : ""}` : pick(PLACES);
    return `${where}${pick(WHEN)}${pick(PROBLEMS)}，${pick(ASKING)}${pick(ACTIONS)}`;
  };
  // The common answers many respondents give word for word: a few short ones, and 290 complaints.
  const common = [...SHORT, ...Array.from({ length: 290 }, composed)];
  const openAnswer = () => {
    if (r() < 0.2) return "(空)";
    let s = r() < 0.4 ? pick(common) : composed();
    const x = r();
    // Users type ASCII commas, quotes and line breaks now and then: the CSV quotes those cells.
    if (x < 0.04) s = s.replace("，", ",");
    else if (x < 0.05) s = s.replace("，", "\n");
    else if (x < 0.055) s = `"${s}"`;
    return s;
  };
  const cols = columns();
  const IP_PLACES = ["北京-北京", "上海-上海", "浙江-杭州", "江苏-南京", "广东-深圳", "四川-成都", "湖北-武汉", "山东-济南"];
  const SOURCES: [string, string[]][] = [["手机提交", ["直接访问", "N/A"]], ["微信", ["N/A", "朋友圈", "微信群"]], ["链接", ["直接访问"]]];
  yield [...METADATA, ...cols.map((c) => c.header)];
  const start = Date.UTC(2026, 4, 1, 8);
  for (let i = 1; i <= rows; i++) {
    const t = new Date(start + Math.floor((i / rows) * 20 * 86_400_000) + int(60_000));
    const [source, details] = pick(SOURCES);
    const cells: string[] = [
      String(i),
      `${t.getUTCFullYear()}/${t.getUTCMonth() + 1}/${t.getUTCDate()} ${t.getUTCHours()}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`,
      `${180 + int(720)}秒`,
      source,
      pick(details),
      `${1 + int(223)}.${int(256)}.${int(256)}.${1 + int(254)}(${pick(IP_PLACES)})`,
    ];
    const lean = int(3); // some respondents are happier than others, so the roles differ
    let skip = 0;
    for (const c of cols) {
      if (c.kind === "text") {
        cells.push(openAnswer());
      } else if (skip > 0) {
        skip--;
        cells.push("(空)");
      } else if (c.id !== "q1" && r() < 0.02) {
        cells.push("(空)");
      } else if (c.kind === "scale") {
        cells.push(String(1 + Math.min(4, Math.floor(r() * (r() * 4 + lean)))));
      } else if (c.kind === "multi") {
        const chosen = c.options.map((_, k) => k + 1).filter(() => r() < 0.35);
        cells.push((chosen.length ? chosen : [1 + int(c.options.length)]).join("┋"));
      } else {
        const code = 1 + int(c.options.length);
        if (c === cols[cols.length - OPEN.length - SINGLE.length + SKIP_FROM] && code === 2) skip = 2;
        cells.push(String(code));
      }
    }
    yield cells;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
