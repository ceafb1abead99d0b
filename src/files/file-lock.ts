// `fs.promises` rather than `node:fs/promises`: in the CommonJS entry it loads on first use (atomic-write.ts).
import { promises as fsp } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Exit, InterruptedError, SsoCliError } from "../errors.js";
import { isProcessAlive } from "../lib/process-alive.js";
import { randomHex } from "../lib/random-hex.js";
import { realWriteSystem, renameOver, resolveSymlinks, tempFileName, type WriteSystem } from "./atomic-write.js";
import { errnoCode, fileAccessError, isNotFound } from "./file-access.js";
import { thisMachine, type Machine } from "./this-machine.js";

// A cross-process lock on a file: the folder FILE.lock exists while someone holds it. It is made
// under a temporary name with the holder's pid and host inside, then renamed into place: renaming
// a folder onto one that exists and is not empty fails, atomically, on every local file system, so
// whoever renames first holds the lock, and a lock folder never exists without its owner (a kill
// between the two steps leaves only a temporary folder, which the next write in that folder
// removes). The holder touches the folder while it works; a lock whose holder died is taken over.
// We wrote this instead of adding proper-lockfile: that package uses mkdir and mtime too, but
// cannot tell a dead holder from a slow one by pid and pulls in three dependencies.

export interface FileLockOptions {
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** A lock not touched for this long is abandoned (default 30 s). */
  staleMs?: number;
  /** Wall clock in ms, compared with the lock folder's mtime. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called once, when the lock is found held by someone else and this caller starts to wait. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Stops waiting (InterruptedError) when aborted, e.g. on Ctrl-C. */
  signal?: AbortSignal | undefined;
  /** The platform, machine and calls the lock uses; tests pass other platforms and faults here. */
  system?: Partial<LockSystem> | undefined;
}

export interface LockSystem extends Pick<WriteSystem, "platform" | "rename"> {
  /** This machine, as a lock's owner file records it. */
  machine: Machine;
  isProcessAlive(pid: number): boolean;
}

function realLockSystem(): LockSystem {
  const { platform, rename } = realWriteSystem();
  return { platform, rename, machine: thisMachine(platform), isProcessAlive };
}

/** Who holds a lock, as its owner file says. */
export interface LockHolder {
  pid: number;
  host: string;
}

export class FileLockTimeoutError extends SsoCliError {
  constructor(
    readonly file: string,
    readonly lockPath: string,
    waitedMs: number,
  ) {
    super(
      `Gave up after ${Math.round(waitedMs / 1000)} s waiting for another process to finish writing ${file}.`,
      Exit.config,
      `If no sso-cli is running, remove ${lockPath} and try again.`,
    );
  }
}

interface Owner {
  pid: number;
  host: string;
  token: string;
  /** Absent in owner files of sso-cli before 0.2, whose pids are then not trusted. */
  platform?: string;
  bootId?: string;
}

const OWNER_FILE = "owner.json";
// A lock folder without an owner file was made by hand or by sso-cli before 0.2 (mkdir, then the
// owner file): that old holder may be between the two steps, so the folder is left alone this long.
const OWNERLESS_STALE_MS = 5_000;
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding the lock on `path` (symlinks resolved, so every name of a file shares one
 * lock). Callers in one process queue up instead of polling. Not re-entrant: do not nest two locks
 * on the same file.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  // Queue before the first await, so callers in one process take turns in call order. Two names
  // of one file queue apart here but still exclude each other through the lock folder below.
  const queueKey = resolve(path);
  const previous = queues.get(queueKey) ?? Promise.resolve();
  let finish!: () => void;
  const turn = new Promise<void>((done) => (finish = done));
  const tail = previous.then(() => turn);
  queues.set(queueKey, tail);
  try {
    await previous;
    const lockPath = `${await resolveSymlinks(path)}.lock`;
    return await holdLock(path, lockPath, fn, opts);
  } finally {
    finish();
    if (queues.get(queueKey) === tail) queues.delete(queueKey);
  }
}

async function holdLock<T>(file: string, lockPath: string, fn: () => Promise<T>, opts: FileLockOptions): Promise<T> {
  const { timeoutMs = 20_000, staleMs = 30_000, now = Date.now } = opts;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const system: Lock = { ...realLockSystem(), ...opts.system, sleep };
  const token = await randomHex(8);
  const started = now();
  const acquire = async (): Promise<boolean> => {
    try {
      return await tryAcquire(lockPath, token, system);
    } catch (err) {
      // A read-only or full disk, or a file where the folder should be: say which file, not "unexpected".
      throw fileAccessError(err, file, "lock");
    }
  };
  let told = false;
  for (let attempt = 0; !(await acquire()); attempt++) {
    if (opts.signal?.aborted) throw new InterruptedError();
    const state = await inspectLock(lockPath, staleMs, now, system);
    if (state === "gone") continue;
    if (state === "stale" && (await takeOver(lockPath, staleMs, now, system))) continue;
    if (now() - started >= timeoutMs) throw new FileLockTimeoutError(file, lockPath, now() - started);
    if (!told) {
      told = true;
      const owner = await readOwner(lockPath);
      opts.onWait?.(owner && { pid: owner.pid, host: owner.host });
    }
    // Jittered, growing pauses (5–15 ms up to 100–300 ms) so waiters do not move in step.
    const base = Math.min(10 * 2 ** attempt, 200);
    await sleepUnlessAborted(sleep, base / 2 + Math.random() * base, opts.signal);
  }
  const heartbeat = setInterval(() => {
    const t = new Date(now());
    fsp.utimes(lockPath, t, t).catch(() => undefined);
  }, staleMs / 3);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    // Remove the lock only if it is still ours (not taken over after we stalled).
    const owner = await readOwner(lockPath);
    if (owner === undefined || owner.token === token) await removeLockFolder(lockPath, system);
  }
}

/** A LockSystem with the caller's sleep, for the retries of renames on Windows. */
type Lock = LockSystem & { sleep(ms: number): Promise<void> };

// fs.rm retries these (EBUSY, EPERM, ENOTEMPTY…) with a growing pause; Windows needs it when a
// virus scanner or indexer has a file inside open.
const RM_RETRIES = { maxRetries: 5, retryDelay: 50 };

async function sleepUnlessAborted(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) throw new InterruptedError();
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new InterruptedError());
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

async function tryAcquire(lockPath: string, token: string, system: Lock): Promise<boolean> {
  // Held already (this also keeps an ownerless folder of an earlier version, which rename would
  // replace while empty, waiting out OWNERLESS_STALE_MS).
  if (await fsp.stat(lockPath).catch(() => undefined)) return false;
  // The owner file is written first, in a folder of our own; the rename then publishes both at once.
  // eslint-disable-next-line no-restricted-globals -- the lock records which process owns it: a fact of this process, not an input
  const pid = process.pid;
  // A short name: the lock's own name may already be as long as the file system allows.
  const temp = join(dirname(lockPath), await tempFileName("lock", pid));
  try {
    await fsp.mkdir(temp, { mode: 0o700 });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    // Only writers lock, so creating the missing folder now is no side effect of a read.
    await fsp.mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
    await fsp.mkdir(temp, { mode: 0o700 });
  }
  try {
    const { host, platform, bootId } = system.machine;
    const owner: Owner = { pid, host, token, platform, ...(bootId !== undefined && { bootId }) };
    await fsp.writeFile(join(temp, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
    await system.rename(temp, lockPath);
    return true;
  } catch (err) {
    await fsp.rm(temp, { recursive: true, force: true, ...RM_RETRIES });
    // A lock folder with its owner file is there already: someone else holds the lock.
    const code = errnoCode(err);
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    // Windows says EPERM (or EACCES) when the folder renamed onto exists: held, if it is there now.
    if (system.platform === "win32" && (code === "EPERM" || code === "EACCES") && (await fsp.stat(lockPath).catch(() => undefined)))
      return false;
    throw err;
  }
}

/**
 * Renames the lock folder aside before deleting it: deleting it in place would empty it first,
 * and a folder that is empty for a moment can be replaced by another process's rename, whose
 * owner file the recursive delete would then remove too.
 */
async function removeLockFolder(lockPath: string, system: Lock): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- the aside name carries this process's pid, as temp files do
  const aside = join(dirname(lockPath), await tempFileName("lock", process.pid));
  try {
    await renameOver(lockPath, aside, system);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  await fsp.rm(aside, { recursive: true, force: true, ...RM_RETRIES });
}

async function inspectLock(lockPath: string, staleMs: number, now: () => number, system: Lock): Promise<"gone" | "held" | "stale"> {
  const info = await fsp.stat(lockPath).catch(() => undefined);
  if (info === undefined) return "gone";
  const owner = await readOwner(lockPath);
  const age = now() - info.mtimeMs;
  if (owner === undefined) return age > Math.min(staleMs, OWNERLESS_STALE_MS) ? "stale" : "held";
  if (sameMachine(owner, system.machine) && !system.isProcessAlive(owner.pid)) return "stale";
  return age > staleMs ? "stale" : "held";
}

/** Whether the owner's pid means a process here: same host name, platform and boot. */
function sameMachine(owner: Owner, me: Machine): boolean {
  return owner.host === me.host && owner.platform === me.platform && owner.bootId === me.bootId;
}

// Two waiters may both judge a lock stale; the takeover folder lets only one of them remove it,
// and that one checks again, so a lock just created by a third process is never removed.
async function takeOver(lockPath: string, staleMs: number, now: () => number, system: Lock): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  try {
    await fsp.mkdir(guard, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const info = await fsp.stat(guard).catch(() => undefined);
    if (info && now() - info.mtimeMs > OWNERLESS_STALE_MS) await fsp.rm(guard, { recursive: true, force: true, ...RM_RETRIES });
    return false;
  }
  try {
    if ((await inspectLock(lockPath, staleMs, now, system)) !== "stale") return false;
    await removeLockFolder(lockPath, system);
    return true;
  } finally {
    await fsp.rm(guard, { recursive: true, force: true, ...RM_RETRIES });
  }
}

async function readOwner(lockPath: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await fsp.readFile(join(lockPath, OWNER_FILE), "utf8")) as Partial<Owner>;
    if (typeof owner.pid === "number" && typeof owner.host === "string" && typeof owner.token === "string") {
      const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
      const platform = str(owner.platform);
      const boot = str(owner.bootId);
      return {
        pid: owner.pid,
        host: owner.host,
        token: owner.token,
        ...(platform !== undefined && { platform }),
        ...(boot !== undefined && { bootId: boot }),
      };
    }
  } catch {
    // Missing or half-written: treated as ownerless.
  }
  return undefined;
}
