import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Exit, ServiceError, SsoCliError } from "../../src/errors.js";
import { formatAssumeRoleCacheEntry } from "../../src/files/assume-role-cache.js";
import { getProfileCredentials } from "../../src/role-keys/profile-credentials.js";
import { assumeRoleCacheFileName } from "../../src/role-keys/role-chain.entry.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { calls, seedSignIn, useCaseSetups } from "../helpers/use-case-setup.js";

// Issue 22: a chained profile's keys, through the use case every credential command shares.

const setUp = useCaseSetups();

const DEPLOY = "arn:aws:iam::100000000002:role/Deploy";
const chains = (u: string, deploy: string[] = [], audit: string[] = []): string =>
  [
    sessionProfileConfig({ startUrl: u, profile: "sso", region: "eu-west-1" }),
    "[profile deploy]",
    `role_arn = ${DEPLOY}`,
    "source_profile = sso",
    "role_session_name = alice",
    "region = eu-west-1",
    ...deploy,
    "",
    "[profile audit]",
    "role_arn = arn:aws:iam::100000000003:role/team/Audit",
    "source_profile = deploy",
    "role_session_name = alice-audit",
    ...audit,
    "",
  ].join("\n");

/** Who STS says the keys are (GetCallerIdentity with them, as the emulator knows them). */
function callerOf(
  emu: { state: { roleCredentials: Map<string, { sessionName?: string | undefined; accountId?: string; roleName?: string }> } },
  accessKeyId: string,
): unknown {
  return emu.state.roleCredentials.get(accessKeyId);
}

describe("a chained profile's keys", () => {
  it("one hop: AssumeRole with the SSO profile's keys; cached in the AWS CLI's assume-role cache (0600) and reused", async () => {
    const { ctx, emu } = await setUp({ config: (u) => chains(u) });
    await seedSignIn(ctx, emu);
    const c = await getProfileCredentials(ctx, { profile: "deploy" });
    expect(c).toMatchObject({
      profile: "deploy",
      accountId: "100000000002",
      roleName: "Deploy",
      region: "eu-west-1",
      source: "fetched",
      arn: "arn:aws:sts::100000000002:assumed-role/Deploy/alice",
    });
    expect(callerOf(emu, c.accessKeyId)).toMatchObject({ sessionName: "alice" });
    // STS's default hour, the most a chain gets.
    expect(Math.ceil((c.expiration.getTime() - ctx.now().getTime()) / 1000)).toBe(3600);
    const file = join(ctx.paths.cliCacheDir, assumeRoleCacheFileName({ roleArn: DEPLOY, sessionName: "alice" }));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toContain(`"Expiration": "${c.expiration.toISOString().slice(0, 19)}+00:00"`);
    const again = await getProfileCredentials(ctx, { profile: "deploy" });
    expect(again).toMatchObject({ source: "cache", accessKeyId: c.accessKeyId });
    expect([calls(emu, "GetRoleCredentials"), calls(emu, "AssumeRole")]).toEqual([1, 1]);
  });

  it("cached source keys STS no longer takes (revoked, another emulator run): assumed once more from fresh ones", async () => {
    const { ctx, emu } = await setUp({ config: (u) => chains(u) });
    await seedSignIn(ctx, emu);
    await getProfileCredentials(ctx, { profile: "deploy" });
    // The source profile's keys stay in the role cache, valid by their time, but STS forgets them.
    await rm(join(ctx.paths.cliCacheDir, assumeRoleCacheFileName({ roleArn: DEPLOY, sessionName: "alice" })));
    emu.state.roleCredentials.clear();
    const c = await getProfileCredentials(ctx, { profile: "deploy" });
    expect(c).toMatchObject({ profile: "deploy", source: "fetched", arn: "arn:aws:sts::100000000002:assumed-role/Deploy/alice" });
    expect([calls(emu, "GetRoleCredentials"), calls(emu, "AssumeRole")]).toEqual([2, 3]);
  });

  it("two hops: the second AssumeRole is signed with the first's keys; both hops cached", async () => {
    const { ctx, emu } = await setUp({ config: (u) => chains(u) });
    await seedSignIn(ctx, emu);
    const c = await getProfileCredentials(ctx, { profile: "audit" });
    expect(c).toMatchObject({
      profile: "audit",
      accountId: "100000000003",
      roleName: "Audit",
      arn: "arn:aws:sts::100000000003:assumed-role/Audit/alice-audit",
    });
    expect(calls(emu, "AssumeRole")).toBe(2);
    expect((await readdir(ctx.paths.cliCacheDir)).sort()).toEqual(
      [
        assumeRoleCacheFileName({ roleArn: DEPLOY, sessionName: "alice" }),
        assumeRoleCacheFileName({ roleArn: "arn:aws:iam::100000000003:role/team/Audit", sessionName: "alice-audit" }),
        expect.stringMatching(/\.json$/),
      ].sort(),
    );
    // The first hop's keys are in the cache: a renewal of the second assumes only it.
    ctx.advance(50 * 60_000);
    await getProfileCredentials(ctx, { profile: "audit" });
    expect(calls(emu, "AssumeRole")).toBe(4);
  });

  it("duration_seconds = 900: keys that expire 15 minutes ahead, never reused from the cache (botocore's window)", async () => {
    const { ctx, emu } = await setUp({ config: (u) => chains(u, ["duration_seconds = 900"]) });
    await seedSignIn(ctx, emu);
    const c = await getProfileCredentials(ctx, { profile: "deploy" });
    expect(Math.ceil((c.expiration.getTime() - ctx.now().getTime()) / 1000)).toBe(900);
    await getProfileCredentials(ctx, { profile: "deploy" });
    expect(calls(emu, "AssumeRole")).toBe(2);
  });

  it("keys the AWS CLI left in its assume-role cache are used as they are", async () => {
    const { ctx, emu } = await setUp({ config: (u) => chains(u) });
    await mkdir(ctx.paths.cliCacheDir, { recursive: true });
    const keys = {
      accessKeyId: "ASIAFROMTHEAWSCLI001",
      secretAccessKey: "s".repeat(40),
      sessionToken: "t".repeat(200),
      expiration: new Date(Math.floor(ctx.now().getTime() / 1000) * 1000 + 40 * 60_000),
    };
    await writeFile(
      join(ctx.paths.cliCacheDir, assumeRoleCacheFileName({ roleArn: DEPLOY, sessionName: "alice" })),
      formatAssumeRoleCacheEntry(keys),
    );
    expect(await getProfileCredentials(ctx, { profile: "deploy" })).toMatchObject({ ...keys, source: "cache" });
    expect(calls(emu, "AssumeRole") + calls(emu, "GetRoleCredentials")).toBe(0);
  });

  it("STS throttling (Throttling, 400) is retried with back-off, then the keys come", async () => {
    const { ctx, emu } = await setUp({
      config: (u) => chains(u),
      knobs: { injections: [{ operation: "AssumeRole", status: 400, error: "Throttling", count: 2 }] },
    });
    await seedSignIn(ctx, emu);
    await expect(getProfileCredentials(ctx, { profile: "deploy" })).resolves.toMatchObject({ source: "fetched", roleName: "Deploy" });
    expect(calls(emu, "AssumeRole")).toBe(3);
  });

  it.each([
    [
      "an account the emulator does not have",
      ["role_arn = arn:aws:iam::999999999999:role/Deploy"],
      {},
      /STS refused to assume arn:aws:iam::999999999999:role\/Deploy for profile deploy: User: .* is not authorized.* \(AccessDenied\)/,
    ],
    [
      "an ExternalId that does not match",
      ["external_id = wrong-id"],
      { externalIds: ["Deploy:right-id"] },
      /STS refused to assume .* for profile deploy: .*\(AccessDenied\)/,
    ],
    [
      "a duration longer than a chain may have",
      ["duration_seconds = 7200"],
      {},
      /: The requested DurationSeconds exceeds the 1 hour session limit.* \(ValidationError\)/,
    ],
  ])("refused (%s): one ServiceError line (exit 254), nothing cached", async (_what, lines, knobs, message) => {
    const config = (u: string) =>
      chains(u)
        .replace(`role_arn = ${DEPLOY}\n`, lines.some((l) => l.startsWith("role_arn")) ? "" : `role_arn = ${DEPLOY}\n`)
        .replace("region = eu-west-1\n\n[profile audit]", `region = eu-west-1\n${lines.join("\n")}\n\n[profile audit]`);
    const { ctx, emu } = await setUp({ config, knobs });
    await seedSignIn(ctx, emu);
    const before: string[] = await readdir(ctx.paths.cliCacheDir).catch(() => []);
    const err = await getProfileCredentials(ctx, { profile: "deploy" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as SsoCliError).exitCode).toBe(Exit.service);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
    // Only the SSO profile's own keys (fetched to sign the AssumeRole) are cached.
    expect((await readdir(ctx.paths.cliCacheDir)).filter((f) => !before.includes(f))).toHaveLength(1);
    expect(await readdir(ctx.paths.cliCacheDir)).not.toContain(assumeRoleCacheFileName({ roleArn: DEPLOY, sessionName: "alice" }));
  });
});
