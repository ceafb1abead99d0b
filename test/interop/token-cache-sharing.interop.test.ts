import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatTimestamp, formatTokenCacheEntry, parseTimestamp, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { signInOverHttp } from "../helpers/sso-fixtures.js";
import { runCli, runProcess } from "../helpers/run-process.js";
import { makeSessionHome } from "../helpers/session-home.js";

const FAKE_BROWSER = fileURLToPath(new URL("../helpers/fake-browser.mjs", import.meta.url));

// One sign-in, shared both ways between sso-cli and botocore (the AWS CLI v1, python3 -m awscli):
// neither needs a new sign-in for a cache the other wrote. (The AWS CLI v2's half is in
// aws-cli-v2.interop.test.ts.)

type Emu = Awaited<ReturnType<typeof startTestEmulator>>;
let emu: Emu;
let home: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 2, rolesPerAccount: 2, autoApproveMs: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await post("/_admin/reset", { state: "all" });
  ({ home, cleanup } = await makeSessionHome(emu));
  return cleanup;
});

async function post<T>(path: string, body: unknown): Promise<T> {
  const r = await fetch(emu.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function calls(): Promise<Record<string, number>> {
  const s = (await (await fetch(emu.url + "/_admin/stats")).json()) as {
    operations: Record<string, { calls: number }>;
    grantTypes: Record<string, number>;
  };
  return {
    ...Object.fromEntries(Object.entries(s.operations).map(([k, v]) => [k, v.calls])),
    ...Object.fromEntries(Object.entries(s.grantTypes).map(([k, v]) => [`grant:${k}`, v])),
  };
}

const awsV1 = (args: string[]) => runProcess("python3", ["-m", "awscli", ...args], { home, env: emu.env, timeoutMs: 60_000 });
const cacheFile = () => join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl }));
const ARN = /assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com/;

/** `aws sts get-caller-identity` (CLI v1) works with the cached token: one GetRoleCredentials, nobody signed in or refreshed. */
async function expectBotocoreUsesTheCachedToken(): Promise<void> {
  const before = await calls();
  const r = await awsV1(["sts", "get-caller-identity", "--profile", "p", "--output", "json"]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).Arn).toMatch(ARN);
  const after = await calls();
  expect(after.StartDeviceAuthorization).toBe(before.StartDeviceAuthorization);
  expect(after.CreateToken).toBe(before.CreateToken);
  expect(after.GetRoleCredentials).toBe((before.GetRoleCredentials ?? 0) + 1);
}

describe("sharing one sign-in with botocore", () => {
  it("botocore uses the token of a PKCE sign-in (sso-cli's default with a browser), with no new sign-in", async () => {
    // A desktop: the browser (a stand-in that follows the emulator's redirects) brings the code back.
    const login = await runCli(["login", "--profile", "p"], { home, env: { ...emu.env, BROWSER: FAKE_BROWSER } });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toMatch(/\/authorize\?/);
    expect((await calls())["grant:authorization_code"]).toBe(1);
    await expectBotocoreUsesTheCachedToken();
  });

  it("botocore refreshes a PKCE sign-in's token silently (the registration allows refresh_token)", async () => {
    expect((await runCli(["login", "--profile", "p"], { home, env: { ...emu.env, BROWSER: FAKE_BROWSER } })).code).toBe(0);
    const entry = JSON.parse(await readFile(cacheFile(), "utf8")) as Record<string, string>;
    await writeFile(cacheFile(), formatTokenCacheEntry({ ...entry, expiresAt: formatTimestamp(new Date(Date.now() + 60_000)) } as never));
    const before = await calls();
    const r = await awsV1(["sts", "get-caller-identity", "--profile", "p", "--output", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect((await calls())["grant:refresh_token"]).toBe((before["grant:refresh_token"] ?? 0) + 1);
  });

  it("botocore uses a cache written by sso-cli, with no new sign-in", async () => {
    const login = await runCli(["login", "--profile", "p"], { home, env: emu.env });
    expect(login.code, login.stderr).toBe(0);
    await expectBotocoreUsesTheCachedToken();
  });

  it("sso-cli uses a cache written by botocore's SSO token provider, with no new sign-in", async () => {
    // A token about to expire, with a refresh token: botocore refreshes it and rewrites the cache.
    const tok = await signInOverHttp(emu.url, emu.startUrl, "botocore-client-s");
    await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true });
    const soon = formatTimestamp(new Date(Date.now() + 5 * 60_000));
    await writeFile(
      cacheFile(),
      formatTokenCacheEntry({
        startUrl: emu.startUrl,
        region: "us-east-1",
        accessToken: tok.accessToken,
        expiresAt: soon,
        clientId: tok.clientId,
        clientSecret: tok.clientSecret,
        registrationExpiresAt: formatTimestamp(new Date(tok.clientSecretExpiresAt * 1000)),
        refreshToken: tok.refreshToken,
      }),
    );
    const r = await awsV1(["sts", "get-caller-identity", "--profile", "p", "--output", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const written = JSON.parse(await readFile(cacheFile(), "utf8")) as { accessToken: string; expiresAt: string };
    expect(written.accessToken).not.toBe(tok.accessToken);
    expect(parseTimestamp(written.expiresAt)!.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);

    const before = await calls();
    expect(before["grant:refresh_token"]).toBe(1);
    const login = await runCli(["login", "--profile", "p"], { home, env: emu.env });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).not.toMatch(/Sign in to/);
    const after = await calls();
    expect(after.StartDeviceAuthorization).toBe(before.StartDeviceAuthorization);
    expect(after.CreateToken).toBe(before.CreateToken);
    expect(after.RegisterClient).toBe(before.RegisterClient);
    expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toMatch(/\[p\]\naws_access_key_id = ASIA/);
  });

  it("sso-cli refreshes silently, in the format botocore writes, when the token is about to expire", async () => {
    expect((await runCli(["login", "--profile", "p"], { home, env: emu.env })).code).toBe(0);
    const entry = JSON.parse(await readFile(cacheFile(), "utf8")) as Record<string, string>;
    await writeFile(cacheFile(), formatTokenCacheEntry({ ...entry, expiresAt: formatTimestamp(new Date(Date.now() + 60_000)) } as never));
    const before = await calls();
    const r = await runCli(["login", "--profile", "p"], { home, env: emu.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Sign in to/);
    const after = await calls();
    expect(after["grant:refresh_token"]).toBe((before["grant:refresh_token"] ?? 0) + 1);
    expect(after.StartDeviceAuthorization).toBe(before.StartDeviceAuthorization);
    const text = await readFile(cacheFile(), "utf8");
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      "startUrl",
      "region",
      "accessToken",
      "expiresAt",
      "clientId",
      "clientSecret",
      "registrationExpiresAt",
      "refreshToken",
    ]);
    expect(text).toMatch(/"expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    // And botocore still accepts the refreshed cache.
    const v1 = await awsV1(["sts", "get-caller-identity", "--profile", "p", "--output", "json"]);
    expect(v1.code, v1.stderr).toBe(0);
  });
});
