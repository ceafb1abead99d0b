import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runHotCredentials } from "../../src/cli/hot-credentials.js";
import { formatAssumeRoleCacheEntry } from "../../src/files/assume-role-cache.js";
import { assumeRoleCacheFileName } from "../../src/role-keys/role-chain.entry.js";
import { createTestContext } from "../helpers/test-context.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Issue 22: the entry's hot path answers for a role chain from the assume-role cache, files only.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const CONFIG = [
  "[profile sso]",
  "sso_session = s",
  "sso_account_id = 100000000001",
  "sso_role_name = Admin",
  "region = eu-west-1",
  "",
  "[sso-session s]",
  "sso_start_url = https://d-1234567890.awsapps.com/start",
  "sso_region = us-east-1",
  "",
  "[profile deploy]",
  "role_arn = arn:aws:iam::100000000002:role/Deploy",
  "source_profile = sso",
  "role_session_name = alice",
  "",
].join("\n");

async function setUp(minutesLeft: number) {
  const { home, cleanup } = await makeTempHome();
  cleanups.push(cleanup);
  const ctx = createTestContext({ home });
  await mkdir(ctx.paths.cliCacheDir, { recursive: true });
  await writeFile(ctx.paths.configFile, CONFIG);
  const keys = {
    accessKeyId: "ASIACHAINEDEXAMPLE01",
    secretAccessKey: "s".repeat(40),
    sessionToken: "t".repeat(200),
    expiration: new Date(Math.floor(ctx.now().getTime() / 1000) * 1000 + minutesLeft * 60_000),
  };
  await writeFile(
    join(ctx.paths.cliCacheDir, assumeRoleCacheFileName({ roleArn: "arn:aws:iam::100000000002:role/Deploy", sessionName: "alice" })),
    formatAssumeRoleCacheEntry(keys),
  );
  return ctx;
}

describe("the credential hot path and role chains", () => {
  it("prints a chain's cached keys, with the base profile's region", async () => {
    const ctx = await setUp(40);
    expect(JSON.parse((await runHotCredentials(ctx, { profile: "deploy", format: "process" }))!)).toMatchObject({
      Version: 1,
      AccessKeyId: "ASIACHAINEDEXAMPLE01",
    });
    expect(JSON.parse((await runHotCredentials(ctx, { profile: "deploy", format: "json" }))!)).toMatchObject({
      AccessKeyId: "ASIACHAINEDEXAMPLE01",
      Region: "eu-west-1",
      AccountId: "100000000002",
      RoleName: "Deploy",
    });
  });

  it("keys with 15 minutes or less left are left to the full path", async () => {
    const ctx = await setUp(14);
    expect(await runHotCredentials(ctx, { profile: "deploy", format: "process" })).toBeUndefined();
  });
});
