import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName, type TokenCacheEntry } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { sessionProfileConfig, signInOverHttp } from "../helpers/sso-fixtures.js";
import { runCli, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// The AWS CLI v1 (1.45, botocore 1.43, python3 on the machine) reads a token cache we write and
// reaches the emulator through AWS_ENDPOINT_URL_*. `python3 -m awscli` is the v1 CLI whatever
// order PATH puts /usr/bin/aws (the v2.9) in.

const ACCOUNT = "100000000001";
const ROLE = "AdministratorAccess";
const ASSUMED_ROLE_ARN = /^arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/;
const BOTOCORE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let emu: RunningEmulator & { env: Record<string, string> };
let home: string;
let cleanup: () => Promise<void>;

/** Why the CLI cannot run, found once; it fails every test here rather than skipping them. */
let missingCli: string | undefined;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 2, rolesPerAccount: 2, autoApproveMs: 0 });
  const scratch = await makeTempHome();
  const v = await runProcess("python3", ["-m", "awscli", "--version"], { home: scratch.home }).finally(() => scratch.cleanup());
  if (!/^aws-cli\/1\./.test(v.stdout + v.stderr)) {
    missingCli = `The AWS CLI v1 is required (python3 -m awscli; pip install awscli): got exit ${v.code} ${v.stdout}${v.stderr}`;
  }
});

afterAll(async () => {
  await emu?.close();
});

beforeEach(async () => {
  if (missingCli) throw new Error(missingCli);
  ({ home, cleanup } = await makeTempHome());
  await fetch(emu.url + "/_admin/reset", { method: "POST", headers: { "content-type": "application/json" }, body: '{"state":"stats"}' });
  return cleanup;
});

/** A token straight from the emulator, which approves at once. */
const signIn = () => signInOverHttp(emu.url, emu.startUrl, "aws-cli-v1-interop");

interface Stats {
  operations: Record<string, { calls: number } | undefined>;
  grantTypes: Record<string, number | undefined>;
}

async function stats(): Promise<Stats> {
  return (await (await fetch(emu.url + "/_admin/stats")).json()) as Stats;
}

const cacheDir = () => join(home, ".aws", "sso", "cache");

async function writeConfig(lines: string[]): Promise<string> {
  await mkdir(join(home, ".aws"), { recursive: true });
  const file = join(home, ".aws", "config");
  await writeFile(file, lines.join("\n") + "\n");
  return file;
}

/** `[profile p]` + `[sso-session s]` and the eight-field cache entry the AWS CLI v2 writes. */
async function sessionProfile(tokenExpiresInMs: number): Promise<{ cacheFile: string; entry: TokenCacheEntry }> {
  const t = await signIn();
  await writeConfig([sessionProfileConfig({ startUrl: emu.startUrl, accountId: ACCOUNT, roleName: ROLE })]);
  const entry: TokenCacheEntry = {
    startUrl: emu.startUrl,
    region: "us-east-1",
    accessToken: t.accessToken,
    expiresAt: formatTimestamp(new Date(Date.now() + tokenExpiresInMs)),
    clientId: t.clientId,
    clientSecret: t.clientSecret,
    registrationExpiresAt: formatTimestamp(new Date(t.clientSecretExpiresAt * 1000)),
    refreshToken: t.refreshToken,
  };
  const cacheFile = join(cacheDir(), tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl }));
  await mkdir(cacheDir(), { recursive: true });
  await writeFile(cacheFile, formatTokenCacheEntry(entry), { mode: 0o600 });
  return { cacheFile, entry };
}

/** A profile without sso_session, and the four-field cache entry of CLI v2 before 2.7.32. */
async function legacyProfile(tokenExpiresInMs: number): Promise<{ cacheFile: string; text: string }> {
  const t = await signIn();
  await writeConfig([
    "[profile legacy]",
    `sso_start_url = ${emu.startUrl}`,
    "sso_region = us-east-1",
    `sso_account_id = ${ACCOUNT}`,
    `sso_role_name = ${ROLE}`,
    "region = us-east-1",
  ]);
  const text = formatTokenCacheEntry({
    startUrl: emu.startUrl,
    region: "us-east-1",
    accessToken: t.accessToken,
    expiresAt: formatTimestamp(new Date(Date.now() + tokenExpiresInMs)),
  });
  const cacheFile = join(cacheDir(), tokenCacheFileName({ startUrl: emu.startUrl }));
  await mkdir(cacheDir(), { recursive: true });
  await writeFile(cacheFile, text, { mode: 0o600 });
  return { cacheFile, text };
}

function getCallerIdentity(profile: string): Promise<ProcessResult> {
  return runProcess("python3", ["-m", "awscli", "sts", "get-caller-identity", "--profile", profile, "--output", "json"], {
    home,
    env: { ...emu.env, AWS_CONFIG_FILE: join(home, ".aws", "config"), AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials") },
    timeoutMs: 30_000,
  });
}

function arnOf(r: ProcessResult): string {
  if (r.code !== 0) throw new Error(`aws exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

describe("AWS CLI v1 against the emulator and our token cache", () => {
  it("signs get-caller-identity with role keys from an sso-session profile's cached token", async () => {
    const { cacheFile } = await sessionProfile(8 * 3600_000);
    const before = await readFile(cacheFile, "utf8");
    expect(arnOf(await getCallerIdentity("p"))).toMatch(ASSUMED_ROLE_ARN);
    const s = await stats();
    expect(s.operations.GetRoleCredentials?.calls).toBe(1);
    expect(s.grantTypes.refresh_token).toBeUndefined();
    // Hours left: botocore reads the file and leaves it alone.
    expect(await readFile(cacheFile, "utf8")).toBe(before);
  });

  it("silently refreshes a token within 15 minutes of expiry and rewrites the cache file", async () => {
    const { cacheFile, entry } = await sessionProfile(5 * 60_000);
    expect(arnOf(await getCallerIdentity("p"))).toMatch(ASSUMED_ROLE_ARN);
    expect((await stats()).grantTypes.refresh_token).toBe(1);

    const text = await readFile(cacheFile, "utf8");
    const after = JSON.parse(text) as TokenCacheEntry;
    expect(after.accessToken).not.toBe(entry.accessToken);
    expect(after.refreshToken).not.toBe(entry.refreshToken);
    expect(after.expiresAt).toMatch(BOTOCORE_TIMESTAMP);
    expect(Date.parse(after.expiresAt) - Date.now()).toBeGreaterThan(7 * 3600_000);
    // docs/protocol/token-cache.md §3.2: botocore's json.dumps bytes, the eight keys in their order.
    expect(text).toBe(formatTokenCacheEntry(after));
    expect({ ...after, accessToken: "", refreshToken: "", expiresAt: "" }).toEqual({
      ...entry,
      accessToken: "",
      refreshToken: "",
      expiresAt: "",
    });

    // The rotated refresh token in the file is the live one: a second near-expiry run uses it.
    await writeFile(cacheFile, formatTokenCacheEntry({ ...after, expiresAt: formatTimestamp(new Date(Date.now() + 5 * 60_000)) }));
    expect(arnOf(await getCallerIdentity("p"))).toMatch(ASSUMED_ROLE_ARN);
    expect((await stats()).grantTypes.refresh_token).toBe(2);
    expect((JSON.parse(await readFile(cacheFile, "utf8")) as TokenCacheEntry).refreshToken).not.toBe(after.refreshToken);
  });

  it("uses a legacy profile's token cached under the SHA-1 of its start URL and never refreshes it", async () => {
    const { cacheFile, text } = await legacyProfile(5 * 60_000);
    expect(arnOf(await getCallerIdentity("legacy"))).toMatch(ASSUMED_ROLE_ARN);
    const s = await stats();
    expect(s.operations.GetRoleCredentials?.calls).toBe(1);
    expect(s.operations.CreateToken?.calls).toBe(1); // our own sign-in only
    expect(await readFile(cacheFile, "utf8")).toBe(text);
  });

  it("runs get-caller-identity with a profile `sso-cli configure populate` wrote (no keys: the sign-in alone)", async () => {
    await writeConfig([
      "[sso-session s]",
      `sso_start_url = ${emu.startUrl}`,
      "sso_region = us-east-1",
      "sso_registration_scopes = sso:account:access",
    ]);
    const populate = await runCli(["configure", "populate"], { home, env: emu.env });
    expect(populate.code, populate.stderr).toBe(0);
    expect(arnOf(await getCallerIdentity("account-2.ReadOnlyAccess"))).toMatch(
      /^arn:aws:sts::100000000002:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/alice@example\.com$/,
    );
    await expect(readFile(join(home, ".aws", "credentials"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses an expired legacy token without calling the portal", async () => {
    await legacyProfile(-60_000);
    const r = await getCallerIdentity("legacy");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("The SSO session associated with this profile has expired or is otherwise invalid");
    expect((await stats()).operations.GetRoleCredentials).toBeUndefined();
  });
});
