import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { credentialProcessLine } from "../../src/lib/credential-process-line.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { spawnSync } from "node:child_process";
import { BIN, REPO_ROOT, runCli, runProcess } from "../helpers/run-process.js";
import { makeSessionHome } from "../helpers/session-home.js";

// The AWS CLI v1 and boto3 using sso-cli's credential helpers: a credential_process profile, keys
// exported into a shell, and a command run under exec. (The AWS CLI v2's export-credentials is
// compared byte for byte in aws-cli-v2.interop.test.ts.)

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
const ARN = /^arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/;

let emu: Emulator;
let home: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1, autoApproveMs: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  ({ home, cleanup } = await makeSessionHome(emu, { signIn: true }));
  return cleanup;
});

const awsV1 = (args: string[], env: Record<string, string | undefined> = {}) =>
  runProcess("python3", ["-m", "awscli", ...args], { home, env: { ...emu.env, ...env }, timeoutMs: 60_000 });

describe("tools that know no SSO, through sso-cli", () => {
  it("the AWS CLI v1 and boto3 use a credential_process profile that calls sso-cli", async () => {
    const configured = await runCli(["configure", "profile", "p", "--credential-process"], { home, env: emu.env });
    expect(configured.code, configured.stderr).toBe(0);
    const config = await readFile(join(home, ".aws", "config"), "utf8");
    const line = /^credential_process = (.+)$/m.exec(config)?.[1];
    expect(line).toBe(`"${process.execPath}" "${BIN}" credential-process --profile p`);
    // A profile with nothing but that line: only the process provider can give it keys.
    await writeFile(join(home, ".aws", "config"), `${config}\n[profile tool]\ncredential_process = ${line}\nregion = us-east-1\n`);
    const v1 = await awsV1(["sts", "get-caller-identity", "--profile", "tool", "--output", "json"]);
    expect(v1.code, v1.stderr).toBe(0);
    expect((JSON.parse(v1.stdout) as { Arn: string }).Arn).toMatch(ARN);
    const boto3 = await runProcess(
      "python3",
      ["-c", 'import boto3, json; print(json.dumps(boto3.Session(profile_name="tool").client("sts").get_caller_identity()["Arn"]))'],
      {
        home,
        env: emu.env,
        timeoutMs: 60_000,
      },
    );
    expect(boto3.code, boto3.stderr).toBe(0);
    expect(JSON.parse(boto3.stdout)).toMatch(ARN);
  });

  // A tool started from the macOS Dock gets launchd's short PATH, and Windows runs no `#!` file:
  // the line must not need PATH at all. Both SDKs hand their own environment to the process, so
  // with no PATH in theirs, the child has none either.
  it("the line works with no node on PATH: the AWS CLI v1 and the JS SDK (fromProcess, fromIni)", async () => {
    const configured = await runCli(["configure", "profile", "p", "--credential-process"], { home, env: emu.env });
    expect(configured.code, configured.stderr).toBe(0);
    const config = await readFile(join(home, ".aws", "config"), "utf8");
    const line = /^credential_process = (.+)$/m.exec(config)?.[1];
    await writeFile(join(home, ".aws", "config"), `${config}\n[profile tool]\ncredential_process = ${line}\nregion = us-east-1\n`);
    // Not even glibc's default search path (/bin:/usr/bin, where `env` looks when PATH is unset):
    // a PATH naming only an empty folder, as launchd's PATH holds no node from nvm or Homebrew.
    const emptyDir = join(home, "empty-path");
    await mkdir(emptyDir);
    const noPath = { ...emu.env, PATH: emptyDir };

    const python = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
    const v1 = await runProcess(python, ["-m", "awscli", "sts", "get-caller-identity", "--profile", "tool", "--output", "json"], {
      home,
      env: noPath,
      timeoutMs: 60_000,
    });
    expect(v1.code, v1.stderr).toBe(0);
    expect((JSON.parse(v1.stdout) as { Arn: string }).Arn).toMatch(ARN);

    const js = await runProcess(process.execPath, ["--input-type=module", "-e", JS_SDK_CHILD], {
      home,
      cwd: REPO_ROOT,
      env: noPath,
      timeoutMs: 60_000,
    });
    expect(js.code, js.stderr).toBe(0);
    const arns = JSON.parse(js.stdout) as { fromProcess: string; fromIni: string };
    expect(arns.fromProcess).toMatch(ARN);
    expect(arns.fromIni).toMatch(ARN);
  });

  it("botocore splits the Windows line into the same words as it means (compat_shell_split, win32)", () => {
    const program = {
      platform: "win32",
      node: "C:\\Program Files\\nodejs\\node.exe",
      script: "C:\\Users\\Ann Lee\\AppData\\Roaming\\npm\\node_modules\\sso-cli\\bin\\sso-cli",
    } as const;
    for (const profile of ["dev", "my dev (1)", "a&b^c"]) {
      const line = credentialProcessLine(program, profile);
      const split = spawnSync(
        "python3",
        [
          "-c",
          "import sys, json; from botocore.compat import compat_shell_split; print(json.dumps(compat_shell_split(sys.argv[1], 'win32')))",
          line,
        ],
        { encoding: "utf8" },
      );
      expect(split.status, split.stderr).toBe(0);
      expect(JSON.parse(split.stdout)).toEqual([program.node, program.script, "credential-process", "--profile", profile]);
    }
  });

  it('eval "$(sso-cli export --format env)", then the AWS CLI v1 with no config at all', async () => {
    const empty = join(home, "empty");
    await mkdir(empty);
    const script = `eval "$("${process.execPath}" "${BIN}" export --profile p --format env)" && HOME="${empty}" AWS_DEFAULT_REGION=us-east-1 python3 -m awscli sts get-caller-identity --output json`;
    const r = await runProcess("sh", ["-c", script], { home, env: emu.env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { Arn: string }).Arn).toMatch(ARN);
  });

  it("sso-cli exec --profile p -- aws sts get-caller-identity", async () => {
    const r = await runProcess(
      process.execPath,
      [BIN, "exec", "--profile", "p", "--", "python3", "-m", "awscli", "sts", "get-caller-identity", "--output", "json"],
      {
        home,
        // AWS_PROFILE names a profile that does not exist: exec must take it away, or botocore would fail on it.
        env: { ...emu.env, AWS_PROFILE: "someone-else" },
        timeoutMs: 60_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { Arn: string }).Arn).toMatch(ARN);
  });
});

/** STS GetCallerIdentity signed with keys from the `tool` profile's credential_process, through both providers. */
const JS_SDK_CHILD = `
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromIni, fromProcess } from "@aws-sdk/credential-providers";
const arn = async (credentials) => (await new STSClient({ region: "us-east-1", credentials }).send(new GetCallerIdentityCommand({}))).Arn;
console.log(JSON.stringify({ fromProcess: await arn(fromProcess({ profile: "tool" })), fromIni: await arn(fromIni({ profile: "tool" })) }));
`;
