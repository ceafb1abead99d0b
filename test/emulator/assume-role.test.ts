import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { signInOverHttp } from "../helpers/sso-fixtures.js";

// AssumeRole through the emulator's server and router, with the JS SDK v3 as the client: the knobs
// of POST /_admin/config, the keys it issues, how GetCallerIdentity and the admin API see them
// (docs/protocol/sts.md §8.5). The rules themselves: test/emulator/sts-service.test.ts.

let emu: RunningEmulator & { env: Record<string, string> };
let sso: AwsCredentialIdentity;

const DEPLOY = "arn:aws:iam::100000000002:role/Deploy";

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 });
});

afterAll(async () => {
  await emu?.close();
});

beforeEach(async () => {
  await post("reset", { state: "all" });
  await post("config", { assumableRoles: [], externalIds: [], stsDisabledRegions: [] });
  const t = await signInOverHttp(emu.url, emu.startUrl);
  const r = await fetch(`${emu.url}/federation/credentials?account_id=100000000001&role_name=AdministratorAccess`, {
    headers: { "x-amz-sso_bearer_token": t.accessToken },
  });
  const c = ((await r.json()) as { roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } })
    .roleCredentials;
  sso = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
});

async function post(endpoint: string, body: unknown): Promise<unknown> {
  const r = await fetch(`${emu.url}/_admin/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`/_admin/${endpoint}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function get<T>(endpoint: string): Promise<T> {
  return (await (await fetch(`${emu.url}/_admin/${endpoint}`)).json()) as T;
}

const sts = (credentials: AwsCredentialIdentity, region = "us-east-1") =>
  new STSClient({ region, endpoint: emu.url, maxAttempts: 1, credentials });

async function assume(
  credentials: AwsCredentialIdentity,
  input: { RoleArn?: string; RoleSessionName?: string; DurationSeconds?: number; ExternalId?: string } = {},
  region?: string,
) {
  const out = await sts(credentials, region).send(new AssumeRoleCommand({ RoleArn: DEPLOY, RoleSessionName: "alice", ...input }));
  const c = out.Credentials!;
  return { out, keys: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ name: "no error" }),
    (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } },
  );

describe("the emulator's AssumeRole", () => {
  it("issues keys whose GetCallerIdentity is the assumed role, chains on them, and counts AssumeRole", async () => {
    const hop1 = await assume(sso, { DurationSeconds: 900 });
    expect(hop1.out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::100000000002:assumed-role/Deploy/alice");
    expect(hop1.keys.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    const who = await sts(hop1.keys).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({
      Account: "100000000002",
      Arn: "arn:aws:sts::100000000002:assumed-role/Deploy/alice",
      UserId: hop1.out.AssumedRoleUser?.AssumedRoleId,
    });
    expect(who.UserId).toMatch(/^AROA[A-Z2-7]{17}:alice$/);

    const hop2 = await assume(hop1.keys, { RoleArn: "arn:aws:iam::100000000003:role/Audit", RoleSessionName: "audit" });
    expect((await sts(hop2.keys).send(new GetCallerIdentityCommand({}))).Arn).toBe("arn:aws:sts::100000000003:assumed-role/Audit/audit");

    const stats = await get<{ operations: Record<string, { calls: number }> }>("stats");
    expect(stats.operations.AssumeRole?.calls).toBe(2);
    expect(stats.operations.GetCallerIdentity?.calls).toBe(2);
    const state = await get<{ assumedRoleSessions: unknown[]; liveRoleCredentials: number }>("state");
    expect(state.liveRoleCredentials).toBe(3);
    expect(state.assumedRoleSessions).toEqual([
      {
        account: "100000000002",
        role: "Deploy",
        session: "alice",
        user: "alice@example.com",
        expiresAt: expect.stringMatching(/Z$/) as unknown,
      },
      {
        account: "100000000003",
        role: "Audit",
        session: "audit",
        user: "alice@example.com",
        expiresAt: expect.stringMatching(/Z$/) as unknown,
      },
    ]);
    expect(JSON.stringify(state)).not.toContain(hop1.keys.accessKeyId);
    // The record the emulator keeps: 900 s from the moment it issued them.
    const issued = emu.state.roleCredentials.get(hop1.keys.accessKeyId)!;
    expect(hop1.out.Credentials?.Expiration?.getTime()).toBe(Math.floor(issued.expiresAtMs / 1000) * 1000);
  });

  it("follows the knobs POST /_admin/config sets while it runs", async () => {
    await post("config", { "assumable-roles": "Deploy", "external-id": ["Deploy:ext-1"], stsDisabledRegions: ["eu-south-1"] });
    expect(await failure(assume(sso, { RoleArn: "arn:aws:iam::100000000002:role/Other" }))).toMatchObject({
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    expect(await failure(assume(sso))).toMatchObject({ name: "AccessDenied" });
    expect(await failure(assume(sso, { ExternalId: "ext-2" }))).toMatchObject({ name: "AccessDenied" });
    expect(await failure(assume(sso, { ExternalId: "ext-1" }, "eu-south-1"))).toMatchObject({
      name: "RegionDisabledException",
      $metadata: { httpStatusCode: 403 },
    });
    expect((await assume(sso, { ExternalId: "ext-1" })).out.AssumedRoleUser?.Arn).toBe(
      "arn:aws:sts::100000000002:assumed-role/Deploy/alice",
    );
    // The role's account must be the emulator's: --accounts 3.
    expect(await failure(assume(sso, { RoleArn: "arn:aws:iam::100000000004:role/Deploy" }))).toMatchObject({ name: "AccessDenied" });
    const config = await get<Record<string, unknown>>("config");
    expect(config).toMatchObject({ assumableRoles: ["Deploy"], externalIds: ["Deploy:ext-1"], stsDisabledRegions: ["eu-south-1"] });
  });

  it("answers ExpiredToken to keys the admin API expired, and an injected fault to AssumeRole by name", async () => {
    const { keys } = await assume(sso);
    await post("expire", { what: "role_credentials" });
    expect(await failure(assume(keys))).toMatchObject({
      name: "ExpiredToken",
      message: "The security token included in the request is expired",
      $metadata: { httpStatusCode: 403 },
    });

    await post("reset", { state: "all" });
    const t = await signInOverHttp(emu.url, emu.startUrl);
    const r = await fetch(`${emu.url}/federation/credentials?account_id=100000000001&role_name=AdministratorAccess`, {
      headers: { "x-amz-sso_bearer_token": t.accessToken },
    });
    const c = ((await r.json()) as { roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string } })
      .roleCredentials;
    await post("inject", { operation: "AssumeRole", status: 503, error: "ServiceUnavailable" });
    const fresh = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
    expect(await failure(assume(fresh))).toMatchObject({ name: "ServiceUnavailable", $metadata: { httpStatusCode: 503 } });
    expect((await assume(fresh)).out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::100000000002:assumed-role/Deploy/alice");
  });
});
