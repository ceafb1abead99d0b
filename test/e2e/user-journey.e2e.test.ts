import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { BIN, REPO_ROOT, runCli, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { runOnTerminal, type TerminalRun } from "../helpers/pty.js";
import { makeTempHome } from "../helpers/temp-home.js";

// A new user's first day, end to end: the built sso-cli in a throwaway HOME against an in-process
// emulator, and the real AWS CLI v1, boto3 and the JS SDK reading what it wrote.

const ACCOUNT = "100000000001";
const ROLE = "AdministratorAccess";
const ASSUMED_ROLE_ARN = /^arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/;

type Emulator = RunningEmulator & { env: Record<string, string> };

interface Stats {
  operations: Record<string, { calls: number } | undefined>;
}

async function stats(emu: Emulator): Promise<Stats> {
  return (await (await fetch(`${emu.url}/_admin/stats`)).json()) as Stats;
}

async function resetStats(emu: Emulator): Promise<void> {
  const r = await fetch(`${emu.url}/_admin/reset`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"state":"stats"}',
  });
  expect(r.ok).toBe(true);
}

function totalCalls(s: Stats): number {
  return Object.values(s.operations).reduce((n, op) => n + (op?.calls ?? 0), 0);
}

/** Fails with everything the process said, so a red test explains itself. */
function expectExit(r: ProcessResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("first sign-in to last sign-out, with the AWS CLI, boto3 and the JS SDK using the keys", () => {
  let emu: Emulator;
  let home: string;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  const credentialsFile = () => join(home, ".aws", "credentials");
  const configFile = () => join(home, ".aws", "config");
  let tokenCacheFile: string;

  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 });
    ({ home, cleanup } = await makeTempHome());
    env = { ...emu.env, BROWSER: "none" };
  });

  afterAll(async () => {
    await emu?.close();
    await cleanup?.();
  });

  it("configure profile writes an sso-session profile without asking (all flags given, no terminal)", async () => {
    const r = await runCli(
      [
        "configure",
        "profile",
        "myprofile",
        "--sso-start-url",
        emu.startUrl,
        "--sso-region",
        "eu-north-1",
        "--account-id",
        ACCOUNT,
        "--role-name",
        ROLE,
      ],
      { home, env },
    );
    expectExit(r, 0);
    const config = await readFile(configFile(), "utf8");
    expect(config).toMatch(/^\[profile myprofile\]$/m);
    expect(config).toMatch(/^sso_account_id = 100000000001$/m);
    expect(config).toMatch(/^sso_role_name = AdministratorAccess$/m);
    const session = /^sso_session = (\S+)$/m.exec(config)?.[1];
    expect(session).toBeDefined();
    expect(config).toContain(`[sso-session ${session}]\nsso_start_url = ${emu.startUrl}\nsso_region = eu-north-1\n`);
    tokenCacheFile = join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: session!, startUrl: emu.startUrl }));
  });

  it("login START_URL REGION signs in by device code and writes ASIA keys into a 0600 credentials file", async () => {
    const r = await runCli(["login", emu.startUrl, "eu-north-1"], { home, env });
    expectExit(r, 0);
    expect(r.stderr).toMatch(/code\s+[A-Z]{4}-[A-Z]{4}/);
    expect(r.stderr).toContain("Wrote keys for 1 of 1 profile");
    expect(r.stdout).toBe("");
    const creds = await readFile(credentialsFile(), "utf8");
    expect(creds).toMatch(/^\[myprofile\]\naws_access_key_id = ASIA[A-Z0-9]{16}\naws_secret_access_key = \S+\naws_session_token = \S+\n/m);
    expect(await mode(credentialsFile())).toBe(0o600);
    expect(await mode(tokenCacheFile)).toBe(0o600);
    const cache = JSON.parse(await readFile(tokenCacheFile, "utf8")) as Record<string, unknown>;
    expect(cache).toMatchObject({ startUrl: emu.startUrl, region: "eu-north-1", accessToken: expect.any(String) });
  });

  it("the AWS CLI v1 gets the assumed-role identity for the profile", async () => {
    // python3 -m awscli is the v1 CLI whatever order PATH puts an /usr/bin/aws (v2) in.
    const r = await runProcess("python3", ["-m", "awscli", "sts", "get-caller-identity", "--profile", "myprofile", "--output", "json"], {
      home,
      env,
      timeoutMs: 30_000,
    });
    expectExit(r, 0);
    expect((JSON.parse(r.stdout) as { Arn: string }).Arn).toMatch(ASSUMED_ROLE_ARN);
  });

  it("boto3 gets the same identity for the profile", async () => {
    const script = [
      "import boto3, json",
      'print(json.dumps(boto3.Session(profile_name="myprofile").client("sts").get_caller_identity()["Arn"]))',
    ].join("\n");
    const r = await runProcess("python3", ["-c", script], { home, env, timeoutMs: 30_000 });
    expectExit(r, 0);
    expect(JSON.parse(r.stdout.trim())).toMatch(ASSUMED_ROLE_ARN);
  });

  it("the JS SDK's fromIni gets the same identity for the profile", async () => {
    const child = `
      import { fromIni } from "@aws-sdk/credential-providers";
      import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
      const credentials = fromIni({ profile: "myprofile" });
      const sts = new STSClient({ region: "eu-north-1", credentials, maxAttempts: 1 });
      const id = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      console.log(JSON.stringify({ arn: id.Arn }));
    `;
    const r = await runProcess(process.execPath, ["--input-type=module", "-e", child], { home, env, cwd: REPO_ROOT, timeoutMs: 30_000 });
    expectExit(r, 0);
    const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
    expect((JSON.parse(line ?? "{}") as { arn?: string }).arn).toMatch(ASSUMED_ROLE_ARN);
  });

  it("a second login with everything still valid makes no network call at all", async () => {
    const before = await readFile(credentialsFile(), "utf8");
    await resetStats(emu);
    const r = await runCli(["login", "--profile", "myprofile"], { home, env });
    expectExit(r, 0);
    expect(r.stderr).toMatch(/Already signed in/);
    expect((await stats(emu)).operations).toEqual({});
    expect(await readFile(credentialsFile(), "utf8")).toBe(before);
  });

  it("login --force signs in again and writes new keys", async () => {
    const before = await readFile(credentialsFile(), "utf8");
    await resetStats(emu);
    const r = await runCli(["login", "--profile", "myprofile", "--force"], { home, env });
    expectExit(r, 0);
    const s = await stats(emu);
    expect(s.operations.StartDeviceAuthorization?.calls).toBe(1);
    expect(s.operations.GetRoleCredentials?.calls).toBe(1);
    const after = await readFile(credentialsFile(), "utf8");
    expect(after).toMatch(/^aws_access_key_id = ASIA/m);
    expect(after).not.toBe(before);
  });

  it("logout tells Identity Center once, deletes the token cache and removes the profile's keys", async () => {
    await resetStats(emu);
    const r = await runCli(["logout", "--profile", "myprofile"], { home, env });
    expectExit(r, 0);
    expect((await stats(emu)).operations.Logout?.calls).toBe(1);
    // login created the credentials file and logout took out all it held, so the file is gone too.
    await expect(stat(credentialsFile())).rejects.toMatchObject({ code: "ENOENT" });
    await expect(stat(tokenCacheFile)).rejects.toMatchObject({ code: "ENOENT" });
    // The profile itself stays: logout undoes login, not configure.
    expect(await readFile(configFile(), "utf8")).toMatch(/^\[profile myprofile\]$/m);
  });

  it("a second logout finds nothing to do and still exits 0 without calling the service", async () => {
    await resetStats(emu);
    const r = await runCli(["logout", "--profile", "myprofile"], { home, env });
    expectExit(r, 0);
    expect(r.stderr).toMatch(/Nothing to sign out of/);
    expect(totalCalls(await stats(emu))).toBe(0);
  });
});

const DOWN = "\x1b[B";
const ENTER = "\r";

async function configureOnTerminal(
  emu: Emulator,
  home: string,
  profile: string,
  answers: [pattern: string, keys: string[]][],
): Promise<TerminalRun> {
  const argv = [process.execPath, BIN, "configure", "profile", profile, "--sso-start-url", emu.startUrl, "--sso-region", "eu-north-1"];
  // After account and role, it asks for the default region and output format: Enter keeps the defaults.
  return runOnTerminal(
    argv,
    [
      ...answers,
      ["Default region for AWS clients", [ENTER]],
      ["AWS CLI output format", [ENTER]],
      ["Assume a role from this profile?", [ENTER]],
    ],
    { home, env: { ...emu.env, BROWSER: "none" }, timeoutMs: 30_000 },
  );
}

describe("configure profile on a terminal", () => {
  it("signs in, then lets the user pick the second account and a role with the arrow keys", async () => {
    const emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 });
    const { home, cleanup } = await makeTempHome();
    try {
      const r = await configureOnTerminal(emu, home, "p2", [
        ["Which AWS account\\?", [DOWN, ENTER]],
        ["Which role", [ENTER]],
      ]);
      expect(r.code, r.output).toBe(0);
      expect(r.answered).toBe(5);
      expect(r.output).toMatch(/code\s+[A-Z]{4}-[A-Z]{4}/);
      const config = await readFile(join(home, ".aws", "config"), "utf8");
      expect(config).toMatch(/^\[profile p2\]$/m);
      expect(config).toMatch(/^sso_account_id = 100000000002$/m);
      expect(config).toMatch(/^sso_role_name = (AdministratorAccess|ReadOnlyAccess)$/m);
    } finally {
      await cleanup();
      await emu.close();
    }
  });

  it("says which account and role it chose when only one of each is available", async () => {
    const emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1, autoApproveMs: 0 });
    const { home, cleanup } = await makeTempHome();
    try {
      const r = await configureOnTerminal(emu, home, "p2", []);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain("The only AWS account available to you is");
      expect(r.output).toContain("The only role available");
      const config = await readFile(join(home, ".aws", "config"), "utf8");
      expect(config).toMatch(/^sso_account_id = 100000000001$/m);
      expect(config).toMatch(/^sso_role_name = AdministratorAccess$/m);
    } finally {
      await cleanup();
      await emu.close();
    }
  });

  it("searches a long account list as the user types", async () => {
    const emu = await startTestEmulator({
      accounts: 40,
      rolesPerAccount: 1,
      autoApproveMs: 0,
      accountNames: Array.from({ length: 40 }, (_, i) => (i === 36 ? "payments-prod" : `team-${i + 1}`)),
    });
    const { home, cleanup } = await makeTempHome();
    try {
      const r = await configureOnTerminal(emu, home, "p3", [["Which AWS account\\? \\(40 available\\)", [..."payments", ENTER]]]);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toContain("type to search");
      const config = await readFile(join(home, ".aws", "config"), "utf8");
      expect(config).toMatch(/^sso_account_id = 100000000037$/m);
      expect(config).toMatch(/^sso_role_name = AdministratorAccess$/m);
    } finally {
      await cleanup();
      await emu.close();
    }
  });
});
