import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AccessDeniedError, ConfigError, LoginRequiredError, UsageError } from "../../src/errors.js";
import { formatRoleCacheEntry, roleCacheFileName } from "../../src/files/role-cache.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { buildExecEnv } from "../../src/commands/exec/exec-env.js";
import { exec } from "../../src/commands/exec/exec.js";
import { getProfileCredentials, resolveCredentialProfile } from "../../src/role-keys/profile-credentials.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { type TestContext } from "../helpers/test-context.js";
import { useCaseSetups } from "../helpers/use-case-setup.js";

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
const setUpUseCase = useCaseSetups();

async function setUp(
  config?: (u: string) => string,
  knobs: Parameters<typeof startTestEmulator>[0] = {},
): Promise<{ ctx: TestContext; emu: Emulator }> {
  return setUpUseCase({ knobs, ...(config ? { config } : {}) });
}

/** A signed-in token in the cache, as `sso-cli login` or `aws sso login` leaves it. */
async function signIn(ctx: TestContext, emu: Emulator, o: { expiresInMs?: number; refreshable?: boolean } = {}): Promise<void> {
  const client = emu.state.registerClient({ clientName: "c", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
  const tokens = emu.state.issueTokens(emu.state.startSession(client.clientId));
  await mkdir(ctx.paths.ssoCacheDir, { recursive: true });
  await writeFile(
    join(ctx.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })),
    formatTokenCacheEntry({
      startUrl: emu.startUrl,
      region: "eu-west-1",
      accessToken: tokens.accessToken,
      expiresAt: formatTimestamp(new Date(ctx.now().getTime() + (o.expiresInMs ?? 8 * 3600_000))),
      ...(o.refreshable
        ? {
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            registrationExpiresAt: formatTimestamp(new Date(client.expiresAtMs)),
            refreshToken: tokens.refreshToken,
          }
        : {}),
    }),
  );
}

const roleFile = (ctx: TestContext) =>
  join(ctx.paths.cliCacheDir, roleCacheFileName({ accountId: "100000000001", roleName: "AdministratorAccess", sessionName: "s" }));
const calls = (emu: Emulator, op: string) => emu.state.stats.operations[op]?.calls ?? 0;

describe("a profile's role keys for other tools, never asking a person", () => {
  it("fetches with the cached sign-in, then shares them through the AWS CLI v2's role cache (0600)", async () => {
    const { ctx, emu } = await setUp();
    await signIn(ctx, emu);
    const first = await getProfileCredentials(ctx, { profile: "p" });
    expect(first).toMatchObject({
      source: "fetched",
      profile: "p",
      accountId: "100000000001",
      region: "eu-west-1",
      accessKeyId: expect.stringMatching(/^ASIA/),
    });
    expect((await stat(roleFile(ctx))).mode & 0o777).toBe(0o600);
    expect(await readFile(roleFile(ctx), "utf8")).toBe(formatRoleCacheEntry({ ...first }));
    const again = await getProfileCredentials(ctx, { profile: "p" });
    expect(again).toMatchObject({ source: "cache", accessKeyId: first.accessKeyId });
    expect(calls(emu, "GetRoleCredentials")).toBe(1);
  });

  it("cached keys with 15 minutes or less left are fetched anew", async () => {
    const { ctx, emu } = await setUp();
    await signIn(ctx, emu);
    await mkdir(ctx.paths.cliCacheDir, { recursive: true });
    await writeFile(
      roleFile(ctx),
      formatRoleCacheEntry({
        accessKeyId: "ASIAOLD",
        secretAccessKey: "s",
        sessionToken: "t",
        expiration: new Date(ctx.now().getTime() + 14 * 60_000),
      }),
    );
    expect(await getProfileCredentials(ctx, { profile: "p" })).toMatchObject({ source: "fetched" });
  });

  it("no sign-in: LoginRequiredError naming the command, and no browser", async () => {
    const { ctx } = await setUp();
    const err = await getProfileCredentials(ctx, { profile: "p" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginRequiredError);
    expect((err as Error).message).toMatch(/run: sso-cli login --profile p$/);
    expect(ctx.opened).toEqual([]);
    expect(ctx.stderrText()).toBe("");
  });

  it("an expired token that cannot be refreshed: LoginRequiredError; one that can: refreshed silently", async () => {
    const a = await setUp();
    await signIn(a.ctx, a.emu, { expiresInMs: -60_000 });
    await expect(getProfileCredentials(a.ctx, { profile: "p" })).rejects.toThrow(LoginRequiredError);
    const b = await setUp();
    await signIn(b.ctx, b.emu, { expiresInMs: 5 * 60_000, refreshable: true });
    await expect(getProfileCredentials(b.ctx, { profile: "p" })).resolves.toMatchObject({ source: "fetched" });
    expect(b.emu.state.stats.grantTypes.refresh_token).toBe(1);
  });

  it("a token the service no longer knows (401): LoginRequiredError", async () => {
    const { ctx, emu } = await setUp();
    await signIn(ctx, emu);
    await fetch(`${emu.url}/_admin/reset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ state: "sessions" }),
    });
    await expect(getProfileCredentials(ctx, { profile: "p" })).rejects.toThrow(LoginRequiredError);
  });

  it("403 No access: AccessDeniedError", async () => {
    const { ctx, emu } = await setUp(undefined, { forbid: ["100000000001:*"] });
    await signIn(ctx, emu);
    await expect(getProfileCredentials(ctx, { profile: "p" })).rejects.toThrow(AccessDeniedError);
    // The hint names the command that lists what one may use (#18 item 5).
    await expect(getProfileCredentials(ctx, { profile: "p" })).rejects.toMatchObject({
      hint: expect.stringContaining("`sso-cli roles` lists what you can use"),
    });
  });
});

describe("which profile", () => {
  const two = (u: string) =>
    `${sessionProfileConfig({ startUrl: u })}\n[profile q]\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = ReadOnlyAccess\n\n[profile plain]\nregion = us-west-2\n`;

  it("--profile, else AWS_PROFILE, else the only one with an account and role", async () => {
    const one = await setUp();
    expect((await resolveCredentialProfile(one.ctx, undefined)).profile).toBe("p");
    const both = await setUp(two);
    await expect(resolveCredentialProfile(both.ctx, undefined)).rejects.toThrow(UsageError);
    expect((await resolveCredentialProfile({ ...both.ctx, env: { AWS_PROFILE: "q" } }, undefined)).profile).toBe("q");
    expect((await resolveCredentialProfile(both.ctx, "q")).roleName).toBe("ReadOnlyAccess");
  });

  it("refuses an unknown profile, and one that names no role", async () => {
    const { ctx } = await setUp((u) => `${sessionProfileConfig({ startUrl: u })}\n[profile bare]\nsso_session = s\n`);
    await expect(resolveCredentialProfile(ctx, "nope")).rejects.toThrow(/could not be found/);
    await expect(resolveCredentialProfile(ctx, "bare")).rejects.toThrow(ConfigError);
  });
});

describe("exec", () => {
  const keys = {
    accessKeyId: "ASIAKEY",
    secretAccessKey: "sk",
    sessionToken: "st",
    expiration: new Date("2030-01-02T03:04:05Z"),
    profile: "p",
    accountId: "1",
    roleName: "R",
    region: "eu-west-1",
    source: "cache" as const,
  };

  it("gives the child the keys and the region, and nothing that would pick other credentials", () => {
    const env = buildExecEnv(
      { PATH: "/bin", AWS_PROFILE: "other", AWS_ROLE_ARN: "arn", AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://x", AWS_CONFIG_FILE: "/c" },
      keys,
      "linux",
    );
    expect(env).toEqual({
      PATH: "/bin",
      AWS_CONFIG_FILE: "/c",
      AWS_ACCESS_KEY_ID: "ASIAKEY",
      AWS_SECRET_ACCESS_KEY: "sk",
      AWS_SESSION_TOKEN: "st",
      AWS_CREDENTIAL_EXPIRATION: "2030-01-02T03:04:05+00:00",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      SSO_CLI_EXEC_PROFILE: "p",
    });
  });

  it("on Windows, scrubs competing names in any case (set aws_profile=prod is AWS_PROFILE there)", () => {
    const base = {
      Path: "C:\\Windows",
      aws_profile: "prod",
      Aws_Default_Profile: "prod",
      aws_region: "us-east-1",
      aws_access_key_id: "AKIAOLD",
      AWS_CONFIG_FILE: "C:\\c",
    };
    const env = buildExecEnv(base, keys, "win32");
    expect(Object.keys(env).filter((k) => k.toUpperCase() !== k)).toEqual(["Path"]);
    expect(env).toMatchObject({ Path: "C:\\Windows", AWS_CONFIG_FILE: "C:\\c", AWS_ACCESS_KEY_ID: "ASIAKEY", AWS_REGION: "eu-west-1" });
    // On Linux they are other variables, which no SDK reads: left alone.
    expect(buildExecEnv(base, keys, "linux")).toMatchObject({ aws_profile: "prod", aws_region: "us-east-1" });
  });

  it("runs the command with no shell and passes its exit code on; refuses to nest under another profile", async () => {
    const { ctx, emu } = await setUp();
    await signIn(ctx, emu);
    const code = await exec(ctx, {
      profile: "p",
      command: "sh",
      args: ["-c", 'printf "%s %s" "$AWS_REGION" "$SSO_CLI_EXEC_PROFILE"; exit 7'],
      allowNested: false,
    });
    expect(code).toBe(7);
    expect(ctx.stdoutText()).toBe("eu-west-1 p");
    const nested = { ...ctx, env: { ...ctx.env, SSO_CLI_EXEC_PROFILE: "prod" } };
    await expect(exec(nested, { profile: "p", command: "true", args: [], allowNested: false })).rejects.toThrow(
      /already runs under sso-cli exec for profile prod/,
    );
    await expect(exec(nested, { profile: "p", command: "true", args: [], allowNested: true })).resolves.toBe(0);
    await expect(exec(ctx, { profile: "p", command: undefined, args: [], allowNested: false })).rejects.toThrow(UsageError);
  });
});
