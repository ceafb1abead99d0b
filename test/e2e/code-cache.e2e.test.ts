import { chmod, chown, cp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wrapEntry } from "../../src/cli/code-cache.entry.js";
import { REPO_ROOT, runCli, runProcess } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";
import pkg from "../../package.json" with { type: "json" };

// The entry's V8 code cache (src/cli/code-cache.entry.ts) as a user meets it: made by their first
// run of a command, read by the next, and never taken from a file or folder someone else could
// have written. The planted cache is compiled code that prints "EVIL!" for --version: the same
// length as the real entry, so V8 itself would take it; only the launcher's checks keep it out.

const ENTRY = join(REPO_ROOT, "dist", "cli", "entry.cjs");
const FOLDER = (home: string): string => join(home, ".cache", "sso-cli", "compile-cache");

/** Compiles a same-length entry that prints EVIL! for --version, runs it so `run` is compiled too, and writes its cache to `out`. */
async function evilCache(home: string, out: string): Promise<void> {
  const source = await readFile(ENTRY, "utf8");
  const real = JSON.stringify(`${pkg.version}\n`);
  expect(source).toContain(`answerWith(host, 1, ${real})`);
  const evil = source.replace(
    `answerWith(host, 1, ${real})`,
    `answerWith(host, 1, ${JSON.stringify(`${"EVIL!".padEnd(pkg.version.length, "!")}\n`)})`,
  );
  expect(evil.length).toBe(source.length);
  const evilFile = join(home, "evil-entry.js");
  await writeFile(evilFile, wrapEntry(evil));
  const script = `
    const { Script } = require("node:vm");
    const { readFileSync, writeFileSync } = require("node:fs");
    const script = new Script(readFileSync(${JSON.stringify(evilFile)}, "utf8"), { filename: ${JSON.stringify(ENTRY)} });
    process.once("exit", () => writeFileSync(${JSON.stringify(out)}, script.createCachedData(), { mode: 0o600 }));
    const module = { exports: {} };
    script.runInThisContext()(module.exports, require, module, ${JSON.stringify(ENTRY)}, ${JSON.stringify(join(REPO_ROOT, "dist", "cli"))});
    module.exports.runEntry(["--version"], () => Promise.reject(new Error("no")));
  `;
  const made = await runProcess(process.execPath, ["-e", script], { home });
  expect(made.stdout).toMatch(/^EVIL!+\n$/);
}

/** The text route's cache file the first --version run made. */
async function textCache(home: string): Promise<string> {
  const first = await runCli(["--version"], { home });
  expect(first.stdout).toBe(`${pkg.version}\n`);
  const files = (await readdir(FOLDER(home))).filter((f) => f.endsWith(`-${process.version}-${process.arch}-text.bin`));
  expect(files).toHaveLength(1);
  return join(FOLDER(home), files[0]!);
}

describe("the entry's code cache", () => {
  it("is made at the first run of a command, in an owner-only folder of the user's cache home, never the temp folder", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const tmp = join(home, "tmp");
      await mkdir(tmp);
      for (let i = 0; i < 2; i++) {
        const r = await runCli(["credential-process", "--profile", "p"], { home, env: { TMPDIR: tmp } });
        expect(r.code).toBe(253);
      }
      expect(await readdir(tmp)).toEqual([]);
      expect((await stat(FOLDER(home))).mode & 0o777).toBe(0o700);
      const caches = (await readdir(FOLDER(home))).filter((f) => f.startsWith("entry-"));
      // The credentials copy's, and the whole entry's, to which it handed the unknown profile.
      expect(caches).toHaveLength(2);
      for (const cache of caches) {
        expect(cache).toMatch(new RegExp(`^entry-[0-9a-f]{16}-${process.version}-${process.arch}-credentials\\.bin$`));
        expect((await stat(join(FOLDER(home), cache))).mode & 0o777).toBe(0o600);
      }
    } finally {
      await cleanup();
    }
  });

  it("is read back: a cache in the user's own folder is what runs (the planted one prints EVIL!)", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const file = await textCache(home);
      await evilCache(home, file);
      expect((await runCli(["--version"], { home })).stdout).toMatch(/^EVIL!+\n$/);
      // With caching turned off, the entry is compiled from its source.
      expect((await runCli(["--version"], { home, env: { NODE_DISABLE_COMPILE_CACHE: "1" } })).stdout).toBe(`${pkg.version}\n`);
    } finally {
      await cleanup();
    }
  });

  const planted: Array<[string, (file: string, home: string) => Promise<void>]> = [
    ["a cache file others can write", (file) => chmod(file, 0o666)],
    ["a cache folder others can write", (_file, home) => chmod(FOLDER(home), 0o777)],
    [
      "a link in place of the cache file",
      async (file, home) => {
        const elsewhere = join(home, "elsewhere.bin");
        await writeFile(elsewhere, await readFile(file), { mode: 0o600 });
        await rm(file);
        await symlink(elsewhere, file);
      },
    ],
    [
      "a link in place of the cache folder",
      async (_file, home) => {
        const elsewhere = join(home, "elsewhere");
        await rm(elsewhere, { recursive: true, force: true });
        await cp(FOLDER(home), elsewhere, { recursive: true, preserveTimestamps: true });
        await chmod(elsewhere, 0o700);
        await rm(FOLDER(home), { recursive: true });
        await symlink(elsewhere, FOLDER(home));
      },
    ],
    ...(process.getuid?.() === 0
      ? [
          ["a cache file another user owns", (file: string) => chown(file, 65534, 65534)] satisfies [
            string,
            (file: string) => Promise<void>,
          ],
        ]
      : []),
  ];

  it.each(planted)("is not read from %s: the entry runs from its source", async (_what, plant) => {
    const { home, cleanup } = await makeTempHome();
    try {
      const file = await textCache(home);
      await evilCache(home, file);
      await plant(file, home);
      const r = await runCli(["--version"], { home });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    } finally {
      await cleanup();
    }
  });

  it("a cache this Node refuses (corrupt, truncated) is compiled around and made anew", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const file = await textCache(home);
      await writeFile(file, Buffer.from("not a code cache"), { mode: 0o600 });
      const r = await runCli(["--version"], { home });
      expect(r.stdout).toBe(`${pkg.version}\n`);
      expect((await stat(file)).size).toBeGreaterThan(1000);
      expect((await runCli(["--version"], { home })).stdout).toBe(`${pkg.version}\n`);
    } finally {
      await cleanup();
    }
  });

  it("a HOME it cannot write costs nothing but the cache", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      await writeFile(join(home, ".cache"), "a file where the cache folder would go");
      const r = await runCli(["--version"], { home });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
      expect(r.stderr).toBe("");
    } finally {
      await cleanup();
    }
  });
});
