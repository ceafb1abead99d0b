import { describe, expect, it } from "vitest";
import { AccessDeniedError, BadValueError, LoginRequiredError, ServiceError } from "../../../src/errors.js";
import { openConsole } from "../../../src/commands/console/console.js";
import { calls, seedSignIn, useCaseSetups } from "../../helpers/use-case-setup.js";

const setUp = useCaseSetups();

describe("sso-cli console", () => {
  it("trades the role keys for a sign-in link the emulator's console accepts, naming role, account and destination", async () => {
    const { ctx, emu } = await setUp({ context: { browser: { available: true, open: async () => true } } });
    await seedSignIn(ctx, emu);
    const r = await openConsole(ctx, { profile: "p", destination: "ec2", print: false });
    expect(r).toMatchObject({
      opened: true,
      profile: "p",
      accountId: "100000000001",
      roleName: "AdministratorAccess",
      region: "eu-west-1",
    });
    expect(r.destination).toBe("https://eu-west-1.console.aws.amazon.com/ec2/v2/home?region=eu-west-1");
    expect(ctx.opened).toEqual([r.url]);
    const link = new URL(r.url);
    expect(`${link.origin}${link.pathname}`).toBe(`${emu.url}/federation`);
    expect(link.searchParams.get("Action")).toBe("login");
    expect(link.searchParams.get("Issuer")).toBe(emu.startUrl);
    const page = await fetch(r.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="role">AdministratorAccess<');
    expect(html).toContain('data-testid="account">100000000001<');
    expect(html).toContain("ec2/v2/home?region=eu-west-1");
    expect(calls(emu, "GetSigninToken")).toBe(1);
  });

  it("--portal: the access portal's shortcut link, opened with no keys fetched and no sign-in needed (#18, beyond)", async () => {
    const { ctx, emu } = await setUp({ context: { browser: { available: true, open: async () => true } } });
    const r = await openConsole(ctx, { profile: "p", destination: "ec2", print: false, portal: true });
    expect(r).toMatchObject({ opened: true, portal: true, profile: "p", accountId: "100000000001", roleName: "AdministratorAccess" });
    expect(r.url).toBe(
      `${emu.startUrl}/#/console?account_id=100000000001&role_name=AdministratorAccess&destination=${encodeURIComponent("https://eu-west-1.console.aws.amazon.com/ec2/v2/home?region=eu-west-1")}`,
    );
    expect(ctx.opened).toEqual([r.url]);
    expect(calls(emu, "GetRoleCredentials") + calls(emu, "GetSigninToken")).toBe(0);
    const { main } = await import("../../../src/cli/main.js");
    const printed = await setUp();
    expect(await main(["console", "--profile", "p", "--portal", "--print"], printed.ctx)).toBe(0);
    expect(printed.ctx.stdoutText()).toBe(
      `${printed.emu.startUrl}/#/console?account_id=100000000001&role_name=AdministratorAccess&destination=${encodeURIComponent("https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1")}\n`,
    );
  });

  it("--print, or no browser here: the link is handed back, never opened; keys come from the shared role cache the second time", async () => {
    const { ctx, emu } = await setUp({ context: { browser: { available: false } } });
    await seedSignIn(ctx, emu);
    const printed = await openConsole(ctx, { profile: "p", print: true });
    expect(printed.opened).toBe(false);
    expect(printed.notOpenedBecause).toBeUndefined();
    const headless = await openConsole(ctx, { profile: "p", region: "us-east-1", print: false });
    expect(headless).toMatchObject({ opened: false, notOpenedBecause: "tests run without a display" });
    expect(headless.destination).toBe("https://console.aws.amazon.com/console/home?region=us-east-1");
    expect(ctx.opened).toEqual([]);
    expect(calls(emu, "GetRoleCredentials")).toBe(1);
  });

  it("a browser that will not start: not opened, and says why", async () => {
    const { ctx, emu } = await setUp({
      context: {
        browser: {
          available: true,
          open: async () => ({
            opened: false,
            failure: "xdg-open exited with status 4",
            followed: Promise.resolve(false),
            close: async () => {},
          }),
        },
      },
    });
    await seedSignIn(ctx, emu);
    expect(await openConsole(ctx, { profile: "p", print: false })).toMatchObject({
      opened: false,
      notOpenedBecause: "xdg-open exited with status 4",
    });
  });

  it("a browser that started but never came for the link: not opened after a minute, and the link is handed back", async () => {
    let closed = false;
    const { ctx, emu } = await setUp({
      context: {
        browser: {
          available: true,
          open: async () => ({ opened: true, followed: new Promise<boolean>(() => {}), close: async () => void (closed = true) }),
        },
      },
    });
    await seedSignIn(ctx, emu);
    const r = await openConsole(ctx, { profile: "p", print: false });
    expect(r).toMatchObject({ opened: false, notOpenedBecause: "the browser did not come for the link within 60 seconds" });
    expect(r.url).toMatch(/SigninToken=/);
    expect(closed).toBe(true);
  });

  it("--debug shows the link with its SigninToken redacted", async () => {
    const { ctx, emu } = await setUp({ context: { debug: true } });
    await seedSignIn(ctx, emu);
    const r = await openConsole(ctx, { profile: "p", print: true });
    const token = new URL(r.url).searchParams.get("SigninToken")!;
    expect(ctx.stderrText()).toMatch(/\[debug\] console: login link .*SigninToken=<redacted>/);
    expect(ctx.stderrText()).not.toContain(token);
  });

  it("an unknown or empty destination, or a bad region: BadValueError before any network call", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu);
    await expect(openConsole(ctx, { profile: "p", destination: "ec3", print: true })).rejects.toThrow(/Unknown console service "ec3"/);
    await expect(openConsole(ctx, { profile: "p", destination: " ", print: true })).rejects.toThrow(BadValueError);
    await expect(openConsole(ctx, { profile: "p", destination: "http://example.com/", print: true })).rejects.toThrow(BadValueError);
    await expect(openConsole(ctx, { profile: "p", region: "mars-1", print: true })).rejects.toThrow(BadValueError);
    await expect(openConsole(ctx, { profile: "p", region: "us-iso-east-1", print: true })).rejects.toThrow(/no public AWS console/);
    expect(calls(emu, "GetRoleCredentials") + calls(emu, "GetSigninToken")).toBe(0);
  });

  it("no sign-in: LoginRequiredError; 403 No access: AccessDeniedError; a refusal at the federation endpoint: ServiceError", async () => {
    const a = await setUp();
    await expect(openConsole(a.ctx, { profile: "p", print: true })).rejects.toThrow(LoginRequiredError);
    const b = await setUp({ knobs: { forbid: ["100000000001:AdministratorAccess"] } });
    await seedSignIn(b.ctx, b.emu);
    await expect(openConsole(b.ctx, { profile: "p", print: true })).rejects.toThrow(AccessDeniedError);
    const c = await setUp();
    await seedSignIn(c.ctx, c.emu);
    c.emu.faults.inject({ operation: "GetSigninToken", status: 400, error: "InvalidCredentials", count: 1 });
    await expect(openConsole(c.ctx, { profile: "p", print: true })).rejects.toSatisfy(
      (e: unknown) => e instanceof ServiceError && /refused the role keys \(HTTP 400\)/.test(e.message),
    );
  });

  it("keys the emulator no longer knows are refused at the federation endpoint", async () => {
    const { ctx, emu } = await setUp();
    await seedSignIn(ctx, emu);
    await openConsole(ctx, { profile: "p", print: true });
    emu.state.roleCredentials.clear();
    await expect(openConsole(ctx, { profile: "p", print: true })).rejects.toThrow(/refused the role keys \(HTTP 400\)/);
  });
});
