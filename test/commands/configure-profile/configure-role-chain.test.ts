import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configureRoleChain, type RoleChainInput } from "../../../src/commands/configure-profile/configure-role-chain.js";
import type { ConfigureProfileInput } from "../../../src/commands/configure-profile/configure-profile.js";
import { BadValueError, ConfigError, UsageError } from "../../../src/errors.js";
import { createTestContext, type TestContext } from "../../helpers/test-context.js";
import { makeTempHome } from "../../helpers/temp-home.js";

// Issue 22, item 4: `configure profile NAME --role-arn ARN --source-profile P` writes a role chain
// and changes nothing else in the file.

const BEFORE = [
  "# my config",
  "[profile sso]",
  "sso_session = s",
  "sso_account_id = 100000000001",
  "sso_role_name = Admin",
  "",
  "[sso-session s]",
  "sso_start_url = https://d-1234567890.awsapps.com/start",
  "sso_region = us-east-1",
  "",
  "[profile deploy]",
  "region = eu-west-1   ; kept",
  "",
].join("\n");

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setUp(config = BEFORE): Promise<TestContext> {
  const { home, cleanup } = await makeTempHome();
  cleanups.push(cleanup);
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(join(home, ".aws", "config"), config);
  return createTestContext({ home });
}

const input = (o: Partial<ConfigureProfileInput & RoleChainInput>): ConfigureProfileInput & RoleChainInput => ({
  profile: "deploy",
  legacy: false,
  force: false,
  browser: false,
  ...o,
});

describe("configure profile --role-arn --source-profile", () => {
  it("adds the chain's keys to the profile and changes no other byte", async () => {
    const ctx = await setUp();
    const r = await configureRoleChain(
      ctx,
      input({ roleArn: "arn:aws:iam::222233334444:role/Deploy", sourceProfile: "sso", roleSessionName: "alice", durationSeconds: "900" }),
      undefined,
    );
    expect(r.changed).toBe(true);
    expect(r.chain.hops.map((h) => h.roleArn)).toEqual(["arn:aws:iam::222233334444:role/Deploy"]);
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(
      BEFORE.replace(
        "region = eu-west-1   ; kept\n",
        "region = eu-west-1   ; kept\nrole_arn = arn:aws:iam::222233334444:role/Deploy\nsource_profile = sso\nrole_session_name = alice\nduration_seconds = 900\n",
      ),
    );
    // Again: nothing to change, nothing written.
    expect(
      (await configureRoleChain(ctx, input({ roleArn: "arn:aws:iam::222233334444:role/Deploy", sourceProfile: "sso" }), undefined)).changed,
    ).toBe(false);
  });

  it("a new profile, chained on a chain", async () => {
    const ctx = await setUp(BEFORE + "[profile deploy2]\nrole_arn = arn:aws:iam::222233334444:role/Deploy\nsource_profile = sso\n");
    const r = await configureRoleChain(
      ctx,
      input({ profile: "audit", roleArn: "arn:aws:iam::333344445555:role/team/Audit", sourceProfile: "deploy2" }),
      undefined,
    );
    expect(r.chain.hops.map((h) => h.profile)).toEqual(["deploy2", "audit"]);
    expect(await readFile(ctx.paths.configFile, "utf8")).toContain(
      "[profile audit]\nrole_arn = arn:aws:iam::333344445555:role/team/Audit\nsource_profile = deploy2\n",
    );
  });

  it.each([
    [
      "a loop",
      input({ profile: "a", roleArn: "arn:aws:iam::222233334444:role/A", sourceProfile: "b" }),
      BEFORE + "[profile b]\nrole_arn = arn:aws:iam::222233334444:role/B\nsource_profile = a\n",
      ConfigError,
      /loops: a → b → a/,
    ],
    [
      "an unknown source profile",
      input({ roleArn: "arn:aws:iam::222233334444:role/Deploy", sourceProfile: "nope" }),
      BEFORE,
      ConfigError,
      /"nope" of profile deploy does not exist/,
    ],
    [
      "an Identity Center profile's name",
      input({ profile: "sso", roleArn: "arn:aws:iam::222233334444:role/Deploy", sourceProfile: "sso" }),
      BEFORE,
      ConfigError,
      /Profile sso is an IAM Identity Center profile/,
    ],
    [
      "not a role ARN",
      input({ roleArn: "arn:aws:iam::222233334444:user/bob", sourceProfile: "sso" }),
      BEFORE,
      BadValueError,
      /is not an IAM role ARN/,
    ],
    [
      "a duration out of range",
      input({ roleArn: "arn:aws:iam::222233334444:role/Deploy", sourceProfile: "sso", durationSeconds: "60" }),
      BEFORE,
      BadValueError,
      /--duration-seconds must be a whole number from 900 to 43200/,
    ],
    [
      "SSO flags as well",
      input({ roleArn: "arn:aws:iam::222233334444:role/Deploy", sourceProfile: "sso", accountId: "100000000001" }),
      BEFORE,
      UsageError,
      /--account-id describe an IAM Identity Center profile/,
    ],
    [
      "no source profile, no terminal",
      input({ roleArn: "arn:aws:iam::222233334444:role/Deploy" }),
      BEFORE,
      UsageError,
      /--source-profile is required/,
    ],
  ])("refused, file untouched: %s", async (_what, i, config, type, message) => {
    const ctx = await setUp(config);
    const err = await configureRoleChain(ctx, i, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(config);
  });

  it("on a terminal, asks for what the flags leave open", async () => {
    const ctx = await setUp();
    const asked: string[] = [];
    const prompter = {
      input: async (message: string) => {
        asked.push(message);
        return message.startsWith("Role ARN") ? "arn:aws:iam::222233334444:role/Deploy" : "sso";
      },
      select: async () => "",
    };
    await configureRoleChain(ctx, input({ sourceProfile: undefined, roleSessionName: "alice" }), prompter);
    expect(asked).toEqual(["Role ARN to assume", "Source profile (whose keys assume the role)"]);
    expect(await readFile(ctx.paths.configFile, "utf8")).toContain("source_profile = sso\nrole_session_name = alice\n");
  });
});
