import { describe, expect, it } from "vitest";
import { Exit, FileAccessError, FileFormatError } from "../../src/errors.js";
import { decodeUtf8, fileAccessError } from "../../src/files/file-access.js";

// Every file system error a user can cause becomes one line naming the file, exit 253: the
// code says "fix your files", never "bug". Some cannot be made on demand in a test (a read-only
// or full disk), so the mapping itself is checked here, with errors shaped as Node raises them.

const errno = (code: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: something, open '/x'`), { code, errno: -1, syscall: "open", path: "/x" });
const FILE = "/home/me/.aws/credentials";

describe("fileAccessError", () => {
  it.each([
    ["EISDIR", "read", "is a folder, not a file", /Move that folder/],
    ["ENOTDIR", "read", "a part of this path is a file, not a folder", /every part before the file name must be a folder/],
    ["ELOOP", "read", "is a symbolic link loop (too many levels of links)", /symbolic link/],
    ["EACCES", "read", "permission denied (could not read it)", /owner and permissions/],
    ["EPERM", "delete", "permission denied (could not delete it)", /owner and permissions/],
    ["EROFS", "write", "is on a read-only file system (could not write it)", /AWS_SHARED_CREDENTIALS_FILE/],
    ["ENOSPC", "write", "could not write it: no space left on the device", /Free some disk space.*left as it was/],
    ["EDQUOT", "write", "could not write it: disk quota exceeded", /quota/],
    ["ENOENT", "lock", "its folder does not exist", /Create the folder/],
    ["ENAMETOOLONG", "read", "the path is too long", /shorter path/],
    ["EIO", "read", "input/output error (could not read it)", /Check the disk/],
    ["EMFILE", "list", "too many open files (could not list it)", /Close some programs/],
    // Issue 20: a rename onto a single-file bind mount (EBUSY) or across file systems (EXDEV) was "unexpected error", exit 255.
    ["EBUSY", "write", "is busy or a mount point (could not write it)", /mount its folder/],
    ["EXDEV", "write", "is on another file system than its folder (could not write it)", /Mount its folder/],
    ["ETXTBSY", "write", "is in use by a running program (could not write it)", /Stop that program/],
    ["ESTALE", "read", "could not read it (ESTALE)", /ls -ld/],
  ] as const)("%s while it tries to %s: names the file and says what to do", (code, action, detail, hint) => {
    const cause = errno(code);
    const err = fileAccessError(cause, FILE, action);
    expect(err).toBeInstanceOf(FileAccessError);
    const e = err as FileAccessError;
    expect(e.message).toBe(`${FILE}: ${detail}`);
    expect(e.hint).toMatch(hint);
    expect(e.exitCode).toBe(Exit.config);
    expect(e.cause).toBe(cause);
  });

  it("on Windows paths, hints name Windows' tools and variables (icacls, USERPROFILE), not ls -ld or HOME", () => {
    const file = "C:\\Users\\ann\\.aws\\credentials";
    expect((fileAccessError(errno("EPERM"), file, "write") as FileAccessError).hint).toBe(
      'Check the permissions of the file and of its folders (icacls "C:\\Users\\ann\\.aws\\credentials"), and that no other program holds it open, then try again.',
    );
    expect((fileAccessError(errno("EROFS"), file, "write") as FileAccessError).hint).toMatch(/^Make it writable, or set USERPROFILE, /);
    expect((fileAccessError(errno("EACCES"), "\\\\server\\share\\config", "read") as FileAccessError).hint).toMatch(/icacls/);
    expect((fileAccessError(errno("EACCES"), FILE, "read") as FileAccessError).hint).toMatch(/\(ls -ld\)/);
  });

  it("leaves errors that are not the system's as they are: a bug stays a bug", () => {
    const bug = new TypeError("x is undefined");
    expect(fileAccessError(bug, FILE, "read")).toBe(bug);
    const coded = Object.assign(new Error("ERR_INVALID_ARG_TYPE"), { code: "ERR_INVALID_ARG_TYPE" });
    expect(fileAccessError(coded, FILE, "write")).toBe(coded);
  });

  it("passes typed errors through", () => {
    const format = new FileFormatError(FILE, 3, "is broken");
    expect(fileAccessError(format, "/other", "read")).toBe(format);
  });
});

describe("decodeUtf8", () => {
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  it("reads ASCII, UTF-8 and a byte order mark as a checking UTF-8 decoder does", () => {
    for (const text of ["", "[profile a]\nregion = eu-north-1\n", "a\u0000b\x7f", "[profile é]\nname = Åsa 😀\n", "\uFEFF[default]\n"]) {
      const bytes = new TextEncoder().encode(text);
      expect(decodeUtf8(bytes, FILE)).toBe(strict.decode(bytes));
      // A view into a larger buffer reads only its own bytes.
      const inside = new Uint8Array([0x41, ...bytes, 0x42]).subarray(1, bytes.length + 1);
      expect(decodeUtf8(inside, FILE)).toBe(text);
    }
  });

  it("refuses bytes that are not UTF-8, naming the line and the byte", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("[a]\nx = 1\n"), 0x79, 0xff, 0x0a]);
    expect(() => decodeUtf8(bytes, FILE)).toThrow(FileFormatError);
    expect(() => decodeUtf8(bytes, FILE)).toThrow(/:3: is not UTF-8 text \(byte 0xFF\)/);
  });
});
