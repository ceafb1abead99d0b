import { describeExitCodes } from "../../errors.js";
import { stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { ALL_FLAG, PROFILE_FLAG, SSO_SESSION_FLAG, flag } from "../../cli/shared-flags.entry.js";
import type { LogoutInput } from "./logout.js";

export const LOGOUT_GRAMMAR: CommandGrammar = {
  path: ["logout"],
  description: "Sign out: end the session at IAM Identity Center, delete its cached token and remove the keys sso-cli wrote",
  args: [],
  flags: [
    flag(PROFILE_FLAG, "the sign-in of this profile"),
    flag(SSO_SESSION_FLAG, "this sso-session"),
    flag(ALL_FLAG, "every cached sign-in, like `aws sso logout`"),
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
Without a selector: AWS_PROFILE's sign-in, else every cached sign-in (as \`aws sso logout\`).
Keys you wrote by hand are never removed. Works offline (the server is told when it can be).

Examples:
  sso-cli logout --profile dev
  sso-cli logout --all

${describeExitCodes(["ok", "usage", "interrupted", "config", "internal"])}`;
  },
};

/** What the command line asks for, as the use case takes it. */
export function toLogoutInput({ values }: ParsedArgs): LogoutInput {
  return { profile: stringValue(values, "profile"), ssoSession: stringValue(values, "ssoSession"), all: values.all === true };
}
