import { append, maxOf } from "../arrays.js";
import type { Question, Survey } from "../definition/model.js";
import { isOrdinal } from "../definition/ordinal.js";
import type { QuestionTally, TallyResult } from "../tally/types.js";
import { answerTexts } from "../tally/spooled.js";
import { fixed, pct } from "./format.js";
import type { Block, Chart, Figure, Table } from "./model.js";
import { groupLabel, rateName, renderLabel } from "./evidence.js";
import { shareOf } from "./findings.js";
import { changeNote, waveNote, wavesOf, withChangeColumns, withRowChangeColumns, type Waves } from "./appendix-waves.js";
import type { Template } from "./template.js";
import { recodedNote, themesTable } from "./themes.js";

/**
 * 附件: every question in questionnaire order, as 问卷星's statistics page shows it — a table of 选项 / 小计 /
 * 比例 closed by 本题有效填写人次, a chart for closed questions, and open answers verbatim. Every table and
 * chart names its base N in the caption.
 */
export function appendixBlocks(tally: TallyResult, survey: Survey, template: Template, charts: boolean, notes?: string): Block[] {
  const l = template.text.labels;
  const waves = wavesOf(tally, survey, template);
  const blocks: Block[] = [
    { kind: "pageBreak" },
    { kind: "paragraph", style: "label", runs: [{ text: l.appendix }] },
    { kind: "paragraph", style: "title", runs: [{ text: l.appendixTitle }] },
    ...(notes ? [{ kind: "paragraph" as const, runs: [{ text: notes }] }] : []),
  ];
  for (const q of survey.questions) {
    const t = tally.questions[q.id];
    if (!t) continue;
    const heading = renderLabel(template, l.questionHeading, { number: q.number, text: q.text, type: l.types[q.type] });
    blocks.push({ kind: "paragraph", style: "plain", runs: [{ text: heading, bold: true }] });
    const unmatched = waves && waveNote(template, waves, q.id);
    if (unmatched) blocks.push(unmatched);
    append(blocks, questionBlocks(q, t, template, charts, q.id === survey.role, waves));
  }
  return blocks;
}

function questionBlocks(q: Question, t: QuestionTally, template: Template, charts: boolean, role = false, waves?: Waves): Block[] {
  const l = template.text.labels;
  const n = q.type === "matrix" ? maxOf(Object.values(t.rows ?? {}).map((r) => r.base), 0) : t.base;
  if (n === 0 && !(t.answers?.length)) return [{ kind: "paragraph", style: "plain", runs: [{ text: l.noAnswers }] }];
  const caption = renderLabel(template, l.tableCaption, { text: q.text, n });
  const figureCaption = renderLabel(template, l.figureCaption, { text: q.text, n });
  const figure = (chart: Chart): Figure[] => (charts ? [{ kind: "figure", number: 0, caption: figureCaption, chart }] : []);
  switch (q.type) {
    case "single":
    case "multi":
    case "scale": {
      const options = t.options ?? [];
      const table: Table = {
        kind: "table",
        number: 0,
        caption,
        header: [l.option, l.count, shareLabel(t, template)],
        rows: options.map((o) => [o.label, String(o.count), pct(shareOf(t, o))]),
        align: ["left", "right", "right"],
        footer: [l.validN, String(t.base), ""],
      };
      if (waves && t.previous) withChangeColumns(table, options, q.type === "multi" ? "pctOfRespondents" : "pct", waves);
      const blocks: Block[] = [table];
      const note = recodedNote(t, template);
      if (note) blocks.push(note);
      if (q.type === "scale") {
        const name = rateName(q.scale, template);
        blocks.push({ kind: "paragraph", style: "plain", runs: [{ text: `${name}${sep(template)}${pct(t.positiveRate)}${waves ? changeNote(template, waves, t, "positiveRate") : ""}${semi(template)}${l.mean}${sep(template)}${fixed(t.meanScore)}${waves ? changeNote(template, waves, t, "mean") : ""}` }] });
        append(blocks, figure(scaleChart(t, template)));
      } else {
        // The role list and ordered amounts (16~19岁 … 60岁以上, 没有投入 … 超过50%) keep the questionnaire's order.
        const sort = !role && !isOrdinal(q.options);
        append(blocks, figure(barChart(options.map((o) => ({ label: o.label, count: o.count, share: shareOf(t, o) })), template, sort)));
      }
      return blocks;
    }
    case "matrix": {
      const name = rateName(q.scale, template);
      const rows = q.rows.map((row) => ({ row, r: t.rows?.[row.id] }));
      const table: Table = {
        kind: "table",
        number: 0,
        caption,
        header: [l.row, ...q.options.map((o) => o.label), name, l.mean, "N"],
        rows: rows.map(({ row, r }) => [
          row.label,
          ...q.options.map((o) => {
            const opt = r?.options.find((x) => x.code === o.code);
            // The share of the row's base; an option outside every base (不了解) shows its count instead.
            if (!opt) return "0";
            return opt.pct === null || opt.pct === undefined ? String(opt.count) : pct(opt.pct);
          }),
          pct(r?.positiveRate ?? null),
          fixed(r?.meanScore ?? null),
          String(r?.base ?? 0),
        ]),
        align: ["left", ...q.options.map(() => "right" as const), "right", "right", "right"],
        compact: true,
      };
      const chart: Chart = {
        type: "stacked",
        categories: rows.map(({ row, r }) => groupLabel(row.label, r?.base ?? 0, template)),
        series: q.options
          .filter((o) => !q.scale.na.includes(o.code))
          .map((o) => ({
            name: o.label,
            values: rows.map(({ r }) => r?.options.find((x) => x.code === o.code)?.pct ?? 0),
          })),
        unit: "percent",
      };
      if (waves && t.previous) withRowChangeColumns(table, rows.map(({ r }) => r), name, waves);
      return [table, ...figure(chart)];
    }
    case "rank": {
      const ranks = t.ranks ?? [];
      const positions = maxOf(ranks.map((r) => r.positions.length), 0);
      const table: Table = {
        kind: "table",
        number: 0,
        caption,
        header: [l.option, l.score, l.meanPosition, ...Array.from({ length: positions }, (_, i) => l.position.replace("{n}", String(i + 1)))],
        rows: ranks.map((r) => [r.label, fixed(r.score), fixed(r.meanPosition), ...Array.from({ length: positions }, (_, i) => String(r.positions[i] ?? 0))]),
        align: ["left", "right", "right", ...Array.from({ length: positions }, () => "right" as const)],
        footer: [l.validN, String(t.base), "", ...Array.from({ length: positions }, () => "")],
        compact: positions + 3 > 5,
      };
      const sorted = [...ranks].filter((r) => r.score !== null).sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
      const chart: Chart = {
        type: "bar",
        categories: sorted.map((r) => r.label),
        series: [{ name: l.score, values: sorted.map((r) => r.score ?? 0), labels: sorted.map((r) => fixed(r.score)) }],
        unit: "count",
      };
      return [table, ...figure(chart)];
    }
    case "number": {
      const s = l.numberStats;
      const stats: Table = {
        kind: "table",
        number: 0,
        caption,
        header: [l.statistic, l.value],
        rows: [
          [s.n, String(t.n ?? 0)],
          [s.mean, fixed(t.mean)],
          [s.sd, fixed(t.sd)],
          [s.median, fixed(t.median, 1)],
          [s.min, String(t.min ?? "—")],
          [s.max, String(t.max ?? "—")],
        ],
        align: ["left", "right"],
      };
      const bins = t.bins ?? [];
      if (!bins.length) return [stats];
      const binTable: Table = {
        kind: "table",
        number: 0,
        caption: renderLabel(template, l.tableCaption, { text: `${q.text}${l.binsSuffix}`, n: t.n ?? t.base }),
        header: [l.option, l.count, shareLabel(t, template)],
        rows: bins.map((b) => [b.label, String(b.count), pct(b.pct)]),
        align: ["left", "right", "right"],
        footer: [l.validN, String(t.n ?? t.base), ""],
      };
      return [stats, binTable, ...figure(barChart(bins.map((b) => ({ label: b.label, count: b.count, share: b.pct })), template, false))];
    }
    case "text":
      return [...(q.themes ? [themesTable(q.text, t, template)!] : []), ...distinctAnswers(answerTexts(t.answers)).map(([a, n], i): Block => ({
        kind: "paragraph",
        style: "plain",
        marker: `${i + 1}.`,
        runs: [{ text: n > 1 ? `${a}${template.lang === "en" ? ` (${n})` : `\uff08${n}\u4eba\uff09`}` : a }],
      }))].filter((b): b is Block => b !== undefined);
  }
}

/** One bar per option, labelled "15人 50.0%"; sorted by count for choices (not the role, nor ordered amounts), in natural order for bins. */
function barChart(items: { label: string; count: number; share: number | null | undefined }[], template: Template, sort: boolean): Chart {
  const shown = sort ? [...items].sort((a, b) => b.count - a.count) : items;
  return {
    type: "bar",
    categories: shown.map((o) => o.label),
    series: [
      {
        name: template.text.labels.share,
        values: shown.map((o) => o.share ?? 0),
        labels: shown.map((o) => barLabel(o.count, o.share ?? null, template)),
      },
    ],
    unit: "percent",
  };
}

/** A scale question as 100% stacked bars: all respondents, then each role, so differences show at a glance. */
function scaleChart(t: QuestionTally, template: Template): Chart {
  const options = t.options ?? [];
  const groups = [
    { label: groupLabel(template.text.labels.all, t.base, template), options },
    ...(t.byRole ?? []).filter((r) => r.base > 0).map((r) => ({ label: groupLabel(r.label, r.base, template), options: r.options })),
  ];
  return {
    type: "stacked",
    categories: groups.map((g) => g.label),
    series: options.map((o) => ({ name: o.label, values: groups.map((g) => g.options.find((x) => x.code === o.code)?.pct ?? 0) })),
    unit: "percent",
  };
}

/** The share column's name: 加权比例 when the shares are weighted (the counts beside them are people). */
function shareLabel(t: QuestionTally, template: Template): string {
  const l = template.text.labels;
  return t.effectiveBase !== undefined ? (l.weightedShare ?? l.share) : l.share;
}

function barLabel(n: number, share: number | null, template: Template): string {
  return template.lang === "en" ? `${n} (${pct(share)})` : `${n}人\uff0c${pct(share)}`;
}

const sep = (t: Template) => (t.lang === "en" ? ": " : "\uff1a");
const semi = (t: Template) => (t.lang === "en" ? "; " : "\uff1b");

/**
 * Each distinct answer once, verbatim, with how many gave it: the most given first, as a reader looks for
 * what many people said; answers given equally often keep the order they came in (a stable sort).
 */
function distinctAnswers(answers: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const a of answers) {
    const key = a.trim();
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}
