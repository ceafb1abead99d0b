import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InterruptedError } from "../../src/errors.js";
import { removeStaleTempFiles, tempFileName } from "../../src/files/atomic-write.js";
import { FileLockTimeoutError, withFileLock, type LockHolder } from "../../src/files/file-lock.js";
import { thisMachine } from "../../src/files/this-machine.js";
import { bundleForChild } from "./bundle-for-child.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sso-cli-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeLock(file: string, owner: object | undefined, ageMs = 0): Promise<void> {
  await mkdir(`${file}.lock`);
  if (owner) await writeFile(join(`${file}.lock`, "owner.json"), JSON.stringify(owner));
  const t = new Date(Date.now() - ageMs);
  await utimes(`${file}.lock`, t, t);
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("withFileLock in one process", () => {
  it("runs callers one at a time, in order, without leaving the lock behind", async () => {
    const file = join(dir, "credentials");
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        withFileLock(file, async () => {
          active++;
          maxActive = Math.max(maxActive, active);
          await new Promise((r) => setTimeout(r, 2));
          order.push(i);
          active--;
        }),
      ),
    );
    expect(maxActive).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("returns fn's value, and releases the lock when fn throws", async () => {
    const file = join(dir, "f");
    expect(await withFileLock(file, async () => 42)).toBe(42);
    await expect(
      withFileLock(file, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await withFileLock(file, async () => "again")).toBe("again");
    expect(await readdir(dir)).toEqual([]);
  });

  it("shares one lock between a symlink and its target", async () => {
    const target = join(dir, "real");
    await writeFile(target, "");
    await symlink(target, join(dir, "link"));
    let active = 0;
    let maxActive = 0;
    const run = (p: string) =>
      withFileLock(p, async () => {
        maxActive = Math.max(maxActive, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      });
    await Promise.all([run(target), run(join(dir, "link")), run(target), run(join(dir, "link"))]);
    expect(maxActive).toBe(1);
  });

  it("creates a missing parent folder 0700 for the lock", async () => {
    const file = join(dir, "new", "credentials");
    await withFileLock(file, async () => undefined);
    expect(await readdir(join(dir, "new"))).toEqual([]);
  });
});

describe("withFileLock against other holders", () => {
  it.each([
    ["whose holder on this machine has died", () => ({ pid: deadPid(), ...thisMachine(), token: "t" }), 0],
    [
      "whose holder on another machine is long gone",
      () => ({ pid: process.pid, ...thisMachine(), bootId: "another boot", token: "t" }),
      60_000,
    ],
    ["untouched for longer than staleMs", () => ({ pid: process.pid, host: "another-host", token: "t" }), 60_000],
    ["left without an owner file", () => undefined, 10_000],
  ])("takes over a lock %s", async (_name, owner, ageMs) => {
    const file = join(dir, "credentials");
    await writeLock(file, owner(), ageMs);
    expect(await withFileLock(file, async () => "mine", { timeoutMs: 2_000 })).toBe("mine");
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ["held by a live process", { pid: process.pid, host: hostname(), token: "t" }],
    ["just created, owner not yet written", undefined],
  ])("waits for a lock %s, then times out with a clear error", async (_name, owner) => {
    const file = join(dir, "credentials");
    await writeLock(file, owner);
    const err = await withFileLock(file, async () => "never", { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileLockTimeoutError);
    expect((err as FileLockTimeoutError).message).toContain(file);
    expect((err as FileLockTimeoutError).hint).toContain(`${file}.lock`);
    expect(await readdir(`${file}.lock`)).toEqual(owner ? ["owner.json"] : []);
  });

  it("gets the lock as soon as a live holder lets go", async () => {
    const file = join(dir, "credentials");
    await writeLock(file, { pid: process.pid, host: hostname(), token: "t" });
    setTimeout(() => void rm(`${file}.lock`, { recursive: true }), 100);
    expect(await withFileLock(file, async () => "mine", { timeoutMs: 5_000 })).toBe("mine");
  });

  it("tells the waiter once who holds the lock, however long it waits", async () => {
    const file = join(dir, "credentials");
    await writeLock(file, { pid: process.pid, host: hostname(), token: "t" });
    const told: (LockHolder | undefined)[] = [];
    setTimeout(() => void rm(`${file}.lock`, { recursive: true }), 150);
    expect(await withFileLock(file, async () => "mine", { timeoutMs: 5_000, onWait: (h) => told.push(h) })).toBe("mine");
    expect(told).toEqual([{ pid: process.pid, host: hostname() }]);
    // Free at once: nobody to wait for, nothing said.
    await withFileLock(file, async () => undefined, { onWait: (h) => told.push(h) });
    expect(told).toHaveLength(1);
  });

  it("stops waiting when its signal is aborted (Ctrl-C), leaving the holder's lock alone", async () => {
    const file = join(dir, "credentials");
    await writeLock(file, { pid: process.pid, host: hostname(), token: "t" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(withFileLock(file, async () => "never", { timeoutMs: 10_000, signal: controller.signal })).rejects.toThrow(
      InterruptedError,
    );
    expect(await readdir(`${file}.lock`)).toEqual(["owner.json"]);
  });

  it("a temporary lock folder left by a killed process is removed with its temp files", async () => {
    const name = await tempFileName("lock", deadPid());
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, "owner.json"), "{}");
    expect(await removeStaleTempFiles(dir)).toEqual([name]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("does not remove a lock that someone took over from it", async () => {
    const file = join(dir, "credentials");
    await withFileLock(file, async () => {
      await writeFile(join(`${file}.lock`, "owner.json"), JSON.stringify({ pid: 1, host: "h", token: "other" }));
    });
    expect(JSON.parse(await readFile(join(`${file}.lock`, "owner.json"), "utf8")).token).toBe("other");
  });
});

describe("withFileLock across processes", () => {
  let work: string;
  let script: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "sso-cli-lock-bundle-"));
    const lib = await bundleForChild(join(import.meta.dirname, "..", "..", "src", "files", "file-lock.ts"), work);
    script = join(work, "increment.mjs");
    // Read-modify-write of a counter: any overlap between two holders loses an increment.
    await writeFile(
      script,
      `
      import { readFile, writeFile } from "node:fs/promises";
      import { withFileLock } from ${JSON.stringify(lib)};
      const [file, rounds] = process.argv.slice(2);
      for (let i = 0; i < Number(rounds); i++) {
        await withFileLock(file, async () => {
          const n = Number(await readFile(file, "utf8").catch(() => "0"));
          await new Promise((r) => setTimeout(r, 1));
          await writeFile(file, String(n + 1));
        });
      }
    `,
    );
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("loses no update when 8 processes increment one counter 10 times each, and no lock is ever seen without its owner", async () => {
    const file = join(dir, "counter");
    const runs = Array.from(
      { length: 8 },
      () =>
        new Promise<number | null>((resolve, reject) => {
          const child = spawn(process.execPath, [script, file, "10"], { stdio: ["ignore", "ignore", "inherit"] });
          child.on("error", reject).on("close", resolve);
        }),
    );
    // A lock folder is published whole (owner file inside) by a rename: look while they work.
    const seen = { held: 0, ownerless: 0 };
    let running = true;
    const watcher = (async () => {
      while (running) {
        const names = await readdir(`${file}.lock`).catch(() => undefined);
        if (names?.includes("owner.json")) seen.held++;
        else if (names) {
          // An empty listing can also be a released lock read while it is being removed (it is
          // renamed aside first, then emptied): only an ownerless folder still at the lock's path counts.
          const again = await readdir(`${file}.lock`).catch(() => undefined);
          if (again && !again.includes("owner.json")) seen.ownerless++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const codes = await Promise.all(runs);
    running = false;
    await watcher;
    expect(codes).toEqual(Array(8).fill(0));
    expect(seen.held).toBeGreaterThan(0);
    expect(seen.ownerless).toBe(0);
    expect(await readFile(file, "utf8")).toBe("80");
    expect(await readdir(dir)).toEqual(["counter"]);
  });
});

// Issue 21 item 8: a pid means a process here only if the owner's host name, platform and boot id
// are this machine's. WSL takes the Windows computer's name; a network home is shared by many.
describe("withFileLock: holders on other machines", () => {
  it.each([
    ["Windows beside WSL (same host name)", { platform: "win32" }],
    ["another boot of the same name", { bootId: "0f0f0f0f-0000-4000-8000-000000000000" }],
    ["an sso-cli before 0.2 (host and pid only)", { platform: undefined, bootId: undefined }],
  ])("does not judge a lock of %s by its pid: it waits for the lock's age", async (_name, differs) => {
    const file = join(dir, "credentials");
    const owner = { pid: deadPid(), ...thisMachine(), token: "t", ...differs };
    await writeLock(file, JSON.parse(JSON.stringify(owner)) as object);
    await expect(withFileLock(file, async () => "never", { timeoutMs: 150 })).rejects.toThrow(FileLockTimeoutError);
    expect(await readdir(`${file}.lock`)).toEqual(["owner.json"]);
  });

  it("records its platform and boot id in the owner file", async () => {
    const file = join(dir, "credentials");
    const owner = await withFileLock(
      file,
      async () => JSON.parse(await readFile(join(`${file}.lock`, "owner.json"), "utf8")) as Record<string, unknown>,
    );
    const me = thisMachine();
    expect(owner).toMatchObject({ pid: process.pid, host: me.host, platform: process.platform });
    expect(owner.bootId).toBe(me.bootId);
    if (process.platform === "linux") expect(me.bootId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// Issue 21 item 5: on Windows, renaming a folder onto one that exists fails with EPERM, not
// ENOTEMPTY; and a folder with a file open inside cannot be renamed or removed for a moment.
describe("withFileLock on Windows (simulated)", () => {
  const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: rename`), { code, syscall: "rename" });
  const exists = (p: string): Promise<boolean> =>
    stat(p).then(
      () => true,
      () => false,
    );

  it("the loser of a race waits for the winner (EPERM is 'held'), instead of failing", async () => {
    const file = join(dir, "credentials");
    let raced = false;
    // Windows' rename: EPERM onto an existing folder. The winner's lock appears just before ours.
    const windowsRename = async (from: string, to: string): Promise<void> => {
      if (!raced && to === `${file}.lock`) {
        raced = true;
        await writeLock(file, { pid: process.pid, ...thisMachine(), platform: "win32", token: "winner" });
      }
      if (await exists(to)) throw errno("EPERM");
      await rename(from, to);
    };
    const told: (LockHolder | undefined)[] = [];
    const result = await withFileLock(file, async () => "mine", {
      timeoutMs: 5_000,
      system: { platform: "win32", rename: windowsRename, machine: { ...thisMachine(), platform: "win32" } },
      onWait: (holder) => {
        told.push(holder);
        // The winner finishes a moment later.
        setTimeout(() => void rm(`${file}.lock`, { recursive: true }), 50);
      },
    });
    expect(result).toBe("mine");
    expect(raced).toBe(true);
    expect(told).toEqual([{ pid: process.pid, host: thisMachine().host }]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("an EPERM with no lock there is a real error, said in one line", async () => {
    const file = join(dir, "credentials");
    const err = await withFileLock(file, async () => "never", {
      system: { platform: "win32", rename: async () => Promise.reject(errno("EPERM")) },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`${file}: permission denied (could not lock it)`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("retries the release while the lock folder is busy, so no lock is left behind", async () => {
    const file = join(dir, "credentials");
    let busy = 0;
    const windowsRename = async (from: string, to: string): Promise<void> => {
      // The release renames the lock folder aside: busy twice (a scanner has owner.json open).
      if (from === `${file}.lock` && busy++ < 2) throw errno("EBUSY");
      await rename(from, to);
    };
    expect(
      await withFileLock(file, async () => "mine", { system: { platform: "win32", rename: windowsRename }, sleep: async () => undefined }),
    ).toBe("mine");
    expect(busy).toBe(3);
    expect(await readdir(dir)).toEqual([]);
  });
});
