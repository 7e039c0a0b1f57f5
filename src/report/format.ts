/**
 * How numbers are written in the report: the `pct`, `count` and `approx` filters of the templates.
 * Pure functions, one job each; the template engine registers them under those names.
 */

import { formatNumber, formatPct, roundHalfAway } from "../tally/stats.js";

export type Lang = "zh-CN" | "en";

/** Display rounding is the tally's, so a number reads the same in the terminal tables and in the report. */
export { roundHalfAway };

/** A fraction as a percentage: 0.625 → "62.5%". No base (null) is written as "—". */
export function pct(x: unknown, decimals = 1): string {
  return formatPct(typeof x === "number" && Number.isFinite(x) ? x : null, decimals);
}

/** A whole count with thousands separators in English and a unit: 2800 → "2800人" / "2,800". */
export function count(x: unknown, unit = "", lang: Lang = "zh-CN"): string {
  if (typeof x !== "number" || !Number.isFinite(x)) return "—";
  const digits = lang === "en" ? x.toLocaleString("en-US") : String(x);
  return lang === "en" && unit ? `${digits} ${unit}` : `${digits}${unit}`;
}

/** A plain decimal number, rounded half away from zero: 3.456 → "3.46". */
export function fixed(x: unknown, decimals = 2): string {
  return formatNumber(typeof x === "number" && Number.isFinite(x) ? x : null, decimals);
}

interface Anchor {
  value: number;
  zh: string;
  en: string;
}

/** The shares a Chinese report names in words: tenths (成), halves, thirds and quarters. */
const ANCHORS: Anchor[] = [
  { value: 0.1, zh: "一成", en: "10%" },
  { value: 0.2, zh: "两成", en: "20%" },
  { value: 0.25, zh: "四分之一", en: "a quarter" },
  { value: 0.3, zh: "三成", en: "30%" },
  { value: 1 / 3, zh: "三分之一", en: "a third" },
  { value: 0.4, zh: "四成", en: "40%" },
  { value: 0.5, zh: "半数", en: "half" },
  { value: 0.6, zh: "六成", en: "60%" },
  { value: 2 / 3, zh: "三分之二", en: "two thirds" },
  { value: 0.7, zh: "七成", en: "70%" },
  { value: 0.75, zh: "四分之三", en: "three quarters" },
  { value: 0.8, zh: "八成", en: "80%" },
  { value: 0.9, zh: "九成", en: "90%" },
];

/** "近X" is used only this close below X; further away the anchor below is used with "以上". */
const NEARLY = 0.03;
const EPS = 1e-9;

/**
 * An idiomatic approximation of a share that is always true to the number, as the seeds write them:
 * 0.678 → 三分之二以上, 0.625 → 六成以上, 0.52 → 半数以上, 0.48 → 近半数, 0.97 → 九成以上.
 *
 * Rule: find the nearest named share. At it exactly → the name ("半数"); above it → "…以上"; just below it
 * (within 3 points) → "近…". Otherwise the nearest share below, with "以上". "近" is never used for 100%
 * (近全部 would hide that some did not), and below 10% the phrase is "不足一成".
 */
export function approx(x: unknown, lang: Lang = "zh-CN"): string {
  if (typeof x !== "number" || !Number.isFinite(x)) return "—";
  const en = lang === "en";
  if (x >= 1 - EPS) return en ? "all" : "全部";
  if (x <= EPS) return en ? "none" : "没有";
  const exact = ANCHORS.find((a) => Math.abs(a.value - x) < EPS);
  if (exact) return en ? exact.en : exact.zh;
  const below = [...ANCHORS].reverse().find((a) => a.value < x);
  const above = ANCHORS.find((a) => a.value > x);
  const nearly = above !== undefined && above.value - x <= NEARLY && (below === undefined || above.value - x < x - below.value);
  if (nearly) return en ? `nearly ${above.en}` : `近${above.zh}`;
  if (!below) return en ? "less than 10%" : "不足一成";
  return en ? `more than ${below.en}` : `${below.zh}以上`;
}

/**
 * A quoted answer as a report prints it: an ASCII comma or semicolon between Chinese characters, as typed on
 * a phone, in Chinese punctuation, and no full stop of its own inside the quotation marks.
 */
export function typography(s: string): string {
  return s
    .replace(/[。.，,；;、\s]+$/u, "").replace(/(?<=\p{Script=Han})\s*,\s*(?=\p{Script=Han})/gu, "，").replace(/(?<=\p{Script=Han})\s*;\s*(?=\p{Script=Han})/gu, "；");
}
