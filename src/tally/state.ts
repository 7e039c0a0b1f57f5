import type { Answer } from "../answers/cells.js";
import { maxOf } from "../arrays.js";
import { addCounts } from "./keywords.js";
import { recoders, type OtherRecoder, type Recoded } from "./other-codes.js";
import { binOf, type Plan, type PlanItem } from "./plan.js";
import type { CovarianceSums } from "./stats.js";
import type { Problem, RowRef, SpooledAnswers, TallyResult } from "./types.js";

/**
 * The raw counts of a tally: everything the statistics are computed from, and nothing derived. Counting
 * a chunk of questionnaires gives a state; states of disjoint chunks merge by adding counts (and
 * concatenating lists in reading order), so a merged state is exactly the state of all the data. The
 * state is plain JSON apart from `values` (a Map while counting, `[value, count]` pairs in JSON).
 */
export interface TallyState {
  /** 2: breakdown counts per breakdown question (`byCounts` …); 1 had one breakdown (`roleCounts` …). */
  version: 2;
  plan: Plan;
  responses: {
    returned: number;
    valid: number;
    invalid: number;
    invalidReasons: Record<string, number>;
    bySource: Record<string, { returned: number; valid: number }>;
  };
  items: ItemState[];
  /** Question-level answered/skipped/missing/base of matrices (a questionnaire counts once, not per row). */
  matrices: Record<string, { answered: number; skipped: number; missing: number; base: number }>;
  groups: CovarianceSums[];
  screening: { speeders: RowRef[]; straightliners: RowRef[] };
  problems: Problem[];
  /** With weights (`plan.weighting`): the weighted counts. Everything above stays unweighted. */
  weighted?: WeightedState;
}

/**
 * A weight is counted as the whole number round(w × WEIGHT_UNIT): weighted sums are then integers (exact
 * while below 2⁵³, i.e. up to 9 × 10⁹ in total weight), so partial tallies add up in any order to exactly
 * the sums of one pass, which floating-point sums of weights would not.
 */
export const WEIGHT_UNIT = 1_000_000;

/**
 * Weighted counts, per raking cell: the questionnaires that gave the same answers to every raking
 * question (an option each, or none) share one raking factor, known only when all the data is in. So the
 * counts are kept per cell, weighted by the questionnaires' own weights (the weight column, else 1), and
 * `finalize` multiplies each cell by its factor. Without raking there is one cell, "0".
 */
export interface WeightedState {
  cells: Record<string, WeightedCell>;
}

export interface WeightedCell {
  /** Questionnaires in the cell. */
  n: number;
  /** Σ round(w × UNIT) over the cell's questionnaires. */
  total: number;
  /** Σ round(w² × UNIT) over the cell's questionnaires. */
  totalSq: number;
  /** The smallest and largest round(w × UNIT) in the cell (0 while it is empty). */
  min: number;
  max: number;
  /** Per item, the counts of `items` weighted (in units): the same layout, without open answers or fill-ins. */
  items: ItemState[];
  /** Per item, Σ round(w² × UNIT) over the questionnaires in its base (for Kish's effective sample size). */
  sq: number[];
  /** Per item with breakdowns, the same per group: bySq[item][breakdown][group]; null without breakdowns. */
  bySq: (number[][] | null)[];
  /** Matrix questions as wholes, weighted. */
  matrices: Record<string, { answered: number; skipped: number; missing: number; base: number; sq: number }>;
}

export interface ItemState {
  answered: number;
  skipped: number;
  missing: number;
  /** Choice items: answers per option (multi: selections per option), in option order. */
  counts?: number[];
  /** Choice items with breakdowns: byCounts[breakdown][group][option], a group being an option of the breakdown question. */
  byCounts?: number[][][];
  /** Multi and rank items with breakdowns: respondents who answered, byAnswered[breakdown][group]. */
  byAnswered?: number[][];
  /** Rank items: positions[option][p] = times put at position p + 1. */
  positions?: number[][];
  /** Rank items with breakdowns: byPositions[breakdown][group][option][p]. */
  byPositions?: number[][][][];
  /** Number items: value → how often. */
  values?: Map<number, number>;
  /** Number items: answers per bin. */
  bins?: number[];
  /**
   * Text items: every answer, in reading order — or undefined when the output does not list them (the
   * pipeline then keeps only `answered` and `words`).
   */
  texts?: string[];
  /** Text items: instead of `texts`, the answers the pipeline spooled to disk (never part of the state's JSON). */
  spooled?: SpooledAnswers;
  /**
   * Text items: keyword → number of answers that use it (see keywords.ts), over every answer counted. The
   * pipeline counts them as it reads (in the threads that read); a state read back from a saved tally has
   * none, and finalize counts them from `texts`. Not part of the state's JSON, which stays as it was.
   */
  words?: Map<string, number>;
  /** Fill-ins of `other` options moved to an option by `other_codes:`, in reading order (see other-codes.ts); made when the first is. */
  recoded?: Recoded[];
  /** Fill-ins of `other` options: [code, text], in reading order. */
  others?: [number, string][];
}

export function emptyState(plan: Plan): TallyState {
  const groups = plan.breakdowns.map((b) => plan.items[b.item]!.options.length);
  return {
    version: 2,
    plan,
    responses: { returned: 0, valid: 0, invalid: 0, invalidReasons: {}, bySource: {} },
    items: plan.items.map((item) => emptyItem(item, groups)),
    matrices: Object.fromEntries(
      plan.questions.filter((q) => q.type === "matrix").map((q) => [q.id, { answered: 0, skipped: 0, missing: 0, base: 0 }]),
    ),
    groups: plan.groups.map((g) => ({
      n: 0,
      sums: g.items.map(() => 0),
      cross: g.items.map(() => g.items.map(() => 0)),
    })),
    screening: { speeders: [], straightliners: [] },
    problems: [],
    ...(plan.weighting ? { weighted: { cells: {} } } : {}),
  };
}

/** A raking cell with nothing counted yet. */
export function emptyCell(plan: Plan): WeightedCell {
  const groups = plan.breakdowns.map((b) => plan.items[b.item]!.options.length);
  return {
    n: 0,
    total: 0,
    totalSq: 0,
    min: 0,
    max: 0,
    items: plan.items.map((item) => ({ ...emptyItem(item, groups), texts: undefined, others: undefined })),
    sq: plan.items.map(() => 0),
    bySq: plan.items.map((item) => (groups.length && item.type !== "text" ? groups.map(zeros) : null)),
    matrices: Object.fromEntries(
      plan.questions.filter((q) => q.type === "matrix").map((q) => [q.id, { answered: 0, skipped: 0, missing: 0, base: 0, sq: 0 }]),
    ),
  };
}

/** `groups[b]`: the number of groups (options) of breakdown b. */
function emptyItem(item: PlanItem, groups: number[]): ItemState {
  // Every field is there, undefined where it does not apply: counting then meets one object layout for
  // every item instead of one per type (V8 reads a field of many layouts several times slower).
  const s: ItemState = {
    answered: 0,
    skipped: 0,
    missing: 0,
    counts: undefined,
    byCounts: undefined,
    byAnswered: undefined,
    positions: undefined,
    byPositions: undefined,
    values: undefined,
    bins: undefined,
    texts: undefined,
    words: undefined,
    others: undefined,
    recoded: undefined,
  };
  const k = item.options.length;
  switch (item.type) {
    case "single":
    case "scale":
    case "multi":
      s.counts = zeros(k);
      if (groups.length) s.byCounts = groups.map((g) => Array.from({ length: g }, () => zeros(k)));
      if (groups.length && item.type === "multi") s.byAnswered = groups.map(zeros);
      s.others = [];
      break;
    case "rank":
      s.counts = zeros(k);
      s.positions = Array.from({ length: k }, () => zeros(k));
      if (groups.length) {
        s.byPositions = groups.map((g) => Array.from({ length: g }, () => Array.from({ length: k }, () => zeros(k))));
        s.byAnswered = groups.map(zeros);
      }
      s.others = [];
      break;
    case "number":
      s.values = new Map();
      s.bins = zeros((item.bins?.length ?? 0) > 0 ? item.bins!.length + 1 : 0);
      break;
    case "text":
      s.texts = [];
      break;
  }
  return s;
}

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 represents a substring of
 * 13 characters or more as a slice that keeps its whole parent alive: an open answer cut out of a
 * parser's 1 MB chunk would keep that chunk, and keeping every answer would keep the whole file.
 */
const INTERN_LIMIT = 100_000;

function detach(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, "utf8").toString("utf8");
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/**
 * Option code → position in the option list. Codes are small whole numbers (问卷星 numbers options
 * 1..n), so a typed array indexed by code replaces a hash lookup in the innermost loop; unusual codes
 * fall back to a Map.
 */
class CodeIndex {
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number>;

  constructor(codes: number[]) {
    this.map = new Map(codes.map((c, i) => [c, i]));
    const max = maxOf(codes, 0);
    if (codes.every((c) => Number.isInteger(c) && c >= 0) && max <= 4096) {
      this.table = new Int32Array(max + 1).fill(-1);
      codes.forEach((c, i) => (this.table![c] = i));
    }
  }

  get(code: number): number | undefined {
    if (this.table) {
      const i = code >= 0 && code < this.table.length ? this.table[code]! : -1;
      return i < 0 ? undefined : i;
    }
    return this.map.get(code);
  }
}

const CHOICE = 0;
const RANK = 1;
const NUMBER = 2;
const TEXT = 3;
const KIND_OF: Record<PlanItem["type"], number> = { single: CHOICE, scale: CHOICE, multi: CHOICE, rank: RANK, number: NUMBER, text: TEXT };

/**
 * Counts one valid questionnaire's answers (aligned with `plan.items`). Option positions are looked up
 * by code once per plan, so counting is a few array increments per answer.
 */
export class Counter {
  private readonly codeIndex: CodeIndex[];
  private readonly naCodes: Set<number>[];
  private readonly groupScore: ((a: Answer) => number | undefined)[][];
  /** `other_codes:` of each item, or undefined: applied to an answer before it is counted anywhere. */
  private readonly recoders: (OtherRecoder | undefined)[];

  constructor(readonly state: TallyState) {
    const plan = state.plan;
    this.codeIndex = plan.items.map((item) => new CodeIndex(item.options.map((o) => o.code)));
    this.naCodes = plan.items.map((item) => new Set(item.scale?.na ?? []));
    this.groupScore = plan.groups.map((g) => g.items.map((i) => this.scorer(i)));
    this.recoders = recoders(plan.items);
    this.matrices = plan.questions.filter((q) => q.type === "matrix");
    this.kinds = Uint8Array.from(plan.items, (item) => KIND_OF[item.type]);
  }

  /** A group item's score in one answer: the scale score, or the number; undefined when not a complete value. */
  private scorer(i: number): (a: Answer) => number | undefined {
    const item = this.state.plan.items[i]!;
    if (item.type === "number") return (a) => (a.kind === "number" ? a.value : undefined);
    const index = this.codeIndex[i]!;
    const scores = item.scale?.scores ?? [];
    return (a) => {
      if (a.kind !== "choice") return undefined;
      const at = index.get(a.codes[0]!);
      return at === undefined ? undefined : (scores[at] ?? undefined);
    };
  }

  /**
   * Open answers repeat (无, 没有, 希望多办实事): identical ones share one string, so a million answers cost a
   * pointer each plus their distinct texts. The pool stops growing at INTERN_LIMIT distinct texts.
   */
  private readonly pool = new Map<string, string>();
  private intern(text: string): string {
    const known = this.pool.get(text);
    if (known !== undefined) return known;
    const own = detach(text);
    if (this.pool.size < INTERN_LIMIT) this.pool.set(own, own);
    return own;
  }

  /** Matrix questions and each item's kind as a number, found once: `add` runs a million times, and
   * comparing type names (strings read from YAML, not interned) cost more than the counting. */
  private readonly matrices: Plan["questions"];
  private readonly kinds: Uint8Array;

  /** Adds one valid questionnaire, of weight `weight` (its weight column's; 1 without one) when the plan weights. */
  add(answers: readonly Answer[], weight = 1): void {
    const { plan, items } = this.state;
    const groups = this.groupsOf(answers);
    for (let i = 0; i < items.length; i++) this.addItem(i, plan.items[i]!, this.kinds[i]!, items[i]!, answers[i]!, groups);
    this.addAcrossItems(answers);
    if (this.state.weighted) this.addWeighted(answers, groups, weight);
  }

  /**
   * The weighted counts of one questionnaire, in its raking cell: the counting of `add` with the weight
   * as a whole number of units, and its square summed over each base it is in.
   */
  private addWeighted(answers: readonly Answer[], groups: readonly number[], weight: number): void {
    const { plan } = this.state;
    const units = Math.round(weight * WEIGHT_UNIT);
    const squares = Math.round((units * units) / WEIGHT_UNIT);
    const key = String(this.cellOf(answers));
    const cells = this.state.weighted!.cells;
    const cell = (cells[key] ??= emptyCell(plan));
    cell.n++;
    cell.total += units;
    cell.totalSq += squares;
    if (cell.n === 1 || units < cell.min) cell.min = units;
    if (units > cell.max) cell.max = units;
    for (let i = 0; i < plan.items.length; i++) {
      const a = answers[i]!;
      this.addItem(i, plan.items[i]!, this.kinds[i]!, cell.items[i]!, a, groups, units);
      if (!this.inBase(i, a)) continue;
      cell.sq[i]! += squares;
      const bySq = cell.bySq[i];
      if (bySq) for (let b = 0; b < bySq.length; b++) if (groups[b]! >= 0) bySq[b]![groups[b]!]! += squares;
    }
    for (const q of this.matrices) {
      const m = cell.matrices[q.id]!;
      const status = this.matrixStatus(q.items, answers);
      if (status.answered) m.answered += units;
      else if (status.asked) m.missing += units;
      else m.skipped += units;
      if (status.inBase) {
        m.base += units;
        m.sq += squares;
      }
    }
  }

  /** Whether an answer is in its item's base: answered, and not with an `na` code of a scale. */
  private inBase(i: number, a: Answer): boolean {
    const kind = this.kinds[i]!;
    if (kind === TEXT) return false;
    if (kind === NUMBER) return a.kind === "number";
    return a.kind === "choice" && !(this.naCodes[i]!.size > 0 && this.naCodes[i]!.has(a.codes[0]!));
  }

  /**
   * The raking cell of a questionnaire: its answers to the raking questions as one mixed-radix number,
   * digit k being the option's position in question k, or its number of options when there is none (or
   * an `na` answer). 0 without raking.
   */
  private cellOf(answers: readonly Answer[]): number {
    let cell = 0;
    for (const r of this.state.plan.weighting!.rake) {
      const options = this.state.plan.items[r.item]!.options.length;
      const a = answers[r.item]!;
      const at = a.kind === "choice" ? this.codeIndex[r.item]!.get(a.codes[0]!) : undefined;
      const digit = at === undefined || r.targets[at] === null ? options : at;
      cell = cell * (options + 1) + digit;
    }
    return cell;
  }

  /**
   * Adds `weight` questionnaires that gave answer `a` to item `i` (in group `groups[b]` of each breakdown
   * b, -1 for none): the counting of `add`, item by item, for a reader that counts identical answers first.
   * Never for open answers or fill-ins (their lists keep reading order), and `addAcrossItems` must still
   * see every row.
   */
  addAnswer(i: number, a: Answer, groups: readonly number[], weight = 1): void {
    this.addItem(i, this.state.plan.items[i]!, this.kinds[i]!, this.state.items[i]!, a, groups, weight);
  }

  /** What one questionnaire adds across its items: matrix questions as wholes, and groups' sums of scores. */
  addAcrossItems(answers: readonly Answer[]): void {
    for (let k = 0; k < this.matrices.length; k++) {
      const q = this.matrices[k]!;
      const m = this.state.matrices[q.id]!;
      const { answered, asked, inBase } = this.matrixStatus(q.items, answers);
      if (answered) m.answered++;
      else if (asked) m.missing++;
      else m.skipped++;
      if (inBase) m.base++;
    }
    const groups = this.state.plan.groups;
    for (let gi = 0; gi < groups.length; gi++) this.addGroup(gi, answers, groups[gi]!.items);
  }

  /** A matrix question as a whole: asked (a row not skipped), answered (a row answered), in its base (a row outside `na`). */
  private matrixStatus(rows: readonly number[], answers: readonly Answer[]): { answered: boolean; asked: boolean; inBase: boolean } {
    let answered = false;
    let inBase = false;
    let asked = false;
    for (const i of rows) {
      const a = answers[i]!;
      if (a.kind !== "skipped") asked = true;
      if (a.kind === "choice") {
        answered = true;
        if (!this.naCodes[i]!.has(a.codes[0]!)) inBase = true;
      }
    }
    return { answered, asked, inBase };
  }

  /**
   * The group of each breakdown that a questionnaire is in: the option index of its answer to breakdown
   * b's question, or -1 when it has none. The array is reused by the next call.
   */
  groupsOf(answers: readonly Answer[]): readonly number[] {
    const breakdowns = this.state.plan.breakdowns;
    const out = this.groups;
    for (let b = 0; b < breakdowns.length; b++) {
      const item = breakdowns[b]!.item;
      const a = answers[item]!;
      const counted = a.kind === "choice" && a.others ? (this.recoders[item]?.recode(a) ?? a) : a;
      out[b] = counted.kind === "choice" ? (this.codeIndex[item]!.get(counted.codes[0]!) ?? -1) : -1;
    }
    return out;
  }
  private readonly groups: number[] = [];

  private addItem(i: number, item: PlanItem, kind: number, s: ItemState, a: Answer, groups: readonly number[], weight = 1): void {
    if (a.kind === "skipped") {
      s.skipped += weight;
      return;
    }
    if (a.kind === "missing") {
      s.missing += weight;
      return;
    }
    s.answered += weight;
    switch (kind) {
      case CHOICE: {
        if (a.kind !== "choice") return;
        // A fill-in that means an option counts as that option; the list of them is kept where fill-ins are.
        if (a.others && this.recoders[i]) a = this.recoders[i]!.recode(a, s.others ? (r) => (s.recoded ??= []).push(r) : undefined) as typeof a;
        const index = this.codeIndex[i]!;
        const counts = s.counts!;
        const codes = a.codes;
        for (let k = 0; k < codes.length; k++) counts[index.get(codes[k]!)!]! += weight;
        const byCounts = s.byCounts;
        if (byCounts) {
          for (let b = 0; b < byCounts.length; b++) {
            const g = groups[b]!;
            if (g < 0) continue;
            const perGroup = byCounts[b]![g]!;
            for (let k = 0; k < codes.length; k++) perGroup[index.get(codes[k]!)!]! += weight;
            if (s.byAnswered) s.byAnswered[b]![g]! += weight;
          }
        }
        if (a.others && s.others) for (const o of a.others) s.others.push([o.code, detach(o.text)]);
        return;
      }
      case RANK: {
        if (a.kind !== "choice") return;
        const index = this.codeIndex[i]!;
        a.codes.forEach((code, p) => {
          const at = index.get(code)!;
          s.counts![at]! += weight;
          s.positions![at]![p]! += weight;
        });
        const byPositions = s.byPositions;
        if (byPositions) {
          for (let b = 0; b < byPositions.length; b++) {
            const g = groups[b]!;
            if (g < 0) continue;
            const perGroup = byPositions[b]![g]!;
            a.codes.forEach((code, p) => (perGroup[index.get(code)!]![p]! += weight));
            s.byAnswered![b]![g]! += weight;
          }
        }
        if (a.others && s.others) for (const o of a.others) s.others.push([o.code, detach(o.text)]);
        return;
      }
      case NUMBER: {
        if (a.kind !== "number") return;
        s.values!.set(a.value, (s.values!.get(a.value) ?? 0) + weight);
        if (s.bins!.length) s.bins![binOf(item.bins!, a.value)]! += weight;
        return;
      }
      case TEXT: {
        if (a.kind === "text" && s.texts) s.texts.push(this.intern(a.value));
        return;
      }
    }
  }

  private addGroup(gi: number, answers: readonly Answer[], items: number[]): void {
    const scorers = this.groupScore[gi]!;
    const x: number[] = new Array(items.length);
    for (let k = 0; k < items.length; k++) {
      const v = scorers[k]!(answers[items[k]!]!);
      if (v === undefined) return; // complete cases only
      x[k] = v;
    }
    const g = this.state.groups[gi]!;
    g.n++;
    for (let k = 0; k < x.length; k++) {
      g.sums[k]! += x[k]!;
      const row = g.cross[k]!;
      for (let l = 0; l < x.length; l++) row[l]! += x[k]! * x[l]!;
    }
  }
}

/**
 * Merges partial states of disjoint data, in reading order: counts add, lists concatenate (a's first).
 * Both must come from the same plan (the same definition and breakdown); the result is a new state.
 */
export function mergeStates(a: TallyState, b: TallyState): TallyState {
  const out = cloneState(a);
  mergeInto(out, b);
  return out;
}

/** Adds the state of the next part of the data to `out`, in place. */
export function mergeInto(out: TallyState, b: TallyState): void {
  const r = out.responses;
  r.returned += b.responses.returned;
  r.valid += b.responses.valid;
  r.invalid += b.responses.invalid;
  addRecord(r.invalidReasons, b.responses.invalidReasons);
  for (const [file, s] of Object.entries(b.responses.bySource)) {
    const t = (r.bySource[file] ??= { returned: 0, valid: 0 });
    t.returned += s.returned;
    t.valid += s.valid;
  }
  out.items.forEach((s, i) => mergeItem(s, b.items[i]!));
  for (const [id, m] of Object.entries(out.matrices)) {
    const o = b.matrices[id]!;
    m.answered += o.answered;
    m.skipped += o.skipped;
    m.missing += o.missing;
    m.base += o.base;
  }
  out.groups.forEach((g, gi) => {
    const o = b.groups[gi]!;
    g.n += o.n;
    addInto(g.sums, o.sums);
    g.cross.forEach((row, k) => addInto(row, o.cross[k]!));
  });
  for (const x of b.screening.speeders) out.screening.speeders.push(x);
  for (const x of b.screening.straightliners) out.screening.straightliners.push(x);
  for (const x of b.problems) out.problems.push(x);
  if (out.weighted && b.weighted) mergeCells(out.weighted, b.weighted);
}

/** Adds weighted cells (whole numbers of units: exact in any order). */
function mergeCells(out: WeightedState, b: WeightedState): void {
  for (const [key, o] of Object.entries(b.cells)) {
    const c = out.cells[key];
    if (!c) {
      out.cells[key] = cellFromJson(cellToJson(o));
      continue;
    }
    c.n += o.n;
    c.total += o.total;
    c.totalSq += o.totalSq;
    if (o.n > 0 && (c.n === o.n || o.min < c.min)) c.min = o.min;
    c.max = Math.max(c.max, o.max);
    c.items.forEach((s, i) => mergeItem(s, o.items[i]!));
    addInto(c.sq, o.sq);
    c.bySq.forEach((table, i) => table?.forEach((row, b) => addInto(row, o.bySq[i]![b]!)));
    for (const [id, m] of Object.entries(c.matrices)) {
      const x = o.matrices[id]!;
      m.answered += x.answered;
      m.skipped += x.skipped;
      m.missing += x.missing;
      m.base += x.base;
      m.sq += x.sq;
    }
  }
}

function mergeItem(s: ItemState, o: ItemState): void {
  s.answered += o.answered;
  s.skipped += o.skipped;
  s.missing += o.missing;
  if (s.counts) addInto(s.counts, o.counts!);
  s.byCounts?.forEach((table, b) => table.forEach((row, g) => addInto(row, o.byCounts![b]![g]!)));
  s.byAnswered?.forEach((row, b) => addInto(row, o.byAnswered![b]!));
  s.positions?.forEach((row, k) => addInto(row, o.positions![k]!));
  s.byPositions?.forEach((tables, b) => tables.forEach((table, g) => table.forEach((row, k) => addInto(row, o.byPositions![b]![g]![k]!))));
  if (s.values) for (const [v, c] of o.values!) s.values.set(v, (s.values.get(v) ?? 0) + c);
  if (s.bins) addInto(s.bins, o.bins!);
  // Not push(...): a million open answers would overflow the call stack's argument limit.
  if (s.texts && o.texts) for (const t of o.texts) s.texts.push(t);
  if (o.words) addCounts((s.words ??= new Map()), o.words);
  if (s.others) for (const t of o.others!) s.others.push(t);
  if (o.recoded?.length) for (const t of o.recoded) (s.recoded ??= []).push(t);
}

function addInto(target: number[], more: readonly number[]): void {
  for (let i = 0; i < target.length; i++) target[i]! += more[i] ?? 0;
}

function addRecord(target: Record<string, number>, more: Record<string, number>): void {
  for (const [k, v] of Object.entries(more)) target[k] = (target[k] ?? 0) + v;
}

function cloneState(s: TallyState): TallyState {
  const out = stateFromJson(stateToJson(s));
  s.items.forEach((item, i) => {
    if (item.words) out.items[i]!.words = new Map(item.words);
  });
  return out;
}

/** An item's counts as written in JSON: number values as sorted `[value, count]` pairs. */
type ItemStateJson = Omit<ItemState, "values" | "words"> & { values?: [number, number][] };
type WeightedCellJson = Omit<WeightedCell, "items"> & { items: ItemStateJson[] };

/** A state as it is written in JSON: number values as sorted `[value, count]` pairs. */
export type TallyStateJson = Omit<TallyState, "items" | "weighted"> & { items: ItemStateJson[]; weighted?: { cells: Record<string, WeightedCellJson> } };

/**
 * A tally as `survey tally --format json` and `survey merge` write it: the contract of types.ts and,
 * added beyond §6, `_state`: the raw counts the result was computed from, which `survey merge` adds up.
 * Scripts should read the contract's fields; `_state` may change between versions. Kept out of
 * `TallyResult` so that types.ts needs nothing of the state's (which needs types.ts).
 */
export interface StatefulTally extends TallyResult {
  _state?: TallyStateJson;
}

function itemToJson(item: ItemState): ItemStateJson {
  const { values, words: _words, spooled: _spooled, ...rest } = item;
  const copy: ItemStateJson = structuredClone(rest);
  if (values) copy.values = [...values].sort((x, y) => x[0] - y[0]);
  return copy;
}

function itemFromJson({ values, ...rest }: ItemStateJson): ItemState {
  return values ? { ...rest, values: new Map(values) } : rest;
}

function cellToJson(c: WeightedCell): WeightedCellJson {
  return { ...structuredClone({ ...c, items: [] }), items: c.items.map(itemToJson) };
}

function cellFromJson(c: WeightedCellJson): WeightedCell {
  return { ...c, items: c.items.map(itemFromJson) };
}

/** The state as plain JSON (number values as sorted `[value, count]` pairs). */
export function stateToJson(s: TallyState): TallyStateJson {
  const { weighted, ...rest } = s;
  return {
    ...rest,
    ...(weighted ? { weighted: { cells: Object.fromEntries(Object.entries(weighted.cells).map(([k, c]) => [k, cellToJson(c)])) } } : {}),
    plan: structuredClone(s.plan),
    items: s.items.map(itemToJson),
    responses: structuredClone(s.responses),
    matrices: structuredClone(s.matrices),
    groups: structuredClone(s.groups),
    screening: structuredClone(s.screening),
    problems: structuredClone(s.problems),
  };
}

/**
 * A state of version 1 (one breakdown: roleCounts, roleAnswered, rolePositions) as version 2 (the same
 * counts as the only breakdown), so that tallies saved before cross-tabs still merge; other versions are
 * returned as they are. Nothing is checked here: a part cut short fails where it is used.
 */
export function upgradeState(json: TallyStateJson | (Omit<TallyStateJson, "version"> & { version: number })): TallyStateJson {
  if (json.version !== 1) return json as TallyStateJson;
  type V1Item = { roleCounts?: number[][]; roleAnswered?: number[]; rolePositions?: number[][][] };
  const { title, issued, lang, role, items, questions, groups } = json.plan;
  const plan = { title, issued, lang, role, breakdowns: role ? [role] : [], items, questions, groups } as Plan;
  return {
    ...json,
    version: 2,
    plan,
    items: Array.isArray(json.items)
      ? json.items.map((item) => {
          const { roleCounts, roleAnswered, rolePositions, ...rest } = item as typeof item & V1Item;
          const out: TallyStateJson["items"][number] = { ...rest };
          if (roleCounts) out.byCounts = [roleCounts];
          if (roleAnswered) out.byAnswered = [roleAnswered];
          if (rolePositions) out.byPositions = [rolePositions];
          return out;
        })
      : json.items,
  };
}

/**
 * Reads a state back from JSON; the caller has checked its shape (see `readState`). With `adopt`, the
 * JSON is the caller's to give away and becomes part of the state instead of being copied.
 */
export function stateFromJson(json: TallyStateJson, opts: { adopt?: boolean } = {}): TallyState {
  const s = opts.adopt ? json : structuredClone(json);
  const { weighted, ...rest } = s;
  return {
    ...rest,
    items: s.items.map(itemFromJson),
    ...(weighted ? { weighted: { cells: Object.fromEntries(Object.entries(weighted.cells).map(([k, c]) => [k, cellFromJson(c)])) } } : {}),
  };
}
