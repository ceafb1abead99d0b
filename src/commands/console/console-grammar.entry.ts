import { describeExitCodes } from "../../errors.js";
import { stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { KEYS_PROFILE_FLAG, REGION_FLAG, flag } from "../../cli/shared-flags.entry.js";
import type { ConsoleInput } from "./console.js";

export const CONSOLE_GRAMMAR: CommandGrammar = {
  path: ["console"],
  description: "Open the AWS console in the browser, signed in as the profile's role",
  args: [],
  flags: [
    KEYS_PROFILE_FLAG,
    {
      flag: "--destination",
      value: "<url|service>",
      key: "destination",
      description: "the console page: an https:// URL or a service name (ec2, s3, iam, lambda, …); default: the console home",
    },
    flag(REGION_FLAG, "the console's region (default: the profile's region)"),
    { flag: "--print", key: "print", description: "print the sign-in link on stdout instead of opening a browser" },
    {
      flag: "--portal",
      key: "portal",
      description: "through the access portal's shortcut link: no keys leave this machine; your browser's portal session signs in",
    },
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
The role keys come from the cache the AWS CLI v2 shares, else from IAM Identity Center with the
cached sign-in (refreshed silently when it can be); without a valid sign-in it says
"run: sso-cli login --profile P". The keys are traded at the AWS sign-in federation endpoint
(AWS_ENDPOINT_URL_SIGNIN overrides it) for a link that works for 15 minutes and signs in whoever
opens it: treat it as a secret. Where no browser can be opened (SSH, BROWSER=none), or it does
not start, the link is printed on stdout, and stderr says why.

With --portal, the link is the access portal's own (START_URL/#/console?account_id=…&role_name=…):
no keys are fetched and the link holds no secret; the browser's portal session (signed in there
as you usually are) opens the console, so the console's multi-session mode works with it.

Services: ec2, s3, iam, lambda, cloudformation (cfn), cloudwatch (cw), dynamodb (ddb), ecs, eks,
rds, route53, sns, sqs, ssm, states (sfn), vpc, kms, secretsmanager, … (an unknown one is an error).

Examples:
  sso-cli console --profile dev
  sso-cli console --profile dev --destination ec2 --region eu-west-1
  sso-cli console --profile dev --destination https://console.aws.amazon.com/billing/home
  sso-cli console --profile dev --print | xclip -selection clipboard
  sso-cli console --profile dev --portal        # the access portal's link: no keys sent

${describeExitCodes(["ok", "usage", "interrupted", "badValue", "config", "service", "internal"])}`;
  },
};

/** What the command line asks for, as the use case takes it. */
export function toConsoleInput({ values }: ParsedArgs): ConsoleInput {
  return {
    profile: stringValue(values, "profile"),
    destination: stringValue(values, "destination"),
    region: stringValue(values, "region"),
    print: values.print === true,
    portal: values.portal === true,
  };
}
