import type { Command } from "commander";
import type { Context } from "../context.js";
import { describeExitCodes } from "../errors.js";
import { escapeControlChars } from "../lib/control-chars.js";
import type { ConfigureProfileResult, Prompter } from "../use-cases/configure-profile.js";
import { stringValue, type CommandGrammar } from "./flag-table.js";
import { SIGN_IN_FLAGS, signInChoice } from "./sign-in-flags.js";
import { addGrammarCommand } from "./program-grammar.js";

export const CONFIGURE_PROFILE_GRAMMAR: CommandGrammar = {
  path: ["configure", "profile"],
  description: "Create or update [profile NAME] (sso-session form by default); on a terminal, asks for what the flags leave open",
  args: [{ name: "name", description: "profile name", required: true }],
  flags: [
    { flag: "--sso-start-url", value: "<url>", key: "ssoStartUrl", description: "AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start" },
    { flag: "--sso-region", value: "<region>", key: "ssoRegion", description: "region of the Identity Center instance" },
    { flag: "--sso-session", value: "<name>", key: "ssoSession", description: "name of the [sso-session] section to use or create" },
    { flag: "--account-id", value: "<id>", key: "accountId", description: "12-digit AWS account id" },
    { flag: "--role-name", value: "<name>", key: "roleName", description: "permission set (role) name" },
    { flag: "--region", value: "<region>", key: "region", description: "default region for AWS clients using this profile" },
    { flag: "--output", value: "<format>", key: "output", description: "AWS CLI output format (json, yaml, yaml-stream, text, table)" },
    { flag: "--legacy", key: "legacy", description: "write sso_start_url/sso_region into the profile itself (no sso-session; no silent refresh)" },
    { flag: "--force", key: "force", description: "change a conflicting sso-session or switch the profile's form" },
    { flag: "--credential-process", key: "credentialProcess", description: "also write credential_process (this sso-cli) for tools that know no SSO" },
    ...SIGN_IN_FLAGS,
  ],
  help: `
On a terminal, asks (as \`aws configure sso\` does) for what the flags leave open, with the
profile's current values as defaults: the sso-session (existing ones first), then after a sign-in
the account and role, the default region and the output format. In a script it never asks: give
--sso-start-url and --sso-region for a new profile, and --account-id and --role-name unless a
cached sign-in can list them.

Examples:
  sso-cli configure profile dev                      # on a terminal: asks for the rest
  sso-cli configure profile dev --sso-start-url https://d-1234567890.awsapps.com/start \\
      --sso-region eu-north-1 --account-id 111122223333 --role-name ReadOnlyAccess
  sso-cli configure profile old --legacy --sso-start-url URL --sso-region us-east-1
  sso-cli configure profile dev --credential-process   # for tools without SSO support

${describeExitCodes(["ok", "usage", "denied", "interrupted", "badValue", "config", "service", "internal"])}`,
};

export function addConfigureCommand(program: Command, ctx: Context): void {
  const configure = program.command("configure").description("Write AWS config profiles for IAM Identity Center");
  addGrammarCommand(configure, CONFIGURE_PROFILE_GRAMMAR, async ({ positionals, values }) => {
    const { configureProfile } = await import("../use-cases/configure-profile.js");
    const prompter = ctx.tty.stdin && ctx.tty.stderr ? await createPrompter(ctx) : undefined;
    const r = await configureProfile(
      ctx,
      {
        profile: positionals[0]!,
        startUrl: stringValue(values, "ssoStartUrl"),
        region: stringValue(values, "ssoRegion"),
        ssoSession: stringValue(values, "ssoSession"),
        accountId: stringValue(values, "accountId"),
        roleName: stringValue(values, "roleName"),
        clientRegion: stringValue(values, "region"),
        output: stringValue(values, "output"),
        legacy: values.legacy === true,
        force: values.force === true,
        ...signInChoice(values),
        credentialProcess: values.credentialProcess === true,
      },
      prompter,
    );
    ctx.stderr.write(formatConfigureReport(r));
  });
}

/** What configure wrote (or that nothing changed), and what to run next. Names are shown escaped. */
export function formatConfigureReport(r: ConfigureProfileResult): string {
  const what = r.form === "legacy" ? r.startUrl : `sso-session ${r.ssoSession}`;
  return (
    escapeControlChars(`${r.changed ? "Wrote" : "Unchanged:"} profile ${r.profile} in ${r.file}: ${what}, account ${r.accountId}, role ${r.roleName}.`) +
    "\n" +
    escapeControlChars(`Next: sso-cli login --profile ${r.profile}   then: aws sts get-caller-identity --profile ${r.profile}`) +
    "\n"
  );
}

/** Prompts on stderr (stdout stays for data), searchable when the list is long. */
async function createPrompter(ctx: Context): Promise<Prompter> {
  const { input, select, search } = await import("./prompts.js");
  const io = { input: ctx.stdin, output: ctx.stderr, signal: ctx.signal };
  return {
    input: (message, opts) => input({ message, ...(opts.default !== undefined ? { default: opts.default } : {}), validate: opts.validate }, io),
    select: (message, choices, opts = {}) => {
      if (choices.length <= 10) return select({ message, choices, pageSize: 12, ...(opts.default !== undefined ? { default: opts.default } : {}) }, io);
      // The search prompt has no default: the current choice comes first instead.
      const ordered = opts.default === undefined ? choices : [...choices.filter((c) => c.value === opts.default), ...choices.filter((c) => c.value !== opts.default)];
      return search(
        {
          message: `${message} (type to search)`,
          source: (term) => {
            const t = (term ?? "").toLowerCase();
            return ordered.filter((c) => !t || c.name.toLowerCase().includes(t) || (c.description ?? "").toLowerCase().includes(t));
          },
          pageSize: 12,
        },
        io,
      );
    },
  };
}
