import { statSync } from "node:fs";
import { type PrivateFolder, readPrivateFile, writePrivateFile } from "./private-cache.js";

/**
 * Answers the hot paths worked out from the user's files, kept while those files are unchanged:
 * the profile `credential-process` resolved (role-keys/profile-memo.entry.ts), and that a `login`
 * was up to date (commands/login/login-memo.entry.ts). Scripts run those commands before every
 * AWS call, and reading and checking the files is most of what they do.
 *
 * An answer is kept with the state of every file it was worked out from: device, inode, size,
 * modification and change times to the nanosecond ("missing" for a file that was not there). It is
 * given back only while every one of them is the same, and, when it has one, before its end time.
 * The states are taken after the answer was worked out, and an answer is kept only when every file
 * last changed more than SETTLED_MS before: a change during the reading would be that recent, and
 * so would a second edit that a file system with coarse times (FAT's 2 s) shows with the same times.
 *
 * The file is private (files/private-cache.ts) and holds no secret; a changed entry could only
 * give an answer the user's own files gave before.
 */
export const SETTLED_MS = 3_000;
const MAX_BYTES = 512 * 1024;

/** A file an answer was worked out from, as it was. */
export interface FileState {
  path: string;
  state: string;
}

interface Entry<T> {
  key: string;
  files: FileState[];
  answer: T;
  /** Epoch ms after which the answer is no longer given (undefined: only the files decide). */
  until?: number | undefined;
}

/** The state of a file now, and when it last changed (0 for a missing file). */
export function fileState(path: string): FileState & { changedMs: number } {
  try {
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (s === undefined) return { path, state: "missing", changedMs: 0 };
    const changed = s.mtimeMs > s.ctimeMs ? s.mtimeMs : s.ctimeMs;
    return { path, state: `${s.dev}:${s.ino}:${s.mode}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, changedMs: Number(changed) };
  } catch {
    return { path, state: "unreadable", changedMs: Number.POSITIVE_INFINITY };
  }
}

export class RememberedAnswers<T> {
  constructor(
    private readonly folder: PrivateFolder,
    private readonly fileName: string,
    private readonly isAnswer: (v: unknown) => v is T,
    private readonly max = 32,
  ) {}

  /** The answer kept for `key`, if every file it came from is as it was and its time has not run out. */
  recall(key: string, now: Date): T | undefined {
    const entry = this.entries().find((e) => e.key === key);
    if (entry === undefined || (entry.until !== undefined && now.getTime() >= entry.until)) return undefined;
    return entry.files.every((f) => fileState(f.path).state === f.state) ? entry.answer : undefined;
  }

  /**
   * Keeps `answer`, just worked out from `paths`, for `key` (the last `max` keys kept). Nothing is
   * kept while any of the files changed less than SETTLED_MS ago. Best effort.
   */
  keep(key: string, paths: readonly string[], answer: T, now: Date, until?: Date): void {
    const files = paths.map(fileState);
    if (files.some((f) => now.getTime() - f.changedMs < SETTLED_MS)) return;
    const entry: Entry<T> = { key, files: files.map(({ path, state }) => ({ path, state })), answer, until: until?.getTime() };
    const kept = [entry, ...this.entries().filter((e) => e.key !== key)].slice(0, this.max);
    writePrivateFile(
      this.folder.dir,
      this.fileName,
      `${JSON.stringify({ version: 1, answers: kept })}\n`,
      this.folder.uid,
      this.folder.pid,
    );
  }

  private entries(): Entry<T>[] {
    const bytes = readPrivateFile(this.folder.dir, this.fileName, this.folder.uid, MAX_BYTES);
    if (!bytes) return [];
    try {
      const data = JSON.parse(bytes.toString("utf8")) as { version?: unknown; answers?: unknown };
      if (data.version !== 1 || !Array.isArray(data.answers)) return [];
      return data.answers.filter((e): e is Entry<T> => this.isEntry(e));
    } catch {
      return [];
    }
  }

  private isEntry(e: unknown): boolean {
    if (typeof e !== "object" || e === null) return false;
    const { key, files, answer, until } = e as Record<string, unknown>;
    return (
      typeof key === "string" &&
      Array.isArray(files) &&
      files.length > 0 &&
      files.every((f) => typeof f === "object" && f !== null && typeof f.path === "string" && typeof f.state === "string") &&
      (until === undefined || typeof until === "number") &&
      this.isAnswer(answer)
    );
  }
}
