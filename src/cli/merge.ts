import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { EXIT } from "../diagnostics/errors.js";
import { mergeTallies } from "../pipeline/index.js";
import type { StatefulTally } from "../tally/index.js";
import { wholeNumber, type Run } from "./command.js";
import { displayPath, noteInputs, type Io } from "./io.js";
import { writeOutput, writeStdout } from "./output.js";
import { compareWithPrevious, fromSavedTally, readSavedTally } from "./saved-tally.js";
import { chalkFor, render, type Format } from "./render.js";
import { toStdout } from "./streams.js";
import { requireValidAnswers } from "./valid-answers.js";

interface MergeOptions {
  format: Format;
  decimals: string;
  issued?: string;
  output?: string;
  force?: boolean;
  previous?: string;
}

export function mergeCommand(program: Command, run: Run): void {
  program
    .command("merge")
    .description("merge partial tallies (survey tally --format json of each part) into the tally of all the data")
    .argument("<parts...>", "JSON tallies, in reading order")
    .addOption(new Option("--format <format>", "json (default), text, csv or md").choices(["text", "json", "csv", "md"]).default("json"))
    .option("--decimals <n>", "decimals of displayed percentages (text, md)", "1")
    .option("--issued <n>", "questionnaires handed out (发放) for all the parts together; parts made with --each have none")
    .option("-o, --output <file>", "write to this file instead of stdout (- for stdout)")
    .option("--force", "overwrite the output file if it exists")
    .option("--previous <file>", "compare the merged tally with an earlier round: its saved `survey tally --format json` (or `survey merge`)")
    .addHelpText(
      "after",
      `
Counts add up and lists (open answers, fill-ins, screening, problems) follow the order of the parts, so
the result equals one \`survey tally\` over all the parts' files in that order. Every part must come from
the same survey.yaml and the same --by. A comparison with an earlier round is made on the whole, not
added up from the parts': give --previous here (questions matched through the definition's previous.map,
which the parts carry) as to \`survey tally\`.

Exit codes: 0 merged; 1 not one questionnaire of all the parts is valid (nothing is written); 2 a part
cannot be read, is not a tally, or was made from another definition.

Example:
  $ survey tally -s survey.yaml --format json data/村1.csv -o parts/村1.json
  $ survey tally -s survey.yaml --format json data/村2.csv -o parts/村2.json
  $ survey merge parts/*.json -o all.json

  $ survey tally -s survey.yaml --each file --format json -o parts
  $ survey merge --issued 1100 parts/*.json -o all.json`,
    )
    .action(run(merge));
}

async function merge(io: Io, parts: string[], opts: MergeOptions, command: Command): Promise<number> {
  const globals = command.optsWithGlobals<{ color?: boolean }>();
  const decimals = wholeNumber(opts.decimals, "--decimals", 0, 10);
  const results: StatefulTally[] = [];
  for (const part of parts) results.push(await readPart(io, part));
  const issued = opts.issued === undefined ? undefined : wholeNumber(opts.issued, "--issued", 1, Number.MAX_SAFE_INTEGER);
  const merged = await fromSavedTally(parts, () => mergeTallies(results, parts, { issued }));
  const plan = merged._state?.plan;
  const lang = plan?.lang ?? "zh-CN";
  requireValidAnswers(merged.responses, lang, parts.join(", "));
  const result = opts.previous === undefined ? merged : await compareWithPrevious(io, merged, opts.previous, { previousMap: plan?.previousMap ?? {} });
  // Parts compared one by one cannot be added up into a comparison of the whole: say how to get one.
  if (opts.previous === undefined && results.some((r) => r.comparison)) {
    io.stderr("survey: the parts were compared with an earlier round, the merged tally is not; give `survey merge --previous FILE` to compare the whole\n");
  }
  const text = await fromSavedTally(parts, () => render(result, opts.format, { decimals, lang, chalk: chalkFor(io, globals.color, toStdout(opts.output) && io.stdoutIsTTY) }));
  if (toStdout(opts.output)) writeStdout(io, text);
  else await writeOutput(io, opts.output!, text, Boolean(opts.force));
  return EXIT.ok;
}

async function readPart(io: Io, part: string): Promise<StatefulTally> {
  const full = resolve(io.cwd, part);
  noteInputs(io, [full]);
  return readSavedTally(full, displayPath(io, full), "give `survey merge` the outputs of `survey tally --format json`");
}
