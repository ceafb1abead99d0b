import type { Command } from "commander";
import type { Context } from "../../context.js";
import { describeExitCodes } from "../../errors.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import { formatExpiry } from "../../lib/progress.js";
import type { ConsoleResult } from "./console.js";
import { stringValue, type CommandGrammar } from "../../cli/flag-table.entry.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";

export const CONSOLE_GRAMMAR: CommandGrammar = {
  path: ["console"],
  description: "Open the AWS console in the browser, signed in as the profile's role",
  args: [],
  flags: [
    { flag: "--profile", value: "<name>", key: "profile", description: "the profile (default: AWS_PROFILE, else the only profile with an account and role)" },
    { flag: "--destination", value: "<url|service>", key: "destination", description: "the console page: an https:// URL or a service name (ec2, s3, iam, lambda, …); default: the console home" },
    { flag: "--region", value: "<region>", key: "region", description: "the console's region (default: the profile's region)" },
    { flag: "--print", key: "print", description: "print the sign-in link on stdout instead of opening a browser" },
  ],
  help: `
The role keys come from the cache the AWS CLI v2 shares, else from IAM Identity Center with the
cached sign-in (refreshed silently when it can be); without a valid sign-in it says
"run: sso-cli login --profile P". The keys are traded at the AWS sign-in federation endpoint
(AWS_ENDPOINT_URL_SIGNIN overrides it) for a link that works for 15 minutes and signs in whoever
opens it: treat it as a secret. Where no browser can be opened (SSH, BROWSER=none), or it does
not start, the link is printed on stdout, and stderr says why.

Services: ec2, s3, iam, lambda, cloudformation (cfn), cloudwatch (cw), dynamodb (ddb), ecs, eks,
rds, route53, sns, sqs, ssm, states (sfn), vpc, kms, secretsmanager, … (an unknown one is an error).

Examples:
  sso-cli console --profile dev
  sso-cli console --profile dev --destination ec2 --region eu-west-1
  sso-cli console --profile dev --destination https://console.aws.amazon.com/billing/home
  sso-cli console --profile dev --print | xclip -selection clipboard

${describeExitCodes(["ok", "usage", "interrupted", "badValue", "config", "service", "internal"])}`,
};

export function addConsoleCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, CONSOLE_GRAMMAR, async ({ values }) => {
    const { openConsole } = await import("./console.js");
    const r = await openConsole(ctx, {
      profile: stringValue(values, "profile"),
      destination: stringValue(values, "destination"),
      region: stringValue(values, "region"),
      print: values.print === true,
    });
    writeConsoleReport(ctx, r);
  });
}

/** The link is data (stdout) when asked for or when no browser took it; what happened is talk (stderr). */
export function writeConsoleReport(ctx: Pick<Context, "stdout" | "stderr">, r: ConsoleResult): void {
  const who = escapeControlChars(`profile ${r.profile} (${r.accountId} ${r.roleName}, ${r.region})`);
  if (r.opened) {
    ctx.stderr.write(`Opened the AWS console for ${who} in your browser.\n`);
    return;
  }
  if (r.notOpenedBecause !== undefined) {
    ctx.stderr.write(
      `Could not open a browser (${escapeControlChars(r.notOpenedBecause)}). Open this link for ${who} by ${formatExpiry(r.linkExpiresAt)}; it signs in whoever opens it:\n`,
    );
  }
  ctx.stdout.write(`${r.url}\n`);
}
