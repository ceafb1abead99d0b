import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import {
  cacheFileName,
  compileCacheDirectory,
  type EntryFile,
  entryFileFor,
  readCodeCache,
  routeOf,
  wrapEntry,
  writeCodeCache,
} from "./code-cache.entry.js";
import type { EntryHost } from "./entry-host.entry.js";
import { ensurePrivateFolder } from "../files/private-cache.js";

/** Each entry file's build (a hash of its code), set by scripts/build.mjs. */
declare const SSO_CLI_ENTRY_BUILDS: Record<EntryFile, string>;

/**
 * What bin/sso-cli does (built from bin.ts and this file): runs the entry in `distCli` for the
 * command line's route (dist/cli/entry.cjs, or for `login`, `credential-process` and `export` the
 * copy that answers from what they remembered: entryFileFor), compiled with the code cache the
 * user's earlier runs of the same route left (code-cache.entry.ts). With no cache, or one this
 * Node refuses (another V8, other V8 flags), V8 compiles the entry from source, and the cache is
 * written when the command ends, for the next run.
 *
 * The entry is wrapped as Node wraps a CommonJS module. Code compiled with a code cache cannot
 * call `import()` itself on Node 20, so the entry loads its ES modules (main.js, the browser
 * launcher) through `importModule`, from this file; that is also where Node's own compile cache is
 * turned on (Node ≥ 22.1), for the ES-module bundle only: the hot paths never load it.
 */
export function launch(argv: string[], distCli: string): Promise<void> {
  const route = routeOf(argv);
  const { env } = process;
  const dir = compileCacheDirectory(env);
  const uid = process.getuid?.();
  /** An entry file of dist/cli, compiled with this route's code cache (the cache written at exit when it had none). */
  const load = (file: EntryFile): EntryModule | undefined => {
    const entryFile = join(distCli, file);
    const name = cacheFileName(SSO_CLI_ENTRY_BUILDS[file], process.version, process.arch, route);
    const cachedData = dir === undefined ? undefined : readCodeCache(dir, name, uid);
    let source: string;
    try {
      source = readFileSync(entryFile, "utf8");
    } catch (err) {
      // The same line as the entry's for a missing main bundle.
      process.stderr.write(
        `sso-cli: cannot load dist/ (${(err as NodeJS.ErrnoException).code}); run npm install (it builds) or npm run build.\n`,
      );
      process.exitCode = 255;
      return undefined;
    }
    const script = new Script(wrapEntry(source), { filename: entryFile, cachedData });
    if (dir !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
      // At exit, when everything the command ran has been compiled.
      process.once("exit", () => writeCodeCache(dir, name, script.createCachedData(), uid, process.pid));
    }
    const module = { exports: {} as EntryModule };
    // The entry requires only Node's own modules: bin/sso-cli's `require` serves it as its own would.
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, entryFile, distCli);
    return module.exports;
  };
  let compileCacheOn = false;
  const host: EntryHost = {
    importModule: (specifier) => {
      if (!compileCacheOn) {
        compileCacheOn = true;
        enableNodeCompileCache(dir, uid, process.versions.node);
      }
      return import(pathToFileURL(join(distCli, specifier)).href);
    },
    loadEntry: (file) => {
      const loaded = load(file);
      if (loaded === undefined) throw new Error(`cannot load dist/cli/${file}`);
      return loaded;
    },
  };
  const entry = load(entryFileFor(route));
  return entry === undefined ? Promise.resolve() : entry.runEntry(argv, host);
}

type EntryModule = typeof import("./entry.js");

type EnableCompileCache = (directory: string) => { status: number; directory?: string };

/** Node's own compile cache for the ES modules a command loads, in the same folder (none on Node 20). */
function enableNodeCompileCache(dir: string | undefined, uid: number | undefined, nodeVersion: string): void {
  if (dir === undefined || Number(nodeVersion.split(".")[0]) < 22) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where it has something to give
  const enable = (require("node:module") as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  // Node makes the folder if missing, as anyone may read it; made here first, it is the user's alone.
  if (!enable || !ensurePrivateFolder(dir, uid)) return;
  enable(dir);
}
