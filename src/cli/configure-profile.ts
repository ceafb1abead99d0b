import { Command, Option } from "commander";
import type { Context } from "../context.js";
import type { Prompter } from "../use-cases/configure-profile.js";

export function addConfigureCommand(program: Command, ctx: Context): void {
  const configure = program.command("configure").description("Write AWS config profiles for IAM Identity Center");
  configure
    .command("profile")
    .description("Create or update [profile NAME] (sso-session form by default); asks for what is missing on a terminal")
    .argument("<name>", "profile name")
    .option("--sso-start-url <url>", "AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start")
    .option("--sso-region <region>", "region of the Identity Center instance")
    .option("--sso-session <name>", "name of the [sso-session] section to use or create")
    .option("--account-id <id>", "12-digit AWS account id")
    .option("--role-name <name>", "permission set (role) name")
    .option("--region <region>", "default region for AWS clients using this profile")
    .option("--output <format>", "AWS CLI output format (json, yaml, text, table)")
    .option("--legacy", "write sso_start_url/sso_region into the profile itself (no sso-session; no silent refresh)")
    .option("--force", "change a conflicting sso-session or switch the profile's form")
    .addOption(new Option("--no-browser", "print the sign-in link instead of opening a browser"))
    .addOption(new Option("--use-device-code", "sign in with a link and code that work on any device").conflicts("usePkce"))
    .option("--use-pkce", "sign in with the authorization code flow; with --no-browser, paste back the address the browser ends on")
    .action(async (name: string, opts: Record<string, string | boolean | undefined>) => {
      const { configureProfile } = await import("../use-cases/configure-profile.js");
      const prompter = ctx.tty.stdin && ctx.tty.stderr ? await createPrompter(ctx) : undefined;
      await configureProfile(
        ctx,
        {
          profile: name,
          startUrl: opts.ssoStartUrl as string | undefined,
          region: opts.ssoRegion as string | undefined,
          ssoSession: opts.ssoSession as string | undefined,
          accountId: opts.accountId as string | undefined,
          roleName: opts.roleName as string | undefined,
          clientRegion: opts.region as string | undefined,
          output: opts.output as string | undefined,
          legacy: opts.legacy === true,
          force: opts.force === true,
          browser: opts.browser !== false,
          flow: opts.useDeviceCode === true ? "device" : opts.usePkce === true ? "pkce" : undefined,
        },
        prompter,
      );
    });
}

/** Prompts on stderr (stdout stays for data), searchable when the list is long. */
async function createPrompter(ctx: Context): Promise<Prompter> {
  const { input, select, search } = await import("@inquirer/prompts");
  const io = { input: ctx.stdin, output: ctx.stderr, signal: ctx.signal };
  return {
    input: (message, opts) => input({ message, ...(opts.default !== undefined ? { default: opts.default } : {}), validate: opts.validate }, io),
    select: (message, choices) =>
      choices.length > 10
        ? search(
            {
              message: `${message} (type to search)`,
              source: (term) => {
                const t = (term ?? "").toLowerCase();
                return choices.filter((c) => !t || c.name.toLowerCase().includes(t) || (c.description ?? "").toLowerCase().includes(t));
              },
              pageSize: 12,
            },
            io,
          )
        : select({ message, choices, pageSize: 12 }, io),
  };
}
