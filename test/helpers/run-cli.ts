// The CLI as bin/survey.js runs it, but from the TypeScript sources: for tests that need a real process
// (signals, concurrency).
import { main } from "../../src/cli/main.js";
import { removeTemporariesOnSignal } from "../../src/cli/output.js";

removeTemporariesOnSignal();
process.exitCode = await main(process.argv);
