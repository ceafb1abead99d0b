import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { sessionProfileConfig, signInOverHttp } from "../helpers/sso-fixtures.js";
import { runProcess, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Role chains on an SSO profile, resolved by botocore itself: the AWS CLI v1 (1.45, botocore 1.43)
// and boto3 read role_arn/source_profile, get the SSO profile's keys from the emulator's portal and
// call the emulator's STS AssumeRole with them (docs/protocol/sts.md §8.6). Their parsing of our
// answers and errors is the referee.

const SSO_ACCOUNT = "100000000001";
const CALLER_ARN = /arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com/;

let emu: RunningEmulator & { env: Record<string, string> };
let home: string;

/** Why the CLI cannot run, found once; it fails every test here rather than skipping them. */
let missingCli: string | undefined;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 });
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
  const temp = await makeTempHome();
  home = temp.home;
  await admin("reset", { state: "all" });
  await admin("config", { assumableRoles: [], externalIds: [], stsDisabledRegions: [] });
  return temp.cleanup;
});

async function admin(endpoint: string, body: unknown): Promise<void> {
  const r = await fetch(`${emu.url}/_admin/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`/_admin/${endpoint}: ${r.status} ${await r.text()}`);
}

async function calls(operation: string): Promise<number> {
  const s = (await (await fetch(`${emu.url}/_admin/stats`)).json()) as { operations: Record<string, { calls: number } | undefined> };
  return s.operations[operation]?.calls ?? 0;
}

/**
 * The SSO profile `sso` (an sso-session profile whose token is in the cache, as after a sign-in),
 * the one-hop chain `deploy` on it and the two-hop chain `audit` on `deploy`, plus `extra` lines.
 */
async function writeChains(extra: string[] = []): Promise<void> {
  const t = await signInOverHttp(emu.url, emu.startUrl, "role-chains-interop");
  const cacheDir = join(home, ".aws", "sso", "cache");
  await mkdir(cacheDir, { recursive: true });
  await writeFile(
    join(cacheDir, tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })),
    formatTokenCacheEntry({
      startUrl: emu.startUrl,
      region: "us-east-1",
      accessToken: t.accessToken,
      expiresAt: formatTimestamp(new Date(Date.now() + 8 * 3600_000)),
      clientId: t.clientId,
      clientSecret: t.clientSecret,
      registrationExpiresAt: formatTimestamp(new Date(t.clientSecretExpiresAt * 1000)),
      refreshToken: t.refreshToken,
    }),
    { mode: 0o600 },
  );
  const config = [
    sessionProfileConfig({ startUrl: emu.startUrl, profile: "sso", accountId: SSO_ACCOUNT, roleName: "AdministratorAccess" }),
    "[profile deploy]",
    "role_arn = arn:aws:iam::100000000002:role/Deploy",
    "source_profile = sso",
    "role_session_name = alice",
    "duration_seconds = 900",
    "region = us-east-1",
    "",
    "[profile audit]",
    "role_arn = arn:aws:iam::100000000003:role/team/Audit",
    "source_profile = deploy",
    "role_session_name = alice-audit",
    "region = us-east-1",
    "",
    ...extra,
  ];
  await writeFile(join(home, ".aws", "config"), config.join("\n") + "\n");
}

/** One role profile on the SSO profile, for the error cases. */
const chain = (name: string, lines: string[]): string[] => [
  `[profile ${name}]`,
  "source_profile = sso",
  "role_session_name = alice",
  "region = us-east-1",
  ...lines,
  "",
];

const env = () => ({
  ...emu.env,
  AWS_CONFIG_FILE: join(home, ".aws", "config"),
  AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
});

function aws(args: string[]): Promise<ProcessResult> {
  return runProcess("python3", ["-m", "awscli", ...args, "--output", "json"], { home, env: env(), timeoutMs: 30_000 });
}

function arnOf(r: ProcessResult): string {
  if (r.code !== 0) throw new Error(`aws exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

/** The CLI's one line for a service error: botocore parsed our code and message. */
function clientError(r: ProcessResult, code: string, operation = "AssumeRole"): string {
  expect(r.code, r.stderr).not.toBe(0);
  const line = r.stderr.trim().split("\n").at(-1) ?? "";
  expect(line).toContain(`An error occurred (${code}) when calling the ${operation} operation: `);
  return line.slice(line.indexOf("operation: ") + "operation: ".length);
}

describe("AWS CLI v1: role chains on an SSO profile against the emulator", () => {
  it("resolves a one-hop chain: get-caller-identity is the assumed role, keys from AssumeRole on the SSO keys", async () => {
    await writeChains();
    const r = await aws(["sts", "get-caller-identity", "--profile", "deploy"]);
    expect(arnOf(r)).toBe("arn:aws:sts::100000000002:assumed-role/Deploy/alice");
    expect(JSON.parse(r.stdout) as { UserId: string; Account: string }).toMatchObject({
      Account: "100000000002",
      UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:alice$/) as unknown,
    });
    expect(await calls("GetRoleCredentials")).toBe(1);
    expect(await calls("AssumeRole")).toBeGreaterThanOrEqual(1);
  });

  it("resolves a two-hop chain: the second AssumeRole is signed with the first one's keys", async () => {
    await writeChains();
    expect(arnOf(await aws(["sts", "get-caller-identity", "--profile", "audit"]))).toBe(
      "arn:aws:sts::100000000003:assumed-role/Audit/alice-audit",
    );
    expect(await calls("AssumeRole")).toBeGreaterThanOrEqual(2);
    // Every AssumeRole key the emulator issued is known to it by its session name.
    const sessions = [...emu.state.roleCredentials.values()].map((c) => c.sessionName).filter(Boolean);
    expect(new Set(sessions)).toEqual(new Set(["alice", "alice-audit"]));
  });

  it("gives boto3 keys that expire 15 minutes ahead for duration_seconds = 900, and an hour for a hop without it", async () => {
    await writeChains();
    // _expiry_time is where botocore's refreshable credentials keep the Expiration they parsed.
    const script = [
      "import boto3, datetime, json",
      "out = {}",
      "for p in ('deploy', 'audit'):",
      "    c = boto3.Session(profile_name=p).get_credentials()",
      "    key = c.get_frozen_credentials().access_key",
      "    out[p] = {'key': key, 'expiry': c._expiry_time.timestamp(), 'now': datetime.datetime.now(datetime.timezone.utc).timestamp()}",
      "print(json.dumps(out))",
    ].join("\n");
    const r = await runProcess("python3", ["-c", script], { home, env: env(), timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as Record<"deploy" | "audit", { key: string; expiry: number; now: number }>;
    for (const [profile, seconds] of [
      ["deploy", 900],
      ["audit", 3600],
    ] as const) {
      const issued = emu.state.roleCredentials.get(got[profile].key);
      expect(issued?.sessionName, profile).toBe(profile === "deploy" ? "alice" : "alice-audit");
      // botocore read the Expiration we sent: the key's expiry in whole seconds.
      expect(got[profile].expiry).toBe(Math.floor(issued!.expiresAtMs / 1000));
      const ahead = got[profile].expiry - got[profile].now;
      expect(ahead).toBeGreaterThan(seconds - 60);
      expect(ahead).toBeLessThanOrEqual(seconds);
    }
  });

  it("an account that is not the emulator's: AccessDenied naming the SSO caller and the role", async () => {
    await writeChains(chain("elsewhere", ["role_arn = arn:aws:iam::999999999999:role/Deploy"]));
    const message = clientError(await aws(["sts", "get-caller-identity", "--profile", "elsewhere"]), "AccessDenied");
    expect(message).toMatch(
      new RegExp(
        `^User: ${CALLER_ARN.source} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role/Deploy$`,
      ),
    );
  });

  it("a role outside --assumable-roles: AccessDenied; a role inside it works", async () => {
    await admin("config", { assumableRoles: ["Deploy"] });
    await writeChains(chain("other", ["role_arn = arn:aws:iam::100000000002:role/Other"]));
    expect(clientError(await aws(["sts", "get-caller-identity", "--profile", "other"]), "AccessDenied")).toContain(
      "on resource: arn:aws:iam::100000000002:role/Other",
    );
    expect(arnOf(await aws(["sts", "get-caller-identity", "--profile", "deploy"]))).toBe(
      "arn:aws:sts::100000000002:assumed-role/Deploy/alice",
    );
  });

  it("external_id: a missing or wrong one is AccessDenied, the role's own is granted", async () => {
    await admin("config", { externalIds: ["Deploy:ext-4f2a:team/ci"] });
    await writeChains([
      ...chain("wrong-id", ["role_arn = arn:aws:iam::100000000002:role/Deploy", "external_id = ext-0000"]),
      ...chain("right-id", ["role_arn = arn:aws:iam::100000000002:role/Deploy", "external_id = ext-4f2a:team/ci"]),
    ]);
    expect(clientError(await aws(["sts", "get-caller-identity", "--profile", "deploy"]), "AccessDenied")).toContain(
      "sts:AssumeRole on resource: arn:aws:iam::100000000002:role/Deploy",
    );
    expect(clientError(await aws(["sts", "get-caller-identity", "--profile", "wrong-id"]), "AccessDenied")).toContain(
      "is not authorized to perform: sts:AssumeRole",
    );
    expect(arnOf(await aws(["sts", "get-caller-identity", "--profile", "right-id"]))).toBe(
      "arn:aws:sts::100000000002:assumed-role/Deploy/alice",
    );
  });

  it("duration_seconds out of range: ValidationError from the emulator above 43200, from botocore itself under 900", async () => {
    await writeChains([
      ...chain("too-long", ["role_arn = arn:aws:iam::100000000002:role/Deploy", "duration_seconds = 43201"]),
      ...chain("too-short", ["role_arn = arn:aws:iam::100000000002:role/Deploy", "duration_seconds = 899"]),
    ]);
    expect(clientError(await aws(["sts", "get-caller-identity", "--profile", "too-long"]), "ValidationError")).toBe(
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    const before = await calls("AssumeRole");
    const short = await aws(["sts", "get-caller-identity", "--profile", "too-short"]);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain("Invalid value for parameter DurationSeconds, value: 899, valid min value: 900");
    expect(await calls("AssumeRole")).toBe(before);
  });

  it("role chaining: more than an hour on SSO keys is the ValidationError STS gives", async () => {
    await writeChains(chain("two-hours", ["role_arn = arn:aws:iam::100000000002:role/Deploy", "duration_seconds = 7200"]));
    expect(clientError(await aws(["sts", "get-caller-identity", "--profile", "two-hours"]), "ValidationError")).toBe(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  });

  it("a region where STS is not activated: RegionDisabledException for the role's account", async () => {
    await admin("config", { stsDisabledRegions: ["eu-south-1"] });
    await writeChains(
      chain("milan", ["role_arn = arn:aws:iam::100000000002:role/Deploy"]).map((l) =>
        l === "region = us-east-1" ? "region = eu-south-1" : l,
      ),
    );
    expect(clientError(await aws(["sts", "get-caller-identity", "--profile", "milan"]), "RegionDisabledException")).toBe(
      "STS is not activated in this region for account:100000000002. Your account administrator can activate STS in this region using the IAM Console.",
    );
  });

  it("an expired session token: ExpiredToken from AssumeRole, parsed by botocore", async () => {
    await writeChains();
    // boto3 gets the SSO profile's keys, the emulator expires them, then boto3 signs AssumeRole with them.
    const script = [
      "import boto3, botocore.exceptions, json, os, urllib.request",
      "c = boto3.Session(profile_name='sso').get_credentials().get_frozen_credentials()",
      "req = urllib.request.Request(os.environ['ADMIN_URL'] + '/_admin/expire', data=b'{\"what\": \"role_credentials\"}', headers={'content-type': 'application/json'}, method='POST')",
      "urllib.request.urlopen(req).read()",
      "sts = boto3.client('sts', region_name='us-east-1', aws_access_key_id=c.access_key, aws_secret_access_key=c.secret_key, aws_session_token=c.token)",
      "try:",
      "    sts.assume_role(RoleArn='arn:aws:iam::100000000002:role/Deploy', RoleSessionName='alice')",
      "    print(json.dumps({'error': None}))",
      "except botocore.exceptions.ClientError as e:",
      "    print(json.dumps({'error': e.response['Error'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}))",
    ].join("\n");
    const r = await runProcess("python3", ["-c", script], { home, env: { ...env(), ADMIN_URL: emu.url }, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { Type: "Sender", Code: "ExpiredToken", Message: "The security token included in the request is expired" },
      status: 403,
    });
    expect(await calls("AssumeRole")).toBe(1);
  });
});
