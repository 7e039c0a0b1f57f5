import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import { oneLine } from "../diagnostics/diagnostic.js";
import { codesGuessed, type DataOptions, type Item, type NumberQuestion, type Option } from "../definition/model.js";
import type { ItemColumns } from "./columns.js";
import { normalizeLabel } from "../definition/normalize.js";

/**
 * One item's answer in one questionnaire.
 * - skipped: not asked (a skip marker, or `when` did not hold);
 * - missing: asked but left blank (or unreadable: the cell's problem is reported separately);
 * - choice: option codes — one for single/scale, the chosen set for multi, the order for rank —
 *   with the fill-in texts of `other` options;
 * - number / text: the value.
 */
export type Answer =
  | { kind: "skipped" }
  | { kind: "missing" }
  | { kind: "choice"; codes: number[]; others?: { code: number; text: string }[] }
  | { kind: "number"; value: number }
  | { kind: "text"; value: string };

/**
 * Every answer object has the same four fields in the same order, whatever its kind: code that reads
 * `a.kind` or `a.codes` over a million rows then meets one object layout, not five (V8 handles a few
 * layouts at a site fast, many slowly — measured: counting took a third less time).
 */
function answer(kind: Answer["kind"], codes?: readonly number[], others?: { code: number; text: string }[], value?: number | string): Answer {
  return { kind, codes, others, value } as unknown as Answer;
}

export const SKIPPED: Answer = Object.freeze(answer("skipped"));
export const MISSING: Answer = Object.freeze(answer("missing"));

export interface CellProblem {
  code: DiagnosticCode;
  message: string;
  hint?: string;
  /** The column of the problem, when the item spans several. */
  index: number;
  /** Default "error": the cell is left out. A warning leaves the answer as read. */
  severity?: "warning";
  /** Filled in by the caller: the item whose cell it is. */
  item?: string;
}

/** Option lookup for one item, built once per file: normalised label → code, and the known codes. */
export interface OptionIndex {
  /** Labels exactly as written in survey.yaml: most cells hit this, without normalising. */
  exact: Map<string, Option>;
  byLabel: Map<string, Option>;
  byCode: Map<number, Option>;
  /** One shared, frozen answer per option for single/scale cells without a fill-in: most cells of a
   * survey, so a million rows allocate no answer objects for them. */
  chosen: Map<number, Answer>;
  /** `codes: guessed`: a cell that names an option only by its code is an error (CODES_GUESSED), not a choice. */
  guessed: boolean;
  /** Options whose label is a bare number that is the code of another option (label "1", code 2; code 1 is "0"). */
  ambiguous: Map<Option, Option>;
}

/** The option lookup of a choice item (see OptionIndex). */
export function itemOptionIndex(item: Item): OptionIndex | undefined {
  return "options" in item ? optionIndex(item.options, codesGuessed(item)) : undefined;
}

export function optionIndex(options: Option[], guessed = false): OptionIndex {
  const byCode = new Map(options.map((o) => [o.code, o]));
  const ambiguous = new Map<Option, Option>();
  for (const o of options) {
    const label = normalizeLabel(o.label);
    const other = /^\d+$/.test(label) && Number(label) !== o.code ? byCode.get(Number(label)) : undefined;
    if (other) ambiguous.set(o, other);
  }
  return {
    guessed,
    ambiguous,
    exact: new Map(options.map((o) => [o.label, o])),
    byLabel: new Map(options.map((o) => [normalizeLabel(o.label), o])),
    byCode: new Map(options.map((o) => [o.code, o])),
    chosen: new Map(options.map((o) => [o.code, Object.freeze(answer("choice", Object.freeze([o.code])))])),
  };
}

const FILL_IN = /^(.*?)〖([\s\S]*)〗$/;

/**
 * Reads one item's answer from a row's cells. Problems (unknown option, not a number, …) are pushed to
 * `problems`, and the answer then counts as missing: a wrong cell never becomes a number in a statistic.
 */
export function readAnswer(
  item: Item,
  columns: ItemColumns,
  cells: readonly string[],
  data: DataOptions,
  index: OptionIndex | undefined,
  problems: CellProblem[],
): Answer {
  const before = problems.length;
  const answer = readCell(item, columns, cells, data, index, problems);
  for (let i = before; i < problems.length; i++) problems[i]!.item = item.id;
  return answer;
}

function readCell(
  item: Item,
  columns: ItemColumns,
  cells: readonly string[],
  data: DataOptions,
  index: OptionIndex | undefined,
  problems: CellProblem[],
): Answer {
  if (columns.kind === "flags") return readFlags(item, columns.byCode, cells, data, index!, problems);
  const raw = (cells[columns.index] ?? "").trim();
  const marked = markerOf(raw, data);
  if (marked) return marked;
  const at = columns.index;
  switch (item.type) {
    case "single":
    case "scale": {
      const choice = readChoice(raw, index!);
      if (!choice) return unknownOption(raw, item, at, problems);
      if (choice === GUESSED) return guessedCode(raw, item, at, problems);
      if (choice.clash) ambiguousOption(raw, item, choice.code, choice.clash, at, problems);
      return choice.other === undefined ? index!.chosen.get(choice.code)! : answer("choice", [choice.code], [{ code: choice.code, text: choice.other }]);
    }
    case "multi":
    case "rank": {
      const separator = item.type === "multi" ? data.multiSeparator : data.rankSeparator;
      const codes: number[] = [];
      const others: { code: number; text: string }[] = [];
      for (const part of splitChoices(raw, separator)) {
        const choice = readChoice(part, index!);
        if (!choice) return unknownOption(part, item, at, problems);
        if (choice === GUESSED) return guessedCode(part, item, at, problems);
        if (choice.clash) ambiguousOption(part, item, choice.code, choice.clash, at, problems);
        if (codes.includes(choice.code)) {
          if (item.type === "rank") {
            problems.push({ code: "RANK_REPEATED", index: at, message: `"${oneLine(part)}" is ranked twice` });
            return MISSING;
          }
          continue;
        }
        codes.push(choice.code);
        if (choice.other !== undefined) others.push({ code: choice.code, text: choice.other });
      }
      if (codes.length === 0) return MISSING;
      if (item.type === "multi" && !checkChoiceCount(item, codes.length, at, problems)) return MISSING;
      return answer("choice", codes, others.length ? others : undefined);
    }
    case "number":
      return readNumber(raw, item, at, problems);
    case "text":
      // Excel on Windows writes CRLF inside cells; one answer reads the same from every export.
      return answer("text", undefined, undefined, raw.replace(/\r\n?/g, "\n"));
  }
}

/**
 * A trimmed cell that is a marker rather than an answer: blank (empty, or a blank marker such as 问卷星's
 * `(空)`) is MISSING, a skip marker (`(跳过)`, `-3`) SKIPPED. A marker listed as both is blank. The one
 * statement of the markers' meaning, for a cell of its own and for a 0/1 option column alike.
 */
function markerOf(raw: string, data: DataOptions): Answer | undefined {
  if (raw === "" || data.blankMarkers.includes(raw)) return MISSING;
  if (data.skipMarkers.includes(raw)) return SKIPPED;
  return undefined;
}

function readFlags(
  item: Item,
  byCode: Map<number, number>,
  cells: readonly string[],
  data: DataOptions,
  index: OptionIndex,
  problems: CellProblem[],
): Answer {
  const codes: number[] = [];
  const others: { code: number; text: string }[] = [];
  let skipped = 0;
  let blank = 0;
  for (const [code, at] of byCode) {
    const raw = (cells[at] ?? "").trim();
    const marked = markerOf(raw, data);
    if (marked === SKIPPED) skipped++;
    else if (marked === MISSING) blank++;
    else if (raw === "0") continue;
    else if (code < 0) {
      // A column naming no option of the question (see mapColumns): chosen, it cannot be counted.
      problems.push({ code: "UNKNOWN_OPTION", index: at, message: `chosen ("${oneLine(raw)}") in a column that names no option of ${item.id}`, hint: "add the option to survey.yaml" });
      return MISSING;
    } else if (raw === "1") codes.push(code);
    else {
      // 问卷星 writes the fill-in of an `other` option in its flag column: `1〖text〗` or the text itself.
      const m = FILL_IN.exec(raw);
      const option = index.byCode.get(code);
      if (option?.other && (m?.[1] === "1" || !m)) {
        codes.push(code);
        const text = m ? m[2]!.trim() : raw;
        if (text) others.push({ code, text });
      } else {
        problems.push({ code: "UNKNOWN_OPTION", index: at, message: `"${oneLine(raw)}" in a 0/1 option column`, hint: "1 means chosen, 0 not chosen" });
        return MISSING;
      }
    }
  }
  if (codes.length === 0) return skipped > 0 && skipped + blank === byCode.size ? SKIPPED : MISSING;
  codes.sort((a, b) => a - b);
  if (item.type === "multi" && !checkChoiceCount(item, codes.length, [...byCode.values()][0] ?? 0, problems)) return MISSING;
  return answer("choice", codes, others.length ? others : undefined);
}

function checkChoiceCount(item: Item & { type: "multi" }, n: number, at: number, problems: CellProblem[]): boolean {
  if (item.maxChoices !== undefined && n > item.maxChoices) {
    problems.push({ code: "TOO_MANY_CHOICES", index: at, message: `${n} choices, at most ${item.maxChoices} allowed` });
    return false;
  }
  if (item.minChoices !== undefined && n < item.minChoices) {
    problems.push({ code: "TOO_FEW_CHOICES", index: at, message: `${n} choices, at least ${item.minChoices} required` });
    return false;
  }
  return true;
}

/** What readChoice returns for a code of an item whose codes were guessed. */
const GUESSED = Object.freeze({ code: -1 });

/**
 * A label, a code, or `label〖fill-in〗` of an `other` option. Labels win over codes. A code of an item
 * whose codes were guessed gives GUESSED: which option it means is not known.
 */
function readChoice(raw: string, index: OptionIndex): { code: number; other?: string; clash?: Option } | undefined {
  const m = raw.includes("〖") ? FILL_IN.exec(raw) : null;
  const written = m ? m[1]!.trim() : raw;
  const fill = m ? m[2]!.trim() : undefined;
  let option = index.exact.get(written);
  if (!option) {
    const head = normalizeLabel(written);
    option = index.byLabel.get(head);
    if (!option && /^\d+$/.test(head)) {
      // With guessed codes any number is a code of the questionnaire's, known or not.
      if (index.guessed) return GUESSED;
      option = index.byCode.get(Number(head));
    }
  }
  if (!option) return undefined;
  const clash = index.ambiguous.size ? index.ambiguous.get(option) : undefined;
  if (clash && normalizeLabel(written) === String(clash.code)) return { code: option.code, clash };
  return option.other && fill ? { code: option.code, other: fill } : { code: option.code };
}

function splitChoices(raw: string, separator: string): string[] {
  const parts = raw.split(separator);
  let n = 0;
  for (const part of parts) {
    const p = part.trim();
    if (p !== "") parts[n++] = p;
  }
  parts.length = n;
  return parts;
}

function unknownOption(raw: string, item: Item, at: number, problems: CellProblem[]): Answer {
  const options = "options" in item ? item.options : [];
  const listed = options.slice(0, 6).map((o) => `${o.code}=${o.label}`).join(", ");
  problems.push({
    code: "UNKNOWN_OPTION",
    index: at,
    message: `"${oneLine(raw)}" is not an option of ${item.id}`,
    hint: `options: ${listed}${options.length > 6 ? ", …" : ""}`,
  });
  return MISSING;
}

/**
 * A bare number that is an option's label and another option's code: a 按选项文本 export means the label,
 * a 按选项序号 export the code, and nothing in the cell says which. Read as the label (as ever), with a
 * warning: the definition cannot tell the two exports apart.
 */
function ambiguousOption(raw: string, item: Item, code: number, clash: Option, at: number, problems: CellProblem[]): void {
  const question = "parent" in item ? item.parent : item;
  problems.push({
    code: "OPTION_AMBIGUOUS",
    severity: "warning",
    index: at,
    message: `"${oneLine(raw)}" is read as the label of option ${code} of ${question.id}, but it is also the code of option "${oneLine(clash.label, 40)}": in a 按选项序号 export it means that one`,
    hint: `label the options with words (${oneLine(raw)}人, ${oneLine(raw)}次 …) so the two export forms cannot be confused, and compare the tallies of both exports`,
  });
}

/**
 * A 按选项序号 cell read with a definition whose codes were guessed from the labels of a 按选项文本 export:
 * the questionnaire's numbering is not known, so the code could mean any option. Never counted.
 */
function guessedCode(raw: string, item: Item, at: number, problems: CellProblem[]): Answer {
  const scaleName = item.type === "scale" ? item.scale.name : undefined;
  const question = "parent" in item ? item.parent : item;
  problems.push({
    code: "CODES_GUESSED",
    index: at,
    message: `"${oneLine(raw)}" is an option code, but the codes of ${question.id} (${oneLine(question.text, 40)})${scaleName ? `, scale ${scaleName},` : ""} were guessed from a 按选项文本 export (codes: guessed): which option it means is unknown`,
    hint: `draft the definition from both exports (survey init --from <按选项文本> --from <按选项序号>), or put the options${scaleName ? ` of scale ${scaleName}` : ""} in the questionnaire's order and delete "codes: guessed"`,
  });
  return MISSING;
}

function readNumber(raw: string, item: NumberQuestion, at: number, problems: CellProblem[]): Answer {
  let s = raw.normalize("NFKC").replace(/,/g, "").trim();
  if (item.unit && s.endsWith(item.unit)) s = s.slice(0, -item.unit.length).trim();
  const value = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(value)) {
    problems.push({ code: "NOT_A_NUMBER", index: at, message: `"${oneLine(raw)}" is not a number` });
    return MISSING;
  }
  if (item.integer && !Number.isInteger(value)) {
    problems.push({ code: "NOT_AN_INTEGER", index: at, message: `${oneLine(raw)} is not a whole number` });
    return MISSING;
  }
  if ((item.min !== undefined && value < item.min) || (item.max !== undefined && value > item.max)) {
    problems.push({
      code: "OUT_OF_RANGE",
      index: at,
      message: `${oneLine(raw)} is outside ${item.min ?? "−∞"}–${item.max ?? "∞"}`,
    });
    return MISSING;
  }
  return answer("number", undefined, undefined, value);
}

/** Seconds from `123秒`, `2分3秒`, `1小时2分`, `00:02:03` or a plain number; undefined if unreadable. */
export function parseDuration(raw: string): number | undefined {
  const s = raw.normalize("NFKC").trim();
  if (s === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const clock = /^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(s);
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const cn = /^(?:(\d+)\s*(?:小时|时|h))?\s*(?:(\d+)\s*(?:分钟|分|m|min))?\s*(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec))?$/i.exec(s);
  if (cn && (cn[1] || cn[2] || cn[3])) return Number(cn[1] ?? 0) * 3600 + Number(cn[2] ?? 0) * 60 + Number(cn[3] ?? 0);
  return undefined;
}
