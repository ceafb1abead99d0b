import type { Command } from "commander";
import type { Context } from "../../context.js";
import { describeExitCodes, UsageError } from "../../errors.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import { promptChoice } from "../../lib/choice-prompt.js";
import type { ConfigureProfileResult, Prompter } from "./configure-profile.js";
import type { RoleChainResult } from "./configure-role-chain.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { CONFIGURE_PROFILE_GRAMMAR, toConfigureProfileInput } from "./configure-profile-grammar.entry.js";

export function addConfigureCommand(program: Command, ctx: Context): void {
  const configure = program.command("configure").description("Write AWS config profiles for IAM Identity Center");
  configure.addHelpText("after", CONFIGURE_HELP);
  // Short terms leave room for the descriptions to wrap within 80 columns.
  configure.configureHelp({ subcommandTerm: (c) => (c.name() === "help" ? "help [command]" : c.name()) });
  // The AWS CLI's `aws configure sso` and `aws configure sso-session`: say what sso-cli has instead.
  for (const name of ["sso", "sso-session"]) {
    configure
      .command(name, { hidden: true })
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new UsageError(
          `sso-cli has no \`configure ${name}\` (that is the AWS CLI's).`,
          "Run: sso-cli configure profile NAME (it asks for what it needs), or sso-cli configure populate START_URL REGION (a profile for every account and role).",
        );
      });
  }
  addGrammarCommand(configure, CONFIGURE_PROFILE_GRAMMAR, async (parsed) => {
    const input = toConfigureProfileInput(parsed);
    const prompter = ctx.tty.stdin && ctx.tty.stderr ? await createPrompter(ctx) : undefined;
    const chains = await import("./configure-role-chain.js");
    if (chains.wantsRoleChain(input)) {
      ctx.stderr.write(formatRoleChainReport(await chains.configureRoleChain(ctx, input, prompter)));
      return;
    }
    const { configureProfile } = await import("./configure-profile.js");
    // Whether anything was asked: a command line that said everything stays a one-shot (scripts,
    // the README's `&&` recipes), even on a terminal.
    let asked = false;
    const noting: Prompter | undefined = prompter && {
      input: (message, opts) => ((asked = true), prompter.input(message, opts)),
      select: (message, choices, opts) => ((asked = true), prompter.select(message, choices, opts)),
    };
    const r = await configureProfile(ctx, input, noting);
    ctx.stderr.write(formatConfigureReport(r));
    // On a terminal, after a configure that asked: a role chain on the profile just written, if the person wants one.
    if (prompter && asked) {
      const chain = await chains.offerRoleChain(ctx, r.profile, prompter);
      if (chain) ctx.stderr.write(formatRoleChainReport(chain));
    }
  });
}

/** What configure wrote (or that nothing changed), and what to run next. Names are shown escaped. */
export function formatConfigureReport(r: ConfigureProfileResult): string {
  const what = r.form === "legacy" ? r.startUrl : `sso-session ${r.ssoSession}`;
  return (
    escapeControlChars(
      `${r.changed ? "Wrote" : "Unchanged:"} profile ${r.profile} in ${r.file}: ${what}, account ${r.accountId}, role ${r.roleName}.`,
    ) +
    "\n" +
    escapeControlChars(`Next: sso-cli login --profile ${r.profile}   then: aws sts get-caller-identity --profile ${r.profile}`) +
    "\n"
  );
}

/** What configure wrote for a role chain: the chain as every AWS tool will resolve it. */
export function formatRoleChainReport(r: RoleChainResult): string {
  const hops = r.chain.hops.map((h) => h.roleArn).join(" → ");
  return (
    escapeControlChars(
      `${r.changed ? "Wrote" : "Unchanged:"} profile ${r.profile} in ${r.file}: assumes ${hops} on the keys of profile ${r.chain.base.profile}.`,
    ) +
    "\n" +
    escapeControlChars(`Next: sso-cli login --profile ${r.profile}   then: aws sts get-caller-identity --profile ${r.profile}`) +
    "\n"
  );
}

/** Prompts on stderr (stdout stays for data), searchable when the list is long. */
async function createPrompter(ctx: Context): Promise<Prompter> {
  const { input } = await import("../../lib/prompts.js");
  const io = { input: ctx.stdin, output: ctx.stderr, signal: ctx.signal };
  return {
    input: (message, opts) =>
      input({ message, ...(opts.default !== undefined ? { default: opts.default } : {}), validate: opts.validate }, io),
    select: (message, choices, opts = {}) => promptChoice(io, message, choices, opts),
  };
}

const CONFIGURE_HELP = `
Examples:
  sso-cli configure profile dev   # asks for start URL, region, account and role
  sso-cli configure profile dev --sso-start-url d-1234567890 \\
      --sso-region eu-north-1 --account-id 111122223333 \\
      --role-name ReadOnlyAccess --region eu-north-1 --output json
  sso-cli configure populate d-1234567890 eu-north-1

${describeExitCodes(["ok", "partial", "usage", "denied", "interrupted", "badValue", "config", "service", "internal"])}`;
