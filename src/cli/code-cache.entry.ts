import { lstatSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readPrivateFile, ssoCliCacheHome, writePrivateFile } from "../files/private-cache.js";

/**
 * The entry's V8 code cache, made by each user's own runs and kept in their own cache folder.
 *
 * Compiling `dist/cli/entry.cjs` is most of what sso-cli adds to Node's own start-up on the
 * commands scripts run before every AWS call. V8 compiles a function when it is first called, so a
 * cache made right after compiling the file (what Node's own compile cache keeps) holds the top
 * level only. This cache is made when the command has run (`script.createCachedData()` at exit),
 * so it holds every function the command needed. A cache made by `npm run build` would be refused
 * by every Node but the one that built it; made at the user's first run, it fits their Node.
 *
 * One cache per route the entry takes (routeOf): the functions `credential-process` needs are not
 * those of `login`, and each route's cache holds only its own. A cache is a file of compiled code
 * that Node runs: it is read only from a folder and a file that this user owns and no one else can
 * write (docs/SECURITY.md).
 */

/** At most this many cache files are kept (builds × Node versions × routes); the oldest go first. */
export const MAX_CACHE_FILES = 32;
/** A cache larger than this is not ours: the entry's whole cache is a few hundred kB. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;

/** The entry's source wrapped as Node wraps a CommonJS module: compiled, it is the module's function. */
export function wrapEntry(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

export type Route = "text" | "credentials" | "login" | "other";

/**
 * The route the entry will take for these arguments, from the first word alone (a guess that is
 * only ever as good as the cache it picks: `--debug credential-process` reads the "other" cache).
 */
export function routeOf(argv: readonly string[]): Route {
  const first = argv[0];
  if (argv.length === 1 && (first === "--version" || first === "-V" || first === "--help" || first === "-h")) return "text";
  if (first === "credential-process" || first === "export") return "credentials";
  if (first === "login") return "login";
  return "other";
}

export type EntryFile = "entry.cjs" | "entry-remembered.cjs";

/**
 * The entry file for a route: the hot commands start from the copy that holds only the answers
 * remembered from the files (src/cli/entry.ts, SSO_CLI_ENTRY_ROUTES), so there is less to read, to
 * take from the cache and to set up; it hands anything else to the whole entry.
 */
export function entryFileFor(route: Route): EntryFile {
  return route === "credentials" || route === "login" ? "entry-remembered.cjs" : "entry.cjs";
}

/**
 * The folder of sso-cli's compiled code: NODE_COMPILE_CACHE when the user set it, else a folder of
 * the user's own cache home (`$XDG_CACHE_HOME/sso-cli/compile-cache`, `~/.cache/sso-cli/compile-cache`),
 * never the shared temp folder, where another local user could plant compiled code for this one to
 * run. Undefined (nothing is cached) with NODE_DISABLE_COMPILE_CACHE set or no absolute home.
 */
export function compileCacheDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  const home = ssoCliCacheHome(env);
  return home && join(home, "compile-cache");
}

/** The cache file's name: the build of the entry, the Node that compiled it, the route. */
export function cacheFileName(buildId: string, nodeVersion: string, arch: string, route: Route): string {
  return `entry-${buildId}-${nodeVersion}-${arch}-${route}.bin`;
}

/**
 * The cache in `dir/name`, or undefined when there is none or it is not to be trusted: a link, not
 * a regular file, or a file or folder owned by another user or writable by others.
 */
export function readCodeCache(dir: string, name: string, uid: number | undefined): Buffer | undefined {
  return readPrivateFile(dir, name, uid, MAX_CACHE_BYTES);
}

/**
 * Writes the cache as `dir/name` and keeps at most MAX_CACHE_FILES caches in the folder. Best
 * effort: a cache that cannot be written (a read-only home, a full disk, a folder of another
 * user's) only means the next run compiles again.
 */
export function writeCodeCache(dir: string, name: string, data: Buffer, uid: number | undefined, pid: number): void {
  if (!writePrivateFile(dir, name, data, uid, pid)) return;
  try {
    pruneCaches(dir, name);
  } catch {
    // best effort (above)
  }
}

/** Removes the oldest entry caches beyond MAX_CACHE_FILES (other builds and Node versions first in time). */
function pruneCaches(dir: string, keep: string): void {
  const caches = readdirSync(dir).filter((f) => f.startsWith("entry-") && f.endsWith(".bin") && f !== keep);
  if (caches.length < MAX_CACHE_FILES) return;
  const dated = caches.map((f) => ({ f, at: lstatSync(join(dir, f)).mtimeMs })).sort((a, b) => a.at - b.at);
  for (const { f } of dated.slice(0, caches.length - (MAX_CACHE_FILES - 1))) rmSync(join(dir, f), { force: true });
}
