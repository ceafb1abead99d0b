import { chmod, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PrivateFolder } from "../../src/files/private-cache.js";
import {
  MAX_REMEMBERED,
  openProfileMemo,
  PROFILE_MEMO_FILE,
  type RememberedProfile,
  SETTLED_MS,
} from "../../src/role-keys/profile-memo.entry.js";
import { makeTempHome } from "../helpers/temp-home.js";

const target = (n: number): RememberedProfile => ({
  profile: `p${n}`,
  accountId: String(100000000000 + n),
  roleName: "Admin",
  region: "eu-north-1",
  roleCacheFile: `${String(n).padStart(40, "0")}.json`,
});

async function setUp(): Promise<{ folder: PrivateFolder; config: string; later: () => Date; cleanup: () => Promise<void> }> {
  const { home, cleanup } = await makeTempHome();
  const config = join(home, "config");
  await writeFile(config, "[profile p1]\nsso_session = s\n");
  const folder = { dir: join(home, "cache"), uid: process.getuid?.(), pid: process.pid };
  // The clock well after the file's last change: it has settled.
  const later = () => new Date(Date.now() + SETTLED_MS + 60_000);
  return { folder, config, later, cleanup };
}

describe("the profile memo", () => {
  it("remembers a profile for the config file as it is, per question, in a private file", async () => {
    const { folder, config, later, cleanup } = await setUp();
    try {
      expect(openProfileMemo(folder, config, "p1", later).remembered).toBeUndefined();
      openProfileMemo(folder, config, "p1", later).remember(target(1));
      expect(openProfileMemo(folder, config, "p1", later).remembered).toEqual(target(1));
      expect(openProfileMemo(folder, config, "p2", later).remembered).toBeUndefined();
      expect(openProfileMemo(folder, config, undefined, later).remembered).toBeUndefined();
      expect((await stat(join(folder.dir, PROFILE_MEMO_FILE))).mode & 0o777).toBe(0o600);
      expect((await stat(folder.dir)).mode & 0o777).toBe(0o700);
    } finally {
      await cleanup();
    }
  });

  it("forgets it when the file changes: new bytes, or only new times", async () => {
    const { folder, config, later, cleanup } = await setUp();
    try {
      openProfileMemo(folder, config, "p1", later).remember(target(1));
      await writeFile(config, "[profile p1]\nsso_session = t\n");
      expect(openProfileMemo(folder, config, "p1", later).remembered).toBeUndefined();
      openProfileMemo(folder, config, "p1", later).remember(target(1));
      expect(openProfileMemo(folder, config, "p1", later).remembered).toEqual(target(1));
      const now = new Date();
      await utimes(config, now, now);
      expect(openProfileMemo(folder, config, "p1", later).remembered).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it(`keeps nothing for a file changed less than ${SETTLED_MS} ms ago (coarse file times could hide a second edit)`, async () => {
    const { folder, config, cleanup } = await setUp();
    try {
      const changed = (await stat(config)).ctimeMs;
      openProfileMemo(folder, config, "p1", () => new Date(changed + SETTLED_MS - 500)).remember(target(1));
      expect(openProfileMemo(folder, config, "p1", () => new Date(changed + SETTLED_MS + 500)).remembered).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it("ignores entries that are not what it writes: a path for a cache file name, a bad account", async () => {
    const { folder, config, later, cleanup } = await setUp();
    try {
      openProfileMemo(folder, config, "p1", later).remember(target(1));
      const file = join(folder.dir, PROFILE_MEMO_FILE);
      const kept = JSON.parse(await readFile(file, "utf8")) as { answers: Array<{ answer: RememberedProfile }> };
      for (const bad of [{ roleCacheFile: "../../.ssh/id_rsa" }, { accountId: "12" }, { region: "" }]) {
        const edited = { ...kept, answers: [{ ...kept.answers[0]!, answer: { ...target(1), ...bad } }] };
        await writeFile(file, JSON.stringify(edited));
        expect(openProfileMemo(folder, config, "p1", later).remembered).toBeUndefined();
      }
      await writeFile(file, "{ not json");
      expect(openProfileMemo(folder, config, "p1", later).remembered).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it("is not read from a folder others can write", async () => {
    const { folder, config, later, cleanup } = await setUp();
    try {
      openProfileMemo(folder, config, "p1", later).remember(target(1));
      await chmod(folder.dir, 0o777);
      expect(openProfileMemo(folder, config, "p1", later).remembered).toBeUndefined();
      await chmod(folder.dir, 0o700);
      expect(openProfileMemo(folder, config, "p1", later).remembered).toEqual(target(1));
    } finally {
      await cleanup();
    }
  });

  it(`keeps the ${MAX_REMEMBERED} profiles used last`, async () => {
    const { folder, config, later, cleanup } = await setUp();
    try {
      for (let n = 1; n <= MAX_REMEMBERED + 2; n++) openProfileMemo(folder, config, `p${n}`, later).remember(target(n));
      expect(openProfileMemo(folder, config, "p1", later).remembered).toBeUndefined();
      expect(openProfileMemo(folder, config, "p2", later).remembered).toBeUndefined();
      expect(openProfileMemo(folder, config, "p3", later).remembered).toEqual(target(3));
      expect(openProfileMemo(folder, config, `p${MAX_REMEMBERED + 2}`, later).remembered).toEqual(target(MAX_REMEMBERED + 2));
    } finally {
      await cleanup();
    }
  });

  it("counts a file that was missing and then appears as a change", async () => {
    const { folder, config, later, cleanup } = await setUp();
    try {
      const missing = `${config}.missing`;
      openProfileMemo(folder, missing, "p1", later).remember(target(1));
      expect(openProfileMemo(folder, missing, "p1", later).remembered).toEqual(target(1));
      await writeFile(missing, "[profile p1]\n");
      expect(openProfileMemo(folder, missing, "p1", later).remembered).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});
