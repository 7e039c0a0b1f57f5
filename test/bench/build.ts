import { execFileSync } from "node:child_process";

/**
 * Builds what bin/survey.js runs, as `npm run build` does — the WebAssembly module, dist/ and the bundle —
 * so that a bench never times a checkout built before its sources changed. tsc still writes dist/ when a
 * module has type errors: the bench then goes on, as the timed paths may not be the ones in error.
 */
export function buildDist(root: string): void {
  console.log("building dist/ …");
  execFileSync("npm", ["run", "--silent", "build:wasm"], { cwd: root, stdio: "pipe" });
  try {
    execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "pipe" });
  } catch (e) {
    console.log(`(tsc reported type errors; dist/ was still written)\n${String((e as { stdout?: Buffer }).stdout ?? "").slice(0, 500)}`);
  }
  execFileSync("npm", ["run", "--silent", "build:bundle"], { cwd: root, stdio: "pipe" });
}
