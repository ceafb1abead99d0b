import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  promises as fsp,
  type Stats,
} from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { isProcessAlive } from "../lib/process-alive.js";
import { randomHex } from "../lib/random-hex.js";
import { FileAccessError } from "../errors.js";
import { decodeUtf8, errnoCode, fileAccessError, isNotFound, notRegularFileError } from "./file-access.js";
import { checkSecretPath } from "./secret-path.js";
import { machineTag, thisMachine, type Machine } from "./this-machine.js";

export { isNotFound } from "./file-access.js";

// `fs.promises` rather than `node:fs/promises`: in the CommonJS entry it is loaded on first use (a
// write), not when a command that only reads starts.

/** Where a write says, in one line, what it did that nobody asked for (stderr, in a command). */
export type WriteNotice = (line: string) => void;

export interface WriteFileAtomicOptions {
  /** Mode of a file that does not exist yet (an existing file keeps its own). */
  newFileMode?: number;
  /** Mode of parent folders that have to be created. */
  dirMode?: number;
  /**
   * The file holds secrets (keys, tokens, a client secret): it is written only where no other user
   * can read or swap it (secret-path.ts), and an existing file that group or others could read is
   * made private (those bits cleared: 0644 becomes 0600), which `notice` is told.
   */
  secret?: boolean;
  /** Told what a write did beyond writing: a file made private, a file written in place. */
  notice?: WriteNotice | undefined;
  /** The platform and file system calls the write uses; tests pass faults and other platforms here. */
  system?: Partial<WriteSystem>;
}

/** A WriteNotice that writes each line to `out` (a command's stderr). */
export function noticeTo(out: { write(text: string): unknown }): WriteNotice {
  return (line) => {
    out.write(`${line}\n`);
  };
}

/** What a caller of a file's writer passes through to writeFileAtomic. */
export type FileWriteOptions = Pick<WriteFileAtomicOptions, "notice" | "system">;

export interface WriteSystem {
  platform: NodeJS.Platform;
  /** The writer's effective uid; undefined where there are none (Windows). */
  uid: number | undefined;
  rename(from: string, to: string): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export function realWriteSystem(): WriteSystem {
  return {
    // eslint-disable-next-line no-restricted-globals -- which platform and user this process is: facts of the process, not inputs
    platform: process.platform,
    // eslint-disable-next-line no-restricted-globals -- as above
    uid: process.geteuid?.(),
    rename: (from, to) => fsp.rename(from, to),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  };
}

const DEV_NULL = "/dev/null";
// Linux gives up at 40 links (ELOOP); so do we.
const MAX_SYMLINKS = 40;
// On Windows a rename fails while another process (an antivirus scanner, an editor, the AWS CLI
// reading the file) holds the target open without delete sharing. Such holds are short:
// graceful-fs retries these three errors with a growing pause, and so do we, for about 2 s in all.
const WINDOWS_RENAME_RETRY = new Set(["EPERM", "EACCES", "EBUSY"]);
const WINDOWS_RENAME_RETRY_MS = 2_000;
// A file mounted on its own (`docker run -v ~/.aws/credentials:/root/.aws/credentials`) cannot be
// replaced by rename: Linux says EBUSY, and EXDEV where the folder is another file system.
const RENAME_IMPOSSIBLE = new Set(["EBUSY", "EXDEV"]);

// `.credentials.sso-cli-4242-1f2e3d4c5b6a.tmp`: the pid says whether the writer still lives. Only
// names that say sso-cli are ever cleaned up: the pid-less `.credentials.1f2e3d4c5b6a.tmp` of
// versions before 0.2 looks like any other tool's temp or backup file (`.backup.0123456789ab.tmp`),
// and deleting someone else's file is worse than leaving one of ours behind.
// The machine tag (this-machine.ts) says whose pids those are when a folder is shared between
// machines; names without one (before 0.3) are judged by age alone.
const TEMP_FILE = /^\..+\.sso-cli-(\d+)-(?:([0-9a-f]{8})-)?[0-9a-f]{12}\.tmp$/;
/** A temp file this old is abandoned even if its pid is alive (pids are reused). */
export const STALE_TEMP_FILE_MS = 10 * 60_000;

/**
 * Replaces a file's contents all at once: a temporary file in the same folder is written, flushed
 * to disk and renamed over the target, so a reader sees the old or the new bytes, never half. A
 * symlink is written through (its final target is replaced; the link stays), and an existing file
 * keeps its mode (less what others may read, for a secret). On any failure the temporary file is
 * removed and the target is untouched.
 *
 * A file the user may not write (chmod 444) is refused, not replaced: a read-only file is the user
 * saying "do not change this", and `aws configure set` refuses it too. Root may write anything,
 * and does, as the AWS CLI does.
 *
 * A file that cannot be replaced by rename because it is mounted on its own is written in place
 * instead, if it did not change meanwhile, and `notice` is told that this write was not atomic.
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
  const { newFileMode = 0o600, dirMode = 0o700, secret = false } = opts;
  const system = { ...realWriteSystem(), ...opts.system };
  try {
    const { target, existing } = await checkTarget(path, secret, system.uid);
    const dir = dirname(target);
    if (existing === undefined) await fsp.mkdir(dir, { recursive: true, mode: dirMode });
    await removeStaleTempFiles(dir);
    const mode = existing ? keptMode(existing, secret) : newFileMode;

    const temp = join(dir, await tempFileName(basename(target)));
    // O_EXCL: never write into a file (or through a symlink) someone else put under that name.
    const handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    let inPlace: string | undefined;
    try {
      try {
        if (typeof data === "string" || data instanceof Uint8Array) await handle.writeFile(data);
        else await writeChunks(handle, data);
        await handle.sync();
        // Set explicitly: the process umask may have narrowed the mode a new file was opened with.
        await handle.chmod(mode);
        if (existing) await handle.chown(existing.uid, existing.gid).catch(() => undefined);
      } finally {
        await handle.close();
      }
      try {
        await renameOver(temp, target, system);
      } catch (err) {
        const code = errnoCode(err);
        if (existing === undefined || system.platform === "win32" || code === undefined || !RENAME_IMPOSSIBLE.has(code)) throw err;
        inPlace = await whyNotRenamed(target, dir, existing, code);
        await copyInPlace(path, temp, target, existing, mode);
        await fsp.rm(temp, { force: true });
      }
    } catch (err) {
      await fsp.rm(temp, { force: true });
      throw err;
    }
    if (inPlace === undefined) await syncDirectory(dir);
    else opts.notice?.(`Wrote ${path} in place, not atomically: ${inPlace}.`);
    if (existing && mode !== (existing.mode & 0o7777)) {
      opts.notice?.(
        `Made ${path} private (mode ${octal(mode)}, was ${octal(existing.mode & 0o7777)}): it holds secrets, which other users could read.`,
      );
    }
  } catch (err) {
    throw fileAccessError(err, path, "write");
  }
}

/** An existing file's mode, without group and other bits when it holds secrets. */
function keptMode(existing: Stats, secret: boolean): number {
  const mode = existing.mode & 0o7777;
  return secret ? mode & 0o700 : mode;
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, "0")}`;
}

/** Renames, retrying on Windows while another process holds the target open (a file or folder). */
export async function renameOver(temp: string, target: string, system: Pick<WriteSystem, "platform" | "rename" | "sleep">): Promise<void> {
  for (let waited = 0, pause = 10; ; pause = Math.min(pause * 2, 400)) {
    try {
      return await system.rename(temp, target);
    } catch (err) {
      const code = errnoCode(err);
      if (system.platform !== "win32" || code === undefined || !WINDOWS_RENAME_RETRY.has(code) || waited >= WINDOWS_RENAME_RETRY_MS)
        throw err;
      await system.sleep(pause);
      waited += pause;
    }
  }
}

async function whyNotRenamed(target: string, dir: string, existing: Stats, code: string): Promise<string> {
  return (await isMountPoint(target, dir, existing))
    ? `it is mounted on its own (a single-file bind mount?), and the system cannot replace a mounted file by rename (${code})`
    : `the system would not replace it by rename (${code})`;
}

/**
 * Whether `target` is a mount point: another device than its folder's, or (a bind mount from the
 * same file system keeps the device) listed in Linux's /proc/self/mountinfo, whose fifth field is
 * the mount point with space, tab, newline and backslash written as octal escapes (proc(5)).
 */
async function isMountPoint(target: string, dir: string, existing: Stats): Promise<boolean> {
  const folder = await fsp.stat(dir).catch(() => undefined);
  if (folder !== undefined && folder.dev !== existing.dev) return true;
  const mounts = await fsp.readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  const real = await fsp.realpath(target).catch(() => target);
  return mounts
    .split("\n")
    .some((line) => line.split(" ")[4]?.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) === real);
}

/**
 * The fallback when the target cannot be replaced: its bytes are overwritten from the finished
 * temp file, on the open file, and only if it is still the file `existing` described (inode, size,
 * change time): otherwise someone wrote it since, and overwriting would lose that.
 */
async function copyInPlace(path: string, temp: string, target: string, existing: Stats, mode: number): Promise<void> {
  const bytes = await fsp.readFile(temp);
  const handle = await fsp.open(target, constants.O_RDWR | (constants.O_NOFOLLOW ?? 0));
  try {
    const now = await handle.stat();
    if (now.ino !== existing.ino || now.size !== existing.size || now.mtimeMs !== existing.mtimeMs || now.ctimeMs !== existing.ctimeMs) {
      throw new FileAccessError(path, "changed while sso-cli was writing it, so it was left as it is now", "Run the command again.");
    }
    await handle.truncate(0);
    for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at, at)).bytesWritten;
    await handle.sync();
    if ((now.mode & 0o7777) !== mode) await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/**
 * What a write of `path` would find, refusing before anything is created: a folder, pipe or
 * device where the file should be; for a secret, a place others could read or swap
 * (checkSecretPath); a file the user may not write.
 */
async function checkTarget(
  path: string,
  secret: boolean,
  uid: number | undefined,
  willWrite = true,
): Promise<{ target: string; existing: Stats | undefined }> {
  const target = await resolveSymlinks(path);
  const existing = statIfExists(target);
  // Renaming over a pipe, a device or a folder would replace something that is not ours to replace.
  if (existing && !existing.isFile()) throw notRegularFileError(path, existing);
  if (secret && uid !== undefined) await checkSecretPath(path, uid);
  if (existing && willWrite) {
    try {
      // The kernel's answer for this user (mode bits, ACLs, immutable files); root may write anything.
      await fsp.access(target, constants.W_OK);
    } catch (err) {
      const code = errnoCode(err);
      if (code !== "EACCES" && code !== "EPERM") throw err;
      throw new FileAccessError(path, "is read-only for you, so sso-cli left it as it is", `To let sso-cli change it: chmod u+w ${path}`, {
        cause: err,
      });
    }
  }
  return { target, existing };
}

/** Writes strings one after another, each turned into bytes only when its turn comes. */
async function writeChunks(handle: FileHandle, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    const bytes = Buffer.from(chunk, "utf8");
    for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
  }
}

/** `.NAME.sso-cli-PID-MACHINE-RANDOM.tmp`: hidden, next to its target, and recognisably sso-cli's. */
// eslint-disable-next-line no-restricted-globals -- the name carries the writing process's own pid, so a later run can tell whether it died
export async function tempFileName(targetName: string, pid = process.pid, machine: Machine = thisMachine()): Promise<string> {
  return `.${targetName}.sso-cli-${pid}-${machineTag(machine)}-${await randomHex(6)}.tmp`;
}

/**
 * Deletes temp files (and temporary lock folders) sso-cli left in `dir` when it was killed mid-write:
 * those whose writer on this machine is no longer running, and any older than STALE_TEMP_FILE_MS.
 * Only names that say sso-cli made them (TEMP_FILE) are touched. Best effort: a temp file that
 * cannot be removed is no reason to fail a write.
 */
// eslint-disable-next-line no-restricted-syntax -- a file's age is judged against its mtime, i.e. the file system's clock, not the command's
export async function removeStaleTempFiles(dir: string, nowMs = Date.now(), machine: Machine = thisMachine()): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const here = machineTag(machine);
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_FILE.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    const file = join(dir, name);
    const info = await fsp.lstat(file).catch(() => undefined);
    // Folders of this name are lock folders in the making or being removed (file-lock.ts).
    if (!info?.isFile() && !info?.isDirectory()) continue;
    // eslint-disable-next-line no-restricted-globals -- never this process's own temp files
    const deadHere = match[2] === here && pid !== process.pid && !isProcessAlive(pid);
    if (!deadHere && nowMs - info.mtimeMs <= STALE_TEMP_FILE_MS) continue;
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
 * Throws FileAccessError unless writeFileAtomic would write `path` (with the same `secret`): for
 * callers that lock a file before writing it, so nothing (not even a lock folder next to /dev/null
 * or next to another user's file) is created for a target that will be refused. A read-only file
 * is refused here only if the caller will certainly write (`willWrite`): one whose edit turns out
 * to change nothing is not written, so it may stay read-only.
 */
export async function checkWritableTarget(
  path: string,
  opts: { secret?: boolean; willWrite?: boolean; system?: Partial<WriteSystem> | undefined } = {},
): Promise<void> {
  try {
    await checkTarget(path, opts.secret === true, { ...realWriteSystem(), ...opts.system }.uid, opts.willWrite === true);
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
