import { rmdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Exit, FileAccessError, SsoCliError } from "../errors.js";
import { FileLockTimeoutError, withFileLock, type LockHolder } from "./file-lock.js";
import { tokenCacheFileName } from "./token-cache.js";

// One sign-in or refresh at a time per cached token, across processes: a refresh token is spent
// by its first use (rotation), and every sign-in is a prompt for the person. The lock lives in
// sso-cli's own folder, not in ~/.aws/sso/cache, which the AWS CLI and the SDKs keep as theirs.

/** The longest wait for another process's sign-in: its device code or browser page lives 10 minutes. */
export const SIGN_IN_LOCK_TIMEOUT_MS = 15 * 60_000;

export class SignInLockTimeoutError extends SsoCliError {
  constructor(what: string, lockPath: string, opts?: ErrorOptions) {
    super(
      `Gave up waiting for another sso-cli to finish signing in to ${what}.`,
      Exit.config,
      `If no sso-cli is running, remove ${lockPath} and try again.`,
      opts,
    );
  }
}

/** The file whose lock guards a sign-in: named after its token cache file (the same SHA-1). */
export function signInLockFile(home: string, key: { ssoSession?: string | undefined; startUrl: string }): string {
  return join(home, ".aws", "sso-cli", `sign-in-${tokenCacheFileName(key).replace(/\.json$/, "")}`);
}

export interface SignInLockOptions {
  /** What is signed in to, for messages ("sso-session corp"). */
  what: string;
  /** Called once if another process holds the lock, before waiting for it. */
  onWait?: (holder: LockHolder | undefined) => void;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

/**
 * Runs `fn` while no other process signs in or refreshes for this sso-session (or legacy start URL).
 * A folder made only to hold the lock is removed again when it is left empty, so a sign-in that
 * fails leaves nothing behind.
 */
export async function withSignInLock<T>(
  home: string,
  key: { ssoSession?: string | undefined; startUrl: string },
  fn: () => Promise<T>,
  opts: SignInLockOptions,
): Promise<T> {
  const file = signInLockFile(home, key);
  const folder = dirname(file);
  const folderExisted = (await stat(folder).catch(() => undefined)) !== undefined;
  try {
    return await withFileLock(file, fn, { timeoutMs: opts.timeoutMs ?? SIGN_IN_LOCK_TIMEOUT_MS, onWait: opts.onWait, signal: opts.signal });
  } catch (err) {
    if (err instanceof FileLockTimeoutError && err.file === file) throw new SignInLockTimeoutError(opts.what, err.lockPath, { cause: err });
    // The lock's name means nothing to a person: name its folder (a read-only or foreign HOME).
    if (err instanceof FileAccessError && err.file === file) {
      throw new FileAccessError(
        folder,
        err.message.slice(file.length + 2).replace("could not lock it", "could not make a sign-in lock in it"),
        err.hint ?? "",
        { cause: err },
      );
    }
    throw err;
  } finally {
    // Not empty (the ledger, another process's lock): rmdir refuses, and that is fine.
    if (!folderExisted) await rmdir(folder).catch(() => undefined);
  }
}
