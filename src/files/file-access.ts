import { isUtf8 } from "node:buffer";
import type { Stats } from "node:fs";
import { FileAccessError, FileFormatError } from "../errors.js";

// What goes wrong when sso-cli touches a file, said in one line that names the file and what to
// do about it. A file system error is the user's to fix (a folder where a file should be, a full
// disk), not a bug: these are FileAccessError (exit 253), never "unexpected error" (255).

export type FileAction = "read" | "write" | "lock" | "delete" | "list";

const VERB: Record<FileAction, string> = { read: "read", write: "write", lock: "lock", delete: "delete", list: "list" };

export function isNotFound(err: unknown): boolean {
  return errnoCode(err) === "ENOENT";
}

export function errnoCode(err: unknown): string | undefined {
  const code: unknown = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * A FileAccessError naming `file` for a file system error, or `err` itself when it is no such
 * error (a bug stays a bug). Typed errors pass through unchanged.
 */
export function fileAccessError(err: unknown, file: string, action: FileAction): unknown {
  if (err instanceof FileAccessError || err instanceof FileFormatError) return err;
  const code = errnoCode(err);
  const verb = VERB[action];
  const make = (detail: string, hint: string) => new FileAccessError(file, detail, hint, { cause: err });
  const windows = isWindowsPath(file);
  switch (code) {
    case "EISDIR":
      return make("is a folder, not a file", "Move that folder out of the way, then try again.");
    case "ENOTDIR":
      return make("a part of this path is a file, not a folder", "Check the path: every part before the file name must be a folder.");
    case "ELOOP":
      return make("is a symbolic link loop (too many levels of links)", "Fix or remove the symbolic link, then try again.");
    case "EACCES":
    case "EPERM":
      return make(
        `permission denied (could not ${verb} it)`,
        windows
          ? `Check the permissions of the file and of its folders (icacls "${file}"), and that no other program holds it open, then try again.`
          : "Check the owner and permissions of the file and of its folders (ls -ld), then try again.",
      );
    case "EROFS":
      return make(
        `is on a read-only file system (could not ${verb} it)`,
        `Make it writable, or set ${windows ? "USERPROFILE" : "HOME"}, AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE to a writable place.`,
      );
    case "ENOSPC":
      return make(
        `could not ${verb} it: no space left on the device`,
        "Free some disk space, then try again; the file was left as it was.",
      );
    case "EDQUOT":
      return make(
        `could not ${verb} it: disk quota exceeded`,
        "Free some space within your quota, then try again; the file was left as it was.",
      );
    case "ENOENT":
      return make("its folder does not exist", "Create the folder, or check the path, then try again.");
    case "ENAMETOOLONG":
      return make("the path is too long", "Use a shorter path.");
    case "EIO":
      return make(`input/output error (could not ${verb} it)`, "Check the disk, then try again.");
    case "EMFILE":
    case "ENFILE":
      return make(`too many open files (could not ${verb} it)`, "Close some programs, then try again.");
    case "EBUSY":
      return make(
        `is busy or a mount point (could not ${verb} it)`,
        "Close what holds it open, or mount its folder rather than the file alone, then try again.",
      );
    case "EXDEV":
      return make(
        `is on another file system than its folder (could not ${verb} it)`,
        "Mount its folder rather than the file alone, then try again.",
      );
    case "ETXTBSY":
      return make(`is in use by a running program (could not ${verb} it)`, "Stop that program, then try again.");
    default:
      // Any other error the system gave for this file (Node sets `syscall` on those) is still
      // about the file, not a bug in sso-cli: one line with its code.
      if (code !== undefined && typeof (err as { syscall?: unknown }).syscall === "string") {
        return make(`could not ${verb} it (${code})`, "Check the file and its folders (ls -ld), then try again.");
      }
      return err;
  }
}

/**
 * Whether a path is a Windows one (`C:\…`, `C:/…` or `\\server\…`), for hints that name a
 * command: the path says which system it is on without one more thing to pass down.
 */
export function isWindowsPath(file: string): boolean {
  return /^(?:[A-Za-z]:[\\/]|\\\\)/.test(file);
}

/** The refusal for a folder, pipe, socket or device where a regular file should be. */
export function notRegularFileError(file: string, info: Stats): FileAccessError {
  if (info.isDirectory()) return fileAccessError(Object.assign(new Error("EISDIR"), { code: "EISDIR" }), file, "read") as FileAccessError;
  const kind = info.isFIFO()
    ? "a named pipe (FIFO)"
    : info.isCharacterDevice()
      ? "a character device"
      : info.isBlockDevice()
        ? "a block device"
        : info.isSocket()
          ? "a socket"
          : "not a regular file";
  // Reading a pipe would wait for a writer forever, and replacing a device by rename would be worse.
  return new FileAccessError(
    file,
    `is ${kind}, not a regular file`,
    "sso-cli reads and writes only regular files here: remove it or point the setting elsewhere.",
  );
}

/** The text, or undefined when the bytes are not strictly UTF-8 (as a fatal TextDecoder, which costs more to make). */
function strictUtf8(bytes: Uint8Array): string | undefined {
  return isUtf8(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8") : undefined;
}

/**
 * The bytes as text, refusing any that are not UTF-8: decoding them leniently would turn each into
 * U+FFFD, and the next write would silently change bytes sso-cli promised to keep. The JS SDK
 * reads these files as UTF-8, and so does botocore on Linux and macOS (and fails on such a byte);
 * on Windows botocore reads them in the local code page (configparser's default), so anything
 * beyond ASCII there means one thing to sso-cli and another to the AWS CLI. The error names the
 * line, as the ini reader does.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const text = strictUtf8(bytes);
  if (text === undefined) {
    const { line, byte } = firstInvalidUtf8(bytes);
    throw new FileFormatError(
      file,
      line,
      `is not UTF-8 text (byte 0x${byte.toString(16).toUpperCase().padStart(2, "0")})`,
      "Save the file as UTF-8 (the AWS SDKs read it so), then try again; sso-cli changed nothing.",
    );
  }
  return text;
}

/** Line (1-based; `\n`, `\r\n` and a lone `\r` end lines, as in ini-syntax.ts) and first byte of the first bad line. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; byte: number } {
  // Line ends are ASCII, and ASCII bytes never occur inside a UTF-8 sequence, so lines can be checked one by one.
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const b = bytes[i];
    if (i < bytes.length && b !== 0x0a && b !== 0x0d) continue;
    const slice = bytes.subarray(start, i);
    if (strictUtf8(slice) === undefined) return { line, byte: firstBadByte(slice) };
    if (b === 0x0d && bytes[i + 1] === 0x0a) i++;
    line++;
    start = i + 1;
  }
  return { line, byte: 0 };
}

/**
 * The first byte of the first sequence that is not UTF-8 (RFC 3629 §4: no overlong forms, no
 * surrogates, nothing above U+10FFFF), as a person would look for it in a hex dump.
 */
function firstBadByte(line: Uint8Array): number {
  for (let i = 0; i < line.length; ) {
    const b = line[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [length, low, high] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b === 0xf4
                  ? [4, 0x80, 0x8f]
                  : b >= 0xf1 && b <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (length === 0) return b;
    for (let k = 1; k < length; k++) {
      const c = line[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return b;
    }
    i += length;
  }
  return line[line.length - 1] ?? 0;
}
