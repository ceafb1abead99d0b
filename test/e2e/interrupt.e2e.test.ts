import { spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { BIN, startCli } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    out.push(rel);
    if (e.isDirectory()) out.push(...(await listTree(join(dir, e.name), `${rel}/`)));
  }
  return out.sort();
}

describe("Ctrl-C during a sign-in", () => {
  it("stops with exit 130 and leaves no token, no keys and no temporary file", async () => {
    const emu = await startTestEmulator({ autoApproveMs: -1 });
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
      const child = spawn(process.execPath, [BIN, "login", "--profile", "p"], {
        env: { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", BROWSER: "none", ...emu.env },
      });
      let stderr = "";
      let interrupted = false;
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (!interrupted && /code\s+[A-Z]{4}-[A-Z]{4}/.test(stderr)) {
          interrupted = true;
          child.kill("SIGINT");
        }
      });
      const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
      expect({ code, signal }, stderr).toEqual({ code: 130, signal: null });
      expect(stderr).toMatch(/sso-cli: Interrupted\.|interrupted/i);
      expect(stderr).not.toMatch(/\n\s+at /);
      const files = await listTree(home);
      // Only the config and the client registration (a cache the next sign-in reuses) remain.
      expect(files.some((f) => f.includes("credentials"))).toBe(false);
      expect(files.some((f) => /\.tmp|\.lock/.test(f))).toBe(false);
      const cache = files.filter((f) => f.startsWith(".aws/sso/cache/") && f.endsWith(".json"));
      expect(cache).toHaveLength(1); // the registration only: no token was written
    } finally {
      await cleanup();
      await emu.close();
    }
  });
});

describe("Ctrl-C while the browser sign-in (authorization code) waits", () => {
  it("stops with exit 130, closes the loopback server and writes no token", async () => {
    const emu = await startTestEmulator({ autoApproveMs: -1 });
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      await writeFile(join(home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
      // A browser that starts and shows nothing: the command waits for the person.
      const run = startCli(["login", "--profile", "p"], { home, env: { ...emu.env, BROWSER: "/bin/true" } });
      const [, link] = await run.waitForStderr(/^ {2}open {3}(\S+\/authorize\?\S+)$/m);
      await run.waitForStderr(/^A browser was opened/m);
      run.kill("SIGINT");
      const r = await run.result;
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/^sso-cli: Interrupted\.$/m);
      const redirectUri = new URL(link!).searchParams.get("redirect_uri")!;
      await expect(fetch(`${redirectUri}?code=x&state=y`)).rejects.toThrow();
      const files = await listTree(home);
      expect(files.filter((f) => f.startsWith(".aws/sso/cache/") && f.endsWith(".json"))).toHaveLength(1);
      expect(files.some((f) => f.includes("credentials"))).toBe(false);
    } finally {
      await cleanup();
      await emu.close();
    }
  });
});
