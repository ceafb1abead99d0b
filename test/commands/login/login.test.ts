import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  ConfigError,
  ServiceError,
  SignInDeniedError,
  SignInExpiredError,
  ThrottledError,
} from "../../../src/errors.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../../src/files/token-cache.js";
import { login, type LoginInput, type LoginResult } from "../../../src/commands/login/login.js";
import { startTestEmulator } from "../../helpers/emulator.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import { type TestContext } from "../../helpers/test-context.js";
import { useCaseSetups, type UseCaseSetup } from "../../helpers/use-case-setup.js";

// login's behaviour under waits, retries and faults, in-process: the emulator shares the test's
// fake clock, so a 10-minute expiry or a throttling storm with backoff takes no real time.

type Emulator = UseCaseSetup["emu"];
const setUpUseCase = useCaseSetups();

/** A test context and an emulator on the same fake clock, with `config` as ~/.aws/config. */
async function setUp(
  knobs: Parameters<typeof startTestEmulator>[0] = {},
  config?: (startUrl: string) => string,
): Promise<{ ctx: TestContext; emu: Emulator }> {
  return setUpUseCase({ knobs, config: config ?? ((u) => sessionProfileConfig({ startUrl: u })) });
}

const LOGIN: LoginInput = { profile: "p", browser: false, force: false, all: false };

async function fetched(ctx: TestContext, input: LoginInput = LOGIN): Promise<LoginResult> {
  const r = await login(ctx, input);
  if (r.upToDate) throw new Error("expected a login that fetched");
  return r;
}

async function calls(emu: Emulator, op: string): Promise<number> {
  return emu.state.stats.operations[op]?.calls ?? 0;
}

/** Plays the person at the browser: decides the first device sign-in as soon as it is pending. */
function decideWhenPending(emu: Emulator, decision: "approved" | "denied"): void {
  const tick = (): void => {
    const pending = [...emu.state.deviceAuthorizations.values()].find((d) => d.status === "pending");
    if (pending) pending.status = decision;
    else setImmediate(tick);
  };
  setImmediate(tick);
}

/** A token cache entry the emulator knows, valid for 8 hours on the fake clock. */
function cacheLiveToken(ctx: TestContext, emu: Emulator): Promise<void> {
  const client = emu.state.registerClient({ clientName: "seed", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
  const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
  return writeCache(ctx, emu, accessToken);
}

async function writeCache(ctx: TestContext, emu: Emulator, accessToken: string): Promise<void> {
  await mkdir(ctx.paths.ssoCacheDir, { recursive: true });
  await writeFile(
    join(ctx.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })),
    formatTokenCacheEntry({
      startUrl: emu.startUrl,
      region: "us-east-1",
      accessToken,
      expiresAt: formatTimestamp(new Date(ctx.now().getTime() + 8 * 3600_000)),
    }),
  );
}

describe("login in-process: the plan, the sign-in and the keys", () => {
  it("signs in (device flow, approved), writes keys, and the next login has nothing to fetch", async () => {
    const { ctx } = await setUp();
    const r = await fetched(ctx);
    expect(r.signIns.map((s) => s.how)).toEqual(["signed-in"]);
    expect(r.profiles).toMatchObject([{ profile: "p", ok: true, accountId: "100000000001", roleName: "AdministratorAccess" }]);
    expect(await readFile(ctx.paths.credentialsFile, "utf8")).toMatch(/^\[p\]\naws_access_key_id = ASIA/);
    const again = await login(ctx, LOGIN);
    expect(again).toMatchObject({ upToDate: true, profileCount: 1 });
  });

  it("says which profiles get no keys, and why", async () => {
    const { ctx } = await setUp({}, (u) => `${sessionProfileConfig({ startUrl: u })}\n[profile half]\nsso_session = s\n`);
    const r = await fetched(ctx, { ...LOGIN, profile: undefined, ssoSession: "s" });
    expect(r.skipped).toEqual([{ profile: "half", reason: "no sso_account_id / sso_role_name" }]);
    expect(r.profiles.map((p) => p.profile)).toEqual(["p"]);
  });

  it("writes no keys for populated profiles unless named, or populated --with-keys", async () => {
    const populated = (u: string) =>
      `${sessionProfileConfig({ startUrl: u })}\n[profile pop]\n# sso-cli configure populate\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = AdministratorAccess\n` +
      `\n[profile popkeys]\n# sso-cli configure populate --with-keys\nsso_session = s\nsso_account_id = 100000000003\nsso_role_name = AdministratorAccess\n`;
    const { ctx, emu } = await setUp({}, populated);
    await cacheLiveToken(ctx, emu);
    const r = await fetched(ctx, { ...LOGIN, profile: undefined, ssoSession: "s" });
    expect(r.profiles.map((p) => p.profile)).toEqual(["p", "popkeys"]);
    expect(r.keyless).toBe(1);
    expect(await calls(emu, "GetRoleCredentials")).toBe(2);
    const named = await fetched(ctx, { ...LOGIN, profile: "pop" });
    expect(named.profiles).toMatchObject([{ profile: "pop", ok: true, accountId: "100000000002" }]);
    expect(await readFile(ctx.paths.credentialsFile, "utf8")).toMatch(/^\[pop\]$/m);
  });

  it("a plain login renews the keys of a populated profile that holds keys it wrote (#18 item 1)", async () => {
    const populated = (u: string) =>
      `${sessionProfileConfig({ startUrl: u })}\n[profile pop]\n# sso-cli configure populate\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = AdministratorAccess\n`;
    const { ctx, emu } = await setUp({}, populated);
    await cacheLiveToken(ctx, emu);
    await fetched(ctx, { ...LOGIN, profile: "pop" });
    ctx.advance(55 * 60_000);
    const r = await fetched(ctx, { ...LOGIN, profile: undefined });
    expect(r.profiles.map((p) => p.profile)).toEqual(["p", "pop"]);
    expect(r.keyless).toBe(0);
  });

  it("one sign-in for the journey: login START_URL REGION on an empty config, then configure populate and profile sign in no more (#18 item 12)", async () => {
    const { ctx, emu } = await setUp({}, () => "");
    const r = await fetched(ctx, { startUrl: emu.startUrl, region: "us-east-1", browser: false, force: false, all: false });
    expect(r.newSession).toBe("d-0000000000");
    expect(await calls(emu, "StartDeviceAuthorization")).toBe(1);
    const { configurePopulate } = await import("../../../src/commands/configure-populate/configure-populate.js");
    const populated = await configurePopulate(ctx, {
      startUrl: emu.startUrl,
      region: "us-east-1",
      regions: [],
      accounts: [],
      roles: [],
      withKeys: false,
      prune: false,
      dryRun: false,
      browser: false,
    });
    expect(populated).toMatchObject({ signIn: "cached", ssoSession: "d-0000000000", newSession: true });
    expect(await calls(emu, "StartDeviceAuthorization")).toBe(1);
    // The token came with its refresh token: a later login renews it silently.
    const cache = JSON.parse(
      await readFile(join(ctx.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: "d-0000000000", startUrl: emu.startUrl })), "utf8"),
    ) as Record<string, unknown>;
    expect(cache.refreshToken).toEqual(expect.any(String));
  });

  it("--force ends the old session first (Logout), then signs in anew (#18, beyond)", async () => {
    const { ctx, emu } = await setUp();
    await cacheLiveToken(ctx, emu);
    const r = await fetched(ctx, { ...LOGIN, force: true });
    expect(r.signIns[0]!.how).toBe("signed-in");
    expect(await calls(emu, "Logout")).toBe(1);
    expect(ctx.stderrText()).toContain("Ended the session of sso-session s (--force), so the new sign-in starts a new one.\n");
    // No cached token: nothing to end.
    const fresh = await setUp();
    await fetched(fresh.ctx, { ...LOGIN, force: true });
    expect(await calls(fresh.emu, "Logout")).toBe(0);
  });

  it("leaves keys it did not write alone, and says so for that profile", async () => {
    const { ctx, emu } = await setUp();
    await cacheLiveToken(ctx, emu);
    await writeFile(ctx.paths.credentialsFile, "[p]\naws_access_key_id = AKIAHANDWRITTEN00001\naws_secret_access_key = mine\n");
    const r = await fetched(ctx);
    expect(r.profiles[0]).toMatchObject({ ok: false, error: expect.any(ConfigError) });
    expect(await readFile(ctx.paths.credentialsFile, "utf8")).toBe(
      "[p]\naws_access_key_id = AKIAHANDWRITTEN00001\naws_secret_access_key = mine\n",
    );
  });
});

describe("login in-process: faults and waits, on the fake clock", () => {
  it("a throttling storm: backs off, then reports the profile as throttled (no real waiting)", async () => {
    const { ctx, emu } = await setUp({
      injections: [{ operation: "GetRoleCredentials", status: 429, error: "TooManyRequestsException", count: 50 }],
    });
    await cacheLiveToken(ctx, emu);
    const started = ctx.now().getTime();
    const r = await fetched(ctx);
    expect(r.profiles[0]).toMatchObject({ ok: false, error: expect.any(ThrottledError) });
    expect(await calls(emu, "GetRoleCredentials")).toBe(10);
    // It waited on the fake clock between attempts, growing its pauses.
    expect(ctx.now().getTime() - started).toBeGreaterThan(1000);
  });

  it("a short throttling burst: retried until the keys come", async () => {
    const { ctx, emu } = await setUp({
      injections: [{ operation: "GetRoleCredentials", status: 429, error: "TooManyRequestsException", count: 4 }],
    });
    await cacheLiveToken(ctx, emu);
    const r = await fetched(ctx);
    expect(r.profiles[0]).toMatchObject({ ok: true });
    expect(await calls(emu, "GetRoleCredentials")).toBe(5);
  });

  it("5xx: retried a few times, then reported with the status", async () => {
    const { ctx, emu } = await setUp({
      injections: [{ operation: "GetRoleCredentials", status: 500, error: "InternalServerException", count: 20 }],
    });
    await cacheLiveToken(ctx, emu);
    const r = await fetched(ctx);
    expect(r.profiles[0]).toMatchObject({ ok: false, error: expect.any(ServiceError) });
    expect((r.profiles[0] as { error: Error }).error.message).toMatch(/internal error \(500 InternalServerException\)/);
    expect(await calls(emu, "GetRoleCredentials")).toBe(4);
  });

  it("403 No access for one of two profiles: the other is written", async () => {
    const two = (u: string) =>
      `${sessionProfileConfig({ startUrl: u })}\n[profile b]\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = AdministratorAccess\n`;
    const { ctx, emu } = await setUp({ forbid: ["100000000002:*"] }, two);
    await cacheLiveToken(ctx, emu);
    const r = await fetched(ctx, { ...LOGIN, profile: undefined, ssoSession: "s" });
    expect(r.profiles).toMatchObject([
      { profile: "p", ok: true },
      { profile: "b", ok: false, error: expect.any(AccessDeniedError) },
    ]);
  });

  it("401 mid-fan-out (the service forgot the token): signs in again once, and writes every profile", async () => {
    const many = (u: string) =>
      sessionProfileConfig({ startUrl: u }) +
      Array.from(
        { length: 20 },
        (_, i) => `\n[profile q${i}]\nsso_session = s\nsso_account_id = 10000000000${(i % 3) + 1}\nsso_role_name = AdministratorAccess\n`,
      ).join("");
    const { ctx, emu } = await setUp({}, many);
    await writeCache(ctx, emu, "aoa-revoked-elsewhere");
    const r = await fetched(ctx, { ...LOGIN, profile: undefined, ssoSession: "s" });
    expect(r.profiles.every((p) => p.ok)).toBe(true);
    expect(r.profiles).toHaveLength(21);
    expect(await calls(emu, "StartDeviceAuthorization")).toBe(1);
    // Why a browser sign-in starts although the token had time left (#18 item 5): said once.
    expect(
      ctx
        .stderrText()
        .match(/no longer accepts the cached sign-in for sso-session s \(signed out or revoked elsewhere\): signing in again\.\n/g),
    ).toHaveLength(1);
  });

  it("the person denies the device sign-in: SignInDeniedError, and nothing is written", async () => {
    const { ctx, emu } = await setUp({ autoApproveMs: -1 });
    decideWhenPending(emu, "denied");
    await expect(login(ctx, LOGIN)).rejects.toThrow(SignInDeniedError);
    await expect(readFile(ctx.paths.credentialsFile)).rejects.toThrow(/ENOENT/);
  });

  it("nobody approves: the code expires after its 10 minutes of (fake) time", async () => {
    const { ctx } = await setUp({ autoApproveMs: -1 });
    const started = ctx.now().getTime();
    await expect(login(ctx, LOGIN)).rejects.toThrow(SignInExpiredError);
    expect(ctx.now().getTime() - started).toBeGreaterThanOrEqual(600_000);
  });

  it("slow_down while polling: the interval grows by 5 s for good, then the token comes", async () => {
    const { ctx, emu } = await setUp({
      autoApproveMs: -1,
      injections: [{ operation: "CreateToken", status: 400, error: "SlowDownException", count: 2 }],
    });
    const started = ctx.now().getTime();
    decideWhenPending(emu, "approved");
    const r = await fetched(ctx);
    expect(r.profiles[0]).toMatchObject({ ok: true });
    // Two slow_downs: the 1 s interval became 11 s; the approved poll came after both.
    expect(ctx.now().getTime() - started).toBeGreaterThanOrEqual(6_000 + 11_000);
  });

  it("a token about to expire is refreshed silently, with no sign-in", async () => {
    const { ctx, emu } = await setUp();
    await fetched(ctx);
    ctx.advance(8 * 3600_000 - 5 * 60_000);
    const r = await fetched(ctx, { ...LOGIN, force: false });
    expect(r.signIns.map((s) => s.how)).toEqual(["refreshed"]);
    expect(await calls(emu, "StartDeviceAuthorization")).toBe(1);
  });
});
