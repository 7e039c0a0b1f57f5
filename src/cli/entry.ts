import { main } from "./main.js";
import { removeTemporariesOnSignal } from "./output.js";

// What bin/survey.js runs: built into dist/bundle/entry.js with the modules and packages it loads at
// start-up (see package.json's build:bundle), or from dist/cli/ when there is no bundle. Tests that need
// a real process (signals) run this file from the sources.
removeTemporariesOnSignal();
process.exitCode = await main(process.argv);
