import { describeExitCodes } from "../../errors.js";
import { stringList, stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import {
  ACCOUNT_FLAG,
  JSON_FLAG,
  OUTPUT_FLAG,
  REGION_FLAG,
  ROLE_FLAG,
  SIGN_IN_FLAGS,
  SSO_SESSION_FLAG,
  flag,
  signInChoice,
} from "../../cli/shared-flags.entry.js";
import type { PopulateInput } from "./configure-populate.js";
import { expandStartUrlOf } from "../../lib/start-url.js";

export const CONFIGURE_POPULATE_GRAMMAR: CommandGrammar = {
  path: ["configure", "populate"],
  description: "Write a profile for every account and role you can use (sso-session form), and keep them current",
  args: [
    { name: "start-url", description: "portal start URL; its sso-session is used, or created" },
    { name: "region", description: "region of the Identity Center instance (sso_region), for a new sso-session" },
  ],
  flags: [
    flag(SSO_SESSION_FLAG, "the [sso-session] to populate from (with START_URL REGION: the name of a new one)"),
    {
      flag: "--profile-name",
      value: "<template>",
      key: "profileName",
      description: "profile names: {account_name} {account_id} {role_name} {region} {sso_session} (default {account_name}.{role_name})",
    },
    flag(REGION_FLAG, "the profiles' default region (default: the sso_region); repeat for one profile per region", { repeatable: true }),
    flag(OUTPUT_FLAG, "AWS CLI output format for the profiles (default json)"),
    flag(ACCOUNT_FLAG, "only accounts whose id or name matches (* and ? wildcards); repeatable", { repeatable: true }),
    flag(ROLE_FLAG, "only roles whose name matches (* and ? wildcards); repeatable", { repeatable: true }),
    { flag: "--prune", key: "prune", description: "remove profiles populate wrote whose account or role is no longer assigned" },
    {
      flag: "--with-keys",
      key: "withKeys",
      description: "let login write static keys for these profiles too (by default they use the sign-in directly)",
    },
    {
      flag: "--dry-run",
      key: "dryRun",
      description: "print the plan on stdout (what would be added, changed, removed or skipped); write nothing to the config file",
    },
    flag(JSON_FLAG, "print the result as JSON on stdout"),
    ...SIGN_IN_FLAGS,
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
Signs in if needed (as login does), lists every account and role the sign-in can use, and writes
one profile per account and role (and --region) in one locked edit of the config file. Each
profile it writes carries the comment line "# sso-cli configure populate" under its header: a
later run changes or prunes only those. Profiles you wrote are never changed; a wanted name one
of them already has is skipped and reported. Names are made of letters, digits and _-@+.%:/
(anything else becomes -); two assignments that would get one name are both kept, made distinct.
Running it again with the same assignments changes nothing.

Examples:
  sso-cli configure populate https://d-1234567890.awsapps.com/start eu-north-1
  sso-cli configure populate --sso-session corp --prune
  sso-cli configure populate --sso-session corp --account 'prod-*' --role ReadOnlyAccess --dry-run
  sso-cli configure populate --profile-name '{account_name}-{role_name}-{region}' --region eu-west-1 --region us-east-1

${describeExitCodes(["ok", "partial", "usage", "denied", "interrupted", "badValue", "config", "service", "internal"])}`;
  },
};

/** What the command line asks for, as the use case takes it. */
export function toPopulateInput({ positionals, values }: ParsedArgs): PopulateInput {
  return {
    startUrl: expandStartUrlOf(positionals[0]),
    region: positionals[1],
    ssoSession: stringValue(values, "ssoSession"),
    template: stringValue(values, "profileName"),
    regions: stringList(values, "region"),
    output: stringValue(values, "output"),
    accounts: stringList(values, "account"),
    roles: stringList(values, "role"),
    withKeys: values.withKeys === true,
    prune: values.prune === true,
    dryRun: values.dryRun === true,
    ...signInChoice(values),
  };
}
