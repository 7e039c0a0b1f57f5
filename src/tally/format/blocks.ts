import { maxOf } from "../../arrays.js";
import { REASON_LABELS, type InvalidReason } from "../../validate/screen.js";
import { formatNumber, formatPct, significantlyHigher } from "../stats.js";
import type { BreakdownGroup, ChiSquare, OptionTally, QuestionTally, RowTally, ScaleFields, TallyResult, Unmatched } from "../types.js";

/**
 * The readable layout of a tally, independent of the medium: per question a title, tables in 问卷星's
 * layout (选项 / 小计 / 比例, then 本题有效填写人次) and summary lines. The text and Markdown renderers
 * only draw these blocks, so both show the same figures.
 */
export interface Block {
  title: string;
  tables: { header: string[]; rows: string[][]; right: boolean[]; caption?: string }[];
  notes: string[];
}

export interface BlockOptions {
  decimals: number;
  lang: "zh-CN" | "en";
}

/**
 * The words of the readable tables. The statistics keep the names of stats.ts, where their formulas are,
 * with two exceptions kept as users know them: positiveRate is 正向率 here, one neutral word for tables
 * that hold scales of every kind (a report names it by its scale: 满意率, 认同率 …), and meanPosition is
 * 平均排名 (平均排位 in a report).
 */
const WORDS = {
  "zh-CN": {
    option: "选项", count: "小计", pct: "比例", valid: "本题有效填写人次", base: "基数", ofSelections: "响应率",
    single: "单选题", multi: "多选题", scale: "量表题", matrix: "矩阵量表题", rank: "排序题", number: "数值题", text: "填空题",
    positive: "正向率", negative: "负向率", mean: "平均分", sd: "标准差", row: "行", score: "综合得分", meanPos: "平均排名",
    position: (p: number) => `第${p}位`, n: "有效数", avg: "平均值", median: "中位数", min: "最小值", max: "最大值", bin: "分组",
    answers: "条回答", keywords: "关键词", skipped: "未作答(跳过)", missing: "空答", na: "不计入基数",
    responses: "问卷回收", returned: "收回", validQ: "有效", invalid: "无效", issued: "发放", rate: "有效率",
    role: "身份", chi: "卡方检验", low: "超过20%的期望频数小于5,p值仅供参考",
    fisher: "Fisher精确检验", lowFisher: "超过20%的期望频数小于5", monteCarlo: (n: number, seed: number) => `蒙特卡洛模拟${n}次,种子${seed}`,
    letters: (m: number) => `字母:该组比例显著高于所标字母的组(两比例z检验,Bonferroni校正:各列${m}对组两两比较,p < 0.05/${m})`, alpha: "信度(Cronbach's α)", ifDeleted: "删除该项后α",
    others: "其他填写",
    weightedBase: "加权基数", effective: "有效样本量", raoScott: "加权卡方检验(Rao-Scott一阶校正,设计效应按Kish公式)",
    weighting: "加权", weightColumn: (c: string) => `按权重列“${c}”`, raked: (q: string) => `按${q}的总体比例调整(迭代比例拟合)`,
    weightSummary: (n: number, eff: string, deff: string, min: string, max: string) => `${n}份有效问卷;有效样本量${eff}(设计效应${deff});权重${min}~${max};“小计”为加权合计`,
    previous: (p: string | null) => (p ? `${p}比例` : "上一轮比例"), change: "变化(百分点)",
    comparedWith: (title: string, p: string | null, n: number) => `对比上一轮: ${title}${p ? ` (${p})` : ""}, ${n}份有效问卷`,
    previousScale: (pos: string, dPos: string, mean: string, dMean: string) => `上一轮正向率 ${pos} (变化 ${dPos}个百分点), 上一轮平均分 ${mean} (变化 ${dMean})`,
    unmatched: "未能与上一轮对应",
    kinds: { "question-added": "新增题目", "question-dropped": "删去题目", "type-changed": "题型改变", "row-added": "新增行", "row-removed": "删去行", "option-added": "新增选项", "option-removed": "删去选项" },
  },
  en: {
    option: "Option", count: "Count", pct: "Share", valid: "Valid answers", base: "Base", ofSelections: "Of selections",
    single: "single choice", multi: "multiple choice", scale: "scale", matrix: "matrix", rank: "ranking", number: "number", text: "open",
    positive: "Positive", negative: "Negative", mean: "Mean score", sd: "SD", row: "Row", score: "Score", meanPos: "Mean position",
    position: (p: number) => `#${p}`, n: "n", avg: "Mean", median: "Median", min: "Min", max: "Max", bin: "Bin",
    answers: "answers", keywords: "Keywords", skipped: "skipped", missing: "blank", na: "outside the base",
    responses: "Responses", returned: "returned", validQ: "valid", invalid: "invalid", issued: "issued", rate: "valid rate",
    role: "Role", chi: "Chi-square", low: "over 20% of expected counts are below 5; the p-value is indicative only",
    fisher: "Fisher's exact test", lowFisher: "over 20% of expected counts are below 5", monteCarlo: (n: number, seed: number) => `Monte Carlo, ${n} tables, seed ${seed}`,
    letters: (m: number) => `Letters: the group's share is significantly higher than the lettered groups' (two-proportion z-test, Bonferroni-corrected for the ${m} pairs of groups in a column: p < 0.05/${m})`, alpha: "Reliability (Cronbach's α)", ifDeleted: "α if deleted",
    others: "Fill-ins",
    weightedBase: "weighted base", effective: "effective n", raoScott: "Weighted chi-square (first-order Rao–Scott, Kish design effect)",
    weighting: "Weighting", weightColumn: (c: string) => `by the weight column "${c}"`, raked: (q: string) => `raked to population shares of ${q}`,
    weightSummary: (n: number, eff: string, deff: string, min: string, max: string) => `${n} valid questionnaires; effective n ${eff} (design effect ${deff}); weights ${min} to ${max}; counts are sums of weights`,
    previous: (p: string | null) => (p ? `Share ${p}` : "Previous share"), change: "Change (points)",
    comparedWith: (title: string, p: string | null, n: number) => `Compared with the previous round: ${title}${p ? ` (${p})` : ""}, ${n} valid questionnaires`,
    previousScale: (pos: string, dPos: string, mean: string, dMean: string) => `previous positive ${pos} (change ${dPos} points), previous mean ${mean} (change ${dMean})`,
    unmatched: "Not matched with the previous round",
    kinds: { "question-added": "new question", "question-dropped": "dropped question", "type-changed": "type changed", "row-added": "new row", "row-removed": "dropped row", "option-added": "new option", "option-removed": "dropped option" },
  },
} as const;

type Words = (typeof WORDS)["zh-CN"] | (typeof WORDS)["en"];

export function blocks(result: TallyResult, opts: BlockOptions): Block[] {
  const w = WORDS[opts.lang];
  const d = opts.decimals;
  const out: Block[] = [summaryBlock(result, w, d)];
  let n = 0;
  for (const [id, q] of Object.entries(result.questions)) {
    n++;
    out.push(questionBlock(`${n}. ${q.text} [${w[q.type]}] (${id})`, q, w, d, result.comparison?.previous.period ?? null));
  }
  for (const [id, g] of Object.entries(result.groups)) {
    out.push({
      title: `${w.alpha}: ${g.label} (${id})`,
      tables: [
        {
          header: [w.option, w.ifDeleted],
          rows: g.items.map((item) => [item, formatNumber(g.alphaIfDeleted[item], 3)]),
          right: [false, true],
        },
      ],
      notes: [`α = ${formatNumber(g.alpha, 3)}, n = ${g.n}`],
    });
  }
  return out;
}

function summaryBlock(r: TallyResult, w: Words, d: number): Block {
  const s = r.responses;
  const rows: string[][] = [];
  if (s.issued !== null) rows.push([w.issued, String(s.issued), ""]);
  rows.push([w.returned, String(s.returned), formatPct(s.responseRate, d)]);
  rows.push([w.validQ, String(s.valid), formatPct(s.validRate, d)]);
  rows.push([w.invalid, String(s.invalid), ""]);
  for (const [reason, count] of Object.entries(s.invalidReasons)) {
    const label = REASON_LABELS[reason as InvalidReason]?.[w === WORDS.en ? "en" : "zh"] ?? reason;
    rows.push([`  ${label}`, String(count), ""]);
  }
  const tables: Block["tables"] = [{ header: [w.responses, w.count, w.pct], rows, right: [false, true, true] }];
  if (Object.keys(s.bySource).length > 1) {
    tables.push({
      header: ["file", w.returned, w.validQ],
      rows: Object.entries(s.bySource).map(([f, v]) => [f, String(v.returned), String(v.valid)]),
      right: [false, true, true],
    });
  }
  if (r.roles) {
    const base = r.roles.counts.reduce((a, c) => a + (c.unweightedCount ?? c.count), 0);
    tables.push({
      header: [`${w.role} (${r.roles.question})`, w.count, w.pct],
      rows: r.roles.counts.map((c) => [c.label, amount(c.count), formatPct(c.pct, d)]),
      right: [false, true, true],
      caption: `${w.valid} ${amount(base)}`,
    });
  }
  const notes: string[] = [];
  const g = r.weighting;
  if (g) {
    const how = [...(g.column !== null ? [w.weightColumn(g.column)] : []), ...(g.rake.length ? [w.raked(g.rake.map((x) => x.question).join(", "))] : [])];
    notes.push(`${w.weighting}: ${how.join("; ")}. ${w.weightSummary(g.n, formatNumber(g.effectiveN, 1), formatNumber(g.designEffect, 2), String(+g.min.toFixed(3)), String(+g.max.toFixed(3)))}`);
  }
  const c = r.comparison;
  if (c) {
    notes.push(w.comparedWith(c.previous.title, c.previous.period, c.previous.valid));
    if (c.unmatched.length) notes.push(`${w.unmatched}: ${c.unmatched.map((u) => unmatchedText(u, w)).join("; ")}`);
  }
  return { title: r.survey.title, tables, notes };
}

/** A count as the tables show it: whole numbers as they are, sums of weights to one decimal. */
function amount(x: number): string {
  return Number.isInteger(x) ? String(x) : formatNumber(x, 1);
}

/** One thing the two rounds do not share, as "新增选项 q3: 缺设备". */
function unmatchedText(u: Unmatched, w: Words): string {
  const kind = w.kinds[u.kind];
  switch (u.kind) {
    case "question-added":
      return `${kind} ${u.question}`;
    case "question-dropped":
      return `${kind} ${u.previous}`;
    case "type-changed":
      return `${kind} ${u.question}`;
    case "row-added":
    case "row-removed":
      return `${kind} ${u.question}: ${u.row}`;
    case "option-added":
    case "option-removed":
      return `${kind} ${u.question}: ${u.row ? `${u.row}—` : ""}${u.option}`;
  }
}

/** A change in percentage points (fractions in) or score points, signed: "+5.2", "-3.0", "0.0". */
function signed(x: number | null | undefined, decimals: number): string {
  if (x === null || x === undefined) return "—";
  const text = formatNumber(x, decimals);
  return Number(text) > 0 ? `+${text}` : text;
}

function questionBlock(title: string, q: QuestionTally, w: Words, d: number, period: string | null): Block {
  const block: Block = { title, tables: [], notes: [] };
  const counts =
    `${w.valid}: ${q.answered}` +
    (q.effectiveBase !== undefined
      ? ` (${w.weightedBase} ${amount(q.base)}, ${w.effective} ${formatNumber(q.effectiveBase, 1)})`
      : q.base !== q.answered
        ? ` (${w.base} ${q.base})`
        : "") +
    skipNote(q, w);
  switch (q.type) {
    case "single":
    case "scale":
      block.tables.push(withPrevious(optionTable(q.options!, w, d, counts), q.options!, "pct", w, d, period));
      if (q.type === "scale") block.notes.push(scaleNote(q, w, d));
      if (q.type === "scale" && q.previous && q.change) block.notes.push(previousScaleNote(q, w, d));
      break;
    case "multi":
      block.tables.push(
        withPrevious(
          {
            header: [w.option, w.count, w.pct, w.ofSelections],
            rows: q.options!.map((o) => [o.label, amount(o.count), formatPct(o.pctOfRespondents, d), formatPct(o.pctOfSelections, d)]),
            right: [false, true, true, true],
            caption: counts,
          },
          q.options!,
          "pctOfRespondents",
          w,
          d,
          period,
        ),
      );
      break;
    case "matrix": {
      const rows = Object.values(q.rows!);
      const labels = rows[0]?.options.map((o) => o.label) ?? [];
      block.tables.push({
        header: [w.row, ...labels, w.positive, w.mean, w.base],
        rows: rows.map((r) => [
          r.label,
          ...r.options.map((o) => `${amount(o.count)} (${formatPct(o.pct, d)})`),
          formatPct(r.positiveRate, d),
          formatNumber(r.meanScore, 2),
          amount(r.base),
        ]),
        right: [false, ...labels.map(() => true), true, true, true],
        caption: counts,
      });
      for (const r of rows) if (r.previous && r.change) block.notes.push(`${r.label}: ${previousScaleNote(r, w, d)}`);
      for (const [rowId, r] of Object.entries(q.rows!)) addRoleTable(block, `${rowId} ${r.label}`, r, w, d);
      return block;
    }
    case "rank": {
      const n = q.ranks!.length;
      block.tables.push({
        header: [w.option, w.score, w.meanPos, ...Array.from({ length: n }, (_, p) => w.position(p + 1))],
        rows: q.ranks!.map((r) => [r.label, formatNumber(r.score, 2), formatNumber(r.meanPosition, 2), ...r.positions.map(String)]),
        right: [false, true, true, ...Array.from({ length: n }, () => true)],
        caption: counts,
      });
      break;
    }
    case "number":
      block.tables.push({
        header: [w.n, w.avg, w.sd, w.median, w.min, w.max],
        rows: [[String(q.n ?? 0), formatNumber(q.mean, 2), formatNumber(q.sd, 2), formatNumber(q.median, 2), formatNumber(q.min, 2), formatNumber(q.max, 2)]],
        right: [true, true, true, true, true, true],
      });
      if (q.bins) {
        block.tables.push({
          header: [w.bin, w.count, w.pct],
          rows: q.bins.map((b) => [b.label, amount(b.count), formatPct(b.pct, d)]),
          right: [false, true, true],
          caption: counts,
        });
      } else block.notes.push(counts);
      break;
    case "text":
      // Without the texts (a tally for a small output keeps none), every answer counted is one.
      block.notes.push(`${q.answers?.length ?? q.answered} ${w.answers}${skipNote(q, w)}`);
      if (q.keywords?.length) block.notes.push(`${w.keywords}: ${q.keywords.map((k) => `${k.word}(${k.count})`).join(" ")}`);
      break;
  }
  for (const o of q.options ?? []) if (o.others?.length) block.notes.push(`${w.others} (${o.label}): ${o.others.length}`);
  addRoleTable(block, "", q, w, d);
  return block;
}

function skipNote(q: { skipped: number; missing: number }, w: Words): string {
  const parts: string[] = [];
  if (q.skipped) parts.push(`${w.skipped} ${q.skipped}`);
  if (q.missing) parts.push(`${w.missing} ${q.missing}`);
  return parts.length ? `; ${parts.join(", ")}` : "";
}

/** 问卷星's per-question table: 选项 / 小计 / 比例, then the base. */
function optionTable(options: OptionTally[], w: Words, d: number, caption: string): Block["tables"][number] {
  return {
    header: [w.option, w.count, w.pct],
    rows: options.map((o) => [o.label, amount(o.count), o.pct === null ? `(${w.na})` : formatPct(o.pct, d)]),
    right: [false, true, true],
    caption,
  };
}

/**
 * With `--previous`: the earlier round's share of each matched option and the change in percentage points,
 * as two more columns (an option new this round shows "—").
 */
function withPrevious(table: Block["tables"][number], options: OptionTally[], field: "pct" | "pctOfRespondents", w: Words, d: number, period: string | null): Block["tables"][number] {
  if (!options.some((o) => o.previous)) return table;
  return {
    ...table,
    header: [...table.header, w.previous(period), w.change],
    rows: table.rows.map((row, i) => [...row, formatPct(options[i]!.previous?.[field], d), signed(options[i]!.change?.[field] == null ? null : options[i]!.change![field]! * 100, d)]),
    right: [...table.right, true, true],
  };
}

/** With `--previous`, on an evaluation: the earlier positive rate and mean, and how each moved ("" without). */
function previousScaleNote(q: ScaleFields, w: Words, d: number): string {
  if (!q.previous || !q.change) return "";
  return w.previousScale(formatPct(q.previous.positiveRate, d), signed(q.change.positiveRate == null ? null : q.change.positiveRate * 100, d), formatNumber(q.previous.mean, 2), signed(q.change.mean, 2));
}

function scaleNote(q: { positiveRate?: number | null; negativeRate?: number | null; meanScore?: number | null; sdScore?: number | null }, w: Words, d: number): string {
  return `${w.positive} ${formatPct(q.positiveRate, d)}, ${w.negative} ${formatPct(q.negativeRate, d)}, ${w.mean} ${formatNumber(q.meanScore, 2)}, ${w.sd} ${formatNumber(q.sdScore, 2)}`;
}

/**
 * The breakdown cross-tabs, one per breakdown question (the role's first): groups × options, count
 * (share of the group's base) and the letters of the groups whose share is significantly lower
 * (`significantlyHigher`), then the test line and what the letters mean.
 */
function addRoleTable(block: Block, prefix: string, q: QuestionTally | RowTally, w: Words, d: number): void {
  const all: [string, BreakdownGroup[], ChiSquare | null | undefined][] = q.breakdowns
    ? Object.entries(q.breakdowns).map(([id, groups]) => [id, groups, q.breakdownTests?.[id]])
    : q.byRole
      ? [["", q.byRole, q.chiSquare]]
      : [];
  all.forEach(([id, groups, test], b) => {
    if (!groups.length) return;
    const head = b === 0 ? w.role : id;
    const labels = groups[0]!.options.map((o) => o.label);
    if (groups[0]!.ranks) {
      // rank: each group's 综合得分 per option
      block.tables.push({
        header: [head, ...labels.map((l) => `${l} ${w.score}`), w.base],
        rows: groups.map((r) => [r.label, ...r.ranks!.map((x) => formatNumber(x.score, 2)), amount(r.base)]),
        right: [false, ...labels.map(() => true), true],
      });
      return;
    }
    const letters = groups.map((_, g) => letter(g));
    const bases = groups.map((r) => r.base);
    // With weights, groups are compared at their effective sizes: the shares times n_eff as counts.
    const sizes = groups.map((r) => r.effectiveBase ?? r.base);
    const multi = groups[0]!.options.some((o) => o.pctOfRespondents !== undefined);
    const compare = (shares: (number | null | undefined)[]) =>
      significantlyHigher(
        shares.map((x, g) => (x ?? 0) * sizes[g]!),
        sizes,
      ).map((hs) => hs.map(letter).join(""));
    const marks = labels.map((_, j) =>
      groups[0]!.options[j]!.pct === null && !multi
        ? groups.map(() => "")
        : groups[0]!.effectiveBase === undefined
          ? significantlyHigher(groups.map((r) => r.options[j]!.count), bases).map((hs) => hs.map(letter).join(""))
          : compare(groups.map((r) => r.options[j]!.pct ?? r.options[j]!.pctOfRespondents)),
    );
    const hasScale = groups.some((r) => r.meanScore !== undefined);
    const positive = !hasScale
      ? []
      : groups[0]!.effectiveBase === undefined
        ? significantlyHigher(groups.map((r) => Math.round((r.positiveRate ?? 0) * r.base)), bases).map((hs) => hs.map(letter).join(""))
        : compare(groups.map((r) => r.positiveRate));
    // letters after the figure, padded to the column's longest so that the figures stay aligned
    const mark = (text: string, column: string[], g: number) => {
      const width = maxOf(column.map((m) => m.length), 0);
      return width ? `${text} ${column[g]!.padEnd(width)}` : text;
    };
    const header = [head, ...labels, w.base, ...(hasScale ? [w.positive, w.mean] : [])];
    const rows = groups.map((r, g) => [
      `(${letters[g]}) ${r.label}`,
      ...r.options.map((o, j) => mark(`${amount(o.count)} (${formatPct(o.pct ?? o.pctOfRespondents, d)})`, marks[j]!, g)),
      amount(r.base),
      ...(hasScale ? [mark(formatPct(r.positiveRate, d), positive, g), formatNumber(r.meanScore, 2)] : []),
    ]);
    const live = bases.filter((n) => n > 0).length;
    const pairs = (live * (live - 1)) / 2;
    const caption = [chiLine(b === 0 ? prefix : `${prefix ? `${prefix} ` : ""}${id}`, test, w), ...(pairs > 0 ? [w.letters(pairs)] : [])].join("\n");
    block.tables.push({ header, rows, right: header.map((_, j) => j > 0), caption });
  });
}

/** The letter of the g-th group: A … Z, then AA, AB … */
function letter(g: number): string {
  return g < 26 ? String.fromCharCode(65 + g) : letter(Math.floor(g / 26) - 1) + letter(g % 26);
}

function chiLine(prefix: string, c: ChiSquare | null | undefined, w: Words): string {
  const head = prefix ? `${prefix}: ` : "";
  if (!c) return `${head}${w.chi}: —`;
  const p = c.p < 0.001 ? "p < 0.001" : `p = ${formatNumber(c.p, 3)}`;
  const chi = `χ² = ${formatNumber(c.statistic, 2)}, df = ${c.df}`;
  const v = `Cramér's V = ${formatNumber(c.cramersV, 3)}`;
  if (c.method === "chi-square") return `${head}${w.chi}: ${chi}, ${p}, ${v}${c.lowExpected ? ` (${w.low})` : ""}`;
  if (c.method === "rao-scott-kish") return `${head}${w.raoScott}: ${chi}, ${p}, ${v}${c.lowExpected ? ` (${w.low})` : ""}`;
  // Fisher's test where the chi-square's expected counts are too small; Pearson's χ² is still shown
  const how = c.method === "fisher-monte-carlo" ? ` (${w.monteCarlo(c.replicates ?? 0, c.seed ?? 0)})` : "";
  return `${head}${w.fisher}: ${p}${how}; ${chi}, ${v} (${w.lowFisher})`;
}
