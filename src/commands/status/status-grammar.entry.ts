import { describeExitCodes } from "../../errors.js";
import { stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { JSON_FLAG, PROFILE_FLAG, SSO_SESSION_FLAG, flag } from "../../cli/shared-flags.entry.js";
import type { StatusInput } from "./status.js";

export const STATUS_GRAMMAR: CommandGrammar = {
  path: ["status"],
  description: "Show each sign-in and profile: token and key expiry, and what is needed next",
  args: [],
  flags: [
    flag(PROFILE_FLAG, "only this profile and its sign-in", { conflicts: ["ssoSession"] }),
    flag(SSO_SESSION_FLAG, "only this sso-session and its profiles", { conflicts: ["profile"] }),
    flag(JSON_FLAG, "print JSON (for scripts)"),
    { flag: "--check", key: "check", description: "also ask IAM Identity Center whether it still takes each token, and report clock skew" },
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
Without a selector: AWS_PROFILE, else every sign-in and profile in the config file. Files only,
no network, unless --check. "next" is nothing, refresh (sso-cli login renews the token or the keys
without a browser) or login (a sign-in in the browser). Exit 0 when everything shown stays valid
for more than 15 minutes, 4 otherwise. A table on a terminal, plain lines otherwise.

Examples:
  sso-cli status
  sso-cli status --profile dev || sso-cli login --profile dev
  sso-cli status --json | jq '.profiles[] | select(.next != "nothing") | .profile'
  sso-cli status --check          # is the sign-in still accepted? is this clock right?

${describeExitCodes(["ok", "usage", "notValid", "config", "service", "internal"])}`;
  },
};

/** What the command line asks for, as the use case takes it. */
export function toStatusInput({ values }: ParsedArgs): StatusInput {
  return { profile: stringValue(values, "profile"), ssoSession: stringValue(values, "ssoSession"), check: values.check === true };
}
