import { setFlagsFromString } from "node:v8";
import { main } from "./main.js";
import { removeTemporariesOnSignal } from "./output.js";

// What bin/survey.js runs: built into dist/bundle/entry.js with the modules and packages it loads at
// start-up (see package.json's build:bundle), or from dist/cli/ when there is no bundle. Tests that need
// a real process (signals) run this file from the sources.
// V8 lets a heap grow up to several times what the last full collection kept before collecting again;
// reading a big file makes short-lived strings by the million on two threads, so that slack was a third of
// the peak memory. Growing by 30% at most: peak RSS of the bench's real-shaped 1M tally 330-360 -> about
// 290 MB, at no measurable cost in time (`npm run bench`). A GC heuristic, read at each collection, so it
// may be set now; every thread of the process shares it.
setFlagsFromString("--heap-growing-percent=30");
removeTemporariesOnSignal();
process.exitCode = await main(process.argv);
