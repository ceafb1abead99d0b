import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exit } from "../../src/errors.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runOnTerminal } from "../helpers/pty.js";
import { BIN, runCli, runProcess } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Issue 22: the credential commands serve a role chain. The proof that the keys are the role's is
// STS's own answer to them: the AWS CLI v1's get-caller-identity against the emulator.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

const DEPLOY_ARN = "arn:aws:sts::100000000002:assumed-role/Deploy/alice";
const AUDIT_ARN = "arn:aws:sts::100000000003:assumed-role/Audit/alice-audit";

describe.concurrent("role chains through the credential commands", () => {
  let emu: Emulator;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    emu = await startTestEmulator({ externalIds: ["Guarded:right-id"] });
  });
  afterAll(async () => {
    await emu.close();
    for (const c of cleanups) await c();
  });

  /** A signed-in HOME with the SSO profile `sso`, the chain `deploy` on it and `audit` on `deploy`. */
  async function home(extra: string[] = []): Promise<string> {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true });
    const config = [
      sessionProfileConfig({ startUrl: emu.startUrl, profile: "sso" }),
      "[profile deploy]",
      "role_arn = arn:aws:iam::100000000002:role/Deploy",
      "source_profile = sso",
      "role_session_name = alice",
      "duration_seconds = 900",
      "",
      "[profile audit]",
      "role_arn = arn:aws:iam::100000000003:role/team/Audit",
      "source_profile = deploy",
      "role_session_name = alice-audit",
      "",
      ...extra,
    ];
    await writeFile(join(home, ".aws", "config"), config.join("\n") + "\n");
    const client = emu.state.registerClient({ clientName: "c", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
    const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
    const expiresAt = formatTimestamp(new Date(Date.now() + 8 * 3600_000));
    await writeFile(
      join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })),
      formatTokenCacheEntry({ startUrl: emu.startUrl, region: "us-east-1", accessToken, expiresAt }),
    );
    return home;
  }

  /** Who STS says these keys are: the AWS CLI v1's get-caller-identity with them in the environment. */
  async function callerArn(h: string, keys: Record<string, string>): Promise<string> {
    const r = await runProcess("python3", ["-m", "awscli", "sts", "get-caller-identity", "--output", "json", "--region", "us-east-1"], {
      home: h,
      env: { AWS_ENDPOINT_URL_STS: emu.url, ...keys },
      timeoutMs: 30_000,
    });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { Arn: string }).Arn;
  }

  const envOf = (text: string): Record<string, string> =>
    Object.fromEntries(
      text
        .trim()
        .split("\n")
        .map((l) => /^export ([A-Z_]+)=(.*)$/.exec(l)!.slice(1, 3) as [string, string]),
    );

  it.each([
    ["deploy", DEPLOY_ARN],
    ["audit", AUDIT_ARN],
  ])("credential-process --profile %s: keys STS takes as %s", async (profile, arn) => {
    const h = await home();
    const r = await runCli(["credential-process", "--profile", profile], { home: h, env: emu.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const j = JSON.parse(r.stdout) as Record<string, string>;
    expect(
      await callerArn(h, {
        AWS_ACCESS_KEY_ID: j.AccessKeyId!,
        AWS_SECRET_ACCESS_KEY: j.SecretAccessKey!,
        AWS_SESSION_TOKEN: j.SessionToken!,
      }),
    ).toBe(arn);
  });

  it.each([
    ["deploy", DEPLOY_ARN],
    ["audit", AUDIT_ARN],
  ])("export --format env --profile %s: keys STS takes as %s", async (profile, arn) => {
    const h = await home();
    const r = await runCli(["export", "--profile", profile, "--format", "env"], { home: h, env: emu.env });
    expect(r.code, r.stderr).toBe(0);
    const vars = envOf(r.stdout);
    expect(await callerArn(h, vars)).toBe(arn);
    if (profile === "deploy") {
      // duration_seconds = 900: 15 minutes ahead, in whole seconds.
      const left = Date.parse(vars.AWS_CREDENTIAL_EXPIRATION!) - Date.now();
      expect(left).toBeGreaterThan(13 * 60_000);
      expect(left).toBeLessThanOrEqual(15 * 60_000);
    }
  });

  it.each([
    ["deploy", DEPLOY_ARN],
    ["audit", AUDIT_ARN],
  ])("exec --profile %s: the command runs as %s", async (profile, arn) => {
    const h = await home();
    const r = await runCli(
      [
        "exec",
        "--profile",
        profile,
        "--",
        "python3",
        "-m",
        "awscli",
        "sts",
        "get-caller-identity",
        "--output",
        "text",
        "--query",
        "Arn",
        "--region",
        "us-east-1",
      ],
      { home: h, env: emu.env, timeoutMs: 30_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(arn);
  });

  it("exec --ecs-server --profile audit: the AWS CLI v1 reads the chain's keys from the endpoint (#19 on #22)", async () => {
    const h = await home();
    const r = await runCli(
      [
        "exec",
        "--ecs-server",
        "--profile",
        "audit",
        "--",
        "python3",
        "-m",
        "awscli",
        "sts",
        "get-caller-identity",
        "--output",
        "text",
        "--query",
        "Arn",
        "--region",
        "us-east-1",
      ],
      { home: h, env: emu.env, timeoutMs: 30_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(AUDIT_ARN);
  });

  it.each([
    ["deploy", DEPLOY_ARN],
    ["audit", AUDIT_ARN],
  ])("login --profile %s: keys in its section of the credentials file that STS takes as %s; logout removes them", async (profile, arn) => {
    const h = await home();
    const r = await runCli(["login", "--profile", profile, "--no-browser"], { home: h, env: emu.env });
    expect(r.code, r.stderr).toBe(0);
    const text = await readFile(join(h, ".aws", "credentials"), "utf8");
    const section = text.slice(text.indexOf(`[${profile}]`));
    const value = (k: string) => new RegExp(`^${k} = (.*)$`, "m").exec(section)![1]!;
    expect(
      await callerArn(h, {
        AWS_ACCESS_KEY_ID: value("aws_access_key_id"),
        AWS_SECRET_ACCESS_KEY: value("aws_secret_access_key"),
        AWS_SESSION_TOKEN: value("aws_session_token"),
      }),
    ).toBe(arn);
    // Again: the entry's fast path finds the chain's keys fresh and says so, with no network;
    // deploy's (duration_seconds = 900) never last past the 15-minute margin, so they are renewed.
    const again = await runCli(["login", "--profile", profile, "--no-browser"], { home: h, env: emu.env });
    expect(again.code, again.stderr).toBe(0);
    if (profile === "audit") expect(again.stderr).toMatch(/^Already signed in; keys for 1 profile valid until /);
    else expect(again.stderr).toMatch(/^ {2}deploy +100000000002 +Deploy +valid until /m);
    const out = await runCli(["logout", "--profile", profile], { home: h, env: emu.env });
    expect(out.code, out.stderr).toBe(0);
    expect(await readFile(join(h, ".aws", "credentials"), "utf8").catch(() => "")).not.toContain(`[${profile}]`);
  });

  it("configure profile on a terminal offers a role chain on the profile it wrote", async () => {
    const h = await home();
    const argv = [
      process.execPath,
      BIN,
      "configure",
      "profile",
      "dev",
      "--sso-session",
      "s",
      "--account-id",
      "100000000001",
      "--role-name",
      "AdministratorAccess",
    ];
    const r = await runOnTerminal(
      argv,
      [
        ["Default region for AWS clients", ["\r"]],
        ["AWS CLI output format", ["\r"]],
        ["Assume a role from this profile\\?", ["arn:aws:iam::100000000002:role/Ops", "\r"]],
        ["Name of the profile that assumes it", ["\r"]],
      ],
      { home: h, env: { ...emu.env, BROWSER: "none" }, timeoutMs: 25_000 },
    );
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Wrote profile dev-ops in .*: assumes arn:aws:iam::100000000002:role\/Ops on the keys of profile dev\./);
    expect(await readFile(join(h, ".aws", "config"), "utf8")).toContain(
      "[profile dev-ops]\nrole_arn = arn:aws:iam::100000000002:role/Ops\nsource_profile = dev\n",
    );
  });

  it("console --print --profile audit: a sign-in link from the chain's keys", async () => {
    const h = await home();
    const r = await runCli(["console", "--profile", "audit", "--print"], { home: h, env: emu.env });
    expect(r.code, r.stderr).toBe(0);
    const link = new URL(r.stdout.trim());
    expect(link.searchParams.get("Action")).toBe("login");
    expect(link.searchParams.get("Issuer")).toBe(emu.startUrl);
    // The emulator's federation endpoint gave the token for the Audit session.
    const page = await fetch(link, { redirect: "manual" });
    expect(page.status).toBeLessThan(400);
  });

  it.each([
    [
      "an account the emulator does not have",
      ["[profile bad]", "role_arn = arn:aws:iam::999999999999:role/Deploy", "source_profile = sso"],
      /^sso-cli: STS refused to assume arn:aws:iam::999999999999:role\/Deploy for profile bad: .*\(AccessDenied\)/,
    ],
    [
      "an ExternalId that does not match",
      ["[profile bad]", "role_arn = arn:aws:iam::100000000002:role/Guarded", "source_profile = sso", "external_id = wrong-id"],
      /^sso-cli: STS refused to assume .*Guarded for profile bad: .*\(AccessDenied\)/,
    ],
    [
      "a duration too long for a chain",
      ["[profile bad]", "role_arn = arn:aws:iam::100000000002:role/Deploy", "source_profile = sso", "duration_seconds = 7200"],
      /^sso-cli: STS refused .*: The requested DurationSeconds exceeds the 1 hour session limit.* \(ValidationError\)/,
    ],
  ])("refused (%s): one sso-cli line, exit 254, no assumed keys written", async (_what, lines, message) => {
    const h = await home(lines);
    for (const args of [
      ["credential-process", "--profile", "bad"],
      ["export", "--profile", "bad", "--format", "env"],
    ]) {
      const r = await runCli(args, { home: h, env: emu.env });
      expect(r.code, r.stderr).toBe(Exit.service);
      expect(r.stdout).toBe("");
      const out = r.stderr.trimEnd().split("\n");
      expect(out[0]).toMatch(message);
      expect(out.filter((l) => l.startsWith("sso-cli:"))).toHaveLength(1);
    }
    // Only the SSO profile's own keys (which signed the AssumeRole) are in the cache.
    const cached = await readdir(join(h, ".aws", "cli", "cache"));
    expect(cached).toHaveLength(1);
    expect(JSON.parse(await readFile(join(h, ".aws", "cli", "cache", cached[0]!), "utf8"))).toMatchObject({ ProviderType: "sso" });
  });

  it.each([
    [
      "a loop",
      [
        "[profile bad]",
        "role_arn = arn:aws:iam::100000000002:role/A",
        "source_profile = bad2",
        "",
        "[profile bad2]",
        "role_arn = arn:aws:iam::100000000002:role/B",
        "source_profile = bad",
      ],
      /^sso-cli: The source_profile chain of profile bad loops: bad → bad2 → bad\.$/,
    ],
    [
      "credential_source",
      ["[profile bad]", "role_arn = arn:aws:iam::100000000002:role/A", "credential_source = Ec2InstanceMetadata"],
      /^sso-cli: Profile bad takes its source keys from credential_source = Ec2InstanceMetadata/,
    ],
    [
      "mfa_serial",
      [
        "[profile bad]",
        "role_arn = arn:aws:iam::100000000002:role/A",
        "source_profile = sso",
        "mfa_serial = arn:aws:iam::100000000001:mfa/alice",
      ],
      /^sso-cli: Profile bad needs an MFA code \(mfa_serial\)/,
    ],
  ])("refused before any call (%s): one line, exit 253", async (_what, lines, message) => {
    const h = await home(lines);
    const r = await runCli(["credential-process", "--profile", "bad"], { home: h, env: emu.env });
    expect(r.code, r.stderr).toBe(Exit.config);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toMatch(message);
  });
});
