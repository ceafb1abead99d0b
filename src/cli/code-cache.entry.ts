import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join } from "node:path";

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

export type EntryFile = "entry.cjs" | "entry-credentials.cjs" | "entry-login.cjs";

/**
 * The entry file for a route: the hot commands' own copies hold their route alone (src/cli/entry.ts,
 * SSO_CLI_ENTRY_ROUTES), so there is less to read, to take from the cache and to set up.
 */
export function entryFileFor(route: Route): EntryFile {
  return route === "credentials" ? "entry-credentials.cjs" : route === "login" ? "entry-login.cjs" : "entry.cjs";
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
  const cacheHome =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : env.HOME && isAbsolute(env.HOME)
        ? join(env.HOME, ".cache")
        : undefined;
  return cacheHome && join(cacheHome, "sso-cli", "compile-cache");
}

/** The cache file's name: the build of the entry, the Node that compiled it, the route. */
export function cacheFileName(buildId: string, nodeVersion: string, arch: string, route: Route): string {
  return `entry-${buildId}-${nodeVersion}-${arch}-${route}.bin`;
}

/**
 * Owned by `uid` (where the platform has users) and writable by no one else. A folder others can
 * write could have its files swapped; a file others can write could have its code changed.
 */
function ownedAndPrivate(stats: { uid: number; mode: number }, uid: number | undefined): boolean {
  return uid === undefined || (stats.uid === uid && (stats.mode & 0o022) === 0);
}

/** The folder, if it is a real folder (not a link) of this user's that no one else can write. */
function trustedFolder(dir: string, uid: number | undefined): boolean {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && ownedAndPrivate(stats, uid);
  } catch {
    return false;
  }
}

/**
 * The cache in `dir/name`, or undefined when there is none or it is not to be trusted: a link, not
 * a regular file, or a file or folder owned by another user or writable by others.
 */
export function readCodeCache(dir: string, name: string, uid: number | undefined): Buffer | undefined {
  if (!trustedFolder(dir, uid)) return undefined;
  let fd: number;
  try {
    fd = openSync(join(dir, name), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || !ownedAndPrivate(stats, uid) || stats.size > MAX_CACHE_BYTES) return undefined;
    // The file just checked, through its descriptor: a swap after the check changes nothing.
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the cache as `dir/name` (a private temp file renamed into place) and keeps at most
 * MAX_CACHE_FILES caches in the folder. Best effort: a cache that cannot be written (a read-only
 * home, a full disk) only means the next run compiles again.
 *
 * Nothing is written when the cache home belongs to another user (`sudo` with the user's HOME):
 * root's files there would be useless to the user, and a folder made by root would stop the user's
 * own cache.
 */
export function writeCodeCache(dir: string, name: string, data: Buffer, uid: number | undefined, pid: number): void {
  try {
    if (!ensureCacheFolder(dir, uid)) return;
    const temp = join(dir, `.${name}.${pid}.tmp`);
    writeFileSync(temp, data, { mode: 0o600, flag: "wx" });
    try {
      renameSync(temp, join(dir, name));
    } catch {
      rmSync(temp, { force: true });
      return;
    }
    pruneCaches(dir, name);
  } catch {
    // best effort (above)
  }
}

/**
 * True when `dir` is a folder of this user's that no one else can write, made 0700 if missing
 * (under a parent this user owns). Node's own compile cache is turned on only in such a folder too.
 */
export function ensureCacheFolder(dir: string, uid: number | undefined): boolean {
  if (trustedFolder(dir, uid)) return true;
  // The nearest existing folder above must be this user's: under sudo's kept HOME it is not.
  let above = dirname(dir);
  for (;;) {
    try {
      if (uid !== undefined && statSync(above).uid !== uid) return false;
      break;
    } catch {
      const up = dirname(above);
      if (up === above) return false;
      above = up;
    }
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false; // a read-only or odd home: no cache, the same answers
  }
  return trustedFolder(dir, uid);
}

/** Removes the oldest entry caches beyond MAX_CACHE_FILES (other builds and Node versions first in time). */
function pruneCaches(dir: string, keep: string): void {
  const caches = readdirSync(dir).filter((f) => f.startsWith("entry-") && f.endsWith(".bin") && f !== keep);
  if (caches.length < MAX_CACHE_FILES) return;
  const dated = caches.map((f) => ({ f, at: lstatSync(join(dir, f)).mtimeMs })).sort((a, b) => a.at - b.at);
  for (const { f } of dated.slice(0, caches.length - (MAX_CACHE_FILES - 1))) rmSync(join(dir, f), { force: true });
}
