import Papa from "papaparse";
import type { BreakdownGroup, ChiSquare, Interval, OptionTally, QuestionTally, RowTally, TallyResult } from "../types.js";

/**
 * Tidy CSV: one row per statistic, with the question, the item (a matrix row), the breakdown (its
 * question, and the group: an option of it) and the option it belongs to, the value unrounded (fractions
 * 0–1, as in JSON) and its base. Columns: question, item, type, text, by, by_code, by_label, option_code,
 * option_label, statistic, value, base. A breakdown's test is in rows `chiSquare.<field>` with `by` set.
 * Empty cells mean "not applicable"; a rate with no base has an empty value.
 */
export const CSV_COLUMNS = ["question", "item", "type", "text", "by", "by_code", "by_label", "option_code", "option_label", "statistic", "value", "base"] as const;

type Row = Record<(typeof CSV_COLUMNS)[number], string | number | null>;

export function renderCsv(result: TallyResult): string {
  const rows: Row[] = [];
  const r = result.responses;
  const meta = (statistic: string, value: number | null, base: number | null = null) =>
    rows.push(row({ question: "", item: "", type: "responses", text: "", statistic, value, base }));
  meta("issued", r.issued);
  meta("returned", r.returned);
  meta("valid", r.valid);
  meta("invalid", r.invalid);
  meta("responseRate", r.responseRate, r.issued);
  meta("validRate", r.validRate, r.returned);
  meta("effectiveRate", r.effectiveRate, r.issued);
  for (const [reason, n] of Object.entries(r.invalidReasons)) meta(`invalid:${reason}`, n);
  const g = result.weighting;
  if (g) {
    const weights = (statistic: string, value: number) => rows.push(row({ type: "weighting", text: g.column ?? "", statistic, value }));
    for (const k of ["n", "sum", "effectiveN", "designEffect", "min", "max", "iterations", "maxGap"] as const) weights(k, g[k]);
    for (const t of g.rake) for (const [label, share] of Object.entries(t.targets)) rows.push(row({ question: t.question, type: "weighting", option_label: label, statistic: "target", value: share }));
  }
  for (const [id, q] of Object.entries(result.questions)) {
    if (q.rows) {
      questionRows(rows, id, "", q);
      for (const [rowId, rt] of Object.entries(q.rows)) questionRows(rows, id, rowId, { ...rt, type: "scale", text: rt.label });
    } else questionRows(rows, id, id, q);
  }
  for (const [id, g] of Object.entries(result.groups)) {
    rows.push(row({ question: id, item: "", type: "group", text: g.label, statistic: "alpha", value: g.alpha, base: g.n }));
    for (const item of g.items) rows.push(row({ question: id, item, type: "group", text: g.label, statistic: "alphaIfDeleted", value: g.alphaIfDeleted[item] ?? null, base: g.n }));
  }
  return Papa.unparse({ fields: [...CSV_COLUMNS], data: rows.map((x) => CSV_COLUMNS.map((k) => escapeFormula(x[k]))) }, { newline: "\n" }) + "\n";
}

function row(partial: Partial<Row>): Row {
  return { question: "", item: "", type: "", text: "", by: null, by_code: null, by_label: null, option_code: null, option_label: null, statistic: "", value: null, base: null, ...partial };
}

function questionRows(rows: Row[], question: string, item: string, q: QuestionTally | (RowTally & { type: "scale"; text: string })): void {
  const at = (p: Partial<Row>) => rows.push(row({ question, item, type: q.type, text: q.text, ...p }));
  at({ statistic: "answered", value: q.answered });
  at({ statistic: "skipped", value: q.skipped });
  at({ statistic: "missing", value: q.missing });
  at({ statistic: "base", value: q.base });
  if (q.unweightedBase !== undefined) at({ statistic: "unweightedBase", value: q.unweightedBase });
  if (q.effectiveBase !== undefined) at({ statistic: "effectiveBase", value: q.effectiveBase });
  /** An interval as two rows, `<name>Low` and `<name>High` (empty values when there is no base). */
  const interval = (where: Partial<Row>, name: string, ci: Interval | null | undefined, base: number | null) => {
    at({ ...where, statistic: `${name}Low`, value: ci?.[0] ?? null, base });
    at({ ...where, statistic: `${name}High`, value: ci?.[1] ?? null, base });
  };
  const options = (os: OptionTally[] | undefined, base: number, by?: BreakdownGroup, byId?: string) => {
    for (const o of os ?? []) {
      const where = { option_code: o.code, option_label: o.label, by: byId ?? null, by_code: by?.code ?? null, by_label: by?.label ?? null };
      at({ ...where, statistic: "count", value: o.count, base });
      if (o.unweightedCount !== undefined) at({ ...where, statistic: "unweightedCount", value: o.unweightedCount });
      if (o.pct !== undefined) at({ ...where, statistic: "pct", value: o.pct, base });
      if (o.pctOfRespondents !== undefined) at({ ...where, statistic: "pctOfRespondents", value: o.pctOfRespondents, base });
      if (o.ci95 !== undefined) interval(where, "ci95", o.ci95, base);
      if (o.pctOfSelections !== undefined) at({ ...where, statistic: "pctOfSelections", value: o.pctOfSelections });
      // With --previous: the earlier round's share of the same field and the change, named as in the JSON.
      for (const [field, value] of Object.entries(o.previous ?? {})) at({ ...where, statistic: `previous.${field}`, value: value ?? null });
      for (const [field, value] of Object.entries(o.change ?? {})) at({ ...where, statistic: `change.${field}`, value: value ?? null });
    }
  };
  options(q.options, q.base);
  for (const k of ["positiveRate", "negativeRate", "meanScore", "sdScore"] as const) {
    if (q[k] === undefined) continue;
    at({ statistic: k, value: q[k] ?? null, base: q.base });
    if (k === "positiveRate" || k === "negativeRate") interval({}, `${k}Ci95`, q[`${k}Ci95`], q.base);
  }
  if (q.previous) {
    at({ statistic: "previous.base", value: q.previous.base });
    for (const k of ["positiveRate", "mean"] as const) {
      if (q.previous[k] === undefined) continue;
      at({ statistic: `previous.${k}`, value: q.previous[k] ?? null, base: q.previous.base });
      at({ statistic: `change.${k}`, value: q.change?.[k] ?? null });
    }
  }
  if ("n" in q && q.n !== undefined) {
    const nq = q as QuestionTally;
    for (const k of ["n", "mean", "sd", "median", "min", "max"] as const) at({ statistic: k, value: nq[k] ?? null });
    for (const b of nq.bins ?? []) {
      at({ option_label: b.label, statistic: "count", value: b.count, base: nq.n ?? null });
      if (b.unweightedCount !== undefined) at({ option_label: b.label, statistic: "unweightedCount", value: b.unweightedCount });
      at({ option_label: b.label, statistic: "pct", value: b.pct, base: nq.n ?? null });
      interval({ option_label: b.label }, "ci95", b.ci95, nq.n ?? null);
    }
  }
  if ("keywords" in q) for (const k of (q as QuestionTally).keywords ?? []) at({ option_label: k.word, statistic: "keyword", value: k.count });
  if ("ranks" in q) {
    for (const r of (q as QuestionTally).ranks ?? []) {
      const where = { option_code: r.code, option_label: r.label };
      at({ ...where, statistic: "score", value: r.score, base: q.answered });
      at({ ...where, statistic: "meanPosition", value: r.meanPosition });
      r.positions.forEach((c, p) => at({ ...where, statistic: `position${p + 1}`, value: c }));
    }
  }
  // every breakdown (a tally without `breakdowns` has byRole alone, its question unnamed)
  const all: [string | undefined, BreakdownGroup[], ChiSquare | null | undefined][] = q.breakdowns
    ? Object.entries(q.breakdowns).map(([id, groups]) => [id, groups, q.breakdownTests?.[id]])
    : [[undefined, q.byRole ?? [], q.chiSquare]];
  for (const [byId, groups, c] of all) {
    for (const by of groups) {
      const group = { by: byId ?? null, by_code: by.code, by_label: by.label };
      at({ ...group, statistic: "base", value: by.base });
      if (by.unweightedBase !== undefined) at({ ...group, statistic: "unweightedBase", value: by.unweightedBase });
      if (by.effectiveBase !== undefined) at({ ...group, statistic: "effectiveBase", value: by.effectiveBase });
      options(by.options, by.base, by, byId);
      if (by.positiveRate !== undefined) {
        at({ ...group, statistic: "positiveRate", value: by.positiveRate, base: by.base });
        interval(group, "positiveRateCi95", by.positiveRateCi95, by.base);
      }
      if (by.meanScore !== undefined) at({ ...group, statistic: "meanScore", value: by.meanScore, base: by.base });
      for (const r of by.ranks ?? []) at({ ...group, option_code: r.code, option_label: r.label, statistic: "score", value: r.score, base: by.base });
    }
    if (!c) continue;
    const where = { by: byId ?? null };
    at({ ...where, statistic: "chiSquare.method", value: c.method });
    for (const k of ["statistic", "df", "p", "cramersV"] as const) at({ ...where, statistic: `chiSquare.${k}`, value: c[k] });
    at({ ...where, statistic: "chiSquare.lowExpected", value: c.lowExpected ? 1 : 0 });
  }
}

/**
 * A cell that starts with = + - @, a tab or a carriage return is run as a formula by Excel and
 * LibreOffice (CSV injection); a leading apostrophe makes it text. Numbers are written as they are:
 * a negative number is data, not a formula.
 */
export function escapeFormula(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
