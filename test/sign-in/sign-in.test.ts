import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InterruptedError, SignInDeniedError, SignInExpiredError } from "../../src/errors.js";
import { formatClientRegistration, registrationCacheFileName, tokenCacheFileName } from "../../src/files/token-cache.js";
import { chooseSignInFlow, ensureSignedIn } from "../../src/sign-in/sign-in.js";
import type { SignInSpec } from "../../src/sign-in/cached-sign-in.entry.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { createTestContext, type TestContext } from "../helpers/test-context.js";
import { makeTempHome } from "../helpers/temp-home.js";

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

describe("which sign-in flow runs", () => {
  it.each([
    [{}, true, { flow: "pkce", openBrowser: true }],
    [{}, false, { flow: "device", openBrowser: false }],
    [{ browser: false }, true, { flow: "device", openBrowser: false }],
    [{ flow: "device" as const }, true, { flow: "device", openBrowser: true }],
    [{ flow: "pkce" as const }, false, { flow: "pkce", openBrowser: false }],
    [{ flow: "pkce" as const, browser: false }, true, { flow: "pkce", openBrowser: false }],
  ])("%j with a browser %s → %j", (opts, available, expected) => {
    expect(chooseSignInFlow(opts, { available })).toEqual(expected);
  });
});

describe("signing in, in-process against the emulator, on a fake clock", () => {
  let emu: Emulator;
  const homes: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    emu = await startTestEmulator({ autoApproveMs: -1 });
  });
  afterAll(async () => {
    await emu.close();
    for (const c of homes) await c();
  });

  const spec = (): SignInSpec => ({ ssoSession: "s", startUrl: emu.startUrl, region: "us-east-1", scopes: ["sso:account:access"] });

  async function context(extra: Partial<Parameters<typeof createTestContext>[0]> = {}): Promise<TestContext> {
    const { home, cleanup } = await makeTempHome();
    homes.push(cleanup);
    return createTestContext({ home, endpoints: emu.endpoints, ...extra });
  }

  /** The redirect URI the flow printed (inside the /authorize link). */
  function redirectUriOf(ctx: TestContext): string {
    const link = /open {3}(\S+\/authorize\?\S+)/.exec(ctx.stderrText())?.[1];
    if (!link) throw new Error(`no /authorize link in:\n${ctx.stderrText()}`);
    return new URL(link).searchParams.get("redirect_uri")!;
  }

  /** Waits until the flow has printed its link. */
  async function untilLinkShown(ctx: TestContext): Promise<string> {
    for (let i = 0; i < 500 && !/open {3}\S+\/authorize/.test(ctx.stderrText()); i++) await new Promise((r) => setTimeout(r, 5));
    return /open {3}(\S+)/.exec(ctx.stderrText())![1]!;
  }

  it("PKCE without an answer ends after 10 minutes of (fake) time, with the loopback server closed", async () => {
    const ctx = await context({ browser: { available: true, open: async () => true } });
    await expect(ensureSignedIn(ctx, spec(), {})).rejects.toThrow(SignInExpiredError);
    expect(ctx.stderrText()).toMatch(/within 10 minutes|A browser was opened/);
    expect(ctx.opened).toHaveLength(1);
    await expect(fetch(`${redirectUriOf(ctx)}?code=x&state=y`)).rejects.toThrow();
  });

  it("Ctrl-C while waiting for the browser ends it as interrupted, with the loopback server closed", async () => {
    const ctx = await context({ browser: { available: true, open: async () => true }, sleep: "real" });
    const run = ensureSignedIn(ctx, spec(), {});
    await untilLinkShown(ctx);
    ctx.interrupt();
    await expect(run).rejects.toThrow(InterruptedError);
    await expect(fetch(`${redirectUriOf(ctx)}?code=x&state=y`)).rejects.toThrow();
  });

  it("a pasted address without this sign-in's state, code or error, is refused and the person asked again", async () => {
    const ctx = await context({ sleep: "real" });
    const run = ensureSignedIn(ctx, spec(), { flow: "pkce" });
    await untilLinkShown(ctx);
    const state = new URL(/open {3}(\S+)/.exec(ctx.stderrText())![1]!).searchParams.get("state");
    ctx.type(`${redirectUriOf(ctx)}?code=forged&state=00000000-0000-4000-8000-000000000000`);
    ctx.type(`${redirectUriOf(ctx)}?error=access_denied`);
    ctx.type(`${redirectUriOf(ctx)}?error=access_denied&state=00000000-0000-4000-8000-000000000000`);
    // Still waiting: the person's own answer (here a denial with the right state) is the one taken.
    ctx.type(`${redirectUriOf(ctx)}?error=access_denied&state=${state}`);
    await expect(run).rejects.toThrow(SignInDeniedError);
    expect(ctx.stderrText().match(/That address is the answer to another sign-in/g)).toHaveLength(3);
    await expect(readFile(join(ctx.paths.ssoCacheDir, tokenCacheFileName(spec())))).rejects.toThrow(/ENOENT/);
  });

  it("a pasted denial ends with the denial", async () => {
    const ctx = await context({ sleep: "real" });
    const run = ensureSignedIn(ctx, spec(), { flow: "pkce" });
    await untilLinkShown(ctx);
    const state = new URL(/open {3}(\S+)/.exec(ctx.stderrText())![1]!).searchParams.get("state");
    ctx.type("not an address");
    ctx.type(`${redirectUriOf(ctx)}?error=access_denied&state=${state}`);
    await expect(run).rejects.toThrow(SignInDeniedError);
    expect(ctx.stderrText()).toMatch(/That is not the address the browser ended on/);
  });

  it("--no-browser --use-pkce: the address pasted from a browser elsewhere finishes the sign-in", async () => {
    const ctx = await context({ sleep: "real" });
    const run = ensureSignedIn(ctx, spec(), { flow: "pkce", browser: false });
    const link = await untilLinkShown(ctx);
    // The person's browser, on another machine: it shows the page, the person allows access,
    // and the browser ends on the loopback address (which cannot load there).
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const id = /name="request" value="([^"]+)"/.exec(await page.text())![1]!;
    const decided = await fetch(`${emu.url}/authorize/decision`, {
      method: "POST",
      body: new URLSearchParams({ request: id, decision: "approve" }),
      redirect: "manual",
    });
    const landedOn = decided.headers.get("location")!.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:9");
    ctx.type(landedOn);
    const signedIn = await run;
    expect(signedIn.how).toBe("signed-in");
    const cache = JSON.parse(await readFile(join(ctx.paths.ssoCacheDir, tokenCacheFileName(spec())), "utf8")) as Record<string, unknown>;
    expect(cache).toMatchObject({ startUrl: emu.startUrl, accessToken: signedIn.accessToken, refreshToken: expect.any(String) });
    const registration = JSON.parse(
      await readFile(
        join(
          ctx.paths.ssoCacheDir,
          registrationCacheFileName({ startUrl: emu.startUrl, region: "us-east-1", scopes: ["sso:account:access"], sessionName: "s" }),
        ),
        "utf8",
      ),
    ) as Record<string, unknown>;
    expect(registration).toMatchObject({ scopes: ["sso:account:access"], grantTypes: ["authorization_code", "refresh_token"] });
    expect(ctx.stderrText()).toMatch(/paste it here/);
  });

  it.each(["device", "pkce"] as const)(
    "a cached %s registration the service no longer knows is replaced once, and the sign-in goes on",
    async (flow) => {
      // The person acts over real HTTP while the command waits: real sleeps, ended by their answer.
      const ctx = await context({ debug: true, sleep: "real" });
      const s = spec();
      const file = join(
        ctx.paths.ssoCacheDir,
        registrationCacheFileName({ startUrl: s.startUrl, region: s.region, scopes: s.scopes, sessionName: "s" }),
      );
      await mkdir(ctx.paths.ssoCacheDir, { recursive: true });
      await writeFile(
        file,
        formatClientRegistration({
          clientId: "cid-forgotten",
          clientSecret: "secret-forgotten",
          expiresAt: "2099-01-01T00:00:00Z",
          ...(flow === "pkce" ? { scopes: ["sso:account:access"], grantTypes: ["authorization_code", "refresh_token"] } : {}),
        }),
      );
      const run = ensureSignedIn(ctx, s, { flow, browser: false });
      if (flow === "device") {
        for (let i = 0; i < 500 && !/code {3}\S+/.test(ctx.stderrText()); i++) await new Promise((r) => setTimeout(r, 5));
        await fetch(`${emu.url}/_admin/approve`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      } else {
        const link = await untilLinkShown(ctx);
        const page = await (await fetch(link)).text();
        const id = /name="request" value="([^"]+)"/.exec(page)![1]!;
        const decided = await fetch(`${emu.url}/authorize/decision`, {
          method: "POST",
          body: new URLSearchParams({ request: id, decision: "approve" }),
          redirect: "manual",
        });
        ctx.type(decided.headers.get("location")!);
      }
      await expect(run).resolves.toMatchObject({ how: "signed-in" });
      expect(ctx.stderrText()).toMatch(/registering anew/);
      expect(JSON.parse(await readFile(file, "utf8"))).not.toMatchObject({ clientId: "cid-forgotten" });
    },
  );
});
