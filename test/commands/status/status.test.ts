import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { ConfigError, Exit } from "../../../src/errors.js";
import { login } from "../../../src/commands/login/login.js";
import { getProfileCredentials } from "../../../src/role-keys/profile-credentials.js";
import { getStatus } from "../../../src/commands/status/status.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import { seedSignIn, useCaseSetups } from "../../helpers/use-case-setup.js";

const setUp = useCaseSetups();

const MIN = 60_000;
const twoProfiles = (u: string) =>
  `${sessionProfileConfig({ startUrl: u, region: "eu-west-1" })}\n[profile q]\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = ReadOnlyAccess\n\n[profile plain]\nregion = us-west-2\n`;

describe("sso-cli status, from the files alone", () => {
  it("a fresh refreshable sign-in with keys written by login and in the role cache: nothing to do, no network", async () => {
    const { ctx, emu } = await setUp({ config: twoProfiles });
    await seedSignIn(ctx, emu, { refreshable: true });
    await login(ctx, { profile: "p", browser: false, force: false });
    await getProfileCredentials(ctx, { profile: "q" });
    const before = JSON.stringify(emu.state.stats.operations);
    const r = await getStatus(ctx, { check: false });
    expect(JSON.stringify(emu.state.stats.operations)).toBe(before);
    expect(r.ok).toBe(true);
    expect(r.signIns).toMatchObject([{ name: "sso-session s", state: "valid", refreshable: true, next: "nothing" }]);
    expect(r.profiles).toMatchObject([
      { profile: "p", accountId: "100000000001", credentialsFileExpiresAt: expect.any(Date), next: "nothing" },
      { profile: "q", credentialsFileExpiresAt: undefined, roleCacheExpiresAt: expect.any(Date), next: "nothing" },
    ]);
  });

  it.each([
    ["within 15 minutes, refreshable", { expiresInMs: 10 * MIN, refreshable: true }, "expiring", "refresh"],
    ["within 15 minutes, not refreshable", { expiresInMs: 10 * MIN }, "expiring", "login"],
    ["expired, refreshable", { expiresInMs: -10 * MIN, refreshable: true }, "expired", "refresh"],
    ["expired", { expiresInMs: -10 * MIN }, "expired", "login"],
  ] as const)("a token %s: %s, next %s", async (_name, token, state, next) => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu, token);
    const r = await getStatus(ctx, { check: false });
    expect(r.ok).toBe(false);
    expect(r.signIns[0]).toMatchObject({ state, next });
    expect(r.profiles[0]).toMatchObject({ profile: "p", next });
  });

  it("no sign-in at all: login", async () => {
    const { ctx } = await setUp();
    const r = await getStatus(ctx, { check: false });
    expect(r.signIns[0]).toMatchObject({ state: "none", next: "login", refreshable: false });
    expect(r.ok).toBe(false);
  });

  it("credentials-file keys with 15 minutes or less left need a refresh even while the token is good; role-cache keys do not", async () => {
    const { ctx, emu } = await setUp({ config: twoProfiles });
    await seedSignIn(ctx, emu, { expiresInMs: 8 * 3600_000 });
    await login(ctx, { profile: "p", browser: false, force: false });
    await getProfileCredentials(ctx, { profile: "q" });
    ctx.advance(50 * MIN);
    const r = await getStatus(ctx, { check: false });
    expect(r.signIns[0]!.next).toBe("nothing");
    expect(r.profiles.map((p) => [p.profile, p.next])).toEqual([
      ["p", "refresh"],
      ["q", "nothing"],
    ]);
  });

  it("a populated profile that holds keys login wrote counts, with or without a selector (#18 item 1)", async () => {
    const populated = (u: string) =>
      `${sessionProfileConfig({ startUrl: u, region: "eu-west-1" })}\n[profile pop]\n# sso-cli configure populate\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = AdministratorAccess\n\n[profile other]\n# sso-cli configure populate\nsso_session = s\nsso_account_id = 100000000003\nsso_role_name = AdministratorAccess\n`;
    const { ctx, emu } = await setUp({ config: populated });
    await seedSignIn(ctx, emu);
    await login(ctx, { profile: "pop", browser: false, force: false });
    ctx.advance(50 * MIN);
    const r = await getStatus(ctx, { check: false });
    expect(r.profiles.map((p) => [p.profile, p.next])).toEqual([
      ["p", "nothing"],
      ["pop", "refresh"],
    ]);
    expect(r.ok).toBe(false);
  });

  it("keys by hand in the credentials file are not sso-cli's to judge", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(ctx.paths.credentialsFile, "[p]\naws_access_key_id = AKIAHANDWRITTEN00000\naws_secret_access_key = x\n");
    const r = await getStatus(ctx, { check: false });
    expect(r.profiles[0]).toMatchObject({ credentialsFileExpiresAt: undefined, next: "nothing" });
  });

  it("asks about --profile, --sso-session, else AWS_PROFILE, else everything; an unknown profile is a ConfigError", async () => {
    const { ctx, emu } = await setUp({ config: twoProfiles });
    await seedSignIn(ctx, emu);
    expect((await getStatus(ctx, { check: false })).profiles.map((p) => p.profile)).toEqual(["p", "q"]);
    expect((await getStatus(ctx, { profile: "q", check: false })).profiles.map((p) => p.profile)).toEqual(["q"]);
    expect((await getStatus({ ...ctx, env: { AWS_PROFILE: "p" } }, { check: false })).profiles.map((p) => p.profile)).toEqual(["p"]);
    expect((await getStatus(ctx, { ssoSession: "s", check: false })).signIns.map((s) => s.name)).toEqual(["sso-session s"]);
    await expect(getStatus(ctx, { profile: "nope", check: false })).rejects.toThrow(ConfigError);
  });
});

describe("sso-cli status --check", () => {
  it("reports the service's verdict and the clock skew from its Date header", async () => {
    const { ctx, emu } = await setUp({ knobs: { clockSkewS: 120 } });
    await seedSignIn(ctx, emu);
    const r = await getStatus(ctx, { check: true });
    expect(r.signIns[0]!.service!.accepted).toBe(true);
    expect(Math.abs(r.signIns[0]!.service!.clockSkewSeconds! - 120)).toBeLessThanOrEqual(1);
    expect(r.ok).toBe(true);
  });

  it("a token the service no longer takes (signed out elsewhere): login", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu, { refreshable: true });
    emu.state.resetSessions();
    const r = await getStatus(ctx, { check: true });
    expect(r.signIns[0]).toMatchObject({ state: "valid", service: { accepted: false }, next: "login" });
    expect(r.ok).toBe(false);
  });
});

describe("the command", () => {
  it("exit 0 and plain lines when all is valid; 4 with the step to take when not; a table on a terminal; --json", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu, { refreshable: true });
    expect(await main(["status"], ctx)).toBe(Exit.ok);
    expect(ctx.stdoutText()).toMatch(
      /^sign-in sso-session s: token valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC \((?:7h 59m|8h 0m)\), refreshable; next: nothing\nprofile p \(100000000001 AdministratorAccess\): no keys written; next: nothing\n$/,
    );

    const later = await setUp();
    await seedSignIn(later.ctx, later.emu, { expiresInMs: 5 * MIN });
    later.ctx.tty.stdout = true;
    expect(await main(["status", "--profile", "p"], later.ctx)).toBe(Exit.notValid);
    expect(later.ctx.stdoutText()).toMatch(
      /^SIGN-IN \/ PROFILE +ACCOUNT +ROLE +EXPIRES +LEFT +REFRESHABLE +NEXT\nsso-session s .* [45]m +no +login\n {2}p +100000000001 +AdministratorAccess +- +no keys +login\n$/,
    );
    expect(later.ctx.stderrText()).toBe(
      "sso-cli: The sign-in sso-session s ends within 15 minutes.\n  Run: sso-cli login --profile p (signs in in the browser)\n",
    );

    const json = await setUp();
    expect(await main(["status", "--json"], json.ctx)).toBe(Exit.notValid);
    // Signed out is said as such, not as "not valid for 15 more minutes" (#18 item 10).
    expect(json.ctx.stderrText()).toBe(
      "sso-cli: Not signed in to sso-session s.\n  Run: sso-cli login --sso-session s (signs in in the browser)\n",
    );
    expect(JSON.parse(json.ctx.stdoutText())).toMatchObject({
      ok: false,
      signIns: [{ signIn: "sso-session s", token: "none", tokenExpiresAt: null, next: "login" }],
      profiles: [{ profile: "p", next: "login" }],
    });
  });
});

describe("status verdicts name what is running out (#18 item 10)", () => {
  it("the token at 4 minutes and the keys at an hour: the sign-in is named, not the profile", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu, { refreshable: true });
    await login(ctx, { profile: "p", browser: false, force: false });
    await seedSignIn(ctx, emu, { expiresInMs: 4 * MIN, refreshable: true });
    expect(await main(["status"], ctx)).toBe(Exit.notValid);
    expect(ctx.stderrText()).toBe(
      "sso-cli: The sign-in sso-session s ends within 15 minutes.\n  Run: sso-cli login --sso-session s (no browser needed)\n",
    );
  });

  it("the keys running out while the sign-in lasts: the profile's keys are named", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu, { expiresInMs: 8 * 3600_000, refreshable: true });
    await login(ctx, { profile: "p", browser: false, force: false });
    ctx.advance(50 * MIN);
    expect(await main(["status"], ctx)).toBe(Exit.notValid);
    expect(ctx.stderrText()).toBe(
      "sso-cli: The keys of profile p end within 15 minutes.\n  Run: sso-cli login --sso-session s (no browser needed)\n",
    );
  });

  it("--check with the service unreachable: the rows from the files, then the error (exit 254)", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu);
    await emu.close();
    expect(await main(["status", "--check"], ctx)).toBe(Exit.service);
    expect(ctx.stdoutText()).toMatch(
      /^sign-in sso-session s: token valid until .*; next: nothing\nprofile p \(100000000001 AdministratorAccess\): no keys written; next: nothing\n$/,
    );
    expect(ctx.stderrText()).toMatch(
      /^sso-cli: Could not reach IAM Identity Center at \S+ \(ECONNREFUSED\) while checking the sign-in sso-session s\.\n/,
    );
  });
});

describe("status order (#18 item 11)", () => {
  it("profiles in natural order, whatever their order in the file", async () => {
    const config = (u: string) =>
      `${sessionProfileConfig({ startUrl: u, region: "eu-west-1", profile: "account-10" })}\n[profile account-2]\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = R\n\n[profile account-1]\nsso_session = s\nsso_account_id = 100000000001\nsso_role_name = R\n`;
    const { ctx, emu } = await setUp({ config });
    await seedSignIn(ctx, emu);
    expect((await getStatus(ctx, { check: false })).profiles.map((p) => p.profile)).toEqual(["account-1", "account-2", "account-10"]);
  });
});

describe("warn before the session ends (#18, beyond)", () => {
  it("a sign-in that cannot be renewed silently and ends within the hour: a warning, exit still 0", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu, { expiresInMs: 40 * MIN });
    expect(await main(["status"], ctx)).toBe(Exit.ok);
    expect(ctx.stderrText()).toMatch(
      /^warning: the sign-in sso-session s ends at .+ \(in (?:39|40)m\) and cannot be renewed without a browser; sign in again before then: sso-cli login --sso-session s --force\n$/,
    );
    const refreshable = await setUp();
    await seedSignIn(refreshable.ctx, refreshable.emu, { expiresInMs: 40 * MIN, refreshable: true });
    expect(await main(["status"], refreshable.ctx)).toBe(Exit.ok);
    expect(refreshable.ctx.stderrText()).toBe("");
  });
});
