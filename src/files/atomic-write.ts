import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readFile, readlink, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

export interface WriteFileAtomicOptions {
  /** Mode of a file that does not exist yet (an existing file keeps its own). */
  newFileMode?: number;
  /** Mode of parent folders that have to be created. */
  dirMode?: number;
}

// Linux gives up at 40 links (ELOOP); so do we.
const MAX_SYMLINKS = 40;

/**
 * Replaces a file's contents all at once: a temporary file in the same folder is written, flushed
 * to disk and renamed over the target, so a reader sees the old or the new bytes, never half. A
 * symlink is written through (its final target is replaced; the link stays), and an existing file
 * keeps its mode. On any failure the temporary file is removed and the target is untouched.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: WriteFileAtomicOptions = {},
): Promise<void> {
  const { newFileMode = 0o600, dirMode = 0o700 } = opts;
  const target = await resolveSymlinks(path);
  const dir = dirname(target);
  const existing = await stat(target).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  if (existing === undefined) await mkdir(dir, { recursive: true, mode: dirMode });
  const mode = existing ? existing.mode & 0o7777 : newFileMode;

  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", mode);
  try {
    try {
      // The process umask may have narrowed the mode given to open().
      await handle.chmod(mode);
      if (existing) await handle.chown(existing.uid, existing.gid).catch(() => undefined);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** The file's text, or undefined when it does not exist. Never creates anything. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
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
  for (let hops = 0; hops <= MAX_SYMLINKS; hops++) {
    const info = await lstat(current).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!info?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error(`Too many symbolic links: ${path}`), { code: "ELOOP" });
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

// Makes the rename itself durable. Not every platform can open a folder (Windows cannot): best effort.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The data is already flushed; only the rename's durability is at stake.
  }
}
