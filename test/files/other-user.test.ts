import { spawnSync } from "node:child_process";
import { chmod, chown, lchown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/files/atomic-write.js";
import { bundleForChild } from "./bundle-for-child.js";

// Issues 16 and 20 with a real second user: uid 65534 (nobody) owns files here, and a child runs
// as that user through setpriv. Making another user's files takes root, as CI runs the tests
// (test/tiers.ts: "a second local user and a bind mount").

const OTHER = 65_534;

let dir: string;
beforeAll(() => {
  expect(process.getuid?.(), "these tests make files of another user (chown): run them as root, as CI does").toBe(0);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sso-cli-other-user-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe("writeFileAtomic: secrets and another user's files", () => {
  const notices: string[] = [];
  const secret = { secret: true, notice: (l: string) => notices.push(l) };

  it("never writes into a file another user owns, even through a link in the writer's own folder", async () => {
    const theirs = join(dir, "theirs");
    await mkdir(theirs, { mode: 0o755 });
    await writeFile(join(theirs, "loot"), "", { mode: 0o666 });
    await chmod(join(theirs, "loot"), 0o666);
    await chown(join(theirs, "loot"), OTHER, OTHER);
    await mkdir(join(dir, ".aws"));
    await symlink(join(theirs, "loot"), join(dir, ".aws", "credentials"));
    await expect(writeFileAtomic(join(dir, ".aws", "credentials"), "keys", secret)).rejects.toThrow(
      `${join(dir, ".aws", "credentials")}: not written: ${join(theirs, "loot")} belongs to another user (uid ${OTHER}), who could read the keys`,
    );
    expect(await readFile(join(theirs, "loot"), "utf8")).toBe("");
    expect(await readdir(theirs)).toEqual(["loot"]);
    // And the same file named directly.
    await expect(writeFileAtomic(join(theirs, "loot"), "keys", secret)).rejects.toThrow(
      `: not written: it belongs to another user (uid ${OTHER})`,
    );
  });

  it("never writes through another user's folder or symlink", async () => {
    const theirs = join(dir, "theirs");
    await mkdir(theirs, { mode: 0o755 });
    await chown(theirs, OTHER, OTHER);
    await expect(writeFileAtomic(join(theirs, "credentials"), "keys", secret)).rejects.toThrow(
      `not written: ${theirs} belongs to another user (uid ${OTHER})`,
    );
    await mkdir(join(dir, ".aws"));
    await writeFile(join(dir, "mine"), "old", { mode: 0o600 });
    await symlink(join(dir, "mine"), join(dir, ".aws", "credentials"));
    await lchown(join(dir, ".aws", "credentials"), OTHER, OTHER);
    await expect(writeFileAtomic(join(dir, ".aws", "credentials"), "keys", secret)).rejects.toThrow(
      `not written: the symbolic link ${join(dir, ".aws", "credentials")} belongs to another user`,
    );
    expect(await readFile(join(dir, "mine"), "utf8")).toBe("old");
    expect(await readdir(theirs)).toEqual([]);
  });

  it("in a sticky folder, refuses a file another user put there", async () => {
    const shared = join(dir, "shared");
    await mkdir(shared);
    await chmod(shared, 0o1777);
    await writeFile(join(shared, "credentials"), "", { mode: 0o600 });
    await chown(join(shared, "credentials"), OTHER, OTHER);
    await expect(writeFileAtomic(join(shared, "credentials"), "keys", secret)).rejects.toThrow(`belongs to another user (uid ${OTHER})`);
  });

  it("trusts root's files for any writer, and judges an ordinary user's files as another's when root writes", async () => {
    // Written by an ordinary user (uid 1000 here): a root-owned folder and file leak nothing.
    await writeFile(join(dir, "credentials"), "old", { mode: 0o600 });
    await writeFileAtomic(join(dir, "credentials"), "keys", { ...secret, system: { uid: 1000 } });
    expect(await readFile(join(dir, "credentials"), "utf8")).toBe("keys");
    // Written by root: a file of uid 1000 would hand root's keys to that user.
    await chown(join(dir, "credentials"), 1000, 1000);
    await expect(writeFileAtomic(join(dir, "credentials"), "root's keys", { ...secret, system: { uid: 0 } })).rejects.toThrow(
      "belongs to another user (uid 1000)",
    );
  });
});

// Issue 20 item 3: a read-only file is the user saying "do not change this".
describe("writeFileAtomic: read-only files", () => {
  it("refuses a file its writer may not write (as an ordinary user, uid 65534), and leaves it as it was", async () => {
    expect(spawnSync("setpriv", ["--version"]).status, "setpriv (util-linux) runs the writer as another user").toBe(0);
    const work = await mkdtemp(join(tmpdir(), "sso-cli-readonly-"));
    try {
      const lib = await bundleForChild(join(import.meta.dirname, "..", "..", "src", "files", "atomic-write.ts"), work);
      const script = join(work, "writer.mjs");
      await writeFile(
        script,
        `
        import { writeFileAtomic } from ${JSON.stringify(lib)};
        try { await writeFileAtomic(process.argv[2], "new", { secret: true }); console.log("written"); }
        catch (e) { console.log(e.message); }
      `,
      );
      await chmod(work, 0o755);
      await chmod(dir, 0o755);
      await chown(dir, OTHER, OTHER);
      const file = join(dir, "credentials");
      await writeFile(file, "old");
      await chmod(file, 0o444);
      await chown(file, OTHER, OTHER);
      const run = () =>
        spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, script, file], { encoding: "utf8" });
      expect(run().stdout.trim()).toBe(`${file}: is read-only for you, so sso-cli left it as it is`);
      expect(await readFile(file, "utf8")).toBe("old");
      expect(await modeOf(file)).toBe(0o444);
      expect(await readdir(dir)).toEqual(["credentials"]);
      // Made writable again, the same writer writes it.
      await chmod(file, 0o644);
      expect(run().stdout.trim()).toBe("written");
      expect(await readFile(file, "utf8")).toBe("new");
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("writes a read-only file as root, as the AWS CLI does, and keeps its mode", async () => {
    const file = join(dir, "config");
    await writeFile(file, "old");
    await chmod(file, 0o444);
    await writeFileAtomic(file, "new");
    expect(await readFile(file, "utf8")).toBe("new");
    expect(await modeOf(file)).toBe(0o444);
  });
});
