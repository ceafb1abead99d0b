import { createHash } from "node:crypto";
import { access, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { roleCacheFileName } from "../../src/files/role-cache.js";
import { registrationCacheFileName } from "../../src/files/token-cache.js";
import { AWS_V2, type TestEmulator, useAwsCliV2Suite } from "../helpers/aws-cli-v2.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { runCli, runProcess, type ProcessResult } from "../helpers/run-process.js";

// The AWS CLI v2.9 (Debian's awscli) signs in, uses and signs out against the emulator, and shares
// one sign-in with sso-cli both ways. It
// ignores AWS_ENDPOINT_URL_*: the rule sets from writeAwsDataPath redirect it (docs/protocol/aws-cli-v2-redirect.md).

const ACCOUNT = "100000000001";
const ROLE = "AdministratorAccess";
const ASSUMED_ROLE_ARN = /^arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/;
const CLI_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let emu: TestEmulator;
let home: string;
let dataPath: string;

// The default start URL is on awsapps.com: the CLI v2 accepts it as an Identity Center portal.
useAwsCliV2Suite({ accounts: 2, rolesPerAccount: 2, autoApproveMs: 0 }, (s) => ({ emu, home, dataPath } = s));

const sha1 = (s: string) => createHash("sha1").update(s, "utf8").digest("hex");
const ssoCache = () => join(home, ".aws", "sso", "cache");
const cliCache = () => join(home, ".aws", "cli", "cache");

interface Stats {
  operations: Record<string, { calls: number; byCode: Record<string, number> } | undefined>;
}

async function stats(): Promise<Stats> {
  return (await (await fetch(emu.url + "/_admin/stats")).json()) as Stats;
}

async function configure(knobs: Record<string, unknown>): Promise<void> {
  const r = await fetch(emu.url + "/_admin/config", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(knobs),
  });
  if (!r.ok) throw new Error(`/_admin/config: ${r.status} ${await r.text()}`);
}

async function writeConfig(lines: string[]): Promise<void> {
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(join(home, ".aws", "config"), lines.join("\n") + "\n");
}

const SESSION_CONFIG = (): string[] => [sessionProfileConfig({ startUrl: emu.startUrl, accountId: ACCOUNT, roleName: ROLE })];

function aws(args: string[]): Promise<ProcessResult> {
  // Nothing but what the CLI needs: no AWS_ENDPOINT_URL_* (v2.9 ignores them anyway).
  return runProcess(AWS_V2, args, { home, env: { AWS_DATA_PATH: dataPath, BROWSER: "true", AWS_PAGER: "" }, timeoutMs: 40_000 });
}

function ok(r: ProcessResult): ProcessResult {
  if (r.code !== 0) throw new Error(`aws exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe("AWS CLI v2.9 against the emulator through AWS_DATA_PATH", () => {
  it("logs in with the device code, uses the session for STS, and logs out", async () => {
    await writeConfig(SESSION_CONFIG());
    // Approval 1.5 s after the request: the CLI prints the code and polls through authorization_pending.
    await configure({ autoApproveMs: 1500 });

    const login = ok(await aws(["sso", "login", "--profile", "p", "--no-browser"]));
    expect(login.stdout).toMatch(new RegExp(`Then enter the code:\\s+[A-Z]{4}-[A-Z]{4}\\s`));
    expect(login.stdout).toContain(`${emu.url}/device?user_code=`);
    expect(login.stdout).toContain(`Successfully logged into Start URL: ${emu.startUrl}`);
    // It polls once, prints the code, polls again at once (slow_down), waits 1 + 5 s, gets the token.
    expect((await stats()).operations.CreateToken).toMatchObject({
      calls: 3,
      byCode: { AuthorizationPendingException: 1, SlowDownException: 1 },
    });
    const tokenFile = join(ssoCache(), `${sha1("s")}.json`);
    const token = await readJson(tokenFile);
    expect(Object.keys(token)).toEqual([
      "startUrl",
      "region",
      "accessToken",
      "expiresAt",
      "clientId",
      "clientSecret",
      "registrationExpiresAt",
      "refreshToken",
    ]);
    expect(token).toMatchObject({ startUrl: emu.startUrl, region: "us-east-1", expiresAt: expect.stringMatching(CLI_TIMESTAMP) });
    // The registration is cached under the key of docs/protocol/token-cache.md §2.1, computed by our code.
    const registration = registrationCacheFileName({
      startUrl: emu.startUrl,
      region: "us-east-1",
      scopes: ["sso:account:access"],
      sessionName: "s",
    });
    expect(await readJson(join(ssoCache(), registration))).toMatchObject({ clientId: token.clientId, clientSecret: token.clientSecret });

    const id = ok(await aws(["sts", "get-caller-identity", "--profile", "p", "--output", "json"]));
    expect((JSON.parse(id.stdout) as { Arn: string }).Arn).toMatch(ASSUMED_ROLE_ARN);
    const roleFile = join(cliCache(), roleCacheFileName({ accountId: ACCOUNT, roleName: ROLE, sessionName: "s" }));
    expect(await readJson(roleFile)).toMatchObject({ ProviderType: "sso", Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) } });

    ok(await aws(["sso", "logout"]));
    expect(await exists(tokenFile)).toBe(false);
    expect(await exists(roleFile)).toBe(false);
    expect(await exists(join(ssoCache(), registration))).toBe(true);
    expect((await stats()).operations.Logout?.calls).toBe(1);
    const after = await fetch(emu.url + "/assignment/accounts?max_result=10", {
      headers: { "x-amz-sso_bearer_token": token.accessToken as string },
    });
    expect(after.status).toBe(401);
  });

  it("logs in a legacy profile and caches its token under the SHA-1 of the start URL", async () => {
    await writeConfig([
      "[profile legacy]",
      `sso_start_url = ${emu.startUrl}`,
      "sso_region = us-east-1",
      `sso_account_id = ${ACCOUNT}`,
      `sso_role_name = ${ROLE}`,
      "region = us-east-1",
    ]);
    await configure({ autoApproveMs: 0 });
    const login = ok(await aws(["sso", "login", "--profile", "legacy", "--no-browser"]));
    expect(login.stdout).toContain(`Successfully logged into Start URL: ${emu.startUrl}`);
    const token = await readJson(join(ssoCache(), `${sha1(emu.startUrl)}.json`));
    expect(token).toMatchObject({
      startUrl: emu.startUrl,
      region: "us-east-1",
      accessToken: expect.any(String),
      expiresAt: expect.stringMatching(CLI_TIMESTAMP),
    });
    const registration = registrationCacheFileName({ startUrl: emu.startUrl, region: "us-east-1", scopes: null, sessionName: null });
    expect((await readdir(ssoCache())).sort()).toEqual([registration, `${sha1(emu.startUrl)}.json`].sort());

    const id = ok(await aws(["sts", "get-caller-identity", "--profile", "legacy", "--output", "json"]));
    expect((JSON.parse(id.stdout) as { Arn: string }).Arn).toMatch(ASSUMED_ROLE_ARN);
    expect(await exists(join(cliCache(), roleCacheFileName({ accountId: ACCOUNT, roleName: ROLE, startUrl: emu.startUrl })))).toBe(true);
  });
});

describe("sharing one sign-in with the AWS CLI v2", () => {
  beforeEach(async () => {
    await writeConfig(SESSION_CONFIG());
    await configure({ autoApproveMs: 0 });
  });
  const calls = async (): Promise<Record<string, number>> =>
    Object.fromEntries(Object.entries((await stats()).operations).map(([k, v]) => [k, v?.calls ?? 0]));
  const awsV2 = aws;

  it("sso-cli uses the cache `aws sso login` wrote, with no new sign-in", async () => {
    const login = await awsV2(["sso", "login", "--profile", "p", "--no-browser"]);
    expect(login.code, login.stderr).toBe(0);
    const before = await calls();
    const r = await runCli(["login", "--profile", "p"], { home, env: emu.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Sign in to/);
    const after = await calls();
    expect(after.StartDeviceAuthorization).toBe(before.StartDeviceAuthorization);
    expect(after.CreateToken).toBe(before.CreateToken);
    expect(after.GetRoleCredentials).toBe((before.GetRoleCredentials ?? 0) + 1);
  });

  it("the AWS CLI v2 uses the cache sso-cli wrote, and `aws sso logout` ends it", async () => {
    expect((await runCli(["login", "--profile", "p"], { home, env: emu.env })).code).toBe(0);
    const before = await calls();
    const r = await awsV2(["sts", "get-caller-identity", "--profile", "p", "--output", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { Arn: string }).Arn).toMatch(ASSUMED_ROLE_ARN);
    const after = await calls();
    expect(after.StartDeviceAuthorization).toBe(before.StartDeviceAuthorization);
    expect(after.CreateToken).toBe(before.CreateToken);
    const out = await awsV2(["sso", "logout"]);
    expect(out.code, out.stderr).toBe(0);
    // sso-cli sees the sign-in is gone and signs in again (auto-approved here).
    const again = await runCli(["login", "--profile", "p"], { home, env: emu.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Sign in to/);
  });
});

describe("aws configure export-credentials and sso-cli export print the same bytes", () => {
  it("for one profile, after sharing the AWS CLI v2's role cache, in every format v2.9 knows", async () => {
    await writeConfig(SESSION_CONFIG());
    await configure({ autoApproveMs: 0 });
    expect((await runCli(["login", "--profile", "p"], { home, env: emu.env })).code).toBe(0);
    // The CLI v2 fetches the role keys with sso-cli's token and caches them in ~/.aws/cli/cache.
    ok(await aws(["sts", "get-caller-identity", "--profile", "p"]));
    const before = (await stats()).operations.GetRoleCredentials?.calls;
    for (const format of ["process", "env", "env-no-export", "powershell", "windows-cmd"]) {
      const theirs = ok(await aws(["configure", "export-credentials", "--profile", "p", "--format", format])).stdout;
      const ours = await runCli(["export", "--profile", "p", "--format", format], { home, env: emu.env });
      expect(ours.code, ours.stderr).toBe(0);
      expect(ours.stdout, format).toBe(theirs);
    }
    // sso-cli read the keys the CLI cached: no call of its own.
    expect((await stats()).operations.GetRoleCredentials?.calls).toBe(before);
  });
});
