import { chmod, mkdir, readdir, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensurePrivateFolder } from "../../src/files/private-cache.js";
import { cacheFileName, MAX_CACHE_FILES, readCodeCache, routeOf, writeCodeCache } from "../../src/cli/code-cache.entry.js";
import { makeTempHome } from "../helpers/temp-home.js";

const uid = process.getuid?.();

describe("routeOf: which cache a command line reads", () => {
  it.each([
    [["--version"], "text"],
    [["-h"], "text"],
    [["credential-process", "--profile", "p"], "credentials"],
    [["export", "--format", "env"], "credentials"],
    [["login"], "login"],
    [["login", "--help"], "login"],
    [["--version", "extra"], "other"],
    [["--debug", "credential-process"], "other"],
    [["status"], "other"],
    [[], "other"],
  ])("%j → %s", (argv, route) => {
    expect(routeOf(argv)).toBe(route);
  });

  it("names a cache by build, Node, architecture and route", () => {
    expect(cacheFileName("0123456789abcdef", "v22.1.0", "arm64", "login")).toBe("entry-0123456789abcdef-v22.1.0-arm64-login.bin");
  });
});

describe("reading and writing a cache", () => {
  it("writes 0600 in a folder it makes 0700, and reads back the same bytes", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const dir = join(home, ".cache", "sso-cli", "compile-cache");
      writeCodeCache(dir, "entry-a.bin", Buffer.from("compiled"), uid, 42);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, "entry-a.bin"))).mode & 0o777).toBe(0o600);
      expect(await readdir(dir)).toEqual(["entry-a.bin"]);
      expect(readCodeCache(dir, "entry-a.bin", uid)?.toString()).toBe("compiled");
      expect(readCodeCache(dir, "entry-b.bin", uid)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it("refuses a file or folder others can write, and links", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const dir = join(home, "c");
      await mkdir(dir, { mode: 0o700 });
      await writeFile(join(dir, "open.bin"), "x", { mode: 0o600 });
      await chmod(join(dir, "open.bin"), 0o622);
      expect(readCodeCache(dir, "open.bin", uid)).toBeUndefined();
      await writeFile(join(dir, "ok.bin"), "x", { mode: 0o600 });
      await symlink(join(dir, "ok.bin"), join(dir, "link.bin"));
      expect(readCodeCache(dir, "link.bin", uid)).toBeUndefined();
      expect(readCodeCache(dir, "ok.bin", uid)?.toString()).toBe("x");
      await chmod(dir, 0o770);
      expect(readCodeCache(dir, "ok.bin", uid)).toBeUndefined();
      expect(ensurePrivateFolder(dir, uid)).toBe(false);
      await symlink(dir, join(home, "dirlink"));
      await chmod(dir, 0o700);
      expect(readCodeCache(join(home, "dirlink"), "ok.bin", uid)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it.runIf(uid !== undefined)("makes no folder under a parent another user owns (sudo with the user's HOME)", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      // As if this process were another user: the parent's owner is not `uid + 1`.
      const dir = join(home, ".cache", "sso-cli", "compile-cache");
      writeCodeCache(dir, "entry-a.bin", Buffer.from("x"), uid! + 1, 1);
      expect(await readdir(home)).not.toContain(".cache");
    } finally {
      await cleanup();
    }
  });

  it("does not make again a HOME that is gone (a long-running process writes its cache at exit)", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const gone = join(home, "gone", "home");
      writeCodeCache(join(gone, ".cache", "sso-cli", "compile-cache"), "entry-a.bin", Buffer.from("x"), uid, 1);
      expect(await readdir(home)).toEqual([]);
      // A home that is there gets its .cache/sso-cli/compile-cache.
      await mkdir(gone, { recursive: true });
      writeCodeCache(join(gone, ".cache", "sso-cli", "compile-cache"), "entry-a.bin", Buffer.from("x"), uid, 1);
      expect(await readdir(join(gone, ".cache", "sso-cli", "compile-cache"))).toEqual(["entry-a.bin"]);
    } finally {
      await cleanup();
    }
  });

  it(`keeps at most ${MAX_CACHE_FILES} caches, dropping the oldest`, async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const dir = join(home, "c");
      await mkdir(dir, { mode: 0o700 });
      for (let i = 0; i < MAX_CACHE_FILES + 3; i++) {
        const file = join(dir, `entry-${String(i).padStart(2, "0")}.bin`);
        await writeFile(file, "x", { mode: 0o600 });
        await utimes(file, 1000 + i, 1000 + i);
      }
      await writeFile(join(dir, "not-a-cache"), "kept");
      writeCodeCache(dir, "entry-new.bin", Buffer.from("y"), uid, 1);
      const left = (await readdir(dir)).sort();
      expect(left.filter((f) => f.startsWith("entry-"))).toHaveLength(MAX_CACHE_FILES);
      expect(left).toContain("entry-new.bin");
      expect(left).toContain("not-a-cache");
      for (const gone of ["entry-00.bin", "entry-01.bin", "entry-02.bin", "entry-03.bin"]) expect(left).not.toContain(gone);
      expect(left).toContain("entry-04.bin");
    } finally {
      await cleanup();
    }
  });
});
