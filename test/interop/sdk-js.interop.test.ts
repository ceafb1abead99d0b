import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InternalServerException,
  InvalidClientException,
  InvalidGrantException,
  InvalidRequestException as OidcInvalidRequestException,
  RegisterClientCommand,
  SlowDownException,
  SSOOIDCClient,
  SSOOIDCServiceException,
  StartDeviceAuthorizationCommand,
  UnsupportedGrantTypeException,
  type CreateTokenCommandOutput,
} from "@aws-sdk/client-sso-oidc";
import {
  GetRoleCredentialsCommand,
  InvalidRequestException,
  ListAccountsCommand,
  paginateListAccountRoles,
  paginateListAccounts,
  SSOClient,
  SSOServiceException,
  TooManyRequestsException,
  UnauthorizedException,
} from "@aws-sdk/client-sso";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Checksum, SourceData } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { REPO_ROOT, runProcess } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// The AWS SDK for JavaScript v3 against the emulator: clients built with `endpoint:`, and the
// credential providers in a child process steered by AWS_ENDPOINT_URL_* (they read HOME and env).

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const ACCOUNT = "100000000001";
const ROLE = "AdministratorAccess";
const ASSUMED_ROLE_ARN = /^arn:aws:sts::100000000001:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/;

let emu: RunningEmulator & { env: Record<string, string> };
let oidc: SSOOIDCClient;
let sso: SSOClient;

let skewMs = 0;

beforeAll(async () => {
  // The emulator's clock is the machine's plus `skewMs`: a test moves it forward instead of sleeping.
  emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 3, autoApproveMs: 1500, clock: () => Date.now() + skewMs });
  const common = { region: "us-east-1", endpoint: emu.url, maxAttempts: 1 };
  oidc = new SSOOIDCClient(common);
  sso = new SSOClient(common);
});

afterAll(async () => {
  oidc?.destroy();
  sso?.destroy();
  await emu?.close();
});

async function admin(path: string, body: unknown): Promise<unknown> {
  const r = await fetch(emu.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`admin ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function stats(): Promise<{ operations: Record<string, { calls: number }>; grantTypes: Record<string, number> }> {
  const r = await fetch(emu.url + "/_admin/stats");
  return (await r.json()) as { operations: Record<string, { calls: number }>; grantTypes: Record<string, number> };
}

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

async function register(): Promise<{ clientId: string; clientSecret: string; clientSecretExpiresAt: number }> {
  const reg = await oidc.send(
    new RegisterClientCommand({ clientName: "sdk-js-interop", clientType: "public", scopes: ["sso:account:access"] }),
  );
  return { clientId: reg.clientId!, clientSecret: reg.clientSecret!, clientSecretExpiresAt: reg.clientSecretExpiresAt! };
}

/** A token without waiting: the admin API approves the user code at once. */
async function signIn(): Promise<{
  clientId: string;
  clientSecret: string;
  clientSecretExpiresAt: number;
  token: CreateTokenCommandOutput;
}> {
  const client = await register();
  const dev = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: emu.startUrl }));
  await admin("/_admin/approve", { user_code: dev.userCode });
  const token = await oidc.send(new CreateTokenCommand({ ...client, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode }));
  return { ...client, token };
}

async function roleCredentials(accessToken: string) {
  const r = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: ACCOUNT, roleName: ROLE }));
  return r.roleCredentials!;
}

/** node:crypto behind the Checksum interface SignatureV4 wants. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBuffer(d: SourceData): Buffer {
  if (typeof d === "string") return Buffer.from(d, "utf8");
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return Buffer.from(d);
}

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("AWS SDK for JavaScript v3 clients against the emulator", () => {
  it("registers, polls through AuthorizationPending and SlowDown back-to-back, then gets a token", async () => {
    const client = await register();
    expect(Math.round((client.clientSecretExpiresAt - Date.now() / 1000) / 86400)).toBe(90);
    const dev = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: emu.startUrl }));
    expect(dev.verificationUriComplete).toContain(dev.userCode);
    const events: string[] = [];
    let interval = dev.interval!;
    let token: CreateTokenCommandOutput | undefined;
    for (let i = 0; i < 10 && !token; i++) {
      try {
        token = await oidc.send(new CreateTokenCommand({ ...client, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode }));
        events.push("token");
        break;
      } catch (e) {
        if (e instanceof AuthorizationPendingException) events.push("AuthorizationPendingException");
        else if (e instanceof SlowDownException) {
          events.push("SlowDownException");
          interval += 5;
        } else throw e;
      }
      // The CLI polls a second time at once; the emulator must answer slow_down. Then it waits
      // the interval: on the emulator's clock, moved forward rather than slept through.
      if (i > 0) skewMs += interval * 1000;
    }
    expect(events).toEqual(["AuthorizationPendingException", "SlowDownException", "token"]);
    expect(token).toMatchObject({ tokenType: "Bearer", accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(token!.expiresIn).toBeGreaterThan(3600);
  });

  it("rotates refresh tokens and rejects a used one with InvalidGrantException", async () => {
    const { token, ...client } = await signIn();
    const r1 = await oidc.send(new CreateTokenCommand({ ...client, grantType: "refresh_token", refreshToken: token.refreshToken }));
    expect(r1.accessToken).not.toBe(token.accessToken);
    expect(r1.refreshToken).not.toBe(token.refreshToken);
    const reuse = await rejection(
      oidc.send(new CreateTokenCommand({ ...client, grantType: "refresh_token", refreshToken: token.refreshToken })),
    );
    expect(reuse).toBeInstanceOf(InvalidGrantException);
    // OIDC errors carry OAuth fields, not `message` (docs/protocol/sso-oidc.md §8): the SDK exposes them as members.
    expect(reuse).toMatchObject({ error: "invalid_grant", error_description: "Invalid refresh token provided" });
    const r2 = await oidc.send(new CreateTokenCommand({ ...client, grantType: "refresh_token", refreshToken: r1.refreshToken }));
    await expect(sso.send(new ListAccountsCommand({ accessToken: r2.accessToken! }))).resolves.toMatchObject({
      accountList: expect.any(Array),
    });
  });

  it("paginates every account and role with a page size of 2", async () => {
    const { token } = await signIn();
    const accessToken = token.accessToken!;
    const accounts: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client: sso, pageSize: 2 }, { accessToken })) {
      pages += 1;
      expect(page.accountList!.length).toBeLessThanOrEqual(2);
      accounts.push(...page.accountList!.map((a) => a.accountId!));
    }
    expect(pages).toBe(2);
    expect(accounts).toEqual(["100000000001", "100000000002", "100000000003"]);
    const roles: Record<string, string[]> = {};
    for (const accountId of accounts) {
      roles[accountId] = [];
      for await (const page of paginateListAccountRoles({ client: sso, pageSize: 2 }, { accessToken, accountId })) {
        roles[accountId].push(...page.roleList!.map((r) => r.roleName!));
      }
    }
    expect(Object.values(roles)).toEqual(Array(3).fill(["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"]));
  });

  it("signs GetCallerIdentity with GetRoleCredentials keys and gets the assumed-role ARN", async () => {
    const { token } = await signIn();
    const c = await roleCredentials(token.accessToken!);
    expect(c.accessKeyId).toMatch(/^ASIA/);
    expect(c.expiration! - Date.now()).toBeGreaterThan(3500_000);
    const sts = new STSClient({
      region: "us-east-1",
      endpoint: emu.url,
      maxAttempts: 1,
      credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken! },
    });
    try {
      const id = await sts.send(new GetCallerIdentityCommand({}));
      expect(id.Arn).toMatch(ASSUMED_ROLE_ARN);
      expect(id.Account).toBe(ACCOUNT);
      expect(id.UserId).toMatch(/^AROA[A-Z2-7]{17}:alice@example\.com$/);
    } finally {
      sts.destroy();
    }
  });

  it("rejects an STS request whose body was altered after signing with SignatureDoesNotMatch", async () => {
    const { token } = await signIn();
    const c = await roleCredentials(token.accessToken!);
    const signer = new SignatureV4({
      service: "sts",
      region: "us-east-1",
      sha256: NodeSha256,
      applyChecksum: false,
      credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken! },
    });
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    const host = new URL(emu.url).host;
    const headers = { host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: emu.port,
      path: "/",
      query: {},
      headers,
      body,
    });
    const genuine = await post(emu.url + "/", signed.headers, body);
    expect(genuine.status).toBe(200);
    const tampered = await post(emu.url + "/", signed.headers, body + "&Extra=1");
    expect(tampered.status).toBe(403);
    expect(tampered.body).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("raises portal errors as the modeled exceptions of client-sso", async () => {
    const { token } = await signIn();
    const accessToken = token.accessToken!;
    const unauthorized = await rejection(sso.send(new ListAccountsCommand({ accessToken: "nope" })));
    expect(unauthorized).toBeInstanceOf(UnauthorizedException);
    expect(unauthorized.message).toBe("Session token not found or invalid");
    const invalid = await rejection(sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: "12345", roleName: ROLE })));
    expect(invalid).toBeInstanceOf(InvalidRequestException);
    await admin("/_admin/inject", { operation: "ListAccounts", status: 429, error: "TooManyRequestsException", count: 1 });
    const throttled = await rejection(sso.send(new ListAccountsCommand({ accessToken })));
    expect(throttled).toBeInstanceOf(TooManyRequestsException);
    expect((throttled as TooManyRequestsException).$metadata.httpStatusCode).toBe(429);
  });

  it("raises ForbiddenException, which the model lacks, as an SSOServiceException named after it", async () => {
    const { token } = await signIn();
    await admin("/_admin/config", { forbid: [`${ACCOUNT}:${ROLE}`] });
    try {
      const e = await rejection(
        sso.send(new GetRoleCredentialsCommand({ accessToken: token.accessToken!, accountId: ACCOUNT, roleName: ROLE })),
      );
      expect(e).toBeInstanceOf(SSOServiceException);
      expect(e.name).toBe("ForbiddenException");
      expect(e.message).toBe("No access");
      expect((e as SSOServiceException).$fault).toBe("client");
      expect((e as SSOServiceException).$metadata.httpStatusCode).toBe(403);
    } finally {
      await admin("/_admin/config", { forbid: [] });
    }
  });

  it("raises OIDC errors as the modeled exceptions of client-sso-oidc, with their OAuth error fields", async () => {
    const client = await register();
    const create = (input: Partial<ConstructorParameters<typeof CreateTokenCommand>[0]>) =>
      rejection(oidc.send(new CreateTokenCommand({ ...client, grantType: DEVICE_GRANT, ...input })));
    const seen: Record<string, unknown> = {};
    const record = (key: string, e: Error, cls: abstract new (...args: never[]) => Error) => {
      seen[key] = {
        instance: e instanceof cls,
        name: e.name,
        error: (e as { error?: string }).error,
        status: (e as SSOOIDCServiceException).$metadata?.httpStatusCode,
      };
    };

    record(
      "invalidClient",
      await rejection(oidc.send(new StartDeviceAuthorizationCommand({ clientId: "nope", clientSecret: "nope", startUrl: emu.startUrl }))),
      InvalidClientException,
    );
    record("invalidGrant", await create({ grantType: "refresh_token", refreshToken: "nope" }), InvalidGrantException);
    record("unsupportedGrant", await create({ grantType: "password" }), UnsupportedGrantTypeException);
    record("invalidRequest", await create({}), OidcInvalidRequestException);

    await admin("/_admin/config", { autoApproveMs: -1 });
    try {
      const pending = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: emu.startUrl }));
      record("pending", await create({ deviceCode: pending.deviceCode }), AuthorizationPendingException);
      record("slowDown", await create({ deviceCode: pending.deviceCode }), SlowDownException);

      const denied = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: emu.startUrl }));
      await admin("/_admin/approve", { user_code: denied.userCode, deny: true });
      record("accessDenied", await create({ deviceCode: denied.deviceCode }), AccessDeniedException);

      const stale = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: emu.startUrl }));
      await admin("/_admin/expire", { what: "device_codes" });
      record("expired", await create({ deviceCode: stale.deviceCode }), ExpiredTokenException);
    } finally {
      await admin("/_admin/config", { autoApproveMs: 1500 });
    }
    await admin("/_admin/inject", { operation: "CreateToken", status: 500, error: "InternalServerException", count: 1 });
    record("internal", await create({ grantType: "refresh_token", refreshToken: "whatever" }), InternalServerException);

    expect(seen).toEqual({
      invalidClient: { instance: true, name: "InvalidClientException", error: "invalid_client", status: 401 },
      invalidGrant: { instance: true, name: "InvalidGrantException", error: "invalid_grant", status: 400 },
      unsupportedGrant: { instance: true, name: "UnsupportedGrantTypeException", error: "unsupported_grant_type", status: 400 },
      invalidRequest: { instance: true, name: "InvalidRequestException", error: "invalid_request", status: 400 },
      pending: { instance: true, name: "AuthorizationPendingException", error: "authorization_pending", status: 400 },
      slowDown: { instance: true, name: "SlowDownException", error: "slow_down", status: 400 },
      accessDenied: { instance: true, name: "AccessDeniedException", error: "access_denied", status: 400 },
      expired: { instance: true, name: "ExpiredTokenException", error: "expired_token", status: 400 },
      internal: { instance: true, name: "InternalServerException", error: "server_error", status: 500 },
    });
  });
});

describe("AWS SDK for JavaScript v3 credential providers against the emulator", () => {
  // Runs fromSSO and fromIni for profile p in a fresh node process (the SDK reads HOME and the
  // env at call time and caches parsed files), then GetCallerIdentity with what they return.
  const CHILD = `
    import { fromIni, fromSSO } from "@aws-sdk/credential-providers";
    import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
    const out = {};
    for (const [name, make] of [["fromSSO", fromSSO], ["fromIni", fromIni]]) {
      try {
        const creds = await make({ profile: "p" })();
        const sts = new STSClient({ region: "us-east-1", credentials: creds, maxAttempts: 1 });
        const id = await sts.send(new GetCallerIdentityCommand({}));
        sts.destroy();
        out[name] = { arn: id.Arn, keyPrefix: creds.accessKeyId.slice(0, 4), expiresInS: Math.round((creds.expiration - Date.now()) / 1000) };
      } catch (e) {
        out[name] = { error: e.name + ": " + e.message };
      }
    }
    console.log(JSON.stringify(out));
  `;

  async function setUpHome(home: string, tokenExpiresInMs: number) {
    const signed = await signIn();
    const config = join(home, ".aws", "config");
    await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true });
    await writeFile(config, sessionProfileConfig({ startUrl: emu.startUrl, accountId: ACCOUNT, roleName: ROLE }));
    const cacheFile = join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl }));
    const entry = {
      startUrl: emu.startUrl,
      region: "us-east-1",
      accessToken: signed.token.accessToken!,
      expiresAt: formatTimestamp(new Date(Date.now() + tokenExpiresInMs)),
      clientId: signed.clientId,
      clientSecret: signed.clientSecret,
      registrationExpiresAt: formatTimestamp(new Date(signed.clientSecretExpiresAt * 1000)),
      refreshToken: signed.token.refreshToken!,
    };
    await writeFile(cacheFile, formatTokenCacheEntry(entry), { mode: 0o600 });
    return { config, cacheFile, entry };
  }

  async function runChild(
    home: string,
    config: string,
  ): Promise<Record<string, { arn?: string; keyPrefix?: string; expiresInS?: number; error?: string }>> {
    const r = await runProcess(process.execPath, ["--input-type=module", "-e", CHILD], {
      home,
      cwd: REPO_ROOT,
      env: { ...emu.env, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials") },
      timeoutMs: 30_000,
    });
    const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
    if (r.code !== 0 || !line) throw new Error(`child node exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    return JSON.parse(line) as Record<string, { arn?: string; error?: string }>;
  }

  it("fromSSO and fromIni read a botocore-format token cache and their keys pass STS", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const { config, cacheFile } = await setUpHome(home, 8 * 3600_000);
      const before = await readFile(cacheFile, "utf8");
      const out = await runChild(home, config);
      for (const name of ["fromSSO", "fromIni"]) {
        expect(out[name], name).toMatchObject({ arn: expect.stringMatching(ASSUMED_ROLE_ARN), keyPrefix: "ASIA" });
        expect(out[name]!.expiresInS).toBeGreaterThan(3500);
      }
      // Hours of validity left: the SDK only reads the file.
      expect(await readFile(cacheFile, "utf8")).toBe(before);
    } finally {
      await cleanup();
    }
  });

  it("fromSSO refreshes a token within five minutes of expiry and rewrites the cache file", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const { config, cacheFile, entry } = await setUpHome(home, 3 * 60_000);
      const refreshesBefore = (await stats()).grantTypes.refresh_token ?? 0;
      const out = await runChild(home, config);
      expect(out.fromSSO).toMatchObject({ arn: expect.stringMatching(ASSUMED_ROLE_ARN) });
      expect((await stats()).grantTypes.refresh_token).toBeGreaterThan(refreshesBefore);
      const text = await readFile(cacheFile, "utf8");
      const after = JSON.parse(text) as Record<string, string>;
      // docs/protocol/token-cache.md §3.3: two-space JSON, keys kept in order, expiresAt with milliseconds.
      expect(Object.keys(after)).toEqual(Object.keys(entry));
      expect(text).toBe(JSON.stringify(after, null, 2));
      expect(after.accessToken).not.toBe(entry.accessToken);
      expect(after.refreshToken).not.toBe(entry.refreshToken);
      expect(after.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(after.expiresAt!) - Date.now()).toBeGreaterThan(3600_000);
    } finally {
      await cleanup();
    }
  });
});
