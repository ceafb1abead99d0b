import { Command, Option } from "commander";
import type { Context } from "../context.js";
import type { LoginInput } from "../use-cases/login.js";

/** What the command does with its parsed input; tests pass their own to check parsing alone. */
export type RunLogin = (input: LoginInput) => Promise<void>;

export function addLoginCommand(program: Command, ctx: Context, run: RunLogin = defaultRun(ctx)): void {
  program
    .command("login")
    .description("Sign in to IAM Identity Center and write short-lived keys for its profiles into the credentials file")
    .argument("[start-url]", "portal start URL, e.g. https://d-1234567890.awsapps.com/start")
    .argument("[region]", "region of the Identity Center instance (sso_region)")
    .option("--profile <name>", "only this profile (and its sign-in)")
    .option("--sso-session <name>", "this sso-session and all its profiles")
    .option("--all", "every sso-session and start URL in the config file")
    .addOption(new Option("--no-browser", "print the sign-in link instead of opening a browser"))
    .addOption(new Option("--use-device-code", "sign in with a link and code that work on any device (the default without a local browser)").conflicts("usePkce"))
    .option("--use-pkce", "sign in with the authorization code flow; with --no-browser, paste back the address the browser ends on")
    .option("--force", "sign in again and renew keys even if they are still valid")
    .addHelpText(
      "after",
      `
Without arguments, signs in for AWS_PROFILE, else for the only sso-session in the config file.
With a local browser, the sign-in uses the authorization code flow (the browser brings the
answer back); over SSH, without a display, with BROWSER=none or --no-browser, the device flow.
Exit codes: 0 done, 1 some profiles failed (others written), 2 usage, 3 sign-in denied,
130 interrupted, 252 bad value, 253 configuration or sign-in needed, 254 service error,
255 unexpected.`,
    )
    .action(async (startUrl: string | undefined, region: string | undefined, opts: { profile?: string; ssoSession?: string; all?: boolean; browser: boolean; force?: boolean; useDeviceCode?: boolean; usePkce?: boolean }) => {
      const input: LoginInput = { browser: opts.browser, force: opts.force === true, all: opts.all === true };
      if (startUrl !== undefined) input.startUrl = startUrl;
      if (region !== undefined) input.region = region;
      if (opts.profile !== undefined) input.profile = opts.profile;
      if (opts.ssoSession !== undefined) input.ssoSession = opts.ssoSession;
      if (opts.useDeviceCode) input.flow = "device";
      if (opts.usePkce) input.flow = "pkce";
      await run(input);
    });
}

function defaultRun(ctx: Context): RunLogin {
  return async (input) => {
    const { login } = await import("../use-cases/login.js");
    await login(ctx, input);
  };
}
