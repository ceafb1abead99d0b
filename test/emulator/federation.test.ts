import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/start-emulator.js";

// The emulator's console sign-in endpoint (docs/protocol/credential-formats.md §3): live keys it
// issued become a sign-in token; anything else is refused with a non-200, as the real one does.

let emu: RunningEmulator | undefined;
let nowMs = Date.parse("2026-11-22T10:00:00Z");
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(): Promise<RunningEmulator> {
  nowMs = Date.parse("2026-11-22T10:00:00Z");
  emu = await startEmulator({ port: 0, clock: () => nowMs, accountNames: ["Sandbox"] });
  return emu;
}

function session(c: { accessKeyId: string; secretAccessKey: string; sessionToken: string }): string {
  return JSON.stringify({ sessionId: c.accessKeyId, sessionKey: c.secretAccessKey, sessionToken: c.sessionToken });
}

async function signinToken(e: RunningEmulator, sessionJson: string, extra = ""): Promise<Response> {
  return fetch(`${e.url}/federation?Action=getSigninToken&Session=${encodeURIComponent(sessionJson)}${extra}`);
}

describe("/federation", () => {
  it("getSigninToken takes live keys it issued (GET or form POST); Action=login names role, account and destination", async () => {
    const e = await start();
    const keys = e.state.issueRoleCredentials("100000000001", "AdministratorAccess", "alice@example.com");
    const r = await signinToken(e, session(keys));
    expect(r.status).toBe(200);
    const { SigninToken } = (await r.json()) as { SigninToken: string };
    expect(SigninToken).toMatch(/^emu-signin-/);
    const posted = await fetch(`${e.url}/federation`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Action: "getSigninToken", Session: session(keys), SessionDuration: "3600" }),
    });
    expect(posted.status).toBe(200);

    const destination = "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1";
    const page = await fetch(
      `${e.url}/federation?${new URLSearchParams({ Action: "login", Issuer: e.startUrl, Destination: destination, SigninToken })}`,
    );
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<b data-testid="role">AdministratorAccess</b>');
    expect(html).toContain('<b data-testid="account">100000000001</b> (Sandbox)');
    expect(html).toContain(destination.replace(/&/g, "&amp;"));
    expect(e.state.stats.operations.GetSigninToken?.calls).toBe(2);
    expect(e.state.stats.operations.FederationLogin?.calls).toBe(1);
  });

  it.each([
    ["unknown keys", (k: Keys) => ({ ...k, accessKeyId: "ASIAAAAAAAAAAAAAAAAA" })],
    ["a wrong secret", (k: Keys) => ({ ...k, secretAccessKey: "nope" })],
    ["a wrong session token", (k: Keys) => ({ ...k, sessionToken: "nope" })],
  ])("refuses %s with 400", async (_name, change) => {
    const e = await start();
    const keys = e.state.issueRoleCredentials("100000000001", "AdministratorAccess", "alice@example.com");
    const r = await signinToken(e, session(change(keys)));
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/^InvalidCredentials: /);
  });

  it("refuses expired keys, a bad Session or SessionDuration, and a missing Action", async () => {
    const e = await start();
    const keys = e.state.issueRoleCredentials("100000000001", "AdministratorAccess", "alice@example.com");
    expect((await signinToken(e, "{not json")).status).toBe(400);
    expect((await signinToken(e, JSON.stringify({ sessionId: keys.accessKeyId }))).status).toBe(400);
    expect((await signinToken(e, session(keys), "&SessionDuration=899")).status).toBe(400);
    expect((await signinToken(e, session(keys), "&SessionDuration=43201")).status).toBe(400);
    expect((await fetch(`${e.url}/federation`)).status).toBe(400);
    nowMs += 3600_000;
    expect((await signinToken(e, session(keys))).status).toBe(400);
  });

  it("a sign-in link stops working after 15 minutes, and a made-up one never works", async () => {
    const e = await start();
    const keys = e.state.issueRoleCredentials("100000000001", "AdministratorAccess", "alice@example.com");
    const { SigninToken } = (await (await signinToken(e, session(keys))).json()) as { SigninToken: string };
    const link = (token: string) =>
      `${e.url}/federation?${new URLSearchParams({ Action: "login", Destination: "https://console.aws.amazon.com/", SigninToken: token })}`;
    expect((await fetch(link("emu-signin-made-up"))).status).toBe(400);
    nowMs += 15 * 60_000;
    expect((await fetch(link(SigninToken))).status).toBe(400);
  });
});

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken: string };
