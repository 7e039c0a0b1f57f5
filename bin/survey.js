#!/usr/bin/env node
// The CLI as one bundle (dist/bundle/, by `npm run build`): a command loads a few files instead of some
// 250 modules, which took 0.1 s of every start. A checkout built by tsc alone runs dist/cli/ instead.
try {
  await import("../dist/bundle/entry.js");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !/dist[\\/]bundle[\\/]entry\.js/.test(String(err.message))) throw err;
  await import("../dist/cli/entry.js");
}
