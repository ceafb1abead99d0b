import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { AWS_V2, type TestEmulator, useAwsCliV2Suite } from "../helpers/aws-cli-v2.js";
import { signInOverHttp } from "../helpers/sso-fixtures.js";
import { runProcess, type ProcessResult } from "../helpers/run-process.js";

// The AWS CLI v2.9 (Debian's awscli) resolves role chains on an SSO profile against the emulator.
// It ignores AWS_ENDPOINT_URL_*; the STS rule set that --aws-data-path writes sends its AssumeRole
// calls to the emulator as it does GetCallerIdentity (docs/protocol/aws-cli-v2-redirect.md §2,
// docs/protocol/sts.md §8.6).

let emu: TestEmulator;
let home: string;
let dataPath: string;

useAwsCliV2Suite({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 }, (s) => ({ emu, home, dataPath } = s));

/**
 * The SSO profile `sso` with its token cached, `deploy` on it (900 s) and `audit` on `deploy`, plus
 * `extra`. `sso` is in the legacy form (sso_start_url in the profile): as a source_profile, the
 * sso-session form fails inside the CLI v2.9 itself, before any request ("'NoneType' object has no
 * attribute 'get_frozen_token'", aws/aws-cli#7496, fixed in later releases).
 */
async function writeChains(extra: string[] = []): Promise<void> {
  const t = await signInOverHttp(emu.url, emu.startUrl, "role-chains-v2-interop");
  const cacheDir = join(home, ".aws", "sso", "cache");
  await mkdir(cacheDir, { recursive: true });
  await writeFile(
    join(cacheDir, tokenCacheFileName({ startUrl: emu.startUrl })),
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
    "role_arn = arn:aws:iam::100000000002:role/Deploy",
    "source_profile = sso",
    "role_session_name = alice",
    "duration_seconds = 900",
    "region = us-east-1",
    "",
    "[profile audit]",
    "role_arn = arn:aws:iam::100000000003:role/Audit",
    "source_profile = deploy",
    "role_session_name = alice-audit",
    "region = us-east-1",
    "",
    ...extra,
  ];
  await writeFile(join(home, ".aws", "config"), config.join("\n") + "\n");
}

function aws(args: string[]): Promise<ProcessResult> {
  // Nothing but what the CLI needs: no AWS_ENDPOINT_URL_* (v2.9 ignores them anyway).
  return runProcess(AWS_V2, [...args, "--output", "json"], { home, env: { AWS_DATA_PATH: dataPath, AWS_PAGER: "" }, timeoutMs: 40_000 });
}

function arnOf(r: ProcessResult): string {
  if (r.code !== 0) throw new Error(`aws exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

async function calls(operation: string): Promise<number> {
  const s = (await (await fetch(`${emu.url}/_admin/stats`)).json()) as { operations: Record<string, { calls: number } | undefined> };
  return s.operations[operation]?.calls ?? 0;
}

describe("AWS CLI v2.9: role chains on an SSO profile through AWS_DATA_PATH", () => {
  it("resolves a one-hop and a two-hop chain", async () => {
    await writeChains();
    expect(arnOf(await aws(["sts", "get-caller-identity", "--profile", "deploy"]))).toBe(
      "arn:aws:sts::100000000002:assumed-role/Deploy/alice",
    );
    expect(arnOf(await aws(["sts", "get-caller-identity", "--profile", "audit"]))).toBe(
      "arn:aws:sts::100000000003:assumed-role/Audit/alice-audit",
    );
    expect(await calls("AssumeRole")).toBeGreaterThanOrEqual(2);
  });

  it("shows the emulator's AccessDenied for an account that is not its own", async () => {
    await writeChains([
      "[profile elsewhere]",
      "role_arn = arn:aws:iam::999999999999:role/Deploy",
      "source_profile = sso",
      "role_session_name = alice",
      "region = us-east-1",
      "",
    ]);
    const r = await aws(["sts", "get-caller-identity", "--profile", "elsewhere"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /An error occurred \(AccessDenied\) when calling the AssumeRole operation: User: arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role\/Deploy/,
    );
  });
});
