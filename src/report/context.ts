import type { Survey } from "../definition/model.js";
import type { QuestionTally, TallyResult } from "../tally/types.js";

/**
 * The variables a narrative's expressions can use: every question's tally under its id (`q5.positiveRate`,
 * `q8.options[0].label`), matrix rows also under their suffix (`q9.1.positiveRate` as well as
 * `q9.rows["q9.1"]`), and `responses`, `roles`, `groups`, `survey`. Exactly the JSON of `survey tally
 * --format json`, so what a user sees there is what they can write here.
 */
export function narrativeContext(tally: TallyResult, survey: Survey): Record<string, unknown> {
  const context: Record<string, unknown> = {
    survey: {
      title: survey.title,
      organization: survey.organization ?? "",
      period: survey.period ?? "",
      purpose: survey.purpose ?? "",
      methods: survey.methods,
      issued: tally.responses.issued,
    },
    responses: tally.responses,
    roles: tally.roles ?? { question: "", counts: [] },
    groups: tally.groups,
  };
  for (const [id, q] of Object.entries(tally.questions)) context[id] = withRowAliases(id, q);
  return context;
}

function withRowAliases(id: string, q: QuestionTally): Record<string, unknown> {
  const out: Record<string, unknown> = { ...q };
  for (const [rowId, row] of Object.entries(q.rows ?? {})) {
    const suffix = rowId.startsWith(`${id}.`) ? rowId.slice(id.length + 1) : rowId;
    if (!(suffix in out)) out[suffix] = row;
  }
  return out;
}
