import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { Exit, LoginRequiredError, UsageError } from "../../../src/errors.js";
import { listRoles } from "../../../src/commands/roles/roles.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import { calls, seedSignIn, useCaseSetups } from "../../helpers/use-case-setup.js";

const setUp = useCaseSetups();

const MIN = 60_000;
/** p and a legacy profile both point at account 1's admin role; q at account 2's read-only one. */
const profiles = (u: string) =>
  `${sessionProfileConfig({ startUrl: u, region: "eu-west-1" })}\n[profile q]\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = ReadOnlyAccess\n\n[profile old]\nsso_start_url = ${u}/\nsso_region = eu-west-1\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\n`;
const input = { browser: false };

describe("sso-cli roles", () => {
  it("every account × role with its name, email and the local profiles pointing at it, sorted by account name", async () => {
    const { ctx, emu } = await setUp({ config: profiles, knobs: { accountNames: ["Zeta", "alpha", "Mid"] } });
    await seedSignIn(ctx, emu);
    const r = await listRoles(ctx, { ...input, ssoSession: "s" });
    expect(r.failed).toEqual([]);
    expect(r.rows.map((x) => [x.accountName, x.accountId, x.roleName, x.profiles.join(" ")])).toEqual([
      ["alpha", "100000000002", "AdministratorAccess", ""],
      ["alpha", "100000000002", "ReadOnlyAccess", "q"],
      ["Mid", "100000000003", "AdministratorAccess", ""],
      ["Mid", "100000000003", "ReadOnlyAccess", ""],
      ["Zeta", "100000000001", "AdministratorAccess", "p old"],
      ["Zeta", "100000000001", "ReadOnlyAccess", ""],
    ]);
    expect(r.rows[0]!.emailAddress).toBe("aws+alpha@example.com");
  });

  it("accounts in natural order: account-2 before account-10 (#18 item 11)", async () => {
    const { ctx, emu } = await setUp({ config: profiles, knobs: { accounts: 12, rolesPerAccount: 1 } });
    await seedSignIn(ctx, emu);
    const r = await listRoles(ctx, { ...input, ssoSession: "s" });
    expect(r.rows.map((x) => x.accountName)).toEqual(Array.from({ length: 12 }, (_, i) => `account-${i + 1}`));
  });

  it("a filter that matches nothing says so, the same way as populate (#18 item 4)", async () => {
    const { ctx, emu } = await setUp({ config: profiles });
    await seedSignIn(ctx, emu);
    const role = await listRoles(ctx, { ...input, ssoSession: "s", role: "ReadOnly" });
    expect([role.rows, role.unmatched]).toEqual([[], "No role matches --role ReadOnly (did you mean ReadOnlyAccess?)."]);
    const account = await listRoles(ctx, { ...input, ssoSession: "s", account: "123" });
    expect(account.unmatched).toBe("No account matches --account 123.");
    expect((await listRoles(ctx, { ...input, ssoSession: "s", role: "readonlyaccess" })).unmatched).toBeUndefined();
  });

  it("follows every page and, throttled, backs off until every account is listed", async () => {
    const { ctx, emu } = await setUp({ knobs: { accounts: 40, rolesPerAccount: 3, pageSize: 7, throttleRps: 10 } });
    await seedSignIn(ctx, emu);
    const r = await listRoles(ctx, { ...input, profile: "p" });
    expect(r.failed).toEqual([]);
    expect(r.rows).toHaveLength(120);
    expect(calls(emu, "ListAccounts")).toBeGreaterThanOrEqual(6);
    expect(emu.state.stats.operations.ListAccountRoles?.byCode.TooManyRequestsException ?? 0).toBeGreaterThan(0);
    expect(ctx.stderrText().match(/IAM Identity Center is throttling these calls/g)).toHaveLength(1);
  });

  it("--account by id or name (any case) and --role narrow the list; only that account's roles are asked for", async () => {
    const { ctx, emu } = await setUp({ knobs: { accountNames: ["Sandbox", "Prod", "Dev"] } });
    await seedSignIn(ctx, emu);
    expect((await listRoles(ctx, { ...input, account: "prod" })).rows.map((x) => `${x.accountId} ${x.roleName}`)).toEqual([
      "100000000002 AdministratorAccess",
      "100000000002 ReadOnlyAccess",
    ]);
    expect(calls(emu, "ListAccountRoles")).toBe(1);
    expect(
      (await listRoles(ctx, { ...input, account: "100000000003", role: "readonlyaccess" })).rows.map(
        (x) => `${x.accountName} ${x.roleName}`,
      ),
    ).toEqual(["Dev ReadOnlyAccess"]);
    expect(await listRoles(ctx, { ...input, account: "nope" })).toMatchObject({ rows: [], accounts: 0 });
  });

  it("no sign-in and no terminal: LoginRequiredError naming the command, no browser, no prompt", async () => {
    const { ctx } = await setUp();
    const err = await listRoles(ctx, { ...input, profile: "p" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginRequiredError);
    expect((err as Error).message).toMatch(/run: sso-cli login --profile p$/);
    expect(ctx.opened).toEqual([]);
  });

  it("an expired token without a terminal: LoginRequiredError; on a terminal: signs in as login does, then lists", async () => {
    const a = await setUp();
    await seedSignIn(a.ctx, a.emu, { expiresInMs: -MIN });
    await expect(listRoles(a.ctx, input)).rejects.toThrow(LoginRequiredError);
    const b = await setUp({ context: { tty: { stdin: true, stderr: true } } });
    await seedSignIn(b.ctx, b.emu, { expiresInMs: -MIN });
    const r = await listRoles(b.ctx, input);
    expect(r.rows).toHaveLength(6);
    expect(b.ctx.stderrText()).toMatch(/Signed in to /);
    expect(b.emu.state.stats.grantTypes["urn:ietf:params:oauth:grant-type:device_code"]).toBe(1);
  });

  it("a token the service no longer takes: LoginRequiredError without a terminal", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu);
    emu.state.resetSessions();
    await expect(listRoles(ctx, input)).rejects.toThrow(LoginRequiredError);
  });

  it("an account whose roles are refused (403) is reported apart; the others are listed", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu);
    emu.faults.inject({ operation: "ListAccountRoles", status: 403, error: "ForbiddenException", count: 1 });
    const r = await listRoles(ctx, input);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]!.error.message).toMatch(/refused listing the roles of account 1000000000\d\d \(ForbiddenException/);
    expect(r.rows).toHaveLength(4);
  });

  it("START_URL with --profile is a usage error; an unknown profile a config error", async () => {
    const { ctx, emu } = await setUp();
    await expect(listRoles(ctx, { ...input, startUrl: emu.startUrl, profile: "p" })).rejects.toThrow(UsageError);
    await expect(listRoles(ctx, { ...input, profile: "nope" })).rejects.toThrow(/could not be found/);
  });
});

describe("the command's outputs", () => {
  it("tab-separated lines, a table on a terminal, --json and --csv; exit 1 when some accounts failed", async () => {
    const { ctx, emu } = await setUp({ knobs: { accounts: 2, rolesPerAccount: 1, accountNames: ['Quote "Co", Ltd', "Plain"] } });
    await seedSignIn(ctx, emu);
    expect(await main(["roles"], ctx)).toBe(Exit.ok);
    expect(ctx.stdoutText()).toBe(
      '100000000002\tPlain\taws+Plain@example.com\tAdministratorAccess\t\n100000000001\tQuote "Co", Ltd\taws+Quote--Co---Ltd@example.com\tAdministratorAccess\tp\n',
    );

    const tty = await setUp({ knobs: { accounts: 1, rolesPerAccount: 1 }, context: { tty: { stdout: true } } });
    await seedSignIn(tty.ctx, tty.emu);
    expect(await main(["roles", "--profile", "p"], tty.ctx)).toBe(Exit.ok);
    expect(tty.ctx.stdoutText()).toBe(
      "ACCOUNT ID    ACCOUNT NAME  EMAIL                      ROLE                 PROFILES\n100000000001  account-1     aws+account-1@example.com  AdministratorAccess  p\n",
    );

    const csv = await setUp({ knobs: { accounts: 1, rolesPerAccount: 1, accountNames: ['Quote "Co", Ltd'] } });
    await seedSignIn(csv.ctx, csv.emu);
    expect(await main(["roles", "--csv"], csv.ctx)).toBe(Exit.ok);
    expect(csv.ctx.stdoutText()).toBe(
      'account_id,account_name,email,role_name,profiles\n100000000001,"Quote ""Co"", Ltd",aws+Quote--Co---Ltd@example.com,AdministratorAccess,p\n',
    );

    const json = await setUp({ knobs: { accounts: 3, rolesPerAccount: 1 } });
    await seedSignIn(json.ctx, json.emu);
    json.emu.faults.inject({ operation: "ListAccountRoles", status: 403, error: "ForbiddenException", count: 1 });
    expect(await main(["roles", "--json"], json.ctx)).toBe(Exit.partial);
    expect((JSON.parse(json.ctx.stdoutText()) as unknown[]).length).toBe(2);
    expect(json.ctx.stderrText()).toMatch(
      /^ {2}1000000000\d\d account-\d: IAM Identity Center refused listing the roles of account 1000000000\d\d \(ForbiddenException/m,
    );
    expect(json.ctx.stderrText()).toMatch(/sso-cli: The roles of 1 of 3 accounts could not be listed; the others are shown\.\n$/);
    expect(await main(["roles", "--json", "--csv"], json.ctx)).toBe(Exit.usage);
  });

  it("the only account failing (500s past the retries): that error and its exit code", async () => {
    const { ctx, emu } = await setUp({ knobs: { accounts: 1 } });
    await seedSignIn(ctx, emu);
    emu.faults.inject({ operation: "ListAccountRoles", status: 500, error: "InternalServerException", count: 4 });
    expect(await main(["roles"], ctx)).toBe(Exit.service);
    expect(ctx.stderrText()).toBe(
      "sso-cli: IAM Identity Center had an internal error (500 InternalServerException) while listing the roles of account 100000000001.\n  Try again in a minute.\n",
    );
    expect(calls(emu, "ListAccountRoles")).toBe(4);
  });
});
