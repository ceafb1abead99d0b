import { mkdirSync } from "node:fs";
import { isAbsolute, join } from "node:path";

/**
 * What bin/sso-cli runs: turns on Node's own module compile cache (Node ≥ 22.1), then runs the
 * entry beside this file (dist/cli/entry.cjs). Compiling the entry is most of what sso-cli adds to
 * Node's start-up on the commands scripts call most; with the cache, V8 reads the compiled code
 * back from disk. On Node 20 there is no such cache: the entry is compiled from source, and works
 * the same.
 */
export function launch(argv: string[]): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- the launcher is where the process's environment is first read
  enableCompileCache(process.env, process.versions.node);
  // Required here, after the cache is on, so the entry itself is read from it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS sibling, left out of this file's bundle
  const { runEntry } = require("./entry.cjs") as typeof import("./entry.js");
  return runEntry(argv);
}

type EnableCompileCache = (directory: string) => { status: number; directory?: string };

/**
 * Where the compiled code of sso-cli is kept: NODE_COMPILE_CACHE when the user set it, else a
 * folder of the user's own cache home that only they can write (0700), never Node's default in
 * the shared temp folder, where another local user could plant compiled code for this one to run.
 * None (no HOME, Node 20, NODE_DISABLE_COMPILE_CACHE=1): undefined, and nothing is cached.
 */
export function compileCacheDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  const cacheHome =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : env.HOME && isAbsolute(env.HOME)
        ? join(env.HOME, ".cache")
        : undefined;
  return cacheHome && join(cacheHome, "sso-cli", "compile-cache");
}

function enableCompileCache(env: Readonly<Record<string, string | undefined>>, nodeVersion: string): void {
  // Node 20 has no compile cache: there even loading node:module (about half a millisecond) is skipped.
  if (Number(nodeVersion.split(".")[0]) < 22 || env.NODE_DISABLE_COMPILE_CACHE) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where it has something to give
  const enable = (require("node:module") as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (!enable) return;
  const directory = compileCacheDirectory(env);
  if (!directory) return;
  try {
    // Node makes the folder if missing, as anyone may read it; made here first, it is the user's alone.
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch {
    return; // a read-only or odd HOME: no cache, the same answers
  }
  enable(directory);
}
