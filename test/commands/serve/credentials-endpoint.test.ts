import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { getProfileCredentials } from "../../../src/role-keys/profile-credentials.js";
import { startCredentialsEndpoint, PortInUseError, type CredentialsEndpoint } from "../../../src/commands/serve/credentials-endpoint.js";
import { KeyKeeper } from "../../../src/commands/serve/key-keeper.js";
import { mustRenew, renewalDelayMs } from "../../../src/commands/serve/renewal-rule.js";
import { seedSignIn, useCaseSetups, type UseCaseSetup } from "../../helpers/use-case-setup.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";

const setUp = useCaseSetups();

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET, headers as given (no fetch: it adds none of its own and lets us set Host and Origin). */
function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function serving(s: UseCaseSetup, profiles = ["p"]): Promise<{ endpoint: CredentialsEndpoint }> {
  const keeper = new KeyKeeper(s.ctx, (profile) => getProfileCredentials(s.ctx, { profile }));
  const endpoint = await startCredentialsEndpoint({ keysFor: (p) => keeper.keysFor(p), profiles });
  return { endpoint };
}

function getRoleCredentialsCalls(s: UseCaseSetup): number {
  return s.emu.state.stats.operations.GetRoleCredentials?.calls ?? 0;
}

describe("the renewal rule", () => {
  it.each([
    ["hour-long keys wait until 15 minutes are left", 60 * 60_000, 45 * 60_000],
    ["keys shorter than the window wait half their life", 11 * 60_000, 5.5 * 60_000],
    ["never sooner than a minute", 90_000, 60_000],
    ["expired keys: a minute", -5_000, 60_000],
  ])("%s", (_what, remaining, delay) => {
    expect(renewalDelayMs(remaining)).toBe(delay);
  });

  it.each([
    [50 * 60_000, 120_000, false],
    [14 * 60_000, 120_000, true],
    [14 * 60_000, 30_000, false],
    [50_000, 1_000, true],
  ])("%d ms left, renewed %d ms ago: renew %s", (remaining, since, renew) => {
    expect(mustRenew(remaining, since)).toBe(renew);
  });
});

describe("the credentials endpoint", () => {
  it("answers the profile's keys on its path, with the token, on 127.0.0.1 only, never cached", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }) });
    await seedSignIn(s.ctx, s.emu);
    const { endpoint } = await serving(s);
    try {
      const url = endpoint.urls.get("p")!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/p$/);
      const r = await get(url, { Authorization: endpoint.token });
      expect(r.status).toBe(200);
      expect(r.headers["cache-control"]).toBe("no-store");
      const body = JSON.parse(r.body) as Record<string, string>;
      expect(Object.keys(body).sort()).toEqual(["AccessKeyId", "AccountId", "Expiration", "SecretAccessKey", "Token"]);
      expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(body.AccessKeyId).toMatch(/^ASIA/);
      await expect(get(url.replace("127.0.0.1", "[::1]"), { Authorization: endpoint.token })).rejects.toThrow();
    } finally {
      await endpoint.close();
    }
  });

  it.each([
    ["no token", {}, 401],
    ["an empty token", { Authorization: "" }, 401],
    ["a wrong token", { Authorization: "x".repeat(43) }, 403],
    ["the token with a suffix", { Authorization: "TOKEN-and-more" }, 403],
    ["a web page (Origin)", { Authorization: "TOKEN", Origin: "https://evil.example" }, 403],
    ["another host name (DNS rebinding)", { Authorization: "TOKEN", Host: "evil.example" }, 403],
  ])("refuses %s with %s and no hint", async (_what, headers: Record<string, string>, status) => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }) });
    await seedSignIn(s.ctx, s.emu);
    const { endpoint } = await serving(s);
    try {
      const withToken = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace("TOKEN", endpoint.token)]));
      const r = await get(endpoint.urls.get("p")!, withToken);
      expect(r.status).toBe(status);
      expect(r.body).toBe("");
      expect(r.headers["cache-control"]).toBe("no-store");
      expect(getRoleCredentialsCalls(s)).toBe(0);
    } finally {
      await endpoint.close();
    }
  });

  it("serves several profiles, a path each; an unknown path is 404 only with the token", async () => {
    const config = (u: string) =>
      sessionProfileConfig({ startUrl: u }) +
      "\n[profile q]\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = ReadOnlyAccess\n";
    const s = await setUp({ config, knobs: { accounts: 2, rolesPerAccount: 2 } });
    await seedSignIn(s.ctx, s.emu);
    const { endpoint } = await serving(s, ["p", "q"]);
    try {
      const p = JSON.parse((await get(endpoint.urls.get("p")!, { Authorization: endpoint.token })).body) as { AccountId: string };
      const q = JSON.parse((await get(endpoint.urls.get("q")!, { Authorization: endpoint.token })).body) as { AccountId: string };
      expect([p.AccountId, q.AccountId]).toEqual(["100000000001", "100000000002"]);
      const other = endpoint.urls.get("p")!.replace(/\/p$/, "/zz");
      expect((await get(other, { Authorization: endpoint.token })).status).toBe(404);
      expect((await get(other)).status).toBe(401);
    } finally {
      await endpoint.close();
    }
  });

  it("a port in use is one line with the way out", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }) });
    const { endpoint } = await serving(s);
    try {
      const again = startCredentialsEndpoint({ keysFor: () => Promise.reject(new Error("unused")), profiles: ["p"], port: endpoint.port });
      await expect(again).rejects.toBeInstanceOf(PortInUseError);
      await expect(again).rejects.toThrow(`Port ${endpoint.port} on 127.0.0.1 is already in use.`);
    } finally {
      await endpoint.close();
    }
  });
});

describe("renewal through the endpoint (fake clock)", () => {
  const keysAt = async (endpoint: CredentialsEndpoint) =>
    JSON.parse((await get(endpoint.urls.get("p")!, { Authorization: endpoint.token })).body) as { AccessKeyId: string; Expiration: string };

  it("with 660-second keys, keys fetched 70 s apart both keep more than 10 minutes", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }), knobs: { roleTtlS: 660 } });
    await seedSignIn(s.ctx, s.emu);
    const { endpoint } = await serving(s);
    try {
      const left = (k: { Expiration: string }) => new Date(k.Expiration).getTime() - s.ctx.now().getTime();
      const first = await keysAt(endpoint);
      expect(left(first)).toBeGreaterThan(10 * 60_000);
      s.ctx.advance(70_000);
      const second = await keysAt(endpoint);
      expect(left(second)).toBeGreaterThan(10 * 60_000);
      expect(second.AccessKeyId).not.toBe(first.AccessKeyId);
    } finally {
      await endpoint.close();
    }
  });

  it("a tool asking every second renews hour-long keys only inside the window, and short keys at most once a minute", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }), knobs: { roleTtlS: 660 } });
    await seedSignIn(s.ctx, s.emu, { refreshable: true });
    const { endpoint } = await serving(s);
    try {
      // 30 minutes at one request a second: about 30 renewals, never more than one a minute.
      for (let i = 0; i < 1800; i += 10) {
        const k = await keysAt(endpoint);
        expect(new Date(k.Expiration).getTime() - s.ctx.now().getTime()).toBeGreaterThan(9 * 60_000);
        s.ctx.advance(10_000);
      }
      expect(getRoleCredentialsCalls(s)).toBeGreaterThanOrEqual(25);
      expect(getRoleCredentialsCalls(s)).toBeLessThanOrEqual(31);
    } finally {
      await endpoint.close();
    }
  });

  it("when the sign-in is gone: a 4xx the SDKs print (run: sso-cli login …), said once on stderr, revived by a login elsewhere", async () => {
    const s = await setUp({ config: (u) => sessionProfileConfig({ startUrl: u }), knobs: { roleTtlS: 660 } });
    await seedSignIn(s.ctx, s.emu, { expiresInMs: 20 * 60_000 });
    const { endpoint } = await serving(s);
    try {
      expect((await get(endpoint.urls.get("p")!, { Authorization: endpoint.token })).status).toBe(200);
      s.ctx.advance(30 * 60_000);
      for (let i = 0; i < 3; i++) {
        const r = await get(endpoint.urls.get("p")!, { Authorization: endpoint.token });
        expect(r.status).toBe(403);
        expect(JSON.parse(r.body)).toEqual({
          Code: "SsoCliLoginRequired",
          Message: expect.stringContaining("run: sso-cli login --profile p") as string,
        });
        expect(r.headers["cache-control"]).toBe("no-store");
      }
      expect(s.ctx.stderrText().match(/run: sso-cli login/g)).toHaveLength(1);
      await seedSignIn(s.ctx, s.emu);
      expect((await get(endpoint.urls.get("p")!, { Authorization: endpoint.token })).status).toBe(200);
      expect(s.ctx.stderrText()).toContain("profile p: keys renewed again.");
    } finally {
      await endpoint.close();
    }
  });
});
