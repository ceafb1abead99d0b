import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { login, type LoginInput, type LoginResult } from "../../../src/commands/login/login.js";
import { logout } from "../../../src/commands/logout/logout.js";
import { LoginRequiredError } from "../../../src/errors.js";
import type { IniDocument } from "../../../src/files/ini-document.js";
import { IniChain } from "../../../src/files/ini-chain.js";
import { getProfileCredentials } from "../../../src/role-keys/profile-credentials.js";
import { assumeRoleCacheFileName } from "../../../src/role-keys/role-chain.entry.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import type { TestContext } from "../../helpers/test-context.js";
import { calls, seedSignIn, useCaseSetups } from "../../helpers/use-case-setup.js";

// Issue 22, item 3: login writes a role chain's keys into its own section of the credentials
// file, through the ledger, and a login of the sign-in renews them; logout removes them.

const setUp = useCaseSetups();

const config = (u: string, extra: string[] = []): string =>
  [
    sessionProfileConfig({ startUrl: u, profile: "sso", region: "eu-west-1" }),
    "[profile deploy]",
    "role_arn = arn:aws:iam::100000000002:role/Deploy",
    "source_profile = sso",
    "role_session_name = alice",
    "",
    "[profile audit]",
    "role_arn = arn:aws:iam::100000000003:role/Audit",
    "source_profile = deploy",
    "role_session_name = alice-audit",
    "",
    ...extra,
  ].join("\n");

const input = (o: Partial<LoginInput>): LoginInput => ({ browser: false, force: false, all: false, ...o });

async function fetched(ctx: TestContext, i: LoginInput): Promise<LoginResult> {
  const r = await login(ctx, i);
  if (r.upToDate) throw new Error("expected a login that fetched");
  return r;
}

async function credentials(ctx: TestContext): Promise<IniDocument> {
  return IniChain.read(await readFile(ctx.paths.credentialsFile, "utf8").catch(() => ""), ctx.paths.credentialsFile, {
    sectionNames: "raw",
  });
}

describe("login and role chains", () => {
  it("login --profile audit writes the two-hop chain's keys into [audit]; STS knows them as Audit/alice-audit; logout removes them", async () => {
    const { ctx, emu } = await setUp({ config: (u) => config(u) });
    await seedSignIn(ctx, emu);
    const r = await fetched(ctx, input({ profile: "audit" }));
    expect(r.profiles).toEqual([
      { profile: "audit", accountId: "100000000003", roleName: "Audit", ok: true, expiresAt: expect.any(Date) as unknown },
    ]);
    const keyId = (await credentials(ctx)).get("audit", "aws_access_key_id")!;
    expect(emu.state.roleCredentials.get(keyId)).toMatchObject({ sessionName: "alice-audit" });
    // Only the chain's section: the SSO profile was not named.
    expect((await credentials(ctx)).sectionNames()).toEqual(["audit"]);
    expect((await login(ctx, input({ profile: "audit" }))).upToDate).toBe(true);
    const out = await logout(ctx, { profile: "audit" });
    expect(out.removedProfiles).toEqual(["audit"]);
    expect((await credentials(ctx)).get("audit", "aws_access_key_id")).toBeUndefined();
  });

  it("logout of the sign-in also deletes the chains' assumed-role keys, so nothing hands them out after", async () => {
    const { ctx, emu } = await setUp({ config: (u) => config(u) });
    await seedSignIn(ctx, emu);
    await fetched(ctx, input({ profile: "audit" }));
    const hopFiles = [
      assumeRoleCacheFileName({ roleArn: "arn:aws:iam::100000000002:role/Deploy", sessionName: "alice" }),
      assumeRoleCacheFileName({ roleArn: "arn:aws:iam::100000000003:role/Audit", sessionName: "alice-audit" }),
    ];
    expect(await readdir(ctx.paths.cliCacheDir)).toEqual(expect.arrayContaining(hopFiles));
    await logout(ctx, { ssoSession: "s" });
    const left = await readdir(ctx.paths.cliCacheDir);
    for (const f of hopFiles) expect(left).not.toContain(f);
    await expect(getProfileCredentials(ctx, { profile: "audit" })).rejects.toThrow(LoginRequiredError);
  });

  it("a login of the sign-in renews the chains that hold keys sso-cli wrote, and adds none", async () => {
    const { ctx, emu } = await setUp({ config: (u) => config(u) });
    await seedSignIn(ctx, emu);
    await fetched(ctx, input({ profile: "deploy" }));
    const first = (await credentials(ctx)).get("deploy", "aws_access_key_id");
    // 50 minutes on: the hour-long chain keys have less than 15 minutes left.
    ctx.advance(50 * 60_000);
    const r = await login(ctx, input({ ssoSession: "s" }));
    expect(r.upToDate).toBe(false);
    expect((r as LoginResult).profiles.map((p) => [p.profile, p.ok])).toEqual([
      ["sso", true],
      ["deploy", true],
    ]);
    const doc = await credentials(ctx);
    expect(doc.get("deploy", "aws_access_key_id")).not.toBe(first);
    expect(doc.hasSection("audit")).toBe(false);
    expect(calls(emu, "AssumeRole")).toBe(2);
    // Now everything is fresh: the same login has nothing to do.
    expect((await login(ctx, input({ ssoSession: "s" }))).upToDate).toBe(true);
  });

  it("a refused AssumeRole: the profile fails with STS's line, nothing is written for it", async () => {
    const { ctx, emu } = await setUp({
      config: (u) => config(u, ["[profile bad]", "role_arn = arn:aws:iam::999999999999:role/Deploy", "source_profile = sso", ""]),
    });
    await seedSignIn(ctx, emu);
    const r = await fetched(ctx, input({ profile: "bad" }));
    expect(r.profiles).toHaveLength(1);
    const p = r.profiles[0]!;
    expect(p.ok).toBe(false);
    if (!p.ok)
      expect(p.error.message).toMatch(/^STS refused to assume arn:aws:iam::999999999999:role\/Deploy for profile bad: .*\(AccessDenied\)/);
    expect((await credentials(ctx)).hasSection("bad")).toBe(false);
  });

  it("a named chain that cannot be read fails before anyone signs in", async () => {
    const { ctx, emu } = await setUp({
      config: (u) =>
        config(u, [
          "[profile mfa]",
          "role_arn = arn:aws:iam::100000000002:role/Deploy",
          "source_profile = sso",
          "mfa_serial = arn:aws:iam::100000000001:mfa/alice",
          "",
        ]),
    });
    await expect(login(ctx, input({ profile: "mfa" }))).rejects.toThrow(/needs an MFA code/);
    expect(calls(emu, "StartDeviceAuthorization") + calls(emu, "CreateToken")).toBe(0);
  });
});
