import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInLockFile } from "../../src/files/sign-in-lock.js";
import { tokenCacheFileName } from "../../src/files/token-cache.js";
import type { SignInSpec } from "../../src/sign-in/cached-sign-in.entry.js";
import { ensureSignedIn } from "../../src/sign-in/sign-in.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { createTestContext, type TestContext } from "../helpers/test-context.js";
import { makeTempHome } from "../helpers/temp-home.js";

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

// Issue #12, items 5 and 6: concurrent refreshes burnt the rotated refresh token, and concurrent
// first sign-ins each prompted. Here, in-process, on a fake clock: the contexts share one HOME, as
// processes of one user do (the lock across processes is test/files/file-lock.test.ts's, and
// test/e2e/concurrency.e2e.test.ts runs real processes).
describe("one sign-in and one refresh per sso-session, however many callers", () => {
  let emu: Emulator;
  let home: string;
  let cleanup: () => Promise<void>;
  const spec = (): SignInSpec => ({ ssoSession: "s", startUrl: emu.startUrl, region: "us-east-1", scopes: ["sso:account:access"] });
  const contexts = (n: number, extra: Partial<Parameters<typeof createTestContext>[0]> = {}): TestContext[] =>
    Array.from({ length: n }, () => createTestContext({ home, endpoints: emu.endpoints, ...extra }));
  const cacheFile = (): string => join(home, ".aws", "sso", "cache", tokenCacheFileName(spec()));

  beforeAll(async () => {
    emu = await startTestEmulator({ autoApproveMs: 0 });
    ({ home, cleanup } = await makeTempHome());
  });
  afterAll(async () => {
    await emu.close();
    await cleanup();
  });

  it.each([1, 2, 3])("8 concurrent first sign-ins (round %i) register once and start one device sign-in; all get its token", async () => {
    await rm(join(home, ".aws", "sso", "cache"), { recursive: true, force: true });
    emu.state.resetStats();
    const results = await Promise.all(contexts(8).map((ctx) => ensureSignedIn(ctx, spec(), { browser: false })));
    expect(emu.state.stats.operations.RegisterClient?.calls).toBe(1);
    expect(emu.state.stats.operations.StartDeviceAuthorization?.calls).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect(results.filter((r) => r.how === "signed-in")).toHaveLength(1);
  });

  it.each([1, 2, 3])("8 concurrent refreshes (round %i) send one refresh_token grant; nobody falls back to a sign-in", async () => {
    // The cached token is 10 minutes from expiry: inside the 15-minute margin, so each caller refreshes.
    const entry = JSON.parse(await readFile(cacheFile(), "utf8")) as Record<string, unknown>;
    const now = new Date();
    await writeFile(
      cacheFile(),
      JSON.stringify({ ...entry, expiresAt: new Date(now.getTime() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, "Z") }),
    );
    emu.state.resetStats();
    const results = await Promise.all(contexts(8, { now }).map((ctx) => ensureSignedIn(ctx, spec(), { browser: false })));
    expect(emu.state.stats.grantTypes).toEqual({ refresh_token: 1 });
    expect(emu.state.stats.operations.StartDeviceAuthorization).toBeUndefined();
    expect(results.map((r) => r.how).sort()).toEqual([...Array(7).fill("cached"), "refreshed"]);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
  });

  it("takes a short-lived token another caller just wrote instead of refreshing again", async () => {
    // Tokens that live less than the margin (a 10-minute token TTL): each refresh writes one that is
    // "about to expire" again, yet a waiter must not spend the new refresh token on another one.
    emu.state.configure({ tokenTtlS: 600 });
    try {
      const entry = JSON.parse(await readFile(cacheFile(), "utf8")) as Record<string, unknown>;
      await writeFile(
        cacheFile(),
        JSON.stringify({ ...entry, expiresAt: new Date(Date.now() + 5 * 60_000).toISOString().replace(/\.\d+Z$/, "Z") }),
      );
      emu.state.resetStats();
      const results = await Promise.all(contexts(4).map((ctx) => ensureSignedIn(ctx, spec(), { browser: false })));
      expect(emu.state.stats.grantTypes).toEqual({ refresh_token: 1 });
      expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    } finally {
      emu.state.configure({ tokenTtlS: 8 * 3600 });
    }
  });

  it.each([
    [true, 1],
    [false, 0],
  ])("a caller that waits for another process's sign-in says so once on a terminal (TTY %s), then uses its token", async (tty, lines) => {
    const s = { ...spec(), ssoSession: `waiter-${tty}` };
    const lock = `${signInLockFile(home, s)}.lock`;
    // Another live process holds the lock (this one's pid, another token): it is signing in.
    await mkdir(lock, { recursive: true });
    await writeFile(join(lock, "owner.json"), JSON.stringify({ pid: process.pid, host: hostname(), token: "other" }));
    const [ctx] = contexts(1, { tty: { stderr: tty }, sleep: "real", debug: true });
    const run = ensureSignedIn(ctx!, s, { browser: false });
    for (let i = 0; i < 400 && !ctx!.stderrText().includes("[debug] waiting for"); i++) await new Promise((r) => setTimeout(r, 5));
    // It signs in and lets go; the waiter then finds its token.
    const other = await ensureSignedIn(createTestContext({ home: join(home, "elsewhere"), endpoints: emu.endpoints }), s, {
      browser: false,
    });
    await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true });
    await writeFile(
      join(home, ".aws", "sso", "cache", tokenCacheFileName(s)),
      await readFile(join(home, "elsewhere", ".aws", "sso", "cache", tokenCacheFileName(s))),
    );
    await rm(lock, { recursive: true });
    const mine = await run;
    expect(mine.accessToken).toBe(other.accessToken);
    const said = ctx!
      .stderrText()
      .split("\n")
      .filter((l) => l.startsWith("Waiting for"));
    expect(said).toHaveLength(lines);
    if (tty) expect(said[0]).toBe(`Waiting for another sso-cli (pid ${process.pid}), which is signing in to sso-session waiter-true…`);
    expect(ctx!.stderrText()).not.toMatch(/Sign in to/);
  });
});
