import { describeExitCodes } from "../../errors.js";
import { stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { ACCOUNT_FLAG, JSON_FLAG, NO_BROWSER_FLAG, PROFILE_FLAG, ROLE_FLAG, SSO_SESSION_FLAG, flag } from "../../cli/shared-flags.entry.js";
import type { RolesInput } from "./roles.js";
import { expandStartUrlOf } from "../../lib/start-url.js";

export const ROLES_GRAMMAR: CommandGrammar = {
  path: ["roles"],
  description: "List every account and role the sign-in can use, and the local profiles that point at each",
  args: [
    { name: "start-url", description: "portal start URL, e.g. https://d-1234567890.awsapps.com/start" },
    { name: "region", description: "region of the Identity Center instance (sso_region)" },
  ],
  flags: [
    flag(PROFILE_FLAG, "the sign-in of this profile"),
    flag(SSO_SESSION_FLAG, "this sso-session"),
    flag(ACCOUNT_FLAG, "only this account (12-digit id, or name)"),
    flag(ROLE_FLAG, "only roles of this name"),
    flag(JSON_FLAG, "print JSON (for scripts)", { conflicts: ["csv"] }),
    { flag: "--csv", key: "csv", conflicts: ["json"], description: "print CSV with a header line" },
    flag(NO_BROWSER_FLAG, "if a sign-in is needed, print its link instead of opening a browser"),
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
Which sign-in: START_URL [REGION], --profile, --sso-session, else AWS_PROFILE, else the only one
configured. Uses the cached sign-in (refreshed silently when it can be); when none is valid, it
signs in as login does if it runs on a terminal, and otherwise says "run: sso-cli login …".
Accounts are listed page by page, their roles 16 accounts at a time. A table on a terminal,
tab-separated lines otherwise.

Examples:
  sso-cli roles
  sso-cli roles --profile dev --account Sandbox
  sso-cli roles --sso-session corp --role AdministratorAccess --csv > roles.csv
  sso-cli roles https://d-1234567890.awsapps.com/start eu-north-1 --json

${describeExitCodes(["ok", "partial", "usage", "denied", "interrupted", "badValue", "config", "service", "internal"], { partial: "partly done: the roles of some accounts could not be listed (each said on its line); the others are shown" })}`;
  },
};

/** What the command line asks for, as the use case takes it. */
export function toRolesInput({ positionals, values }: ParsedArgs): RolesInput {
  const [startUrl, region] = positionals;
  return {
    startUrl: expandStartUrlOf(startUrl),
    region,
    profile: stringValue(values, "profile"),
    ssoSession: stringValue(values, "ssoSession"),
    account: stringValue(values, "account"),
    role: stringValue(values, "role"),
    browser: values.browser !== false,
  };
}
