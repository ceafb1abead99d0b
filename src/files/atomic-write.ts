import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, realpathSync, statSync, promises as fsp, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { isProcessAlive } from "../lib/process-alive.js";
import { randomHex } from "../lib/random-hex.js";
import { decodeUtf8, fileAccessError, isNotFound, notRegularFileError } from "./file-access.js";

export { isNotFound } from "./file-access.js";

// `fs.promises` rather than `node:fs/promises`: in the CommonJS entry it is loaded on first use (a
// write), not when a command that only reads starts.

export interface WriteFileAtomicOptions {
  /** Mode of a file that does not exist yet (an existing file keeps its own). */
  newFileMode?: number;
  /** Mode of parent folders that have to be created. */
  dirMode?: number;
}

const DEV_NULL = "/dev/null";
// Linux gives up at 40 links (ELOOP); so do we.
const MAX_SYMLINKS = 40;

// `.credentials.sso-cli-4242-1f2e3d4c5b6a.tmp`: the pid says whether the writer still lives. Only
// names that say sso-cli are ever cleaned up: the pid-less `.credentials.1f2e3d4c5b6a.tmp` of
// versions before 0.2 looks like any other tool's temp or backup file (`.backup.0123456789ab.tmp`),
// and deleting someone else's file is worse than leaving one of ours behind.
const TEMP_FILE = /^\..+\.sso-cli-(\d+)-[0-9a-f]{12}\.tmp$/;
/** A temp file this old is abandoned even if its pid is alive (pids are reused). */
export const STALE_TEMP_FILE_MS = 10 * 60_000;

/**
 * Replaces a file's contents all at once: a temporary file in the same folder is written, flushed
 * to disk and renamed over the target, so a reader sees the old or the new bytes, never half. A
 * symlink is written through (its final target is replaced; the link stays), and an existing file
 * keeps its mode. On any failure the temporary file is removed and the target is untouched.
 *
 * The temporary file is created exclusively and 0600, and gets the target's mode only just before
 * the rename: it holds the same secrets as the target, and a process killed mid-write must not
 * leave them readable by others. Temp files that crashed writers left behind in the folder are
 * removed first.
 *
 * `data` may be strings to write one after another (each whole characters), so that a big file is
 * never held whole as text and again as bytes.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | Iterable<string>,
  opts: WriteFileAtomicOptions = {},
): Promise<void> {
  const { newFileMode = 0o600, dirMode = 0o700 } = opts;
  try {
    const target = await resolveSymlinks(path);
    const dir = dirname(target);
    const existing = await statIfExists(target);
    // Renaming over a pipe, a device or a folder would replace something that is not ours to replace.
    if (existing && !existing.isFile()) throw notRegularFileError(path, existing);
    if (existing === undefined) await fsp.mkdir(dir, { recursive: true, mode: dirMode });
    await removeStaleTempFiles(dir);

    const temp = join(dir, await tempFileName(basename(target)));
    // O_EXCL: never write into a file (or through a symlink) someone else put under that name.
    const handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      try {
        if (typeof data === "string" || data instanceof Uint8Array) await handle.writeFile(data);
        else await writeChunks(handle, data);
        await handle.sync();
        // Set explicitly: the process umask may have narrowed the mode a new file was opened with.
        await handle.chmod(existing ? existing.mode & 0o7777 : newFileMode);
        if (existing) await handle.chown(existing.uid, existing.gid).catch(() => undefined);
      } finally {
        await handle.close();
      }
      await fsp.rename(temp, target);
    } catch (err) {
      await fsp.rm(temp, { force: true });
      throw err;
    }
    await syncDirectory(dir);
  } catch (err) {
    throw fileAccessError(err, path, "write");
  }
}

/** Writes strings one after another, each turned into bytes only when its turn comes. */
async function writeChunks(handle: FileHandle, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    const bytes = Buffer.from(chunk, "utf8");
    for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
  }
}

/** `.NAME.sso-cli-PID-RANDOM.tmp`: hidden, next to its target, and recognisably sso-cli's. */
// eslint-disable-next-line no-restricted-globals -- the name carries the writing process's own pid, so a later run can tell whether it died
export async function tempFileName(targetName: string, pid = process.pid): Promise<string> {
  return `.${targetName}.sso-cli-${pid}-${await randomHex(6)}.tmp`;
}

/**
 * Deletes temp files (and temporary lock folders) sso-cli left in `dir` when it was killed mid-write:
 * those whose writer is no longer running, and any older than STALE_TEMP_FILE_MS. Only names
 * that say sso-cli made them (TEMP_FILE) are touched. Best effort: a temp file that cannot be removed is no reason to fail a write.
 */
// eslint-disable-next-line no-restricted-syntax -- a file's age is judged against its mtime, i.e. the file system's clock, not the command's
export async function removeStaleTempFiles(dir: string, nowMs = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = TEMP_FILE.exec(name)?.[1];
    if (pid === undefined) continue;
    const file = join(dir, name);
    const info = await fsp.lstat(file).catch(() => undefined);
    // Folders of this name are lock folders in the making or being removed (file-lock.ts).
    if (!info?.isFile() && !info?.isDirectory()) continue;
    // eslint-disable-next-line no-restricted-globals -- never this process's own temp files
    const abandoned = (Number(pid) !== process.pid && !isProcessAlive(Number(pid))) || nowMs - info.mtimeMs > STALE_TEMP_FILE_MS;
    if (!abandoned) continue;
    try {
      if (info.isDirectory()) await fsp.rm(file, { recursive: true });
      else await fsp.unlink(file);
      removed.push(name);
    } catch {
      // Gone meanwhile, or not ours to delete: either way nothing to do.
    }
  }
  return removed;
}

/**
 * Throws FileAccessError unless `path` (through its symlinks) is a regular file or does not exist:
 * for callers that lock a file before writing it, so nothing (not even a lock folder next to
 * /dev/null) is created for a target that will be refused.
 */
export async function checkWritableTarget(path: string): Promise<void> {
  try {
    const info = await statIfExists(path);
    if (info && !info.isFile()) throw notRegularFileError(path, info);
  } catch (err) {
    throw fileAccessError(err, path, "write");
  }
}

/**
 * The file's text, or undefined when it does not exist. Never creates anything. A folder, pipe or
 * device is refused before anything is read (reading a pipe would wait forever), and bytes that
 * are not UTF-8 are refused with the line (FileFormatError) rather than replaced.
 */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  const bytes = await readBytesIfExists(path);
  return bytes === undefined ? undefined : decodeUtf8(bytes, path);
}

// Reads are synchronous on purpose. They run once per file per command, on files of kilobytes (a
// 50,000-profile config is a few MB), where the blocking is a fraction of a millisecond; the async
// versions would cost more than they save: the first one starts libuv's thread pool and loads
// node:fs/promises (with readline and the stream modules behind it), which is a measurable part
// of the up-to-date `login` a script runs before every job. Writes stay asynchronous.

async function readBytesIfExists(path: string): Promise<Buffer | undefined> {
  try {
    const info = statIfExists(path);
    if (info === undefined) return undefined;
    // AWS_CONFIG_FILE=/dev/null is the usual way to say "no config file"; it reads as empty
    // (and, as every device, is never written: writeFileAtomic refuses it).
    if (isDevNullSync(path, info)) return Buffer.alloc(0);
    if (!info.isFile()) throw notRegularFileError(path, info);
    // Checked again on the open file, in case it was swapped meanwhile. O_NONBLOCK: opening a pipe
    // for reading would otherwise wait for a writer.
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const opened = fstatSync(fd);
      if (!opened.isFile()) throw notRegularFileError(path, opened);
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw fileAccessError(err, path, "read");
  }
}

/** `/dev/null` itself (or a link to it): read as empty, never written. */
export async function isDevNull(path: string, info?: Stats): Promise<boolean> {
  return isDevNullSync(path, info);
}

function isDevNullSync(path: string, info?: Stats): boolean {
  let stats = info;
  try {
    stats ??= statSync(path);
    return stats.isCharacterDevice() && realpathSync(path) === DEV_NULL;
  } catch {
    return false;
  }
}

function statIfExists(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Follows symlinks one hop at a time (a dangling link resolves to the path it points at), so a
 * write replaces the real file and a lock guards the real file whichever link names it.
 */
export async function resolveSymlinks(path: string): Promise<string> {
  let current = resolve(path);
  try {
    for (let hops = 0; hops <= MAX_SYMLINKS; hops++) {
      let info: Stats | undefined;
      try {
        info = lstatSync(current);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (!info?.isSymbolicLink()) return current;
      current = resolve(dirname(current), readlinkSync(current));
    }
  } catch (err) {
    throw fileAccessError(err, path, "read");
  }
  throw fileAccessError(Object.assign(new Error(`Too many symbolic links: ${path}`), { code: "ELOOP" }), path, "read");
}

// Makes the rename itself durable. Not every platform can open a folder (Windows cannot): best effort.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fsp.open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The data is already flushed; only the rename's durability is at stake.
  }
}
