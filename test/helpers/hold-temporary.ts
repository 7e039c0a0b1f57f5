// A process that is in the middle of writing an output: it registers a temporary file, says so, and waits
// to be interrupted. test/output-safety.test.ts checks that the interruption removes the file.
import { writeFileSync } from "node:fs";
import { removeTemporariesOnSignal, trackTemporary } from "../../src/cli/output.js";

removeTemporariesOnSignal();
const temp = process.argv[2]!;
writeFileSync(temp, "half of a report");
trackTemporary(temp);
process.stdout.write("writing\n");
setInterval(() => undefined, 1000);
