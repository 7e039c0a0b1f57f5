import { normalizeLabel } from "../definition/normalize.js";

/**
 * What `init --from` needs to know about one column to guess its question type, gathered in one pass
 * over the rows with bounded memory: at most LIMIT distinct values (and choice parts) are kept per column;
 * a column with more is free text anyway.
 */
export interface ColumnProfile {
  /** Cells that are neither empty nor a skip/blank marker. */
  answered: number;
  /** Distinct answer values (normalised) with their counts, in first-seen order; incomplete when `overflow`. */
  values: Map<string, number>;
  overflow: boolean;
  /** Distinct parts of the answers split at the multi-select separator ┋ and at the ranking arrow →. */
  multiParts: Map<string, number>;
  rankParts: Map<string, number>;
  /** Cells holding ┋ / →. */
  withMulti: number;
  withRank: number;
  /** Marker values seen, with counts. */
  markers: Map<string, number>;
  /** Sum of answer lengths in characters, for the average. */
  totalLength: number;
  numeric: NumericProfile;
}

export interface NumericProfile {
  /** Every answer read as a number (possibly after a unit suffix was removed). */
  all: boolean;
  integers: boolean;
  min: number;
  max: number;
  /** The unit suffix some numbers carried (岁, 元 …). */
  unit?: string;
  /** False when two different units were seen: then the column is not a number question. */
  unitConsistent: boolean;
}

export const LIMIT = 2000;
export const MARKERS = ["(跳过)", "(空)", "-3", "-2"];
const UNITS = ["岁", "元", "万元", "年", "人", "个", "次", "天", "小时", "分钟", "户", "亩", "平方米", "公里", "斤"];

export function emptyProfile(): ColumnProfile {
  return {
    answered: 0,
    values: new Map(),
    overflow: false,
    multiParts: new Map(),
    rankParts: new Map(),
    withMulti: 0,
    withRank: 0,
    markers: new Map(),
    totalLength: 0,
    numeric: { all: true, integers: true, min: Infinity, max: -Infinity, unitConsistent: true },
  };
}

/** Adds one cell to its column's profile. */
export function addCell(p: ColumnProfile, raw: string): void {
  const cell = raw.trim();
  if (cell === "") return;
  if (MARKERS.includes(cell)) {
    bump(p.markers, cell);
    return;
  }
  const value = normalizeLabel(cell);
  p.answered++;
  p.totalLength += [...value].length;
  if (!p.overflow) {
    if (p.values.has(value) || p.values.size < LIMIT) bump(p.values, value);
    else p.overflow = true;
  }
  if (value.includes("┋")) p.withMulti++;
  if (value.includes("→")) p.withRank++;
  addParts(p.multiParts, value, "┋");
  addParts(p.rankParts, value, "→");
  addNumber(p.numeric, value);
}

function addParts(parts: Map<string, number>, value: string, separator: string): void {
  for (const part of value.split(separator)) {
    const t = part.trim();
    if (t && (parts.has(t) || parts.size < LIMIT)) bump(parts, t);
  }
}

/** Reads a number as the answer reader does (NFKC, thousands commas dropped), allowing a unit suffix. */
function addNumber(n: NumericProfile, value: string): void {
  if (!n.all) return;
  let s = value.replace(/,/g, "");
  let unit: string | undefined;
  if (!NUMBER.test(s)) {
    unit = UNITS.find((u) => s.endsWith(u) && NUMBER.test(s.slice(0, -u.length).trim()));
    if (!unit) {
      n.all = false;
      return;
    }
    s = s.slice(0, -unit.length).trim();
  }
  const x = Number(s);
  // "1e400" is Infinity: the answer reader calls it not a number, and a draft with max: .inf does not load.
  if (!Number.isFinite(x)) {
    n.all = false;
    return;
  }
  // "45" and "45岁" read alike once the unit is known; two different units do not.
  if (unit !== undefined) {
    if (n.unit === undefined) n.unit = unit;
    else if (n.unit !== unit) n.unitConsistent = false;
  }
  n.min = Math.min(n.min, x);
  n.max = Math.max(n.max, x);
  if (!Number.isInteger(x)) n.integers = false;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
