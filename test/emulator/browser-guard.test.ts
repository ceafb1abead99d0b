import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/start-emulator.js";

// Issue 16, item 7: a web page the user visits can send requests to the emulator on 127.0.0.1
// (a cross-site form or fetch, or DNS rebinding with its own Host name). The admin API and the
// sign-in decisions refuse them; scripts, tests and the page's own form still work.

let emu: RunningEmulator;
let nowMs = Date.parse("2026-01-01T00:00:00Z");

beforeAll(async () => {
  emu = await startEmulator({ port: 0, accounts: 2, rolesPerAccount: 1, autoApproveMs: -1, clock: () => nowMs });
});
afterAll(async () => {
  await emu.close();
});

/** A raw request: node:http sets exactly the headers given (fetch would not let a test forge Host). */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; location: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${emu.url}${path}`,
      { method, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const json = { "content-type": "application/json" };
const knob = async (): Promise<number> => (JSON.parse((await send("GET", "/_admin/config", {})).text) as { latencyMs: number }).latencyMs;

describe("the admin API takes requests from this machine's scripts only", () => {
  it("a JSON POST with no Origin and a loopback Host works (scripts, tests, curl -H 'content-type: application/json')", async () => {
    expect((await send("POST", "/_admin/config", json, '{"latencyMs":1}')).status).toBe(200);
    expect(await knob()).toBe(1);
    expect((await send("POST", "/_admin/config", { ...json, host: `localhost:${emu.port}` }, '{"latencyMs":0}')).status).toBe(200);
    expect(await knob()).toBe(0);
  });

  it.each([
    ["a form's content type (what a cross-site form can send)", { "content-type": "application/x-www-form-urlencoded" }, 415],
    ["text/plain (a no-cors fetch)", { "content-type": "text/plain;charset=UTF-8" }, 415],
    ["no content type", {}, 415],
    ["a cross-site Origin", { ...json, origin: "https://evil.example" }, 403],
    ["the null Origin of a sandboxed page", { ...json, origin: "null" }, 403],
    ["a loopback Origin on another port", { ...json, origin: "http://127.0.0.1:1" }, 403],
    ["a foreign Host (DNS rebinding)", { ...json, host: "evil.example" }, 403],
    ["a foreign Host with this port", { ...json, host: "rebind.evil.example:4567" }, 403],
  ])("refuses %s and changes nothing", async (_name, headers, status) => {
    const r = await send("POST", "/_admin/config", headers as Record<string, string>, '{"latencyMs":5000}');
    expect(r.status).toBe(status);
    expect(JSON.parse(r.text)).toHaveProperty("error");
    expect(await knob()).toBe(0);
  });

  it("refuses to show its state to a rebound name (pending user codes are in it)", async () => {
    expect((await send("GET", "/_admin/state", { host: "evil.example" })).status).toBe(403);
    expect((await send("GET", "/_admin/state", {})).status).toBe(200);
  });
});

describe("sign-in decisions are POSTs from the page itself", () => {
  async function pendingAuthorization(): Promise<string> {
    const reg = await send(
      "POST",
      "/client/register",
      json,
      JSON.stringify({
        clientName: "t",
        clientType: "public",
        grantTypes: ["authorization_code"],
        redirectUris: ["http://127.0.0.1/oauth/callback"],
      }),
    );
    const { clientId } = JSON.parse(reg.text) as { clientId: string };
    const q = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: "http://127.0.0.1:54329/oauth/callback",
      state: "s",
      code_challenge_method: "S256",
      code_challenge: "SXt1c1GpARTs23l1OboV3FBd8sGum0fFBaBbI8U9vCA",
    });
    const page = await send("GET", `/authorize?${q}`, {});
    expect(page.status).toBe(200);
    return /name="request" value="([^"]+)"/.exec(page.text)![1]!;
  }
  const pending = (id: string): boolean => emu.state.authorizationRequests.get(id)?.status === "pending";
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it("GET /authorize/decision (a link, an image, a meta refresh) approves nothing", async () => {
    const id = await pendingAuthorization();
    const r = await send("GET", `/authorize/decision?request=${id}&decision=approve`, {});
    expect(r.status).toBe(405);
    expect(pending(id)).toBe(true);
  });

  it.each([
    ["a cross-site Origin", { origin: "https://evil.example" }],
    ["a foreign Host", { host: "evil.example" }],
  ])("POST /authorize/decision with %s is refused", async (_name, headers) => {
    const id = await pendingAuthorization();
    const r = await send("POST", "/authorize/decision", { ...form, ...headers }, `request=${id}&decision=approve`);
    expect(r.status).toBe(403);
    expect(pending(id)).toBe(true);
  });

  it("the page's own form (same Origin) approves, and redirects to the client", async () => {
    const id = await pendingAuthorization();
    const r = await send("POST", "/authorize/decision", { ...form, origin: emu.url }, `request=${id}&decision=approve`);
    expect(r.status).toBe(302);
    expect(new URL(r.location!).searchParams.get("code")).toMatch(/.+/);
  });

  it("POST /device from another site is refused; from the page it decides", async () => {
    const reg = JSON.parse(
      (await send("POST", "/client/register", json, JSON.stringify({ clientName: "t", clientType: "public" }))).text,
    ) as { clientId: string; clientSecret: string };
    const dev = JSON.parse(
      (await send("POST", "/device_authorization", json, JSON.stringify({ ...reg, startUrl: emu.startUrl }))).text,
    ) as { userCode: string };
    const body = `user_code=${dev.userCode}&decision=approve`;
    expect((await send("POST", "/device", { ...form, origin: "https://evil.example" }, body)).status).toBe(403);
    expect(JSON.parse((await send("GET", "/_admin/state", {})).text)).toMatchObject({ pendingUserCodes: [dev.userCode] });
    expect((await send("POST", "/device", { ...form, origin: emu.url }, body)).status).toBe(200);
    expect(JSON.parse((await send("GET", "/_admin/state", {})).text)).toMatchObject({ pendingUserCodes: [] });
  });

  it("GET /authorize/auto approves only what --auto-approve-ms would, once its time is up", async () => {
    const id = await pendingAuthorization();
    // -1: a person decides; the reload approves nothing.
    expect((await send("GET", `/authorize/auto?request=${id}`, {})).status).toBe(200);
    expect(pending(id)).toBe(true);
    await send("POST", "/_admin/config", json, '{"autoApproveMs":2000}');
    try {
      const early = await send("GET", `/authorize/auto?request=${id}`, {});
      expect([early.status, pending(id)]).toEqual([200, true]);
      expect(early.text).toContain(`url=/authorize/auto?request=${id}`);
      nowMs += 2000;
      const late = await send("GET", `/authorize/auto?request=${id}`, {});
      expect(late.status).toBe(302);
      expect(new URL(late.location!).searchParams.get("code")).toMatch(/.+/);
    } finally {
      await send("POST", "/_admin/config", json, '{"autoApproveMs":-1}');
    }
  });
});
