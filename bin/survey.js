#!/usr/bin/env node
import { main } from "../dist/cli/main.js";
import { removeTemporariesOnSignal } from "../dist/cli/output.js";

removeTemporariesOnSignal();
process.exitCode = await main(process.argv);
