import type { Diagnostic } from "../diagnostics.js";
import type { Survey } from "../definition/model.js";
import type { Response } from "../answers/read.js";

export type InvalidReason = "duplicate" | "too_few_answers" | "speeder" | "straightline";

export const REASON_LABELS: Record<InvalidReason, { zh: string; en: string }> = {
  duplicate: { zh: "重复提交", en: "duplicate" },
  too_few_answers: { zh: "作答题数不足", en: "too few answers" },
  speeder: { zh: "作答时间过短", en: "answered too fast" },
  straightline: { zh: "矩阵题答案全部相同", en: "same answer to every item" },
};

/** Screening flags a reasonable reader would want to see even when they do not exclude anything. */
export const DEFAULT_SPEEDER_SHARE = 0.3;
/** Straight-lining is judged only on blocks of at least this many items, as 问卷星 does. */
export const STRAIGHTLINE_MIN_ITEMS = 5;

export interface RowRef {
  file: string;
  row: number;
}

export interface Verdict {
  valid: boolean;
  reasons: InvalidReason[];
}

/**
 * Decides whether each questionnaire is valid (有效问卷), in reading order: a later copy of a respondent
 * id is a duplicate; a questionnaire answering less than `min_answered` of what it was asked (or nothing)
 * is invalid; speeders (under a share of the median duration) and straight-liners are flagged always,
 * and invalid only when `invalid_if` says so.
 */
export class Screener {
  private readonly seenIds = new Set<string>();
  readonly speeders: RowRef[] = [];
  readonly straightliners: RowRef[] = [];
  private readonly blocks: number[][];
  private readonly speederShare: number;

  constructor(
    private readonly survey: Survey,
    /** Median seconds taken over all questionnaires read, when there is a duration column. */
    readonly medianDuration: number | undefined,
    private readonly report: (d: Diagnostic) => void,
  ) {
    this.speederShare = survey.data.invalidIf.speeder ?? DEFAULT_SPEEDER_SHARE;
    this.blocks = straightlineBlocks(survey);
  }

  judge(r: Response): Verdict {
    const reasons: InvalidReason[] = [];
    const { invalidIf, minAnswered } = this.survey.data;
    if (r.id !== undefined) {
      // 问卷星 numbers 序号 from 1 in every export, so an id found by its default name is unique only within
      // its file; an id column the definition names (身份证号, 手机号) is unique across all files.
      const key = this.survey.data.idColumn ? r.id : `${r.file}\u0000${r.id}`;
      if (this.seenIds.has(key)) {
        reasons.push("duplicate");
        this.report({ code: "DUPLICATE_ID", severity: "warning", file: r.file, row: r.row, message: `respondent ${r.id} appears again; this copy is left out` });
      } else {
        this.seenIds.add(key);
      }
    }
    if (r.answered === 0 || (r.asked > 0 && r.answered / r.asked < minAnswered)) {
      reasons.push("too_few_answers");
      this.report({
        code: "TOO_FEW_ANSWERS",
        severity: "warning",
        file: r.file,
        row: r.row,
        message: `answers ${r.answered} of the ${r.asked} questions it was asked${minAnswered ? ` (min_answered ${minAnswered})` : ""}; left out`,
      });
    }
    if (this.medianDuration !== undefined && r.duration !== undefined && r.duration < this.speederShare * this.medianDuration) {
      this.speeders.push({ file: r.file, row: r.row });
      if (invalidIf.speeder !== undefined) reasons.push("speeder");
      this.report({
        code: "SPEEDER",
        severity: "warning",
        file: r.file,
        row: r.row,
        message: `took ${r.duration} s, under ${this.speederShare} × the median ${this.medianDuration} s${invalidIf.speeder !== undefined ? "; left out" : ""}`,
        hint: invalidIf.speeder === undefined ? "set data.invalid_if.speeder to leave such questionnaires out" : undefined,
      });
    }
    if (this.blocks.some((block) => isStraightLine(block, r))) {
      this.straightliners.push({ file: r.file, row: r.row });
      if (invalidIf.straightline) reasons.push("straightline");
      this.report({
        code: "STRAIGHTLINE",
        severity: "warning",
        file: r.file,
        row: r.row,
        message: `the same answer to every item of a block of ${STRAIGHTLINE_MIN_ITEMS}+ items${invalidIf.straightline ? "; left out" : ""}`,
      });
    }
    return { valid: reasons.length === 0, reasons };
  }
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
