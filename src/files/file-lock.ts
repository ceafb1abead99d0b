import { promises as fsp } from "node:fs";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Exit, SsoCliError } from "../errors.js";
import { isProcessAlive } from "../lib/process-alive.js";
import { resolveSymlinks } from "./atomic-write.js";
import { fileAccessError, isNotFound } from "./file-access.js";

// A cross-process lock on a file: `mkdir FILE.lock` either creates the folder or fails, atomically,
// on every local file system (and NFS), so whoever creates it holds the lock. The holder records
// its pid and host inside and touches the folder while it works; a lock whose holder died is taken
// over. We wrote this (80 lines) instead of adding proper-lockfile: that package also uses mkdir
// and mtime, but cannot tell a dead holder from a slow one by pid and pulls in three dependencies.

export interface FileLockOptions {
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** A lock not touched for this long is abandoned (default 30 s). */
  staleMs?: number;
  /** Wall clock in ms, compared with the lock folder's mtime. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
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
}

const OWNER_FILE = "owner.json";
// A lock folder without an owner file this old lost its holder between mkdir and writing the file.
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
  const token = randomBytes(8).toString("hex");
  const started = now();
  const acquire = async (): Promise<boolean> => {
    try {
      return await tryAcquire(lockPath, token);
    } catch (err) {
      // A read-only or full disk, or a file where the folder should be: say which file, not "unexpected".
      throw fileAccessError(err, file, "lock");
    }
  };
  for (let attempt = 0; !(await acquire()); attempt++) {
    const state = await inspectLock(lockPath, staleMs, now);
    if (state === "gone") continue;
    if (state === "stale" && (await takeOver(lockPath, staleMs, now))) continue;
    if (now() - started >= timeoutMs) throw new FileLockTimeoutError(file, lockPath, now() - started);
    // Jittered, growing pauses (5–15 ms up to 100–300 ms) so waiters do not move in step.
    const base = Math.min(10 * 2 ** attempt, 200);
    await sleep(base / 2 + Math.random() * base);
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
    if (owner === undefined || owner.token === token) await fsp.rm(lockPath, { recursive: true, force: true });
  }
}

async function tryAcquire(lockPath: string, token: string): Promise<boolean> {
  try {
    await fsp.mkdir(lockPath, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    if (!isNotFound(err)) throw err;
    // Only writers lock, so creating the missing folder now is no side effect of a read.
    await fsp.mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
    return tryAcquire(lockPath, token);
  }
  try {
    // eslint-disable-next-line no-restricted-globals -- the lock records which process owns it: a fact of this process, not an input
    const owner: Owner = { pid: process.pid, host: hostname(), token };
    await fsp.writeFile(join(lockPath, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
  } catch (err) {
    await fsp.rm(lockPath, { recursive: true, force: true });
    throw err;
  }
  return true;
}

async function inspectLock(lockPath: string, staleMs: number, now: () => number): Promise<"gone" | "held" | "stale"> {
  const info = await fsp.stat(lockPath).catch(() => undefined);
  if (info === undefined) return "gone";
  const owner = await readOwner(lockPath);
  const age = now() - info.mtimeMs;
  if (owner === undefined) return age > Math.min(staleMs, OWNERLESS_STALE_MS) ? "stale" : "held";
  if (owner.host === hostname() && !isProcessAlive(owner.pid)) return "stale";
  return age > staleMs ? "stale" : "held";
}

// Two waiters may both judge a lock stale; the takeover folder lets only one of them remove it,
// and that one checks again, so a lock just created by a third process is never removed.
async function takeOver(lockPath: string, staleMs: number, now: () => number): Promise<boolean> {
  const guard = `${lockPath}.takeover`;
  try {
    await fsp.mkdir(guard, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const info = await fsp.stat(guard).catch(() => undefined);
    if (info && now() - info.mtimeMs > OWNERLESS_STALE_MS) await fsp.rm(guard, { recursive: true, force: true });
    return false;
  }
  try {
    if ((await inspectLock(lockPath, staleMs, now)) !== "stale") return false;
    await fsp.rm(lockPath, { recursive: true, force: true });
    return true;
  } finally {
    await fsp.rm(guard, { recursive: true, force: true });
  }
}

async function readOwner(lockPath: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await fsp.readFile(join(lockPath, OWNER_FILE), "utf8")) as Partial<Owner>;
    if (typeof owner.pid === "number" && typeof owner.host === "string" && typeof owner.token === "string") {
      return { pid: owner.pid, host: owner.host, token: owner.token };
    }
  } catch {
    // Missing or half-written: treated as ownerless.
  }
  return undefined;
}
