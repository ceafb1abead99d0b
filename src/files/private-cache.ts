import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join } from "node:path";

/**
 * Files of sso-cli's own in the user's cache home (`~/.cache/sso-cli`): the entry's compiled code
 * (cli/code-cache.entry.ts) and the profiles the hot path resolved (role-keys/profile-memo.entry.ts).
 * What they hold decides what runs and which keys are printed, so they are read only from a real
 * folder (not a link) and a regular file that this user owns and no one else can write, and made so.
 * Everything here is best effort: a cache that cannot be read or written only costs time.
 */

/** A private folder of this user's, and what writing into it needs (files/private-cache.ts). */
export interface PrivateFolder {
  dir: string;
  /** The process's user (undefined where the platform has none): what owns the folder and its files. */
  uid: number | undefined;
  /** The process's id, which names a temp file while it is written. */
  pid: number;
}

/**
 * sso-cli's folder in the user's cache home: `$XDG_CACHE_HOME/sso-cli`, else `~/.cache/sso-cli`;
 * undefined without an absolute one (nothing is cached then).
 */
export function ssoCliCacheHome(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const cacheHome =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : env.HOME && isAbsolute(env.HOME)
        ? join(env.HOME, ".cache")
        : undefined;
  return cacheHome && join(cacheHome, "sso-cli");
}

/**
 * Owned by `uid` (where the platform has users) and writable by no one else. A folder others can
 * write could have its files swapped; a file others can write could have its contents changed.
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
 * The bytes of `dir/name`, or undefined when there is no such file, it is larger than `maxBytes`,
 * or it is not to be trusted: a link, not a regular file, or a file or folder owned by another user
 * or writable by others.
 */
export function readPrivateFile(dir: string, name: string, uid: number | undefined, maxBytes: number): Buffer | undefined {
  if (!trustedFolder(dir, uid)) return undefined;
  let fd: number;
  try {
    fd = openSync(join(dir, name), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || !ownedAndPrivate(stats, uid) || stats.size > maxBytes) return undefined;
    // The file just checked, through its descriptor: a swap after the check changes nothing.
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `dir/name` (0600, a temp file renamed into place) in a folder ensurePrivateFolder accepts
 * or makes. False when nothing was written.
 */
export function writePrivateFile(dir: string, name: string, data: string | Uint8Array, uid: number | undefined, pid: number): boolean {
  try {
    if (!ensurePrivateFolder(dir, uid)) return false;
    const temp = join(dir, `.${name}.${pid}.tmp`);
    writeFileSync(temp, data, { mode: 0o600, flag: "wx" });
    try {
      renameSync(temp, join(dir, name));
    } catch {
      rmSync(temp, { force: true });
      return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** The most folders ensurePrivateFolder makes: `.cache`, `sso-cli` and `compile-cache` under a home. */
const MAX_MADE_LEVELS = 3;

/**
 * True when `dir` is a folder of this user's that no one else can write, made 0700 if missing.
 * Nothing is made under a parent that belongs to another user (`sudo` with the user's HOME): root's
 * files there would be useless to the user, and a folder made by root would stop the user's own.
 */
export function ensurePrivateFolder(dir: string, uid: number | undefined): boolean {
  if (trustedFolder(dir, uid)) return true;
  // The nearest existing folder above must be this user's, and near: at most `.cache/sso-cli/…` is
  // made. A process that outlives its HOME (an emulator or `serve` whose throwaway HOME was
  // deleted) writes its cache at exit: it must not make that HOME again.
  let above = dirname(dir);
  for (let missing = 1; ; missing++) {
    if (missing > MAX_MADE_LEVELS) return false;
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
