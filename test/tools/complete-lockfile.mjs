#!/usr/bin/env node
// The npm registry this project's machines reach serves only the linux-x64 builds of packages that ship
// one prebuilt binary per platform (@node-rs/jieba, @duckdb/node-bindings). npm then writes a lockfile
// without the other platforms' optional packages, and `npm ci` rejects that lockfile as out of sync.
// This adds the missing entries exactly as npm writes them for a platform it will not install
// (version, os/cpu/libc, optional), so `npm ci` accepts the lockfile and skips them.
// Run it after every `npm install` that changes package-lock.json:  node test/tools/complete-lockfile.mjs
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const OS = ["android", "darwin", "freebsd", "linux", "win32", "openbsd", "netbsd", "sunos", "aix"];
const CPU = ["arm64", "arm", "x64", "ia32", "riscv64", "s390x", "ppc64", "loong64", "wasm32", "mips64el"];

function platformOf(name) {
  const tokens = name.split("/").pop().split("-");
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.find((t) => CPU.includes(t)) ?? (tokens.includes("universal") ? "arm64" : undefined);
  const libc = tokens.some((t) => t === "musl") ? "musl" : tokens.some((t) => t.startsWith("gnu")) || (os === "linux" && cpu) ? "glibc" : undefined;
  return { os, cpu, libc: os === "linux" ? libc : undefined };
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${dep}`;
    if (lock.packages[target] || lock.packages[`${key}/node_modules/${dep}`]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue; // not a per-platform binary: leave it to npm
    const stub = { version };
    if (cpu) stub.cpu = [cpu];
    if (entry.dev) stub.dev = true;
    if (libc) stub.libc = [libc];
    stub.optional = true;
    if (os) stub.os = [os];
    lock.packages[target] = stub;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b, "en")));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: ${added} platform package${added === 1 ? "" : "s"} added`);
