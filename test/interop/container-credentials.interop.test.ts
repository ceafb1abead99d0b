import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { BIN, REPO_ROOT, runProcess } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeSessionHome } from "../helpers/session-home.js";
import { startServe } from "../helpers/serve-process.js";

// botocore (boto3), the AWS CLI v1 and the AWS SDK for JavaScript v3 sign as the role through
// `sso-cli exec --ecs-server`: the container-credentials endpoint, with no static keys in their
// environment (docs/protocol/container-credentials.md).

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
  await setRoleTtl(3600);
  ({ home, cleanup } = await makeSessionHome(emu, { signIn: true }));
  return cleanup;
});

async function setRoleTtl(seconds: number): Promise<void> {
  const r = await fetch(emu.url + "/_admin/config", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ roleTtlS: seconds }),
  });
  expect(r.status).toBe(200);
}

/** What a child reports: the caller's ARN, how its SDK found keys, and which AWS_ variables it had. */
interface ChildReport {
  arn: string;
  method?: string;
  vars: string[];
}

// Each child prints its caller ARN and the AWS_* variable names it was given.
const BOTO3 = `
import boto3, json, os
s = boto3.Session()
arn = s.client("sts").get_caller_identity()["Arn"]
print(json.dumps({"arn": arn, "method": s.get_credentials().method, "vars": sorted(k for k in os.environ if k.startswith("AWS_"))}))
`;
const JS_SDK = `
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
const sts = new STSClient({});
const id = await sts.send(new GetCallerIdentityCommand({}));
const creds = await sts.config.credentials();
console.log(JSON.stringify({ arn: id.Arn, method: Object.keys(creds.$source ?? {}).join(","), vars: Object.keys(process.env).filter((k) => k.startsWith("AWS_")).sort() }));
`;

const underEcsServer = (command: string[], env: Record<string, string> = {}) =>
  runProcess(process.execPath, [BIN, "exec", "--ecs-server", "--profile", "p", "--", ...command], {
    home,
    cwd: REPO_ROOT,
    // A profile and static keys in sso-cli's own environment: exec takes them away, or they would win.
    env: { ...emu.env, AWS_PROFILE: "someone-else", AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "x", ...env },
    timeoutMs: 60_000,
  });

function expectNoStaticKeys(vars: string[]): void {
  expect(vars).toContain("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  expect(vars).toContain("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  for (const v of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) expect(vars).not.toContain(v);
}

describe("exec --ecs-server: the SDKs sign as the role through the endpoint", () => {
  it("boto3 (botocore's container provider)", async () => {
    const r = await underEcsServer(["python3", "-c", BOTO3]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ChildReport;
    expect(out.arn).toMatch(ARN);
    expect(out.method).toBe("container-role");
    expectNoStaticKeys(out.vars);
  });

  it("the AWS CLI v1", async () => {
    const r = await underEcsServer([
      "sh",
      "-c",
      'env | grep -c "^AWS_ACCESS_KEY_ID=" ; python3 -m awscli sts get-caller-identity --output json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [count, ...json] = r.stdout.split("\n");
    expect(count).toBe("0");
    expect((JSON.parse(json.join("\n")) as { Arn: string }).Arn).toMatch(ARN);
  });

  it("the AWS SDK for JavaScript v3 (its default chain: fromHttp)", async () => {
    const r = await underEcsServer([process.execPath, "--input-type=module", "-e", JS_SDK]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ChildReport;
    expect(out.arn).toMatch(ARN);
    expect(out.method).toContain("CREDENTIALS_HTTP");
    expectNoStaticKeys(out.vars);
  });

  it("a boto3 client living across 3 lifetimes of 4-second keys never fails a call", async () => {
    await setRoleTtl(4);
    const script = `
import boto3, json, time
c = boto3.Session().client("sts")
keys, failures, end = set(), 0, time.time() + 13
while time.time() < end:
    try:
        c.get_caller_identity()
        keys.add(c._request_signer._credentials.get_frozen_credentials().access_key)
    except Exception as e:
        failures += 1
        print(repr(e))
    time.sleep(0.25)
print(json.dumps({"failures": failures, "keys": len(keys)}))
`;
    const r = await underEcsServer(["python3", "-c", script]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { failures: number; keys: number };
    expect(out.failures, r.stdout).toBe(0);
    expect(out.keys).toBeGreaterThanOrEqual(3);
  });

  it("the command's exit code is sso-cli's, and the endpoint is gone when it ends", async () => {
    const r = await underEcsServer(["sh", "-c", 'echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; exit 7']);
    expect(r.code).toBe(7);
    const url = r.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/p$/);
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe("serve: one endpoint, a path per profile, the SDKs sign as each role", () => {
  it("boto3, the AWS CLI v1 and the JS SDK, from the printed lines with --token-file", async () => {
    const config =
      sessionProfileConfig({ startUrl: emu.startUrl }) +
      "\n[profile q]\nsso_session = s\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\nregion = us-east-1\n";
    await writeFile(join(home, ".aws", "config"), config);
    const tokenFile = join(home, "serve-token");
    const server = startServe(["serve", "--profile", "p", "--profile", "q", "--token-file", tokenFile], { home, env: emu.env });
    try {
      await server.waitFor(/until Ctrl-C/, "stderr");
      const lines = server.stdout().trim().split("\n");
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe(`export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=${tokenFile}`);
      expect(lines[1]).toMatch(/^export AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/p   # profile p$/);
      expect(lines[2]).toMatch(/^# export AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/q   # profile q$/);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      // The printed lines, evaluated by a shell, then each client with nothing else.
      const script = `eval "$(cat)"; unset AWS_PROFILE; `;
      const run = (cmd: string) =>
        runProcess("sh", ["-c", script + cmd], {
          home,
          cwd: REPO_ROOT,
          env: { ...emu.env, AWS_DEFAULT_REGION: "us-east-1", AWS_REGION: "us-east-1" },
          input: lines.join("\n"),
          timeoutMs: 60_000,
        });
      const boto3 = await run(`python3 -c '${BOTO3}'`);
      expect(boto3.code, boto3.stderr).toBe(0);
      expect((JSON.parse(boto3.stdout) as ChildReport).arn).toMatch(ARN);
      expect((JSON.parse(boto3.stdout) as ChildReport).method).toBe("container-role");
      const v1 = await run("python3 -m awscli sts get-caller-identity --output json");
      expect(v1.code, v1.stderr).toBe(0);
      expect((JSON.parse(v1.stdout) as { Arn: string }).Arn).toMatch(ARN);
      const js = await run(`"${process.execPath}" --input-type=module -e '${JS_SDK}'`);
      expect(js.code, js.stderr).toBe(0);
      expect((JSON.parse(js.stdout) as ChildReport).method).toContain("CREDENTIALS_HTTP");
      // The second profile's path, given to the tool that uses it.
      const qUrl = /FULL_URI=(\S+)/.exec(lines[2]!)![1]!;
      const q = await runProcess("python3", ["-c", BOTO3], {
        home,
        env: {
          ...emu.env,
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_CONTAINER_CREDENTIALS_FULL_URI: qUrl,
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
        },
        timeoutMs: 60_000,
      });
      expect(q.code, q.stderr).toBe(0);
      expect((JSON.parse(q.stdout) as ChildReport).arn).toMatch(ARN);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exit).toBe(0);
    await expect(stat(tokenFile)).rejects.toThrow(/ENOENT/);
  });
});
