import { get } from "node:http";
import { describe, expect, it } from "vitest";
import { startOneTimeRedirect } from "../../src/lib/one-time-redirect.js";

/** A GET: its status and Location, or status 0 when nothing listens. */
function visit(url: string, method = "GET"): Promise<{ status: number; location?: string | undefined }> {
  return new Promise((resolve) => {
    get(url, { method }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    }).on("error", () => resolve({ status: 0 }));
  });
}

const SECRET = "https://signin.example/federation?Action=login&SigninToken=secret-token";

describe("a one-time address for a secret URL", () => {
  it("is 127.0.0.1 and 128 random bits, redirects its first request to the URL, and then answers nothing", async () => {
    const r = await startOneTimeRedirect(SECRET);
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
    expect(r.url).not.toContain("secret-token");
    expect(await visit(r.url)).toEqual({ status: 303, location: SECRET });
    expect(await r.followed).toBe(true);
    expect(await visit(r.url)).toEqual({ status: 0 });
    await r.close();
  });

  it("does not spend itself on a wrong path, a near miss or another method", async () => {
    const r = await startOneTimeRedirect(SECRET, { random: (n) => Buffer.alloc(n, 0xab) });
    const base = r.url.replace(/\/[0-9a-f]{32}$/, "");
    try {
      expect(r.url).toBe(`${base}/${"ab".repeat(16)}`);
      for (const path of ["/", "/favicon.ico", `/${"ab".repeat(15)}aa`, `/${"ab".repeat(16)}0`])
        expect((await visit(base + path)).status, path).toBe(404);
      expect((await visit(r.url, "POST")).status).toBe(404);
      expect(await visit(`${r.url}?x=1`)).toEqual({ status: 303, location: SECRET });
    } finally {
      await r.close();
    }
  });

  it("closed unused: followed is false, and nothing listens", async () => {
    const r = await startOneTimeRedirect(SECRET);
    await r.close();
    await r.close();
    expect(await r.followed).toBe(false);
    expect(await visit(r.url)).toEqual({ status: 0 });
  });
});
