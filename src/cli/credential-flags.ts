import { describeExitCodes } from "../errors.js";
import type { CommandGrammar } from "./flag-table.js";
import { EXPORT_FORMATS } from "./format-credentials.js";

// The grammars of the two commands other tools run before their AWS calls. Data only: the entry's
// hot path reads them without loading commander.

const PROFILE_FLAG = { flag: "--profile", value: "<name>", key: "profile", description: "the profile (default: AWS_PROFILE, else the only profile with an account and role)" };

const NO_BROWSER_NOTE = `
Never opens a browser or asks anything (it runs inside other tools): the role keys come from
the cache the AWS CLI v2 shares (~/.aws/cli/cache) while they last more than 15 minutes, else
from IAM Identity Center with the cached sign-in (refreshed silently when it can be); without a
valid sign-in it says "run: sso-cli login --profile P" and exits 253.`;

export const CREDENTIAL_PROCESS_GRAMMAR: CommandGrammar = {
  path: ["credential-process"],
  description: "Print the profile's role keys as credential_process JSON (for tools that know no SSO)",
  args: [],
  flags: [PROFILE_FLAG],
  help: `${NO_BROWSER_NOTE}

In ~/.aws/config (sso-cli configure profile NAME --credential-process writes it):
  credential_process = "/path/to/node" "/path/to/sso-cli" credential-process --profile NAME

Examples:
  sso-cli credential-process --profile dev

${describeExitCodes(["ok", "usage", "config", "service", "internal"])}`,
};

export const EXPORT_GRAMMAR: CommandGrammar = {
  path: ["export"],
  description: "Print the profile's role keys for a shell or a tool (as aws configure export-credentials)",
  args: [],
  flags: [PROFILE_FLAG, { flag: "--format", value: "<format>", key: "format", description: `${EXPORT_FORMATS.join(", ")} (default: process)` }],
  help: `${NO_BROWSER_NOTE}

Formats: process (credential_process JSON), env (export lines), env-no-export, powershell,
windows-cmd, fish: the AWS CLI's bytes; dotenv (a .env file, with AWS_REGION); json (one line,
with region, profile, account and role).

Examples:
  eval "$(sso-cli export --profile dev --format env)"
  sso-cli export --profile dev --format dotenv > .env
  sso-cli export --profile dev --format powershell | Invoke-Expression

${describeExitCodes(["ok", "usage", "badValue", "config", "service", "internal"])}`,
};
