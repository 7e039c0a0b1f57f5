import type { Command } from "commander";
import { surveyJsonSchema } from "../definition/schema.js";
import { EXIT } from "../diagnostics/errors.js";
import type { Run } from "./command.js";
import type { Io } from "./io.js";

export function schemaCommand(program: Command, run: Run): void {
  program
    .command("schema")
    .description("print the JSON Schema of survey.yaml, for editor completion and CI checks")
    .addHelpText(
      "after",
      `
The schema is generated from the same zod schema that checks survey.yaml. Point your editor at it, e.g.
with the YAML extension of VS Code, by a first line in survey.yaml:
  # yaml-language-server: $schema=./survey.schema.json

Example:
  $ survey schema > survey.schema.json`,
    )
    .action(run(schema));
}

async function schema(io: Io): Promise<number> {
  io.stdout(`${JSON.stringify(surveyJsonSchema(), null, 2)}\n`);
  return EXIT.ok;
}
