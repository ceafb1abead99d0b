import { describe, expect, it } from "vitest";
import { startLoopbackRedirect } from "../../src/sso/loopback-redirect.js";

describe("the loopback redirect server of one sign-in", () => {
  it("listens on 127.0.0.1 only, takes the first answer, and shows the page the sign-in's outcome decides", async () => {
    const lb = await startLoopbackRedirect();
    expect(lb.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    const page = fetch(`${lb.redirectUri}?code=abc&state=s1`).then(async (r) => ({ status: r.status, text: await r.text() }));
    const cb = await lb.callback;
    expect(cb.params).toEqual({ code: "abc", state: "s1" });
    cb.respond({ ok: true });
    expect(await page).toMatchObject({ status: 200, text: expect.stringContaining("You are signed in") });
    await lb.close();
    await expect(fetch(lb.redirectUri)).rejects.toThrow();
  });

  it("answers other paths, empty callbacks and a second answer without taking them", async () => {
    const lb = await startLoopbackRedirect();
    try {
      const base = lb.redirectUri.replace("/oauth/callback", "");
      expect((await fetch(`${base}/favicon.ico`)).status).toBe(404);
      expect((await fetch(lb.redirectUri)).status).toBe(400);
      expect((await fetch(`${lb.redirectUri}?code=x`)).status).toBe(400);
      const first = fetch(`${lb.redirectUri}?error=access_denied&state=s1`).then((r) => r.text());
      const cb = await lb.callback;
      expect(cb.params).toEqual({ error: "access_denied", state: "s1", description: undefined });
      expect((await fetch(`${lb.redirectUri}?code=late&state=s1`)).status).toBe(409);
      cb.respond({ ok: false, message: "Deny was chosen." });
      expect(await first).toContain("Deny was chosen.");
    } finally {
      await lb.close();
    }
  });

  it("gives a browser left waiting a page when the sign-in stops, and frees the port", async () => {
    const lb = await startLoopbackRedirect();
    const page = fetch(`${lb.redirectUri}?code=abc&state=s1`).then((r) => r.text());
    await lb.callback;
    await lb.close();
    expect(await page).toContain("The sign-in was stopped");
  });
});
