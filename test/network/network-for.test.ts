import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BadValueError, ServiceUnreachableError } from "../../src/errors.js";
import { registrationCacheFileName, tokenCacheFileName } from "../../src/files/token-cache.js";
import { login, type LoginInput, type LoginResult } from "../../src/commands/login/login.js";
import { logout } from "../../src/commands/logout/logout.js";
import { networkFor } from "../../src/network/network-for.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";
import { createTestContext, type TestContext } from "../helpers/test-context.js";

// What a login does with the network it is given, in-process on a fake clock shared with the
// emulator: a service clock an hour off (issue #12, item 11), a server that does not answer in
// time (item 7), and the settings a command's network is built from.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** `[sso-session s]` and `n` profiles p1…pn on the emulator's accounts and roles. */
function manyProfiles(startUrl: string, n: number): string {
  const profiles = Array.from({ length: n }, (_, i) => [
    `[profile p${i + 1}]`,
    "sso_session = s",
    `sso_account_id = 10000000000${(i % 3) + 1}`,
    `sso_role_name = ${i % 2 ? "ReadOnlyAccess" : "AdministratorAccess"}`,
    "",
  ]);
  return [
    "[sso-session s]",
    `sso_start_url = ${startUrl}`,
    "sso_region = us-east-1",
    "sso_registration_scopes = sso:account:access",
    "",
    ...profiles.flat(),
  ].join("\n");
}

async function setUp(
  knobs: Parameters<typeof startTestEmulator>[0] = {},
  env: Record<string, string> = {},
  config = sessionProfileConfig,
  running = false,
): Promise<{ ctx: TestContext; emu: Emulator }> {
  const { home, cleanup } = await makeTempHome();
  const ctx = createTestContext({ home, env, running });
  const emu = await startTestEmulator({ clock: () => ctx.now().getTime(), autoApproveMs: 0, ...knobs });
  cleanups.push(cleanup, () => emu.close());
  ctx.endpoints = emu.endpoints;
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(ctx.paths.configFile, config({ startUrl: emu.startUrl }));
  return { ctx, emu };
}

const LOGIN: LoginInput = { profile: "p", browser: false, force: false, all: false };

async function fetched(ctx: TestContext): Promise<LoginResult> {
  const r = await login(ctx, LOGIN);
  if (r.upToDate) throw new Error("expected a login that fetched");
  return r;
}

const HOUR_MS = 3600_000;
const warnings = (ctx: TestContext): string[] =>
  ctx
    .stderrText()
    .split("\n")
    .filter((l) => l.startsWith("sso-cli: warning:"));

describe("a service clock an hour away from this computer's", () => {
  it.each([
    [3600, "behind"],
    [-3600, "ahead of"],
  ])("skew %i s: warns once with the offset, and judges expiry by the service's clock", async (skewS, word) => {
    const { ctx, emu } = await setUp({ clockSkewS: skewS, roleTtlS: 3600 });
    const r = await fetched(ctx);
    const p = r.profiles[0]!;
    if (!p.ok) throw p.error;
    // The keys live an hour from now on this computer's clock, not 0 or 2 hours.
    expect(Math.abs(p.expiresAt.getTime() - (ctx.now().getTime() + HOUR_MS))).toBeLessThan(5_000);
    expect(warnings(ctx)).toEqual([
      `sso-cli: warning: this computer's clock is 1 h ${word} IAM Identity Center's (the Date of its answers); expiry times are taken from the service's clock. Set the clock right (e.g. turn on NTP): AWS refuses requests signed more than 5 minutes off.`,
    ]);
    // The registration's absolute expiry too; the token's came relative (expiresIn) and needs nothing.
    const registration = JSON.parse(
      await readFile(
        join(
          ctx.paths.ssoCacheDir,
          registrationCacheFileName({ startUrl: emu.startUrl, region: "us-east-1", scopes: ["sso:account:access"], sessionName: "s" }),
        ),
        "utf8",
      ),
    ) as { expiresAt: string };
    const serviceExpiry = [...emu.state.clients.values()][0]!.expiresAtMs;
    expect(Math.abs(Date.parse(registration.expiresAt) - (serviceExpiry - skewS * 1000))).toBeLessThan(5_000);
    const token = JSON.parse(
      await readFile(join(ctx.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })), "utf8"),
    ) as { expiresAt: string };
    expect(Math.abs(Date.parse(token.expiresAt) - (ctx.now().getTime() + 8 * HOUR_MS))).toBeLessThan(5_000);
  });

  it("says nothing and changes nothing within 5 minutes", async () => {
    const { ctx, emu } = await setUp({ clockSkewS: 240 });
    const p = (await fetched(ctx)).profiles[0]!;
    expect(warnings(ctx)).toEqual([]);
    const issued = [...emu.state.roleCredentials.values()][0]!;
    if (!p.ok) throw p.error;
    expect(p.expiresAt.getTime()).toBe(issued.expiresAtMs);
  });
});

describe("a server that does not answer in time", () => {
  it("ends GetRoleCredentials' retries by the deadline, with the profile's one error", async () => {
    const { ctx, emu } = await setUp(
      { injections: [{ operation: "GetRoleCredentials", status: 500, error: "timeout", count: 99, hangMs: 30_000 }] },
      { SSO_CLI_READ_TIMEOUT: "0.2" },
    );
    const p = (await fetched(ctx)).profiles[0]!;
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.error).toBeInstanceOf(ServiceUnreachableError);
    expect(p.error.message).toBe(
      `IAM Identity Center at ${emu.url} did not answer in time (ETIMEDOUT) while getting credentials for profile p.`,
    );
    // Backoff moves the fake clock; the 0.4 s deadline (twice the read timeout) ends the retries.
    expect(emu.state.stats.operations.GetRoleCredentials?.calls).toBeLessThanOrEqual(3);
  });
});

describe("the retry deadline of a fan-out over many profiles", () => {
  it("a hung service: once nothing has succeeded for the deadline, the calls not yet made fail at once", async () => {
    const { ctx, emu } = await setUp(
      { injections: [{ operation: "GetRoleCredentials", status: 500, error: "timeout", count: 9999, hangMs: 30_000 }] },
      { SSO_CLI_READ_TIMEOUT: "0.2" },
      ({ startUrl }) => manyProfiles(startUrl, 48),
      // The hung calls' real 0.2 s must count against the deadline, as they do for a user.
      true,
    );
    const r = await login(ctx, { all: true, browser: false, force: false });
    if (r.upToDate) throw new Error("expected a login that fetched");
    expect(r.profiles.filter((p) => p.ok)).toEqual([]);
    for (const p of r.profiles) if (!p.ok) expect(p.error.message).toMatch(/did not answer in time/);
    // The first 16 (the fan-out's width) were tried, and the few started while the deadline had
    // time left; the rest never were.
    expect(emu.state.stats.operations.GetRoleCredentials?.calls).toBeLessThan(48);
  });

  it("a slow service that still answers: the fan-out goes on past the deadline, every profile written", async () => {
    // Real time here (each answer takes 0.4 s; the read timeout is 1.2 s, the deadline 2.4 s): 128
    // profiles, 16 at a time, take about 3.2 s. Every success moves the deadline on. An answer
    // has 0.8 s to spare before its read timeout, for a machine busy with other tests.
    const { ctx: fake } = await setUp({ latencyMs: 400, clock: Date.now }, { SSO_CLI_READ_TIMEOUT: "1.2" }, ({ startUrl }) =>
      manyProfiles(startUrl, 128),
    );
    const ctx: TestContext = {
      ...fake,
      now: () => new Date(),
      sleep: (ms, signal) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(resolve, ms);
          signal?.addEventListener("abort", () => (clearTimeout(t), reject(new Error("aborted"))));
        }),
    };
    const r = await login(ctx, { all: true, browser: false, force: false });
    if (r.upToDate) throw new Error("expected a login that fetched");
    expect(r.profiles.flatMap((p) => (p.ok ? [] : [`${p.profile}: ${p.error.message}`]))).toEqual([]);
    expect(r.profiles).toHaveLength(128);
  });
});

describe("the settings of a command's network", () => {
  it("reads the timeouts in seconds and refuses nonsense naming the variable", async () => {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    const ok = await networkFor(createTestContext({ home, env: { SSO_CLI_CONNECT_TIMEOUT: "2.5", SSO_CLI_READ_TIMEOUT: "7" } }));
    expect(ok.limits).toEqual({ connectTimeoutMs: 2500, requestTimeoutMs: 7000, retryDeadlineMs: 14_000 });
    const defaults = await networkFor(createTestContext({ home }));
    expect(defaults.limits).toEqual({ connectTimeoutMs: 10_000, requestTimeoutMs: 30_000, retryDeadlineMs: 60_000 });
    for (const bad of ["0", "-1", "soon", "99999"]) {
      await expect(networkFor(createTestContext({ home, env: { SSO_CLI_READ_TIMEOUT: bad } }))).rejects.toThrow(
        new BadValueError(
          "SSO_CLI_READ_TIMEOUT must be a number of seconds (more than 0, at most 3600).",
          "For example: SSO_CLI_READ_TIMEOUT=30",
        ),
      );
    }
  });

  it("takes AWS_CA_BUNDLE first, else ca_bundle of the profile in use (given, AWS_PROFILE, default)", async () => {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    const pem = (n: number) => `-----BEGIN CERTIFICATE-----\nMII${n}\n-----END CERTIFICATE-----\n`;
    await mkdir(join(home, ".aws"), { recursive: true });
    for (const n of [1, 2, 3, 4]) await writeFile(join(home, `ca${n}.pem`), `# bundle ${n}\n${pem(n)}`);
    await writeFile(join(home, ".aws", "config"), `[default]\nca_bundle = ~/ca1.pem\n\n[profile work]\nca_bundle = ${home}/ca2.pem\n`);
    const bundle = async (env: Record<string, string>, profile?: string) =>
      (await networkFor(createTestContext({ home, env }), profile)).caBundle;
    expect(await bundle({})).toEqual({ pem: pem(1).trim(), source: `ca_bundle in profile default (${home}/ca1.pem)` });
    expect((await bundle({}, "work"))?.source).toBe(`ca_bundle in profile work (${home}/ca2.pem)`);
    expect((await bundle({ AWS_PROFILE: "work" }))?.source).toBe(`ca_bundle in profile work (${home}/ca2.pem)`);
    expect(await bundle({ AWS_CA_BUNDLE: join(home, "ca3.pem") }, "work")).toEqual({
      pem: pem(3).trim(),
      source: `AWS_CA_BUNDLE (${home}/ca3.pem)`,
    });
    expect(await bundle({ AWS_PROFILE: "nobody" })).toBeUndefined();
    await expect(bundle({ AWS_CA_BUNDLE: join(home, "missing.pem") })).rejects.toThrow(
      `${home}/missing.pem: does not exist (named by AWS_CA_BUNDLE)`,
    );
    await expect(bundle({ AWS_CA_BUNDLE: join(home, ".aws", "config") })).rejects.toThrow(
      "holds no PEM certificate (named by AWS_CA_BUNDLE)",
    );
  });
});

describe("the AWS SDK's settings, read once by the command", () => {
  it("take the environment first, else the profile in use, and refuse a flag that is not true or false", async () => {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(
      join(home, ".aws", "config"),
      `[default]\nuse_fips_endpoint = True\nsdk_ua_app_id = team-a\n\n[profile work]\nuse_dualstack_endpoint = true\n\n[profile odd]\nuse_fips_endpoint = yes\n`,
    );
    const sdk = async (env: Record<string, string>, profile?: string) => (await networkFor(createTestContext({ home, env }), profile)).sdk;
    expect(await sdk({})).toEqual({ useFipsEndpoint: true, useDualstackEndpoint: false, userAgentAppId: "team-a" });
    expect(await sdk({}, "work")).toEqual({ useFipsEndpoint: false, useDualstackEndpoint: true, userAgentAppId: undefined });
    expect(
      await sdk({ AWS_PROFILE: "work", AWS_USE_DUALSTACK_ENDPOINT: "false", AWS_USE_FIPS_ENDPOINT: "TRUE", AWS_SDK_UA_APP_ID: "ci" }),
    ).toEqual({ useFipsEndpoint: true, useDualstackEndpoint: false, userAgentAppId: "ci" });
    expect(await sdk({ AWS_PROFILE: "nobody" })).toEqual({
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      userAgentAppId: undefined,
    });
    await expect(sdk({}, "odd")).rejects.toThrow(
      new BadValueError("use_fips_endpoint in the profile in use must be true or false.", "Set it to true or false, or remove it."),
    );
    await expect(sdk({ AWS_USE_FIPS_ENDPOINT: "1" })).rejects.toThrow(
      new BadValueError("AWS_USE_FIPS_ENDPOINT must be true or false.", "Set it to true or false, or remove it."),
    );
  });

  it("come from the profile in use alone: a section the command never reads may be broken", async () => {
    // A populated config of 50,000 profiles is read this way once per command; a whole reading
    // would hold about 100 MB for as long as it took.
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), `[profile work]\nuse_fips_endpoint = true\n\n[profile other]\nnot a key line\n`);
    expect((await networkFor(createTestContext({ home, env: {} }), "work")).sdk.useFipsEndpoint).toBe(true);
    await expect(networkFor(createTestContext({ home, env: {} }), "other")).rejects.toThrow(/config:5: is not a key = value line/);
  });

  it("reach the SDK client: FIPS and dual-stack choose the service's endpoint when none is overridden", async () => {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    const ctx = createTestContext({ home, env: { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" } });
    const { createSsoClients } = await import("../../src/sso/clients.js");
    const client = await createSsoClients("us-east-1", {}, { network: () => networkFor(ctx) }).oidc();
    const [UseFIPS, UseDualStack, Region] = [
      await client.config.useFipsEndpoint(),
      await client.config.useDualstackEndpoint(),
      await client.config.region(),
    ];
    expect([UseFIPS, UseDualStack]).toEqual([true, true]);
    const endpoint = client.config.endpointProvider({ Region, UseFIPS, UseDualStack });
    expect(endpoint.url.hostname).toBe("oidc-fips.us-east-1.api.aws");
  });
});

describe("logout with a network that cannot be set up", () => {
  it("a CA bundle that is gone: the server is not told, everything local is still undone", async () => {
    const { ctx, emu } = await setUp();
    await fetched(ctx);
    const offline = createTestContext({
      home: ctx.paths.home,
      endpoints: emu.endpoints,
      env: { AWS_CA_BUNDLE: join(ctx.paths.home, "gone.pem") },
    });
    const r = await logout(offline, { profile: "p" });
    expect(r.signedOut.map((s) => s.outcome)).toEqual(["unreachable"]);
    expect(r.removedProfiles).toEqual(["p"]);
    await expect(readFile(join(ctx.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })))).rejects.toThrow(
      /ENOENT/,
    );
  });
});
