import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readTextIfExists, resolveSymlinks, writeFileAtomic } from "../../src/files/atomic-write.js";

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

  it.each([0o644, 0o600, 0o640, 0o400])("keeps an existing file's mode %o", async (mode) => {
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

  it("deletes its temporary file and leaves the target alone when the rename fails", async () => {
    const target = join(dir, "target");
    await mkdir(target);
    await writeFile(join(target, "inside"), "keep");
    await expect(writeFileAtomic(target, "data")).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["target"]);
    expect(await readFile(join(target, "inside"), "utf8")).toBe("keep");
  });

  it("never shows a reader half a file while 20 writers race", async () => {
    const file = join(dir, "f");
    const bodies = Array.from({ length: 20 }, (_, i) => String(i).repeat(50_000));
    const reads: Promise<string | undefined>[] = [];
    await Promise.all(bodies.map(async (b) => {
      await writeFileAtomic(file, b);
      reads.push(readTextIfExists(file));
    }));
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

  it("throws for anything but a missing file", async () => {
    await expect(readTextIfExists(dir)).rejects.toThrow(/EISDIR/);
  });
});
