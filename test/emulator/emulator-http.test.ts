import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/start-emulator.js";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, accounts: 3, rolesPerAccount: 2 });
});
afterAll(async () => {
  await emu.close();
});

async function call(method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}) {
  const res = await fetch(emu.url + path, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  return { status: res.status, errorType: res.headers.get("x-amzn-errortype"), contentType: res.headers.get("content-type"), text };
}

const json = { "content-type": "application/json" };
/** The portal's `x-amzn-ErrorType`, in the service's form (docs/protocol/sso-oidc.md §8 shows the OIDC one). */
const portalErrorType = (name: string): string => `${name}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/`;

async function signIn(): Promise<string> {
  const reg = await call("POST", "/client/register", { body: JSON.stringify({ clientName: "t", clientType: "public" }), headers: json });
  const { clientId, clientSecret } = JSON.parse(reg.text) as { clientId: string; clientSecret: string };
  const dev = await call("POST", "/device_authorization", {
    body: JSON.stringify({ clientId, clientSecret, startUrl: emu.startUrl }),
    headers: json,
  });
  const { deviceCode } = JSON.parse(dev.text) as { deviceCode: string };
  const tok = await call("POST", "/token", {
    body: JSON.stringify({ clientId, clientSecret, deviceCode, grantType: "urn:ietf:params:oauth:grant-type:device_code" }),
    headers: json,
  });
  return (JSON.parse(tok.text) as { accessToken: string }).accessToken;
}

describe("emulator: bad input gets the service's error shape", () => {
  it.each([
    ["malformed JSON", "POST", "/client/register", "{not json", 400, "InvalidRequestException"],
    ["a JSON array", "POST", "/client/register", "[1,2]", 400, "InvalidRequestException"],
    ["an empty body", "POST", "/token", "", 400, "InvalidRequestException"],
    ["missing clientType", "POST", "/client/register", JSON.stringify({ clientName: "x" }), 400, "InvalidRequestException"],
    [
      "a confidential client",
      "POST",
      "/client/register",
      JSON.stringify({ clientName: "x", clientType: "confidential" }),
      400,
      "InvalidClientMetadataException",
    ],
    [
      "an unknown grant in registration",
      "POST",
      "/client/register",
      JSON.stringify({ clientName: "x", clientType: "public", grantTypes: ["password"] }),
      400,
      "UnsupportedGrantTypeException",
    ],
    [
      "unknown client credentials",
      "POST",
      "/device_authorization",
      JSON.stringify({ clientId: "nope", clientSecret: "nope", startUrl: "https://x.awsapps.com/start" }),
      401,
      "InvalidClientException",
    ],
    [
      "unknown client at CreateToken",
      "POST",
      "/token",
      JSON.stringify({ clientId: "a", clientSecret: "b", grantType: "refresh_token", refreshToken: "r" }),
      401,
      "InvalidClientException",
    ],
    ["a wrong method on an OIDC path", "GET", "/token", undefined, 405, "UnknownOperationException"],
    ["an unknown path", "GET", "/no/such/thing", undefined, 404, "UnknownOperationException"],
  ])("%s", async (_name, method, path, body, status, errorType) => {
    const r = await call(method, path, { body, headers: body === undefined ? {} : json });
    expect(r.status).toBe(status);
    expect(r.errorType?.split(":")[0]).toBe(errorType);
    expect(r.contentType).toMatch(/json/);
    expect(() => JSON.parse(r.text) as unknown).not.toThrow();
  });

  it("refuses a huge body with 413 and keeps serving", async () => {
    const r = await call("POST", "/client/register", { body: Buffer.alloc(2 * 1024 * 1024, 0x61), headers: json });
    expect(r.status).toBe(413);
    const health = await call("GET", "/_admin/health");
    expect(health.status).toBe(200);
  });

  it.each([
    ["no token", {}, 401, "UnauthorizedException"],
    ["an unknown token", { "x-amz-sso_bearer_token": "nope" }, 401, "UnauthorizedException"],
  ])("portal with %s answers 401 UnauthorizedException", async (_name, headers, status, errorType) => {
    const r = await call("GET", "/assignment/accounts", { headers });
    expect(r.status).toBe(status);
    expect(r.errorType).toBe(portalErrorType(errorType));
    expect(JSON.parse(r.text)).toEqual({
      message: "Session token not found or invalid",
      __type: `com.amazonaws.switchboard.portal#${errorType}`,
    });
  });

  it.each([
    ["a malformed account id", "/federation/credentials?account_id=12&role_name=AdministratorAccess", 400, "InvalidRequestException"],
    ["a missing role name", "/federation/credentials?account_id=100000000001", 400, "InvalidRequestException"],
    ["a role that is not assigned", "/federation/credentials?account_id=100000000001&role_name=Nope", 403, "ForbiddenException"],
    [
      "an account that is not assigned",
      "/federation/credentials?account_id=999999999999&role_name=AdministratorAccess",
      403,
      "ForbiddenException",
    ],
    ["a bad max_result", "/assignment/accounts?max_result=1000", 400, "InvalidRequestException"],
    ["a bad next_token", "/assignment/accounts?next_token=garbage", 400, "InvalidRequestException"],
  ])("portal rejects %s", async (_name, path, status, errorType) => {
    const token = await signIn();
    const r = await call("GET", path, { headers: { "x-amz-sso_bearer_token": token } });
    expect(r.status).toBe(status);
    expect(r.errorType).toBe(portalErrorType(errorType));
  });

  it("answers STS garbage with the XML error shape", async () => {
    const r = await call("POST", "/", { body: "%%%garbage", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.text).toMatch(/<ErrorResponse/);
  });
});

describe("emulator: refresh tokens only for clients registered with sso:account:access", () => {
  async function deviceSignIn(
    scopes: string[] | undefined,
  ): Promise<{ client: { clientId: string; clientSecret: string }; token: Record<string, unknown> }> {
    const reg = await call("POST", "/client/register", {
      body: JSON.stringify({ clientName: "t", clientType: "public", ...(scopes && { scopes }) }),
      headers: json,
    });
    const client = JSON.parse(reg.text) as { clientId: string; clientSecret: string };
    const dev = JSON.parse(
      (await call("POST", "/device_authorization", { body: JSON.stringify({ ...client, startUrl: emu.startUrl }), headers: json })).text,
    ) as { deviceCode: string };
    const tok = await call("POST", "/token", {
      body: JSON.stringify({ ...client, deviceCode: dev.deviceCode, grantType: "urn:ietf:params:oauth:grant-type:device_code" }),
      headers: json,
    });
    expect(tok.status).toBe(200);
    return { client, token: JSON.parse(tok.text) as Record<string, unknown> };
  }

  it.each([
    ["no scopes (the legacy device flow)", undefined],
    ["an empty scope list", []],
    ["other scopes only", ["codewhisperer:completions"]],
  ])("issues none to a client registered with %s, as the service does", async (_name, scopes) => {
    const { token } = await deviceSignIn(scopes);
    expect(token).toMatchObject({ accessToken: expect.any(String), tokenType: "Bearer" });
    expect(token).not.toHaveProperty("refreshToken");
  });

  it("issues one, rotated on every refresh, to a client registered with sso:account:access", async () => {
    const { client, token } = await deviceSignIn(["sso:account:access"]);
    expect(token.refreshToken).toEqual(expect.any(String));
    const refreshed = await call("POST", "/token", {
      body: JSON.stringify({ ...client, grantType: "refresh_token", refreshToken: token.refreshToken }),
      headers: json,
    });
    expect(refreshed.status).toBe(200);
    const next = JSON.parse(refreshed.text) as Record<string, unknown>;
    expect(next.refreshToken).toEqual(expect.any(String));
    expect(next.refreshToken).not.toBe(token.refreshToken);
  });
});

describe("emulator: load", () => {
  it("answers 200 concurrent clients", async () => {
    const token = await signIn();
    // A little latency keeps requests in flight together, so concurrency is real and measured.
    await call("POST", "/_admin/config", { body: JSON.stringify({ latencyMs: 50 }), headers: json });
    await call("POST", "/_admin/reset", { body: JSON.stringify({ state: "stats" }), headers: json });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call("GET", i % 2 ? "/assignment/accounts" : "/federation/credentials?account_id=100000000001&role_name=AdministratorAccess", {
          headers: { "x-amz-sso_bearer_token": token },
        }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const stats = JSON.parse((await call("GET", "/_admin/stats")).text) as { peakConcurrency: number };
    await call("POST", "/_admin/config", { body: JSON.stringify({ latencyMs: 0 }), headers: json });
    expect(stats.peakConcurrency).toBeGreaterThan(50);
  });
});

describe("emulator: admin API", () => {
  it("injects failures that are counted, then recover", async () => {
    const token = await signIn();
    const inj = await call("POST", "/_admin/inject", {
      body: JSON.stringify({ operation: "ListAccounts", status: 500, error: "InternalServerException", count: 2 }),
      headers: json,
    });
    expect(inj.status).toBe(200);
    const h = { "x-amz-sso_bearer_token": token };
    expect((await call("GET", "/assignment/accounts", { headers: h })).status).toBe(500);
    expect((await call("GET", "/assignment/accounts", { headers: h })).status).toBe(500);
    expect((await call("GET", "/assignment/accounts", { headers: h })).status).toBe(200);
    const stats = JSON.parse((await call("GET", "/_admin/stats")).text) as {
      operations: Record<string, { byCode: Record<string, number> }>;
    };
    expect(stats.operations.ListAccounts?.byCode.InternalServerException).toBeGreaterThanOrEqual(2);
  });

  it("throttles per operation with 429 TooManyRequestsException", async () => {
    const token = await signIn();
    await call("POST", "/_admin/config", { body: JSON.stringify({ throttleRps: 1, throttleBurst: 2 }), headers: json });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push((await call("GET", "/assignment/accounts", { headers: { "x-amz-sso_bearer_token": token } })).errorType);
      expect(codes.slice(0, 2)).toEqual([null, null]);
      expect(codes.slice(2)).toContain(portalErrorType("TooManyRequestsException"));
    } finally {
      await call("POST", "/_admin/config", { body: JSON.stringify({ throttleRps: 0 }), headers: json });
    }
  });

  it("expires access tokens on request", async () => {
    const token = await signIn();
    await call("POST", "/_admin/expire", { body: JSON.stringify({ what: "access_tokens" }), headers: json });
    expect((await call("GET", "/assignment/accounts", { headers: { "x-amz-sso_bearer_token": token } })).status).toBe(401);
  });

  it("shows pending user codes and approves one by code", async () => {
    await call("POST", "/_admin/config", { body: JSON.stringify({ autoApproveMs: -1 }), headers: json });
    try {
      const reg = JSON.parse(
        (await call("POST", "/client/register", { body: JSON.stringify({ clientName: "t", clientType: "public" }), headers: json })).text,
      ) as Record<string, string>;
      const dev = JSON.parse(
        (
          await call("POST", "/device_authorization", {
            body: JSON.stringify({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: emu.startUrl }),
            headers: json,
          })
        ).text,
      ) as Record<string, string>;
      const state = JSON.parse((await call("GET", "/_admin/state")).text) as { pendingUserCodes: string[] };
      expect(state.pendingUserCodes).toContain(dev.userCode);
      expect(JSON.stringify(state)).not.toContain(dev.deviceCode);
      const page = await call("GET", `/device?user_code=${dev.userCode}`);
      expect(page.text).toContain(dev.userCode);
      expect(page.text).toMatch(/Approve/);
      const approved = JSON.parse(
        (await call("POST", "/_admin/approve", { body: JSON.stringify({ user_code: dev.userCode }), headers: json })).text,
      ) as { userCodes: string[] };
      expect(approved.userCodes).toEqual([dev.userCode]);
    } finally {
      await call("POST", "/_admin/config", { body: JSON.stringify({ autoApproveMs: 0 }), headers: json });
    }
  });

  it.each([
    ["an unknown knob", "/_admin/config", { bogus: 1 }],
    ["an unknown expiry", "/_admin/expire", { what: "everything" }],
    ["a bad injection", "/_admin/inject", { operation: "X", status: 99, error: "E" }],
  ])("rejects %s with 400", async (_name, path, body) => {
    const r = await call("POST", path, { body: JSON.stringify(body), headers: json });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toHaveProperty("error");
  });
});

describe("emulator: authorization code + PKCE (docs/protocol/sso-oidc.md §7)", () => {
  const verifier = "Ab3-._~".repeat(9) + "x";
  const challenge = "SXt1c1GpARTs23l1OboV3FBd8sGum0fFBaBbI8U9vCA";

  async function registerPkceClient() {
    const r = await call("POST", "/client/register", {
      body: JSON.stringify({
        clientName: "pkce",
        clientType: "public",
        grantTypes: ["authorization_code", "refresh_token"],
        redirectUris: ["http://127.0.0.1/oauth/callback"],
        scopes: ["sso:account:access"],
      }),
      headers: json,
    });
    expect(r.status).toBe(200);
    return JSON.parse(r.text) as { clientId: string; clientSecret: string };
  }

  async function authorize(clientId: string, port: number, state = "0b7a5d4e-6f1c-4e7b-9d2a-3c5b8e1f2a47") {
    const redirectUri = `http://127.0.0.1:${port}/oauth/callback`;
    const q = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge_method: "S256",
      scopes: "sso:account:access",
    });
    const res = await fetch(`${emu.url}/authorize?${q}&code_challenge=${challenge}`, { redirect: "manual" });
    return { res, redirectUri };
  }

  it("redirects to the loopback port the client chose, with a single-use code that needs the verifier", async () => {
    const client = await registerPkceClient();
    const { res, redirectUri } = await authorize(client.clientId, 54321);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get("state")).toBe("0b7a5d4e-6f1c-4e7b-9d2a-3c5b8e1f2a47");
    const code = location.searchParams.get("code")!;
    const token = (body: Record<string, string>) =>
      call("POST", "/token", {
        body: JSON.stringify({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: "authorization_code",
          redirectUri,
          code,
          ...body,
        }),
        headers: json,
      });
    const wrong = await token({ codeVerifier: "B".repeat(64) });
    expect(wrong.errorType?.split(":")[0]).toBe("InvalidGrantException");
    // The failed attempt spent the code: a code is single-use whatever happens.
    const again = await token({ codeVerifier: verifier });
    expect(again.errorType?.split(":")[0]).toBe("InvalidGrantException");

    const { res: res2 } = await authorize(client.clientId, 54322);
    const code2 = new URL(res2.headers.get("location")!).searchParams.get("code")!;
    const ok = await call("POST", "/token", {
      body: JSON.stringify({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: "authorization_code",
        redirectUri: "http://127.0.0.1:54322/oauth/callback",
        code: code2,
        codeVerifier: verifier,
      }),
      headers: json,
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ tokenType: "Bearer", accessToken: expect.any(String), refreshToken: expect.any(String) });
  });

  it("shows Allow / Deny when nobody approves by itself, and redirects access_denied on Deny", async () => {
    await call("POST", "/_admin/config", { body: JSON.stringify({ autoApproveMs: -1 }), headers: json });
    try {
      const client = await registerPkceClient();
      const { res } = await authorize(client.clientId, 54323);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toMatch(/Allow access/);
      const request = /name="request" value="([^"]+)"/.exec(page)![1]!;
      const decision = await fetch(`${emu.url}/authorize/decision`, {
        method: "POST",
        body: new URLSearchParams({ request, decision: "deny" }),
        redirect: "manual",
      });
      expect(decision.status).toBe(302);
      const location = new URL(decision.headers.get("location")!);
      expect(location.searchParams.get("error")).toBe("access_denied");
    } finally {
      await call("POST", "/_admin/config", { body: JSON.stringify({ autoApproveMs: 0 }), headers: json });
    }
  });

  it("refuses an unregistered redirect URI on a page, never by redirecting", async () => {
    const client = await registerPkceClient();
    const q = new URLSearchParams({
      response_type: "code",
      client_id: client.clientId,
      redirect_uri: "http://127.0.0.1:5000/elsewhere",
      state: "s",
      code_challenge_method: "S256",
    });
    const res = await fetch(`${emu.url}/authorize?${q}&code_challenge=${challenge}`, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
  });
});

describe("emulator: scale", () => {
  it("lists 5,000 accounts × 10 roles page by page", async () => {
    const big = await startEmulator({ port: 0, accounts: 5000, rolesPerAccount: 10, pageSize: 100 });
    try {
      const reg = (await (
        await fetch(`${big.url}/client/register`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ clientName: "t", clientType: "public" }),
        })
      ).json()) as Record<string, string>;
      const dev = (await (
        await fetch(`${big.url}/device_authorization`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: big.startUrl }),
        })
      ).json()) as Record<string, string>;
      const tok = (await (
        await fetch(`${big.url}/token`, {
          method: "POST",
          headers: json,
          body: JSON.stringify({
            clientId: reg.clientId,
            clientSecret: reg.clientSecret,
            deviceCode: dev.deviceCode,
            grantType: "urn:ietf:params:oauth:grant-type:device_code",
          }),
        })
      ).json()) as Record<string, string>;
      const headers = { "x-amz-sso_bearer_token": tok.accessToken! };
      const ids: string[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const page = (await (
          await fetch(`${big.url}/assignment/accounts?max_result=100${next ? `&next_token=${encodeURIComponent(next)}` : ""}`, { headers })
        ).json()) as { accountList: { accountId: string }[]; nextToken?: string };
        ids.push(...page.accountList.map((a) => a.accountId));
        next = page.nextToken;
        pages++;
      } while (next);
      expect(pages).toBe(50);
      expect(new Set(ids).size).toBe(5000);
      expect(ids.at(-1)).toBe("100000005000");
      const roles = (await (await fetch(`${big.url}/assignment/roles?account_id=100000005000&max_result=100`, { headers })).json()) as {
        roleList: unknown[];
      };
      expect(roles.roleList).toHaveLength(10);
    } finally {
      await big.close();
    }
  });
});
