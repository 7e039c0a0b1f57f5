import { append } from "../arrays.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Locate } from "./locate.js";
import {
  DEFAULT_BLANK_MARKERS,
  DEFAULT_SKIP_MARKERS,
  type DataOptions,
  type Item,
  type Option,
  type OtherCode,
  type Theme,
  type Question,
  type Scale,
  type Survey,
  type Weights,
} from "./model.js";
import type { QuestionDoc, SurveyDoc } from "./schema.js";
import { compileWhen, WhenError, type WhenContext } from "./when.js";
import { parsePattern } from "./patterns.js";
import { likertLevels } from "./likert.js";

type OptionDoc = string | { code?: number; label: string; other?: boolean };

/**
 * Turns a shape-checked definition into the normalised model, checking everything that needs the whole
 * definition: duplicate ids and options, references (role, scale, groups, `when`), scale codes.
 */
/** Names of questions and scales that exist in the file but failed the schema (already reported). */
export interface BrokenNames {
  questions: Set<string>;
  scales: Set<string>;
}

export function buildSurvey(
  doc: SurveyDoc,
  at: Locate,
  broken: BrokenNames = { questions: new Set(), scales: new Set() },
): { survey?: Survey; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const scales = new Map<string, Scale>();
  for (const [name, s] of Object.entries(doc.scales ?? {})) {
    const path = ["scales", name];
    const options = buildOptions(s.options, [...path, "options"], at, diagnostics);
    const codes = new Set(options.map((o) => o.code));
    for (const key of ["positive", "negative", "na"] as const) {
      (s[key] ?? []).forEach((c, i) => {
        if (!codes.has(c)) {
          diagnostics.push(at([...path, key, i], "DEF_BAD_CODE", `scale ${name}: ${key} lists code ${c}, which is not an option`, `codes are ${[...codes].join(", ")}`));
        }
      });
    }
    if (s.scores && s.scores.length !== options.length) {
      diagnostics.push(at([...path, "scores"], "DEF_BAD_CODE", `scale ${name}: ${s.scores.length} scores for ${options.length} options`, "give one score per option"));
    }
    const scores = new Map<number, number>();
    options.forEach((o, i) => scores.set(o.code, s.scores?.[i] ?? options.length - i));
    append(diagnostics, scaleDirection(name, options, s, scores, path, at));
    scales.set(name, {
      name,
      options,
      positive: s.positive ?? [],
      negative: s.negative ?? [],
      na: s.na ?? [],
      scores,
      ...(s.codes === "guessed" ? { codesGuessed: true } : {}),
    });
  }

  const questions: Question[] = [];
  const questionById = new Map<string, Question>();
  doc.questions.forEach((q, index) => {
    const path = ["questions", index];
    if (questionById.has(q.id)) {
      diagnostics.push(at([...path, "id"], "DEF_DUPLICATE_ID", `question id "${q.id}" is used twice`, "give each question its own id"));
      return;
    }
    const question = buildQuestion(q, index, scales, at, diagnostics, broken);
    if (!question) broken.questions.add(q.id);
    if (question) {
      questions.push(question);
      questionById.set(question.id, question);
    }
  });

  const items: Item[] = [];
  for (const q of questions) {
    if (q.type === "matrix") {
      for (const row of q.rows) {
        items.push({
          ...q,
          type: "scale",
          id: row.id,
          text: `${q.text}—${row.label}`,
          parent: q,
          rowLabel: row.label,
        } as Item);
      }
    } else {
      items.push(q);
    }
  }
  const itemById = new Map(items.map((i) => [i.id, i]));

  // `when` is compiled once every item is known, so it may refer to any question, before or after.
  const ctx = whenContext(questionById, itemById);
  doc.questions.forEach((qd, index) => {
    const q = questionById.get(qd.id);
    if (!q || qd.when === undefined || questions[questions.indexOf(q)] !== q) return;
    try {
      const when = compileWhen(qd.when, ctx);
      if (when.refs.includes(q.id) || when.refs.some((r) => itemById.get(r) && "parent" in itemById.get(r)! && (itemById.get(r) as { parent: Question }).parent === q)) {
        diagnostics.push(at(["questions", index, "when"], "DEF_BAD_WHEN", `question ${q.id}'s when refers to itself`));
      } else {
        q.when = when;
      }
    } catch (err) {
      if (!(err instanceof WhenError)) throw err;
      if (err.name !== undefined && broken.questions.size && [...broken.questions].some((id) => err.message.includes(`"${id}"`) || err.message.startsWith(`${id} `))) return;
      diagnostics.push(at(["questions", index, "when"], "DEF_BAD_WHEN", `question ${qd.id}: ${err.message}`, 'e.g. when: "q5 >= 4" or when: "q1 == \\"群众\\""'));
    }
  });
  // A matrix row inherits its question's `when`.
  for (const item of items) if ("parent" in item) item.when = item.parent.when;

  if (doc.role !== undefined) {
    const role = questionById.get(doc.role);
    if (!role && broken.questions.has(doc.role)) {
      // reported where the question is
    } else if (!role) {
      diagnostics.push(at(["role"], "DEF_UNKNOWN_REF", `role "${doc.role}" is not a question id`, suggestId(doc.role, questionById)));
    } else if (role.type !== "single") {
      diagnostics.push(at(["role"], "DEF_BAD_REF", `role "${doc.role}" is a ${role.type} question; the role must be a single-choice question`));
    }
  }

  (doc.crosstabs ?? []).forEach((byId, k) => {
    const item = itemById.get(byId);
    if (!item && broken.questions.has(byId.split(".")[0]!)) return;
    if (!item) {
      diagnostics.push(at(["crosstabs", k], "DEF_UNKNOWN_REF", `crosstabs: "${byId}" is not a question or matrix row`, suggestId(byId, itemById)));
    } else if (item.type !== "single" && item.type !== "scale") {
      diagnostics.push(at(["crosstabs", k], "DEF_BAD_REF", `crosstabs: ${byId} is a ${item.type} question; a breakdown needs a single-choice or scale question`));
    }
  });

  const weights = doc.weights ? buildWeights(doc.weights, itemById, broken, at, diagnostics) : undefined;

  // previous.map: new id → old id. The old ids belong to the earlier round's tally, checked when it is read.
  const oldIds = new Map<string, string>();
  for (const [newId, oldId] of Object.entries(doc.previous?.map ?? {})) {
    if (!questionById.has(newId) && !broken.questions.has(newId)) {
      diagnostics.push(at(["previous", "map", newId], "DEF_UNKNOWN_REF", `previous.map: "${newId}" is not a question id of this survey`, suggestId(newId, questionById)));
    }
    const other = oldIds.get(oldId);
    if (other !== undefined) diagnostics.push(at(["previous", "map", newId], "DEF_DUPLICATE_ID", `previous.map: ${newId} and ${other} both name the earlier question ${oldId}`));
    oldIds.set(oldId, newId);
  }

  const groups = (doc.groups ?? []).map((g, gi) => {
    g.items.forEach((itemId, ii) => {
      const item = itemById.get(itemId);
      if (!item && broken.questions.has(itemId.split(".")[0]!)) return;
      if (!item) {
        diagnostics.push(at(["groups", gi, "items", ii], "DEF_UNKNOWN_REF", `group ${g.id}: "${itemId}" is not a question or matrix row`, suggestId(itemId, itemById)));
      } else if (item.type !== "scale" && item.type !== "number") {
        diagnostics.push(at(["groups", gi, "items", ii], "DEF_BAD_REF", `group ${g.id}: ${itemId} is a ${item.type} question; groups measure scale or number items`));
      }
    });
    return { id: g.id, label: g.label ?? g.id, items: g.items };
  });
  const groupIds = new Set<string>();
  groups.forEach((g, gi) => {
    if (groupIds.has(g.id)) diagnostics.push(at(["groups", gi, "id"], "DEF_DUPLICATE_ID", `group id "${g.id}" is used twice`));
    groupIds.add(g.id);
  });

  if (diagnostics.length) return { diagnostics };
  return {
    survey: {
      title: doc.title,
      organization: doc.organization,
      period: doc.period === undefined ? undefined : String(doc.period),
      purpose: doc.purpose,
      date: doc.date,
      rules: doc.rules,
      issued: doc.issued,
      methods: doc.methods ?? [],
      lang: doc.lang ?? "zh-CN",
      role: doc.role,
      crosstabs: [...new Set(doc.crosstabs ?? [])],
      previousMap: { ...(doc.previous?.map ?? {}) },
      data: buildData(doc.data),
      weights,
      scales,
      questions,
      items,
      itemById,
      questionById,
      groups,
    },
    diagnostics,
  };
}

function buildData(d: SurveyDoc["data"]): DataOptions {
  const files = d?.files === undefined ? [] : Array.isArray(d.files) ? d.files : [d.files];
  const encoding = d?.encoding === "gbk" ? "gb18030" : (d?.encoding ?? "auto");
  return {
    files,
    encoding,
    header: d?.header ?? "auto",
    idColumn: d?.id_column,
    sourceColumn: d?.source_column,
    multiSeparator: d?.multi_separator ?? "┋",
    rankSeparator: d?.rank_separator ?? "→",
    skipMarkers: d?.skip_markers ?? DEFAULT_SKIP_MARKERS,
    blankMarkers: d?.blank_markers ?? DEFAULT_BLANK_MARKERS,
    durationColumn: d?.duration_column,
    weightColumn: d?.weight_column,
    minAnswered: d?.min_answered ?? 0,
    invalidIf: { speeder: d?.invalid_if?.speeder, straightline: d?.invalid_if?.straightline ?? false },
  };
}

function buildQuestion(
  q: QuestionDoc,
  index: number,
  scales: Map<string, Scale>,
  at: Locate,
  diagnostics: Diagnostic[],
  broken: BrokenNames,
): Question | undefined {
  const path = ["questions", index];
  const common = {
    id: q.id,
    text: q.text,
    section: q.section,
    subject: q.subject,
    required: q.required ?? false,
    number: q.number ?? index + 1,
    column: q.column,
  };
  switch (q.type) {
    case "single": {
      const options = buildOptions(q.options, [...path, "options"], at, diagnostics);
      return { ...common, type: "single", options, ...guessed(q.codes), ...buildOtherCodes(q.id, q.other_codes, options, path, at, diagnostics) };
    }
    case "rank":
      return { ...common, type: q.type, options: buildOptions(q.options, [...path, "options"], at, diagnostics), ...guessed(q.codes) };
    case "multi": {
      const options = buildOptions(q.options, [...path, "options"], at, diagnostics);
      const otherCodes = buildOtherCodes(q.id, q.other_codes, options, path, at, diagnostics);
      if (q.max_choices !== undefined && q.min_choices !== undefined && q.min_choices > q.max_choices) {
        diagnostics.push(at([...path, "min_choices"], "DEF_INVALID", `question ${q.id}: min_choices is larger than max_choices`));
      }
      return { ...common, type: "multi", options, maxChoices: q.max_choices, minChoices: q.min_choices, ...guessed(q.codes), ...otherCodes };
    }
    case "scale":
    case "matrix": {
      const scale = scales.get(q.scale);
      if (!scale) {
        if (broken.scales.has(q.scale)) return undefined;
        diagnostics.push(at([...path, "scale"], "DEF_UNKNOWN_REF", `question ${q.id}: scale "${q.scale}" is not defined under scales`, scales.size ? `defined: ${[...scales.keys()].join(", ")}` : "add a scales: section"));
        return undefined;
      }
      if (q.type === "scale") return { ...common, type: "scale", scale, options: scale.options };
      const rows: { id: string; label: string }[] = [];
      const seen = new Set<string>();
      q.rows.forEach((r, ri) => {
        const rowKey = typeof r === "string" ? String(ri + 1) : (r.id ?? String(ri + 1));
        const label = typeof r === "string" ? r : r.label;
        const id = `${q.id}.${rowKey}`;
        if (seen.has(id) || seen.has(`label:${label}`)) {
          diagnostics.push(at([...path, "rows", ri], "DEF_DUPLICATE_ID", `question ${q.id}: row "${label}" is listed twice`));
        }
        seen.add(id);
        seen.add(`label:${label}`);
        rows.push({ id, label });
      });
      return { ...common, type: "matrix", scale, options: scale.options, rows };
    }
    case "number": {
      const bins = q.bins ?? [];
      if (bins.some((b, i) => i > 0 && b <= bins[i - 1]!)) {
        diagnostics.push(at([...path, "bins"], "DEF_INVALID", `question ${q.id}: bins must rise (e.g. [30, 40, 50])`));
      }
      if (q.min !== undefined && q.max !== undefined && q.min > q.max) {
        diagnostics.push(at([...path, "min"], "DEF_INVALID", `question ${q.id}: min is larger than max`));
      }
      return { ...common, type: "number", min: q.min, max: q.max, integer: q.integer ?? false, bins, unit: q.unit ?? "" };
    }
    case "text":
      return { ...common, type: "text", ...buildThemes(q.id, q.themes, path, at, diagnostics) };
  }
}

/**
 * A scale of known wording (非常满意 … 很不满意) listed the other way round — as a questionnaire that
 * starts from 很不满意 lists it — reads every answer, but its default scores, or positive/negative copied
 * from another scale, would turn the rates and means upside down without a sign: an error naming the
 * option that is on the wrong side.
 */
function scaleDirection(name: string, options: Option[], s: NonNullable<SurveyDoc["scales"]>[string], scores: Map<number, number>, path: PropertyKey[], at: Locate): Diagnostic[] {
  const levels = likertLevels(options.map((o) => o.label));
  if (!levels) return [];
  const out: Diagnostic[] = [];
  const level = new Map(options.map((o, i) => [o.code, levels[i]!]));
  const label = new Map(options.map((o) => [o.code, o.label]));
  (s.positive ?? []).forEach((c, i) => {
    if ((level.get(c) ?? -1) >= 3) out.push(at([...path, "positive", i], "DEF_BAD_CODE", `scale ${name}: positive lists code ${c}, ${label.get(c)}, a negative answer`, "list the codes of the positive answers (非常满意, 比较满意 …)"));
  });
  (s.negative ?? []).forEach((c, i) => {
    const l = level.get(c) ?? -1;
    if (l >= 0 && l <= 1) out.push(at([...path, "negative", i], "DEF_BAD_CODE", `scale ${name}: negative lists code ${c}, ${label.get(c)}, a positive answer`, "list the codes of the negative answers (不太满意, 很不满意 …)"));
  });
  const ranked = options.filter((_, i) => levels[i]! >= 0);
  const best = ranked.reduce((a, b) => (level.get(a.code)! <= level.get(b.code)! ? a : b));
  const worst = ranked.reduce((a, b) => (level.get(a.code)! >= level.get(b.code)! ? a : b));
  if (scores.get(best.code)! < scores.get(worst.code)!) {
    out.push(
      at([...path, s.scores ? "scores" : "options"], "DEF_BAD_CODE", `scale ${name}: ${best.label} scores ${scores.get(best.code)} and ${worst.label} ${scores.get(worst.code)}: means would run the wrong way`, s.scores ? "give the most positive answer the highest score" : "list the options from most positive (codes may stay the questionnaire's: {code: 5, label: 非常满意}), or give scores"),
    );
  }
  return out;
}

/** Each pattern that does not parse, as a diagnostic at its place (see patterns.ts). */
function checkPatterns(what: string, list: readonly string[], path: PropertyKey[], at: Locate, diagnostics: Diagnostic[]): void {
  list.forEach((source, k) => {
    const p = parsePattern(source);
    if ("error" in p) diagnostics.push(at([...path, k], "DEF_INVALID", `${what}: pattern "${source}": ${p.error}`, 'write plain text (停车), or a regular expression between slashes ("/停车(难|位)/")'));
  });
}

/** `other_codes:` of a single or multi question: every target an option that is not itself an `other` option. */
function buildOtherCodes(
  id: string,
  doc: Record<string, string[]> | undefined,
  options: Option[],
  path: PropertyKey[],
  at: Locate,
  diagnostics: Diagnostic[],
): { otherCodes?: OtherCode[] } {
  if (doc === undefined) return {};
  const here = [...path, "other_codes"];
  if (!options.some((o) => o.other)) {
    diagnostics.push(at(here, "DEF_BAD_REF", `question ${id}: other_codes needs an option with other: true, whose fill-ins it moves`, "mark the 其他 option: {label: 其他, other: true}"));
    return {};
  }
  const out: OtherCode[] = [];
  for (const [label, list] of Object.entries(doc)) {
    const target = options.find((o) => o.label === label.trim());
    if (!target) {
      diagnostics.push(at([...here, label], "DEF_UNKNOWN_REF", `question ${id}: other_codes names "${label}", which is not one of its options`, `options: ${options.map((o) => o.label).join(", ")}`, { key: true }));
      continue;
    }
    if (target.other) {
      diagnostics.push(at([...here, label], "DEF_BAD_REF", `question ${id}: other_codes moves fill-ins to "${label}", which is the fill-in option itself`, "name the option the fill-ins mean", { key: true }));
      continue;
    }
    checkPatterns(`question ${id}, other_codes ${label}`, list, [...here, label], at, diagnostics);
    if (list.length) out.push({ to: target.code, patterns: list });
  }
  return { otherCodes: out };
}

/** `themes:` of a text question, read by now (a codebook file is read by load.ts, which puts its contents here). */
function buildThemes(id: string, doc: string | Record<string, string[]> | undefined, path: PropertyKey[], at: Locate, diagnostics: Diagnostic[]): { themes?: Theme[] } {
  if (doc === undefined) return {};
  if (typeof doc === "string") {
    diagnostics.push(at([...path, "themes"], "FILE_NOT_FOUND", `question ${id}: the codebook ${doc} was not read`, "give the path of the codebook relative to survey.yaml"));
    return {};
  }
  const themes: Theme[] = [];
  for (const [theme, list] of Object.entries(doc)) {
    checkPatterns(`question ${id}, theme ${theme}`, list, [...path, "themes", theme], at, diagnostics);
    if (list.length) themes.push({ theme: theme.trim(), patterns: list });
  }
  return { themes };
}

/** Only a guess is recorded: a definition without the key reads as it always has. */
function guessed(codes: "guessed" | "confirmed" | undefined): { codesGuessed?: true } {
  return codes === "guessed" ? { codesGuessed: true } : {};
}

function buildOptions(docs: OptionDoc[], path: PropertyKey[], at: Locate, diagnostics: Diagnostic[]): Option[] {
  const options: Option[] = [];
  const codes = new Set<number>();
  const labels = new Set<string>();
  docs.forEach((o, i) => {
    const option: Option =
      typeof o === "string"
        ? { code: i + 1, label: o.trim(), other: false }
        : { code: o.code ?? i + 1, label: o.label.trim(), other: o.other ?? false };
    if (codes.has(option.code)) {
      diagnostics.push(at([...path, i], "DEF_DUPLICATE_OPTION", `option code ${option.code} is used twice`, "give each option its own code"));
    }
    if (labels.has(option.label)) {
      diagnostics.push(at([...path, i], "DEF_DUPLICATE_OPTION", `option "${option.label}" is listed twice`));
    }
    codes.add(option.code);
    labels.add(option.label);
    options.push(option);
  });
  return options;
}

function whenContext(questions: Map<string, Question>, items: Map<string, Item>): WhenContext {
  return {
    resolve(name, row) {
      const q = questions.get(name);
      if (!q) return undefined;
      if (row === undefined) return q.type === "matrix" ? undefined : q.id;
      if (q.type !== "matrix") return undefined;
      const byKey = `${q.id}.${row}`;
      return items.has(byKey) ? byKey : undefined;
    },
    codeOf(itemId, label) {
      const item = items.get(itemId);
      if (!item || !("options" in item)) return "not-choice";
      return item.options.find((o) => o.label === label)?.code;
    },
  };
}

function suggestId(id: string, known: Map<string, unknown>): string {
  const ids = [...known.keys()];
  const close = ids.find((k) => k.toLowerCase() === id.toLowerCase());
  return close ? `did you mean "${close}"?` : `known ids: ${ids.slice(0, 12).join(", ")}${ids.length > 12 ? ", …" : ""}`;
}


/**
 * Raking targets, checked against the questions: each a single-choice or scale question (or matrix row)
 * whose every option outside `na` has a share, named by its label or code. Shares may be given as
 * fractions or percentages; they must add up to 1 (or 100) within half a point, and are then scaled to add
 * up to exactly 1.
 */
function buildWeights(
  doc: NonNullable<SurveyDoc["weights"]>,
  itemById: Map<string, Item>,
  broken: BrokenNames,
  at: Locate,
  diagnostics: Diagnostic[],
): Weights | undefined {
  const rake: Weights["rake"] = [];
  const before = diagnostics.length;
  for (const [id, given] of Object.entries(doc.rake)) {
    const path = ["weights", "rake", id];
    const item = itemById.get(id);
    if (!item && broken.questions.has(id.split(".")[0]!)) continue;
    if (!item) {
      diagnostics.push(at(path, "DEF_UNKNOWN_REF", `weights.rake: "${id}" is not a question or matrix row`, suggestId(id, itemById)));
      continue;
    }
    if (item.type !== "single" && item.type !== "scale") {
      diagnostics.push(at(path, "DEF_BAD_REF", `weights.rake: ${id} is a ${item.type} question; raking needs a single-choice or scale question`));
      continue;
    }
    const na = item.type === "scale" ? item.scale.na : [];
    const targets: (number | null)[] = item.options.map(() => null);
    for (const [name, share] of Object.entries(given)) {
      const k = item.options.findIndex((o) => o.label === name || String(o.code) === name);
      if (k < 0) {
        const labels = item.options.map((o) => o.label);
        diagnostics.push(at([...path, name], "DEF_UNKNOWN_REF", `weights.rake.${id}: "${name}" is not an option of ${id}`, `options: ${labels.slice(0, 12).join(", ")}${labels.length > 12 ? ", …" : ""}`));
        continue;
      }
      if (na.includes(item.options[k]!.code)) {
        diagnostics.push(at([...path, name], "DEF_BAD_REF", `weights.rake.${id}: "${name}" is a "not applicable" answer, which raking leaves out; give it no share`));
        continue;
      }
      targets[k] = share;
    }
    const unlisted = item.options.filter((o, k) => targets[k] === null && !na.includes(o.code)).map((o) => o.label);
    if (unlisted.length) {
      diagnostics.push(at(path, "DEF_INVALID", `weights.rake.${id}: no share for ${unlisted.map((l) => `"${l}"`).join(", ")}`, "give every option its share of the population"));
      continue;
    }
    const sum = targets.reduce<number>((s, t) => s + (t ?? 0), 0);
    if (Math.abs(sum - 100) > 0.5 && Math.abs(sum - 1) > 0.005) {
      diagnostics.push(at(path, "DEF_INVALID", `weights.rake.${id}: the shares add up to ${+sum.toFixed(6)}, not 1 (or 100)`));
      continue;
    }
    rake.push({ id, targets: targets.map((t) => (t === null ? null : t / sum)) });
  }
  const ids = new Set(rake.map((r) => r.id));
  if (ids.size < rake.length) diagnostics.push(at(["weights", "rake"], "DEF_DUPLICATE_ID", "weights.rake: a question is listed twice"));
  if (diagnostics.length > before) return undefined;
  return { rake, tolerance: doc.tolerance ?? 1e-6, maxIterations: doc.max_iterations ?? 100 };
}
