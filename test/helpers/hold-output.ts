// A process that is in the middle of writing an output the way writeOutput does: a 1 MB temporary named
// `.NAME.PID.HEX.tmp` beside the output (argv[2]). It prints the temporary's path and waits, to be killed.
import { writeFileSync } from "node:fs";
import { temporaryName } from "../../src/cli/temporaries.js";

const temp = temporaryName(process.argv[2]!);
writeFileSync(temp, Buffer.alloc(1 << 20));
process.stdout.write(`${temp}\n`);
setInterval(() => undefined, 1000);
