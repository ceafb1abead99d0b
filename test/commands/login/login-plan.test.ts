import { describe, expect, it } from "vitest";
import { login } from "../../../src/commands/login/login.js";
import { prepareLogin, type LoginInput } from "../../../src/commands/login/login-plan.entry.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import { seedSignIn, useCaseSetups } from "../../helpers/use-case-setup.js";

// How long an up-to-date login's answer holds (what the login memo keeps it for): until the first
// token or key comes within its 15-minute margin, on the test's fake clock.

const setUpUseCase = useCaseSetups();
const LOGIN: LoginInput = { profile: "p", browser: false, force: false, all: false };
const MARGIN_MS = 15 * 60_000;

describe("prepareLogin: until when an up-to-date answer holds", () => {
  it("until the keys come within their margin, when the token lasts longer", async () => {
    const { ctx, emu } = await setUpUseCase({ config: (u) => sessionProfileConfig({ startUrl: u }) });
    await seedSignIn(ctx, emu, { expiresInMs: 8 * 3600_000 });
    expect((await login(ctx, LOGIN)).upToDate).toBe(false);
    const prepared = await prepareLogin(ctx, LOGIN);
    expect(prepared.upToDate).toBe(true);
    expect(prepared.answerUntil!.getTime()).toBe(prepared.validUntil!.getTime() - MARGIN_MS);
  });

  it("until the token comes within its margin, when it ends before the keys", async () => {
    const { ctx, emu } = await setUpUseCase({ config: (u) => sessionProfileConfig({ startUrl: u }) });
    await seedSignIn(ctx, emu, { expiresInMs: 8 * 3600_000 });
    expect((await login(ctx, LOGIN)).upToDate).toBe(false);
    // The same keys; a token (seeded again) that ends 40 minutes from now, before them.
    await seedSignIn(ctx, emu, { expiresInMs: 40 * 60_000 });
    const prepared = await prepareLogin(ctx, LOGIN);
    expect(prepared.upToDate).toBe(true);
    // The token cache keeps whole seconds.
    expect(Math.abs(prepared.answerUntil!.getTime() - (ctx.now().getTime() + 40 * 60_000 - MARGIN_MS))).toBeLessThan(1000);
    expect(prepared.answerUntil!.getTime()).toBeLessThan(prepared.validUntil!.getTime() - MARGIN_MS);
  });

  it("is not up to date, and gives no end, with --force", async () => {
    const { ctx, emu } = await setUpUseCase({ config: (u) => sessionProfileConfig({ startUrl: u }) });
    await seedSignIn(ctx, emu);
    await login(ctx, LOGIN);
    const prepared = await prepareLogin(ctx, { ...LOGIN, force: true });
    expect(prepared.upToDate).toBe(false);
    expect(prepared.answerUntil).toBeUndefined();
  });
});
