import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestProxy } from "../helpers/connect-proxy.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runProcess } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// boto3/botocore 1.43 (python3 on the machine) against the emulator, through AWS_ENDPOINT_URL_*.
const SCRIPT = fileURLToPath(new URL("./python/oidc_portal_sts.py", import.meta.url));

type Step = Record<string, unknown> & { step: string };
let steps: Map<string, Step>;
let stderr = "";

beforeAll(async () => {
  const emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 3, autoApproveMs: 1500 });
  const { home, cleanup } = await makeTempHome();
  try {
    const r = await runProcess("python3", [SCRIPT], {
      home,
      env: { ...emu.env, ADMIN_URL: emu.url, START_URL: emu.startUrl },
      timeoutMs: 60_000,
    });
    stderr = r.stderr;
    steps = new Map(
      r.stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Step)
        .map((s) => [s.step, s]),
    );
  } finally {
    await emu.close();
    await cleanup();
  }
}, 90_000);

function step(name: string): Step {
  const s = steps.get(name);
  if (!s) throw new Error(`botocore script did not reach step "${name}". stderr:\n${stderr}`);
  return s;
}

describe("botocore / boto3 against the emulator", () => {
  it("registers a client whose secret lasts about 90 days", () => {
    expect(step("register")).toMatchObject({ hasSecret: true, expiresInDays: 90 });
  });

  it("polls through AuthorizationPending and SlowDown to a token", () => {
    expect(step("device")).toMatchObject({ interval: 1, expiresIn: 600, completeHasCode: true });
    expect(step("poll")).toMatchObject({
      events: ["AuthorizationPendingException", "SlowDownException", "token"],
      tokenType: "Bearer",
      hasRefresh: true,
    });
  });

  it("rotates refresh tokens, which work once", () => {
    expect(step("refresh")).toMatchObject({
      rotated: true,
      newAccess: true,
      reuse: ["InvalidGrantException", "InvalidGrantException", "Invalid refresh token provided"],
      secondRefreshOk: true,
    });
  });

  it("paginates every account and role with a page size of 2", () => {
    const s = step("paginate");
    expect(s.accountPages).toBe(2);
    expect(s.accounts).toEqual(["100000000001", "100000000002", "100000000003"]);
    expect(Object.values(s.roles as Record<string, string[]>)).toEqual(
      Array(3).fill(["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"]),
    );
  });

  it("signs GetCallerIdentity with GetRoleCredentials keys and gets the assumed-role ARN", () => {
    const s = step("identity");
    expect(s.arn).toMatch(/^arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/);
    expect(s.userId).toMatch(/^AROA[A-Z2-7]{17}:alice@example\.com$/);
    expect(s).toMatchObject({ account: "100000000001", keyPrefix: "ASIA" });
    expect(s.expiresInS).toBeGreaterThan(3500);
  });

  it("accepts a GET presigned by botocore (the signature in the query string)", () => {
    expect(step("presigned")).toEqual({ step: "presigned", status: 200, hasArn: true });
  });

  it("rejects a tampered body, a wrong secret and an unknown key", () => {
    expect(step("tampered")).toEqual({ step: "tampered", status: 403, code: "SignatureDoesNotMatch" });
    const s = step("sts-errors");
    expect((s.wrongSecret as string[]).slice(0, 2)).toEqual(["ClientError", "SignatureDoesNotMatch"]);
    expect((s.unknownKey as string[]).slice(0, 2)).toEqual(["ClientError", "InvalidClientTokenId"]);
  });

  it("raises portal errors as the modeled exceptions, and ForbiddenException as a ClientError", () => {
    expect(step("portal-errors")).toMatchObject({
      unauthorized: ["UnauthorizedException", "UnauthorizedException", "Session token not found or invalid"],
      invalidRequest: ["InvalidRequestException", "InvalidRequestException", expect.any(String)],
      forbidden: ["ClientError", "ForbiddenException", "No access"],
      throttled: ["TooManyRequestsException", "TooManyRequestsException", expect.any(String)],
    });
  });

  it("raises OIDC errors as the modeled exceptions", () => {
    const s = step("oidc-errors");
    const classOf = (k: string) => (s[k] as string[])[0];
    expect({
      invalidClient: classOf("invalidClient"),
      invalidGrant: classOf("invalidGrant"),
      unsupportedGrant: classOf("unsupportedGrant"),
      invalidRequest: classOf("invalidRequest"),
      accessDenied: classOf("accessDenied"),
      expired: classOf("expired"),
      internal: classOf("internal"),
    }).toEqual({
      invalidClient: "InvalidClientException",
      invalidGrant: "InvalidGrantException",
      unsupportedGrant: "UnsupportedGrantTypeException",
      invalidRequest: "InvalidRequestException",
      accessDenied: "AccessDeniedException",
      expired: "ExpiredTokenException",
      internal: "InternalServerException",
    });
  });
});

// The referee for sso-cli's proxy and CA support (test/e2e/network.e2e.test.ts): botocore reaches
// the emulator over TLS through the same CONNECT proxy exactly when AWS_CA_BUNDLE names its CA.
describe("botocore through a CONNECT proxy to the emulator over TLS", () => {
  it("registers a client with AWS_CA_BUNDLE, and refuses the certificate without it", async () => {
    const [emu, proxy, { home, cleanup }] = await Promise.all([startTestEmulator({ tls: true }), startTestProxy(), makeTempHome()]);
    try {
      const caFile = join(home, "ca.pem");
      await writeFile(caFile, emu.caPem!);
      const script = [
        "import boto3, botocore.exceptions, os",
        `c = boto3.client("sso-oidc", region_name="us-east-1", endpoint_url=${JSON.stringify(emu.url)})`,
        "try:",
        "    print('registered' if c.register_client(clientName='referee', clientType='public')['clientId'] else 'no id')",
        "except botocore.exceptions.SSLError:",
        "    print('SSLError')",
      ].join("\n");
      const trusting = await runProcess("python3", ["-c", script], { home, env: { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: caFile } });
      expect(trusting.stdout.trim(), trusting.stderr).toBe("registered");
      const tunnels = proxy.tunnels.length;
      expect(tunnels).toBeGreaterThan(0);
      // One attempt: botocore would otherwise retry the refused handshake with backoff.
      const untrusting = await runProcess("python3", ["-c", script], { home, env: { HTTPS_PROXY: proxy.url, AWS_MAX_ATTEMPTS: "1" } });
      expect(untrusting.stdout.trim(), untrusting.stderr).toBe("SSLError");
      expect(proxy.tunnels.length).toBeGreaterThan(tunnels);
    } finally {
      await Promise.all([emu.close(), proxy.close()]);
      await cleanup();
    }
  });
});
