import { describeExitCodes } from "../../errors.js";
import type { CommandGrammar } from "../../cli/flag-table.entry.js";
import { KEYS_PROFILE_FLAG } from "../../cli/shared-flags.entry.js";
import { EXPORT_FORMATS } from "../../role-keys/format-credentials.entry.js";

export const PROFILE_FLAG = KEYS_PROFILE_FLAG;

/** How credential-process and export find the keys: the help of both says it. */
export const NO_BROWSER_NOTE = `
Never opens a browser or asks anything (it runs inside other tools): the role keys come from
the cache the AWS CLI v2 shares (~/.aws/cli/cache) while they last more than 15 minutes, else
from IAM Identity Center with the cached sign-in (refreshed silently when it can be); without a
valid sign-in it says "run: sso-cli login --profile P" and exits 253. A role chain (role_arn and
source_profile) gets the role's keys by AssumeRole on the source profile's keys, cached in the
same folder as the AWS CLI v2 caches them; a refused AssumeRole is one line and exit 254.`;

export const EXPORT_GRAMMAR: CommandGrammar = {
  path: ["export"],
  description: "Print the profile's role keys for a shell or a tool (as aws configure export-credentials)",
  args: [],
  flags: [
    KEYS_PROFILE_FLAG,
    { flag: "--format", value: "<format>", key: "format", description: `${EXPORT_FORMATS.join(", ")} (default: process)` },
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `${NO_BROWSER_NOTE}

Formats: process (credential_process JSON), env (export lines), env-no-export, powershell,
windows-cmd, fish: the AWS CLI's bytes; dotenv (a .env file, with AWS_REGION); json (one line,
with region, profile, account and role).

Examples:
  eval "$(sso-cli export --profile dev --format env)"
  sso-cli export --profile dev --format dotenv > .env
  sso-cli export --profile dev --format powershell | Invoke-Expression

${describeExitCodes(["ok", "usage", "badValue", "config", "service", "internal"])}`;
  },
};
