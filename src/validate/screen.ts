import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Survey } from "../definition/model.js";
import type { Response } from "../answers/read.js";
import { IdSet, type IdSetPart } from "../answers/id-set.js";

export type InvalidReason = "duplicate" | "too_few_answers" | "speeder" | "straightline" | "bad_weight";

export const REASON_LABELS: Record<InvalidReason, { zh: string; en: string }> = {
  duplicate: { zh: "重复提交", en: "duplicate" },
  too_few_answers: { zh: "作答题数不足", en: "too few answers" },
  speeder: { zh: "作答时间过短", en: "answered too fast" },
  straightline: { zh: "矩阵题答案全部相同", en: "same answer to every item" },
  bad_weight: { zh: "权重缺失或无效", en: "no valid weight" },
};

/** Screening flags a reasonable reader would want to see even when they do not exclude anything. */
export const DEFAULT_SPEEDER_SHARE = 0.3;
/** Straight-lining is judged only on blocks of at least this many items, as 问卷星 does. */
export const STRAIGHTLINE_MIN_ITEMS = 5;

export interface RowRef {
  file: string;
  row: number;
}

const CHUNK = 16384;
interface DurationChunk {
  file: string;
  rows: Uint32Array;
  seconds: Float64Array;
  n: number;
}

export interface Verdict {
  valid: boolean;
  reasons: InvalidReason[];
}

const VALID: Verdict = Object.freeze({ valid: true, reasons: Object.freeze([]) as unknown as InvalidReason[] });

/**
 * Decides whether each questionnaire is valid (有效问卷), in reading order: a later copy of a respondent
 * id is a duplicate; a questionnaire answering less than `min_answered` of what it was asked (or nothing)
 * is invalid; speeders (under a share of the median duration) and straight-liners are flagged always,
 * and invalid only when `invalid_if` says so.
 */
export class Screener {
  /** Ids seen, per file or, for an id column the definition names, across all files ("*"). */
  private readonly seenIds = new Map<string, IdSet>();
  readonly speeders: RowRef[] = [];
  readonly straightliners: RowRef[] = [];
  private readonly blocks: number[][];
  private readonly speederShare: number;

  /**
   * Without a median known in advance, durations are kept compactly (10 bytes a questionnaire) and
   * speeders are found in `finish()`: they are only reported then, never left out.
   */
  private readonly late?: { median: DurationMedian; chunks: DurationChunk[] };

  constructor(
    private readonly survey: Survey,
    /** Median seconds taken, known in advance when speeders are to be left out (a first pass found it). */
    public medianDuration: number | undefined,
    private readonly report: (d: Diagnostic) => void,
  ) {
    if (medianDuration === undefined) this.late = { median: new DurationMedian(), chunks: [] };
    this.speederShare = survey.data.invalidIf.speeder ?? DEFAULT_SPEEDER_SHARE;
    this.blocks = straightlineBlocks(survey);
  }

  /** Reports the speeders found after all rows were read (when they are not to be left out). */
  finish(): void {
    const late = this.late;
    if (!late) return;
    this.medianDuration = late.median.median();
    if (this.medianDuration === undefined) return;
    const limit = this.speederShare * this.medianDuration;
    for (const chunk of late.chunks) {
      for (let i = 0; i < chunk.n; i++) {
        if (chunk.seconds[i]! < limit) this.flagSpeeder(chunk.file, chunk.rows[i]!, chunk.seconds[i]!);
      }
    }
  }

  /** What this screener saw of a part of the data, as plain data (to send from a worker thread). */
  toPart(): ScreenerPart {
    return {
      ids: this.idsPart(),
      durations: this.late?.chunks ?? [],
      median: this.late?.median.toPart() ?? [],
      speeders: this.speeders,
      straightliners: this.straightliners,
    };
  }

  /** Whether another part of the data repeats an id seen here (which copy is the duplicate then
   * depends on reading order: the part must be read again after `seeIds`). */
  sharesIds(part: ScreenerPart): boolean {
    return part.ids.some(([scope, ids]) => this.seenIds.get(scope)?.overlaps(ids) ?? false);
  }

  /** The ids seen so far, as plain data. */
  idsPart(): [string, IdSetPart][] {
    return [...this.seenIds].map(([scope, ids]) => [scope, ids.toPart()]);
  }

  /** Ids seen before the part of the data this screener judges. */
  seeIds(parts: [string, IdSetPart][]): void {
    for (const [scope, ids] of parts) {
      let mine = this.seenIds.get(scope);
      if (!mine) this.seenIds.set(scope, (mine = new IdSet()));
      mine.absorb(ids);
    }
  }

  /**
   * Takes in what another screener saw over the next part of the data (rows numbered from `rowShift`
   * less); the part is used up.
   */
  absorb(part: ScreenerPart, rowShift: number): void {
    this.seeIds(part.ids);
    if (this.late) {
      // The part's chunks are taken over, not copied: a million durations are 12 MB.
      for (const chunk of part.durations) {
        for (let i = 0; i < chunk.n; i++) chunk.rows[i]! += rowShift;
        this.late.chunks.push(chunk);
      }
      this.late.median.absorb(part.median);
    }
    for (const r of part.speeders) this.speeders.push({ file: r.file, row: r.row + rowShift });
    for (const r of part.straightliners) this.straightliners.push({ file: r.file, row: r.row + rowShift });
  }

  private keepDuration(r: Response): void {
    const late = this.late!;
    let chunk = late.chunks[late.chunks.length - 1];
    if (!chunk || chunk.file !== r.file || chunk.n === CHUNK) {
      chunk = { file: r.file, rows: new Uint32Array(CHUNK), seconds: new Float64Array(CHUNK), n: 0 };
      late.chunks.push(chunk);
    }
    chunk.rows[chunk.n] = r.row;
    chunk.seconds[chunk.n++] = r.duration!;
    late.median.add(r.duration!);
  }

  private flagSpeeder(file: string, row: number, seconds: number): void {
    const leftOut = this.survey.data.invalidIf.speeder !== undefined;
    this.speeders.push({ file, row });
    this.report({
      code: "SPEEDER",
      severity: "warning",
      file,
      row,
      message: `took ${seconds} s, under ${this.speederShare} × the median ${this.medianDuration} s${leftOut ? "; left out" : ""}`,
      hint: leftOut ? undefined : "set data.invalid_if.speeder to leave such questionnaires out",
    });
  }

  judge(r: Response): Verdict {
    // Built only for an invalid questionnaire: most are valid, and judge runs once a row.
    let reasons: InvalidReason[] | undefined;
    const { invalidIf, minAnswered } = this.survey.data;
    const { idNumber } = r;
    if (idNumber !== undefined || r.id !== undefined) {
      // 问卷星 numbers 序号 from 1 in every export, so an id found by its default name is unique only within
      // its file; an id column the definition names (身份证号, 手机号) is unique across all files.
      const scope = this.survey.data.idColumn ? "*" : r.file;
      let ids = this.seenIds.get(scope);
      if (!ids) this.seenIds.set(scope, (ids = new IdSet()));
      if (!(idNumber !== undefined ? ids.addNumber(idNumber) : ids.add(r.id!))) {
        (reasons ??= []).push("duplicate");
        this.report({ code: "DUPLICATE_ID", severity: "warning", file: r.file, row: r.row, message: `respondent ${r.id ?? idNumber} appears again; this copy is left out` });
      }
    }
    // BAD_WEIGHT was reported where the row was read: a questionnaire without a weight cannot be counted.
    if (this.survey.data.weightColumn !== undefined && r.weight === undefined) (reasons ??= []).push("bad_weight");
    if (r.answered === 0 || (r.asked > 0 && r.answered / r.asked < minAnswered)) {
      (reasons ??= []).push("too_few_answers");
      this.report({
        code: "TOO_FEW_ANSWERS",
        severity: "warning",
        file: r.file,
        row: r.row,
        message: `answers ${r.answered} of the ${r.asked} questions it was asked${minAnswered ? ` (min_answered ${minAnswered})` : ""}; left out`,
      });
    }
    if (r.duration !== undefined) {
      if (this.late) this.keepDuration(r);
      else if (this.medianDuration !== undefined && r.duration < this.speederShare * this.medianDuration) {
        (reasons ??= []).push("speeder");
        this.flagSpeeder(r.file, r.row, r.duration);
      }
    }
    if (this.straightLined(r)) {
      this.straightliners.push({ file: r.file, row: r.row });
      if (invalidIf.straightline) (reasons ??= []).push("straightline");
      this.report({
        code: "STRAIGHTLINE",
        severity: "warning",
        file: r.file,
        row: r.row,
        message: `the same answer to every item of a block of ${STRAIGHTLINE_MIN_ITEMS}+ items${invalidIf.straightline ? "; left out" : ""}`,
      });
    }
    return reasons ? { valid: false, reasons } : VALID;
  }

  private straightLined(r: Response): boolean {
    for (let b = 0; b < this.blocks.length; b++) if (isStraightLine(this.blocks[b]!, r)) return true;
    return false;
  }
}

export interface ScreenerPart {
  ids: [string, IdSetPart][];
  durations: DurationChunk[];
  median: [number, number][];
  speeders: RowRef[];
  straightliners: RowRef[];
}

/** Item positions of every matrix and group with enough items to judge straight-lining. */
function straightlineBlocks(survey: Survey): number[][] {
  const position = new Map(survey.items.map((item, i) => [item.id, i]));
  const blocks: number[][] = [];
  for (const q of survey.questions) {
    if (q.type === "matrix" && q.rows.length >= STRAIGHTLINE_MIN_ITEMS) blocks.push(q.rows.map((r) => position.get(r.id)!));
  }
  for (const g of survey.groups) {
    const items = g.items.map((id) => position.get(id)).filter((i): i is number => i !== undefined);
    if (items.length >= STRAIGHTLINE_MIN_ITEMS && items.every((i) => survey.items[i]!.type === "scale")) blocks.push(items);
  }
  return blocks;
}

function isStraightLine(block: number[], r: Response): boolean {
  let first: number | undefined;
  for (const i of block) {
    const a = r.answers[i];
    if (!a || a.kind !== "choice") return false;
    const code = a.codes[0];
    if (first === undefined) first = code;
    else if (code !== first) return false;
  }
  return true;
}

/** The median of durations kept as a histogram of whole seconds: exact for 问卷星's integer seconds. */
export class DurationMedian {
  private readonly counts = new Map<number, number>();
  private n = 0;

  add(seconds: number): void {
    this.counts.set(seconds, (this.counts.get(seconds) ?? 0) + 1);
    this.n++;
  }

  toPart(): [number, number][] {
    return [...this.counts];
  }

  absorb(part: [number, number][]): void {
    for (const [seconds, count] of part) {
      this.counts.set(seconds, (this.counts.get(seconds) ?? 0) + count);
      this.n += count;
    }
  }

  median(): number | undefined {
    if (this.n === 0) return undefined;
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    const lo = Math.floor((this.n - 1) / 2);
    const hi = Math.floor(this.n / 2);
    let seen = 0;
    let low: number | undefined;
    for (const k of keys) {
      seen += this.counts.get(k)!;
      if (low === undefined && seen > lo) low = k;
      if (seen > hi) return (low! + k) / 2;
    }
    return low;
  }
}
