import { normalizeLabel } from "../definition/normalize.js";
import type { ChangeFigures, OptionShares, OptionTally, PreviousFigures, QuestionTally, RowTally, TallyResult, Unmatched } from "./types.js";

/**
 * Comparison with an earlier round of the same survey (`--previous last.json`). Pure: takes two tallies
 * as `survey tally --format json` writes them and returns the current one annotated, without touching
 * either. Questions match by id, or through `previous: {map: {new: old}}` of the definition when ids
 * changed; matrix rows and options match by label (normalised as headers and answers are: NFKC, spaces).
 * Only figures that are shares of a base or mean scores are compared, each by subtraction:
 *
 *   change = this round's share − the earlier round's share   (fractions: 0.052 is 5.2 percentage points)
 *   change.mean = this round's mean score − the earlier round's
 *
 * Whatever cannot be matched is listed in `comparison.unmatched`, never compared by position.
 */

export interface CompareOptions {
  /** New id → old id, for questions renumbered between the rounds (survey.yaml's `previous.map`). */
  map?: Readonly<Record<string, string>>;
}

export function compareTallies(current: TallyResult, previous: TallyResult, opts: CompareOptions = {}): TallyResult {
  const map = opts.map ?? {};
  // An old id that a renamed question takes is no longer matched by a new question of the same id.
  const claimed = new Set(Object.values(map));
  const unmatched: Unmatched[] = [];
  const matchedOld = new Set<string>();
  const questions: Record<string, QuestionTally> = {};
  for (const [id, t] of Object.entries(current.questions)) {
    const oldId = map[id] ?? (claimed.has(id) ? undefined : id);
    const old = oldId === undefined ? undefined : previous.questions[oldId];
    if (oldId === undefined || !old) {
      unmatched.push(map[id] === undefined ? { kind: "question-added", question: id, text: t.text } : { kind: "question-added", question: id, text: t.text, previous: map[id] });
      questions[id] = t;
      continue;
    }
    matchedOld.add(oldId);
    if (old.type !== t.type) {
      unmatched.push({ kind: "type-changed", question: id, previous: oldId, type: t.type, previousType: old.type });
      questions[id] = t;
      continue;
    }
    questions[id] = compareQuestion(id, oldId, t, old, unmatched);
  }
  for (const [oldId, old] of Object.entries(previous.questions)) {
    if (!matchedOld.has(oldId)) unmatched.push({ kind: "question-dropped", previous: oldId, text: old.text });
  }
  return {
    ...current,
    questions,
    comparison: {
      previous: { title: previous.survey?.title ?? "", period: previous.survey?.period ?? null, valid: previous.responses.valid },
      unmatched,
    },
  };
}

function compareQuestion(id: string, oldId: string, t: QuestionTally, old: QuestionTally, unmatched: Unmatched[]): QuestionTally {
  const out: QuestionTally = t.type === "scale" ? { ...t, ...evaluation(oldId, t, old) } : { ...t, previous: previousOf(oldId, old) };
  if (t.options && old.options) out.options = compareOptions(t.options, old.options, t.type === "multi" ? "pctOfRespondents" : "pct", (o, kind) => unmatched.push({ kind, question: id, previous: oldId, option: o }));
  if (t.type === "matrix" && t.rows && old.rows) {
    const oldRows = new Map(Object.entries(old.rows).map(([rowId, r]) => [normalizeLabel(r.label), { rowId, r }]));
    const seen = new Set<string>();
    const rows: Record<string, RowTally> = {};
    for (const [rowId, r] of Object.entries(t.rows)) {
      const key = normalizeLabel(r.label);
      const match = oldRows.get(key);
      if (!match) {
        unmatched.push({ kind: "row-added", question: id, previous: oldId, row: r.label });
        rows[rowId] = r;
        continue;
      }
      seen.add(key);
      rows[rowId] = {
        ...r,
        ...evaluation(match.rowId, r, match.r),
        options: compareOptions(r.options, match.r.options, "pct", (o, kind) => unmatched.push({ kind, question: id, previous: oldId, row: r.label, option: o })),
      };
    }
    for (const [key, { r }] of oldRows) if (!seen.has(key)) unmatched.push({ kind: "row-removed", question: id, previous: oldId, row: r.label });
    out.rows = rows;
  }
  return out;
}

function previousOf(id: string, old: QuestionTally | RowTally): PreviousFigures {
  const p: PreviousFigures = { id, base: old.base };
  // Weighted tallies carry the number of questionnaires and Kish's effective size beside the weighted base.
  const { unweightedBase, effectiveBase } = old as { unweightedBase?: unknown; effectiveBase?: unknown };
  if (typeof unweightedBase === "number") p.unweightedBase = unweightedBase;
  if (typeof effectiveBase === "number") p.effectiveBase = effectiveBase;
  return p;
}

/** An evaluation (scale question or matrix row): its positive rate and mean score, then and the change. */
function evaluation(oldId: string, t: QuestionTally | RowTally, old: QuestionTally | RowTally): { previous: PreviousFigures; change: ChangeFigures } {
  return {
    previous: { ...previousOf(oldId, old), positiveRate: old.positiveRate ?? null, mean: old.meanScore ?? null },
    change: { positiveRate: difference(t.positiveRate, old.positiveRate), mean: difference(t.meanScore, old.meanScore) },
  };
}

/**
 * Options matched by label; each matched option gains the earlier share of the same field and the
 * difference. An option of one round only is reported through `note`.
 */
function compareOptions(
  options: readonly OptionTally[],
  oldOptions: readonly OptionTally[],
  field: keyof OptionShares,
  note: (label: string, kind: "option-added" | "option-removed") => void,
): OptionTally[] {
  const byLabel = new Map(oldOptions.map((o) => [normalizeLabel(o.label), o]));
  const seen = new Set<string>();
  const out = options.map((o) => {
    const key = normalizeLabel(o.label);
    const old = byLabel.get(key);
    if (!old) {
      note(o.label, "option-added");
      return o;
    }
    seen.add(key);
    const before = old[field] ?? null;
    return { ...o, previous: { [field]: before }, change: { [field]: difference(o[field], before) } };
  });
  for (const [key, old] of byLabel) if (!seen.has(key)) note(old.label, "option-removed");
  return out;
}

/**
 * now − then, or null when either is missing (a share with no base). Cut to 15 significant digits, as
 * display rounding is: 0.72 − 0.6 is 0.12, not the binary 0.12000000000000002 that scripts would print.
 */
function difference(now: number | null | undefined, then: number | null | undefined): number | null {
  return typeof now === "number" && typeof then === "number" ? Number((now - then).toPrecision(15)) : null;
}
