import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import type { ImportModule } from "./entry.js";

/**
 * What bin/sso-cli runs: dist/cli/entry.cjs, compiled with the V8 code cache `npm run build` left
 * beside it (dist/cli/entry.cjs.cache, made by scripts/code-cache.mjs from runs of the commands
 * scripts call most). Compiling the entry is most of what sso-cli adds to Node's own start-up on
 * those commands; with the cache V8 skips it, including the functions those runs compiled lazily.
 * A cache this Node does not accept (another Node version, other V8 flags) or no cache at all:
 * the entry is compiled from source, as `require` would, and works the same.
 *
 * The entry is wrapped as Node wraps a CommonJS module, and loads ES modules through the `import()`
 * of this file (code compiled from a code cache cannot call `import()` itself on Node 20).
 */
export interface LoadedEntry {
  runEntry(argv: string[], importModule: ImportModule): Promise<void>;
  /** True when V8 accepted the code cache; false without one, or when it was rejected. */
  cacheAccepted: boolean;
  /** The code cache for everything compiled so far (for scripts/code-cache.mjs). */
  createCachedData(): Buffer;
  /** Loads an ES module for the entry: `./x` relative to the entry's folder, a package by name. */
  importModule: ImportModule;
}

const HEAD = "(function (exports, require, module, __filename, __dirname) { ";
const TAIL = "\n});";

export function loadEntry(entryFile: string, cacheFile = `${entryFile}.cache`): LoadedEntry {
  const source = readFileSync(entryFile, "utf8");
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache (a build that could not make one): compile from source.
  }
  const script = new Script(HEAD + source + TAIL, { filename: entryFile, ...(cachedData ? { cachedData } : {}) });
  const dir = dirname(entryFile);
  const module = { exports: {} as Record<string, unknown> };
  // The entry requires only Node's own modules, and lives beside this file: this file's `require`
  // serves it as one made for the entry would (node:module's createRequire costs ~0.4 ms to load).
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, entryFile, dir);
  return {
    runEntry: module.exports.runEntry as LoadedEntry["runEntry"],
    cacheAccepted: cachedData !== undefined && !script.cachedDataRejected,
    createCachedData: () => script.createCachedData(),
    importModule: (specifier) => import(specifier.startsWith("./") ? pathToFileURL(join(dir, specifier)).href : specifier),
  };
}

/** What bin/sso-cli calls: the entry beside this file (dist/cli/entry.cjs), run with the process's arguments. */
export function launch(argv: string[]): Promise<void> {
  // This file runs as dist/cli/launch.cjs, a CommonJS module: __dirname is dist/cli.
  const entry = loadEntry(join(__dirname, "entry.cjs"));
  return entry.runEntry(argv, entry.importModule);
}
