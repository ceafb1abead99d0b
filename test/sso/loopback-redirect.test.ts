import { get } from "node:http";
import { describe, expect, it } from "vitest";
import { startLoopbackRedirect } from "../../src/sso/loopback-redirect.js";

/**
 * A GET as a browser's navigation sends it (Node's fetch always says `sec-fetch-mode: cors`, which
 * the server rightly refuses), or with another mode, or none. Rejects when nothing listens.
 */
function browse(url: string, mode: string | undefined = "navigate"): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: mode === undefined ? {} : { "sec-fetch-mode": mode } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    }).on("error", reject);
  });
}

describe("the loopback redirect server of one sign-in", () => {
  it("listens on 127.0.0.1 only, takes the first answer, and shows the page the sign-in's outcome decides", async () => {
    const lb = await startLoopbackRedirect({ state: "s1" });
    expect(lb.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    const page = browse(`${lb.redirectUri}?code=abc&state=s1`);
    const cb = await lb.callback;
    expect(cb.params).toEqual({ code: "abc", state: "s1" });
    cb.respond({ ok: true });
    expect(await page).toMatchObject({ status: 200, text: expect.stringContaining("You are signed in") });
    await lb.close();
    await expect(browse(lb.redirectUri)).rejects.toThrow();
  });

  it("answers other paths, empty callbacks and a second answer without taking them", async () => {
    const lb = await startLoopbackRedirect({ state: "s1" });
    try {
      const base = lb.redirectUri.replace("/oauth/callback", "");
      expect((await browse(`${base}/favicon.ico`)).status).toBe(404);
      expect((await browse(lb.redirectUri)).status).toBe(400);
      expect((await browse(`${lb.redirectUri}?code=x`)).status).toBe(400);
      expect((await browse(`${lb.redirectUri}?state=s1`)).status).toBe(400);
      const first = browse(`${lb.redirectUri}?error=access_denied&state=s1`).then((r) => r.text);
      const cb = await lb.callback;
      expect(cb.params).toEqual({ error: "access_denied", state: "s1", description: undefined });
      expect((await browse(`${lb.redirectUri}?code=late&state=s1`)).status).toBe(409);
      cb.respond({ ok: false, message: "Deny was chosen." });
      expect(await first).toContain("Deny was chosen.");
    } finally {
      await lb.close();
    }
  });

  it("gives a browser left waiting a page when the sign-in stops, and frees the port", async () => {
    const lb = await startLoopbackRedirect({ state: "s1" });
    const page = browse(`${lb.redirectUri}?code=abc&state=s1`).then((r) => r.text);
    await lb.callback;
    await lb.close();
    expect(await page).toContain("The sign-in was stopped");
  });

  it("refuses an answer without this sign-in's state, code or error alike, and keeps waiting for the real one", async () => {
    const lb = await startLoopbackRedirect({ state: "s1" });
    try {
      let taken = false;
      void lb.callback.then(() => (taken = true));
      for (const query of [
        "error=access_denied",
        "error=access_denied&state=s2",
        "code=forged&state=s2",
        "code=forged",
        "code=forged&state=s1-longer",
        "error=access_denied&state=",
      ]) {
        const r = await browse(`${lb.redirectUri}?${query}`);
        expect(r.status, query).toBe(400);
        expect(r.text).toContain("Not this sign-in");
      }
      expect(taken).toBe(false);
      const page = browse(`${lb.redirectUri}?code=real&state=s1`).then((r) => r.text);
      const cb = await lb.callback;
      expect(cb.params).toEqual({ code: "real", state: "s1" });
      cb.respond({ ok: true });
      expect(await page).toContain("You are signed in");
    } finally {
      await lb.close();
    }
  });

  it("refuses what the browser marks as not a navigation (a page's fetch, an image), even with the right state", async () => {
    const lb = await startLoopbackRedirect({ state: "s1" });
    try {
      let taken = false;
      void lb.callback.then(() => (taken = true));
      for (const mode of ["no-cors", "cors", "same-origin", "websocket"]) {
        const r = await browse(`${lb.redirectUri}?error=access_denied&state=s1`, mode);
        expect(r.status, mode).toBe(400);
      }
      expect(taken).toBe(false);
      // curl and other tools send no Sec-Fetch-Mode at all: that is not refused.
      const page = browse(`${lb.redirectUri}?code=real&state=s1`, undefined).then((r) => r.text);
      (await lb.callback).respond({ ok: true });
      expect(await page).toContain("You are signed in");
    } finally {
      await lb.close();
    }
  });
});
