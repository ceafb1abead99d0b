import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { assumeRoleCacheFileName } from "../../src/role-keys/role-chain.entry.js";
import { AWS_V2, type TestEmulator, useAwsCliV2Suite } from "../helpers/aws-cli-v2.js";
import { signInOverHttp } from "../helpers/sso-fixtures.js";
import { runCli, runProcess, type ProcessResult } from "../helpers/run-process.js";

// Issue 22: the AWS CLI v2.9 and sso-cli reuse each other's assumed-role keys in ~/.aws/cli/cache:
// same file names (botocore's cache key), same content. The CLI is the referee. Legacy SSO form
// for the source profile: the v2.9 fails on the sso_session form as a source_profile (aws/aws-cli#7496).

const AUDIT = { roleArn: "arn:aws:iam::100000000003:role/Audit", sessionName: "alice-audit" };
const DEPLOY = { roleArn: "arn:aws:iam::100000000002:role/Deploy", sessionName: "alice" };

let emu: TestEmulator;
let home: string;
let dataPath: string;

useAwsCliV2Suite({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 }, (s) => ({ emu, home, dataPath } = s));

beforeEach(async () => {
  const t = await signInOverHttp(emu.url, emu.startUrl, "assume-role-cache-interop");
  await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true });
  await writeFile(
    join(home, ".aws", "sso", "cache", tokenCacheFileName({ startUrl: emu.startUrl })),
    formatTokenCacheEntry({
      startUrl: emu.startUrl,
      region: "us-east-1",
      accessToken: t.accessToken,
      expiresAt: formatTimestamp(new Date(Date.now() + 8 * 3600_000)),
    }),
    { mode: 0o600 },
  );
  const config = [
    "[profile sso]",
    `sso_start_url = ${emu.startUrl}`,
    "sso_region = us-east-1",
    "sso_account_id = 100000000001",
    "sso_role_name = AdministratorAccess",
    "region = us-east-1",
    "",
    "[profile deploy]",
    `role_arn = ${DEPLOY.roleArn}`,
    "source_profile = sso",
    "role_session_name = alice",
    "region = us-east-1",
    "",
    "[profile audit]",
    `role_arn = ${AUDIT.roleArn}`,
    "source_profile = deploy",
    "role_session_name = alice-audit",
    "region = us-east-1",
    "",
  ];
  await writeFile(join(home, ".aws", "config"), config.join("\n") + "\n");
});

function aws(args: string[]): Promise<ProcessResult> {
  return runProcess(AWS_V2, [...args, "--output", "json"], { home, env: { AWS_DATA_PATH: dataPath, AWS_PAGER: "" }, timeoutMs: 40_000 });
}

async function assumeRoleCalls(): Promise<number> {
  const s = (await (await fetch(`${emu.url}/_admin/stats`)).json()) as { operations: Record<string, { calls: number } | undefined> };
  return s.operations.AssumeRole?.calls ?? 0;
}

const cacheDir = () => join(home, ".aws", "cli", "cache");
const cached = async (hop: typeof AUDIT) =>
  JSON.parse(await readFile(join(cacheDir(), assumeRoleCacheFileName(hop)), "utf8")) as { Credentials: { AccessKeyId: string } };

describe("the AWS CLI v2.9 and sso-cli share assumed-role keys", () => {
  it("sso-cli uses the keys the CLI cached: same file names, no AssumeRole of its own", async () => {
    const r = await aws(["sts", "get-caller-identity", "--profile", "audit"]);
    expect(r.code, r.stderr).toBe(0);
    // The CLI named its files as sso-cli names them, for both hops.
    const files = await readdir(cacheDir());
    expect(files).toEqual(expect.arrayContaining([assumeRoleCacheFileName(AUDIT), assumeRoleCacheFileName(DEPLOY)]));
    const before = await assumeRoleCalls();
    const p = await runCli(["credential-process", "--profile", "audit"], { home, env: emu.env });
    expect(p.code, p.stderr).toBe(0);
    expect((JSON.parse(p.stdout) as { AccessKeyId: string }).AccessKeyId).toBe((await cached(AUDIT)).Credentials.AccessKeyId);
    expect(await assumeRoleCalls()).toBe(before);
  });

  it("the CLI uses the keys sso-cli cached: its caller is the role, and it assumes nothing", async () => {
    const p = await runCli(["credential-process", "--profile", "audit"], { home, env: emu.env });
    expect(p.code, p.stderr).toBe(0);
    const keyId = (JSON.parse(p.stdout) as { AccessKeyId: string }).AccessKeyId;
    expect((await cached(AUDIT)).Credentials.AccessKeyId).toBe(keyId);
    const before = await assumeRoleCalls();
    const r = await aws(["sts", "get-caller-identity", "--profile", "audit"]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { Arn: string }).Arn).toBe("arn:aws:sts::100000000003:assumed-role/Audit/alice-audit");
    expect(await assumeRoleCalls()).toBe(before);
    // The emulator answered GetCallerIdentity for sso-cli's keys: the CLI signed with them.
    expect(emu.state.roleCredentials.get(keyId)).toBeDefined();
  });
});
