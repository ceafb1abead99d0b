import { spawn, spawnSync } from "node:child_process";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename as fsRename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileAccessError, FileFormatError } from "../../src/errors.js";
import {
  readTextIfExists,
  removeStaleTempFiles,
  resolveSymlinks,
  STALE_TEMP_FILE_MS,
  tempFileName,
  writeFileAtomic,
} from "../../src/files/atomic-write.js";
import { machineTag, thisMachine } from "../../src/files/this-machine.js";
import { bundleForChild } from "./bundle-for-child.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sso-cli-atomic-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe("writeFileAtomic", () => {
  it("creates a new file 0600 and its missing folders 0700", async () => {
    const file = join(dir, "a", "b", "credentials");
    await writeFileAtomic(file, "x = 1\n");
    expect(await readFile(file, "utf8")).toBe("x = 1\n");
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(join(dir, "a"))).toBe(0o700);
    expect(await modeOf(join(dir, "a", "b"))).toBe(0o700);
  });

  it("uses the modes it is given for new files and folders", async () => {
    const file = join(dir, "new", "f");
    await writeFileAtomic(file, new Uint8Array([104, 105]), { newFileMode: 0o640, dirMode: 0o750 });
    expect(await readFile(file, "utf8")).toBe("hi");
    expect(await modeOf(file)).toBe(0o640);
    expect(await modeOf(join(dir, "new"))).toBe(0o750);
  });

  it("writes strings given one after another, and leaves the target as it was if one cannot be had", async () => {
    const file = join(dir, "config");
    const pieces = ["[profile é]\n", "x = ✓\n", "", ...Array.from({ length: 2000 }, (_, i) => `k${i} = ${"v".repeat(100)}\n`)];
    await writeFileAtomic(file, pieces);
    expect(await readFile(file, "utf8")).toBe(pieces.join(""));
    expect(await modeOf(file)).toBe(0o600);
    function* failing(): Generator<string> {
      yield "half\n";
      throw new Error("no more");
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow("no more");
    expect(await readFile(file, "utf8")).toBe(pieces.join(""));
    expect(await readdir(dir)).toEqual(["config"]);
  });

  it.each([0o644, 0o600, 0o640, 0o755])("keeps an existing file's mode %o", async (mode) => {
    const file = join(dir, "config");
    await writeFile(file, "old");
    await chmod(file, mode);
    await writeFileAtomic(file, "new");
    expect(await readFile(file, "utf8")).toBe("new");
    expect(await modeOf(file)).toBe(mode);
  });

  it("writes through a chain of symlinks and keeps the links", async () => {
    await mkdir(join(dir, "dotfiles"));
    const target = join(dir, "dotfiles", "credentials");
    await writeFile(target, "old");
    await chmod(target, 0o644);
    await symlink(target, join(dir, "middle"));
    await symlink("middle", join(dir, "credentials"));
    await writeFileAtomic(join(dir, "credentials"), "new");
    expect((await lstat(join(dir, "credentials"))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(dir, "middle"))).isSymbolicLink()).toBe(true);
    expect(await readFile(target, "utf8")).toBe("new");
    expect(await modeOf(target)).toBe(0o644);
    expect(await readdir(join(dir, "dotfiles"))).toEqual(["credentials"]);
  });

  it("creates the target of a dangling symlink", async () => {
    await symlink(join(dir, "real", "config"), join(dir, "config"));
    await writeFileAtomic(join(dir, "config"), "x");
    expect((await lstat(join(dir, "config"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, "real", "config"), "utf8")).toBe("x");
    expect(await resolveSymlinks(join(dir, "config"))).toBe(join(dir, "real", "config"));
  });

  it("leaves no temporary file behind after success", async () => {
    await writeFileAtomic(join(dir, "f"), "1");
    await writeFileAtomic(join(dir, "f"), "2");
    expect(await readdir(dir)).toEqual(["f"]);
  });

  it("refuses a folder as its target, before creating anything, and leaves it alone", async () => {
    const target = join(dir, "target");
    await mkdir(target);
    await writeFile(join(target, "inside"), "keep");
    await expect(writeFileAtomic(target, "data")).rejects.toThrow(FileAccessError);
    await expect(writeFileAtomic(target, "data")).rejects.toThrow(/target: is a folder, not a file$/);
    expect(await readdir(dir)).toEqual(["target"]);
    expect(await readFile(join(target, "inside"), "utf8")).toBe("keep");
  });

  it("never shows a reader half a file while 20 writers race", async () => {
    const file = join(dir, "f");
    const bodies = Array.from({ length: 20 }, (_, i) => String(i).repeat(50_000));
    const reads: Promise<string | undefined>[] = [];
    await Promise.all(
      bodies.map(async (b) => {
        await writeFileAtomic(file, b);
        reads.push(readTextIfExists(file));
      }),
    );
    for (const text of await Promise.all(reads)) expect(bodies).toContain(text);
    expect(await readdir(dir)).toEqual(["f"]);
  });
});

describe("readTextIfExists", () => {
  it("returns undefined for a missing file and creates nothing", async () => {
    expect(await readTextIfExists(join(dir, "missing", "config"))).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it("returns the text unchanged, BOM and CRLF included", async () => {
    await writeFile(join(dir, "f"), "\uFEFF[a]\r\n");
    expect(await readTextIfExists(join(dir, "f"))).toBe("\uFEFF[a]\r\n");
  });

  it("refuses a folder with a FileAccessError naming it", async () => {
    await expect(readTextIfExists(dir)).rejects.toThrow(FileAccessError);
    await expect(readTextIfExists(dir)).rejects.toThrow(`${dir}: is a folder, not a file`);
  });
});

describe("writeFileAtomic: temp files", () => {
  const TEMP = /^\.credentials\.sso-cli-(\d+)-([0-9a-f]{8})-[0-9a-f]{12}\.tmp$/;

  it("names its temp file after the target, the pid, the machine and a random part", async () => {
    expect(await tempFileName("credentials")).toMatch(TEMP);
    expect(TEMP.exec(await tempFileName("credentials"))?.[1]).toBe(String(process.pid));
    expect(TEMP.exec(await tempFileName("credentials"))?.[2]).toBe(machineTag(thisMachine()));
    expect(await tempFileName("credentials")).not.toBe(await tempFileName("credentials"));
  });

  it("keeps a temp file 0600 while it is written, even over a 0644 target, and a kill -9 leaves none readable", async () => {
    const work = await mkdtemp(join(tmpdir(), "sso-cli-atomic-child-"));
    try {
      const lib = await bundleForChild(join(import.meta.dirname, "..", "..", "src", "files", "atomic-write.ts"), work);
      const script = join(work, "writer.mjs");
      const size = 8 * 1024 * 1024;
      await writeFile(
        script,
        `
        import { writeFileAtomic } from ${JSON.stringify(lib)};
        const data = "s".repeat(${size});
        for (;;) await writeFileAtomic(process.argv[2], data);
      `,
      );
      const target = join(dir, "credentials");
      await writeFile(target, "old");
      await chmod(target, 0o644);
      const child = spawn(process.execPath, [script, target], { stdio: "ignore" });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      // Watch the folder until temp files have been seen part-written: each must be 0600 then.
      // (Complete, it gets the target's 0644 just before its rename; that moment is allowed.)
      const seen: { mode: number; size: number }[] = [];
      for (let i = 0; i < 20_000 && seen.filter((s) => s.size < size).length < 3; i++) {
        for (const name of await readdir(dir)) {
          if (!TEMP.test(name)) continue;
          const info = await stat(join(dir, name)).catch(() => undefined);
          if (info) seen.push({ mode: info.mode & 0o777, size: info.size });
        }
      }
      child.kill("SIGKILL");
      await exited;
      const partial = seen.filter((s) => s.size < size);
      expect(partial.length).toBeGreaterThanOrEqual(3);
      for (const s of partial) expect(s.mode).toBe(0o600);
      for (const name of (await readdir(dir)).filter((n) => TEMP.test(n))) expect((await stat(join(dir, name))).mode & 0o077).toBe(0);

      // The next write into the folder removes what the dead writer left.
      await writeFileAtomic(target, "new");
      expect(await readdir(dir)).toEqual(["credentials"]);
      expect(await readFile(target, "utf8")).toMatch(/^(new)$/);
      expect(await modeOf(target)).toBe(0o644);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("removes temp files of dead writers and stale ones, and keeps the rest", async () => {
    const hex = "0123456789ab";
    const here = machineTag(thisMachine());
    const deadPid = 99_999_999; // above every pid_max: no such process
    const files = {
      dead: `.credentials.sso-cli-${deadPid}-${here}-${hex}.tmp`,
      live: `.credentials.sso-cli-${process.pid}-${here}-${hex}.tmp`,
      liveButOld: `.config.sso-cli-${process.ppid}-${here}-${hex}.tmp`,
      someoneElses: ".credentials.swp",
      notHidden: `credentials.sso-cli-${deadPid}-${hex}.tmp`,
    };
    for (const name of Object.values(files)) await writeFile(join(dir, name), "secret", { mode: 0o600 });
    const old = new Date(Date.now() - STALE_TEMP_FILE_MS - 60_000);
    await utimes(join(dir, files.liveButOld), old, old);
    expect((await removeStaleTempFiles(dir)).sort()).toEqual([files.dead, files.liveButOld].sort());
    expect((await readdir(dir)).sort()).toEqual([files.live, files.someoneElses, files.notHidden].sort());
  });

  it("judges a temp file of another machine (or of a name without one) by its age, not by its pid", async () => {
    // Issue 21 item 8: a folder shared with another machine (WSL's Windows, a network home)
    // holds temp files whose pids mean nothing here.
    const deadPid = 99_999_999;
    const elsewhere = machineTag({ ...thisMachine(), platform: "win32" });
    const fresh = [`.credentials.sso-cli-${deadPid}-${elsewhere}-0123456789ab.tmp`, `.credentials.sso-cli-${deadPid}-0123456789ab.tmp`];
    const old = `.config.sso-cli-${deadPid}-${elsewhere}-0123456789ab.tmp`;
    for (const name of [...fresh, old]) await writeFile(join(dir, name), "secret", { mode: 0o600 });
    const then = new Date(Date.now() - STALE_TEMP_FILE_MS - 60_000);
    await utimes(join(dir, old), then, then);
    expect(await removeStaleTempFiles(dir)).toEqual([old]);
    expect((await readdir(dir)).sort()).toEqual(fresh.sort());
  });

  it("never deletes another tool's old temp or backup file, whatever its name looks like", async () => {
    // Issue 16: `.X.<12 hex>.tmp` was taken for a temp file of an old sso-cli and deleted.
    const others = [
      ".backup.0123456789ab.tmp",
      ".credentials.0123456789ab.tmp",
      ".config.abcdefabcdef.tmp",
      ".x.sso-cli-12.tmp",
      ".notes.sso-cli.tmp",
    ];
    for (const name of others) await writeFile(join(dir, name), "keep", { mode: 0o600 });
    const old = new Date(Date.now() - STALE_TEMP_FILE_MS - 3_600_000);
    for (const name of others) await utimes(join(dir, name), old, old);
    expect(await removeStaleTempFiles(dir)).toEqual([]);
    await writeFileAtomic(join(dir, "credentials"), "x");
    expect((await readdir(dir)).sort()).toEqual([...others, "credentials"].sort());
  });

  it("never writes through a file planted under its temp name", async () => {
    // O_EXCL: a name that exists fails the open; the random part makes the next name new.
    const target = join(dir, "credentials");
    await writeFileAtomic(target, "a");
    await symlink(join(dir, "elsewhere"), join(dir, `.credentials.sso-cli-${process.pid}-${machineTag(thisMachine())}-000000000000.tmp`));
    await writeFileAtomic(target, "b");
    expect(await readFile(target, "utf8")).toBe("b");
    await expect(stat(join(dir, "elsewhere"))).rejects.toThrow(/ENOENT/);
  });
});

describe("files that are not regular files", () => {
  const mkfifo = (path: string): void => {
    expect(spawnSync("mkfifo", [path]).status).toBe(0);
  };

  it("refuses a named pipe before reading it (reading would wait forever) and never writes over it", async () => {
    const fifo = join(dir, "config");
    mkfifo(fifo);
    await expect(readTextIfExists(fifo)).rejects.toThrow(`${fifo}: is a named pipe (FIFO), not a regular file`);
    await expect(writeFileAtomic(fifo, "x")).rejects.toThrow(FileAccessError);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(dir)).toEqual(["config"]);
  });

  it("refuses a device behind a symlink, and reads /dev/null as empty but never writes it", async () => {
    await symlink("/dev/zero", join(dir, "credentials"));
    await expect(readTextIfExists(join(dir, "credentials"))).rejects.toThrow(/credentials: is a character device, not a regular file$/);
    await symlink("/dev/null", join(dir, "config"));
    expect(await readTextIfExists(join(dir, "config"))).toBe("");
    await expect(writeFileAtomic(join(dir, "config"), "x")).rejects.toThrow(/config: is a character device, not a regular file$/);
    expect((await stat("/dev/null")).isCharacterDevice()).toBe(true);
  });

  it("names a symlink loop", async () => {
    await symlink("b", join(dir, "a"));
    await symlink("a", join(dir, "b"));
    await expect(readTextIfExists(join(dir, "a"))).rejects.toThrow(/a: is a symbolic link loop/);
    await expect(writeFileAtomic(join(dir, "a"), "x")).rejects.toThrow(FileAccessError);
  });

  it("names a path that goes through a file", async () => {
    await writeFile(join(dir, "file"), "");
    await expect(readTextIfExists(join(dir, "file", "config"))).rejects.toThrow(
      /file\/config: a part of this path is a file, not a folder$/,
    );
    await expect(writeFileAtomic(join(dir, "file", "config"), "x")).rejects.toThrow(FileAccessError);
    expect(await readFile(join(dir, "file"), "utf8")).toBe("");
  });
});

describe("readTextIfExists: bytes that are not UTF-8", () => {
  it.each([
    ["a Latin-1 é in a comment", "[a]\n# caf\xe9\n", 2, "0xE9"],
    ["a lone continuation byte", "[a]\nx = 1\r\ny = \x80\r\n", 3, "0x80"],
    ["an overlong encoding", "\xc0\xaf", 1, "0xC0"],
    ["an encoded surrogate", "[a]\n\n\n\xed\xa0\x80\n", 4, "0xED"],
    ["a 4-byte lead before ASCII", "[a]\nsso_role_name = R\xf4le\n", 2, "0xF4"],
    ["a sequence cut short", "[a]\nx = caf\xc3", 2, "0xC3"],
  ])("refuses %s with its line, and changes nothing", async (_name, latin1, line, byte) => {
    const file = join(dir, "credentials");
    const bytes = Buffer.from(latin1, "latin1");
    await writeFile(file, bytes);
    const err = await readTextIfExists(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect((err as FileFormatError).message).toBe(`${file}:${line}: is not UTF-8 text (byte ${byte})`);
    expect(await readFile(file)).toEqual(bytes);
  });

  it("reads UTF-8 beyond ASCII as it is", async () => {
    await writeFile(join(dir, "f"), "# café ☕ 𝄞\n");
    expect(await readTextIfExists(join(dir, "f"))).toBe("# café ☕ 𝄞\n");
  });
});

// Issue 16 item 4: a secret is written only where no other user can read it or swap the file.
// With a real second user (files owned by uid 65534): test/files/other-user.test.ts.

describe("writeFileAtomic: secrets", () => {
  const notices: string[] = [];
  const secret = { secret: true, notice: (l: string) => notices.push(l) };
  beforeEach(() => {
    notices.length = 0;
  });

  it.each([
    ["0644", 0o644, 0o600],
    ["0640", 0o640, 0o600],
    ["0604", 0o604, 0o600],
    ["0755", 0o755, 0o700],
  ])("makes a %s file private and says once what it was", async (_name, before, after) => {
    const file = join(dir, "credentials");
    await writeFile(file, "old");
    await chmod(file, before);
    await writeFileAtomic(file, "keys", secret);
    expect(await modeOf(file)).toBe(after);
    expect(notices).toEqual([
      `Made ${file} private (mode 0${after.toString(8)}, was 0${before.toString(8)}): it holds secrets, which other users could read.`,
    ]);
    await writeFileAtomic(file, "keys 2", secret);
    expect(notices).toHaveLength(1);
  });

  it("keeps a private file's mode and says nothing; a file that is not secret keeps 0644", async () => {
    await writeFile(join(dir, "credentials"), "old", { mode: 0o600 });
    await writeFileAtomic(join(dir, "credentials"), "keys", secret);
    await writeFile(join(dir, "config"), "old", { mode: 0o644 });
    await chmod(join(dir, "config"), 0o644);
    await writeFileAtomic(join(dir, "config"), "settings", { notice: secret.notice });
    expect(await modeOf(join(dir, "credentials"))).toBe(0o600);
    expect(await modeOf(join(dir, "config"))).toBe(0o644);
    expect(notices).toEqual([]);
  });

  it("refuses a folder others can write, names it and the fix, and writes nothing", async () => {
    const aws = join(dir, ".aws");
    await mkdir(aws);
    await chmod(aws, 0o777);
    await writeFile(join(aws, "credentials"), "old", { mode: 0o600 });
    const err = await writeFileAtomic(join(aws, "credentials"), "keys", secret).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileAccessError);
    expect((err as FileAccessError).message).toBe(
      `${join(aws, "credentials")}: not written: other users can write to ${aws} (fix: chmod go-w ${aws})`,
    );
    expect((err as FileAccessError).exitCode).toBe(253);
    expect(await readdir(aws)).toEqual(["credentials"]);
    expect(await readFile(join(aws, "credentials"), "utf8")).toBe("old");
    // Group-writable is writable by others too; a new file in such a folder is refused as well.
    await chmod(aws, 0o770);
    await expect(writeFileAtomic(join(aws, "sso", "cache", "t.json"), "token", secret)).rejects.toThrow(
      `other users can write to ${aws} (fix: chmod go-w ${aws})`,
    );
    expect(await readdir(aws)).toEqual(["credentials"]);
    // The same write without secrets in it goes ahead (a config file is no one's to steal).
    await writeFileAtomic(join(aws, "config"), "x");
  });

  it("refuses a world-writable folder anywhere above the file, as a swap there reaches the file too", async () => {
    await mkdir(join(dir, "home", ".aws"), { recursive: true });
    await chmod(join(dir, "home"), 0o757);
    await expect(writeFileAtomic(join(dir, "home", ".aws", "credentials"), "keys", secret)).rejects.toThrow(
      `(fix: chmod go-w ${join(dir, "home")})`,
    );
    expect(await readdir(join(dir, "home", ".aws"))).toEqual([]);
  });

  it("writes in a sticky world-writable folder (/tmp-like) when what it goes through there is the writer's", async () => {
    const shared = join(dir, "shared");
    await mkdir(shared);
    await chmod(shared, 0o1777);
    await writeFile(join(shared, "credentials"), "old", { mode: 0o600 });
    await writeFileAtomic(join(shared, "credentials"), "keys", secret);
    expect(await readFile(join(shared, "credentials"), "utf8")).toBe("keys");
    await writeFileAtomic(join(shared, "new"), "keys", secret);
    expect(await readFile(join(shared, "new"), "utf8")).toBe("keys");
  });

  it("follows a symlink to the user's own dotfiles file, keeps the link and makes the file private", async () => {
    await mkdir(join(dir, "dotfiles"));
    await mkdir(join(dir, ".aws"));
    await writeFile(join(dir, "dotfiles", "credentials"), "old");
    await chmod(join(dir, "dotfiles", "credentials"), 0o644);
    await symlink(join(dir, "dotfiles", "credentials"), join(dir, ".aws", "credentials"));
    await writeFileAtomic(join(dir, ".aws", "credentials"), "keys", secret);
    expect((await lstat(join(dir, ".aws", "credentials"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, "dotfiles", "credentials"), "utf8")).toBe("keys");
    expect(await modeOf(join(dir, "dotfiles", "credentials"))).toBe(0o600);
  });

  it("makes no ownership checks where there are no uids (Windows)", async () => {
    await mkdir(join(dir, "open"));
    await chmod(join(dir, "open"), 0o777);
    await writeFileAtomic(join(dir, "open", "credentials"), "keys", { ...secret, system: { uid: undefined } });
    expect(await readFile(join(dir, "open", "credentials"), "utf8")).toBe("keys");
  });
});

// Issue 20 item 4 and issue 21 item 4: when the rename cannot replace the file. A real single-file
// bind mount is in test/e2e/file-trust.e2e.test.ts; here the rename's errors are injected.
describe("writeFileAtomic: when rename cannot replace the file", () => {
  const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: rename`), { code, syscall: "rename" });
  const failingRename = (code: string, before?: () => Promise<void>) => async (): Promise<void> => {
    await before?.();
    throw errno(code);
  };

  it.each(["EBUSY", "EXDEV"])(
    "writes in place on %s (simulated), under the same inode, and says the write was not atomic",
    async (code) => {
      const file = join(dir, "credentials");
      await writeFile(file, "old and longer than the new text\n");
      await chmod(file, 0o644);
      const { ino } = await stat(file);
      const notices: string[] = [];
      await writeFileAtomic(file, ["new", "\n"], { secret: true, notice: (l) => notices.push(l), system: { rename: failingRename(code) } });
      expect(await readFile(file, "utf8")).toBe("new\n");
      expect((await stat(file)).ino).toBe(ino);
      expect(await modeOf(file)).toBe(0o600);
      expect(notices).toEqual([
        `Wrote ${file} in place, not atomically: the system would not replace it by rename (${code}).`,
        `Made ${file} private (mode 0600, was 0644): it holds secrets, which other users could read.`,
      ]);
      expect(await readdir(dir)).toEqual(["credentials"]);
    },
  );

  it("leaves a file that changed meanwhile as it is now, and says so in one line", async () => {
    const file = join(dir, "credentials");
    await writeFile(file, "old\n");
    const err = await writeFileAtomic(file, "new\n", {
      system: { rename: failingRename("EBUSY", () => writeFile(file, "someone else's\n")) },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileAccessError);
    expect((err as FileAccessError).message).toBe(`${file}: changed while sso-cli was writing it, so it was left as it is now`);
    expect(await readFile(file, "utf8")).toBe("someone else's\n");
    expect(await readdir(dir)).toEqual(["credentials"]);
  });

  it("turns any other rename failure into one line, exit 253, and removes its temp file", async () => {
    const file = join(dir, "credentials");
    await writeFile(file, "old\n");
    for (const code of ["EIO", "ENOTEMPTY", "EBUSY"]) {
      // EBUSY for a file that does not exist yet cannot be a mount point: it is only reported.
      const target = code === "EBUSY" ? join(dir, "new") : file;
      const err = await writeFileAtomic(target, "new\n", { system: { rename: failingRename(code) } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileAccessError);
      expect((err as FileAccessError).exitCode).toBe(253);
      expect(await readdir(dir)).toEqual(["credentials"]);
    }
    expect(await readFile(file, "utf8")).toBe("old\n");
  });

  it("on Windows, retries a rename that another process blocks, for about 2 s in all", async () => {
    const file = join(dir, "credentials");
    await writeFile(file, "old\n");
    for (const code of ["EPERM", "EACCES", "EBUSY"]) {
      let calls = 0;
      const slept: number[] = [];
      const rename = async (from: string, to: string): Promise<void> => {
        if (++calls <= 3) throw errno(code);
        await fsRename(from, to);
      };
      await writeFileAtomic(file, `${code}\n`, { system: { platform: "win32", rename, sleep: async (ms) => void slept.push(ms) } });
      expect(await readFile(file, "utf8")).toBe(`${code}\n`);
      expect(slept).toHaveLength(3);
    }
    const slept: number[] = [];
    const err = await writeFileAtomic(file, "never\n", {
      system: { platform: "win32", rename: failingRename("EPERM"), sleep: async (ms) => void slept.push(ms) },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileAccessError);
    const total = slept.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(2_000);
    expect(total).toBeLessThan(3_000);
    expect(await readFile(file, "utf8")).toBe("EBUSY\n");
    expect(await readdir(dir)).toEqual(["credentials"]);
    // Elsewhere EPERM is no passing hold: no retry.
    slept.length = 0;
    await expect(
      writeFileAtomic(file, "x", {
        system: { platform: "linux", rename: failingRename("EPERM"), sleep: async (ms) => void slept.push(ms) },
      }),
    ).rejects.toThrow(FileAccessError);
    expect(slept).toEqual([]);
  });
});
