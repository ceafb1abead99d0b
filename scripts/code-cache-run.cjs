"use strict";
// One run of the entry for scripts/code-cache.mjs: compiled with the cache so far, if any; at
// exit, the code cache of everything compiled (the cache's and this run's) replaces it.
const { renameSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { loadEntry } = require("../dist/cli/launch.cjs");

const entryFile = join(__dirname, "..", "dist", "cli", "entry.cjs");
const entry = loadEntry(entryFile);
process.on("exit", () => {
  const temp = `${entryFile}.cache.${process.pid}.tmp`;
  writeFileSync(temp, entry.createCachedData());
  renameSync(temp, `${entryFile}.cache`);
});
void entry.runEntry(process.argv.slice(2), entry.importModule);
