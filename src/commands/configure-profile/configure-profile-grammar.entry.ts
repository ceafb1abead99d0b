import { describeExitCodes } from "../../errors.js";
import { stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { FORCE_FLAG, OUTPUT_FLAG, REGION_FLAG, SIGN_IN_FLAGS, SSO_SESSION_FLAG, flag, signInChoice } from "../../cli/shared-flags.entry.js";
import type { ConfigureProfileInput } from "./configure-profile.js";
import { expandStartUrlOf } from "../../lib/start-url.js";
import type { RoleChainInput } from "./configure-role-chain.js";

export const CONFIGURE_PROFILE_GRAMMAR: CommandGrammar = {
  path: ["configure", "profile"],
  description: "Create or update [profile NAME] (sso-session form by default); on a terminal, asks for what the flags leave open",
  args: [{ name: "name", description: "profile name", required: true }],
  flags: [
    {
      flag: "--sso-start-url",
      value: "<url>",
      key: "ssoStartUrl",
      description: "AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start",
    },
    { flag: "--sso-region", value: "<region>", key: "ssoRegion", description: "region of the Identity Center instance" },
    flag(SSO_SESSION_FLAG, "name of the [sso-session] section to use or create"),
    { flag: "--account-id", value: "<id>", key: "accountId", description: "12-digit AWS account id" },
    { flag: "--role-name", value: "<name>", key: "roleName", description: "permission set (role) name" },
    flag(REGION_FLAG, "default region for AWS clients using this profile"),
    flag(OUTPUT_FLAG, "AWS CLI output format (json, yaml, yaml-stream, text, table)"),
    {
      flag: "--legacy",
      key: "legacy",
      description: "write sso_start_url/sso_region into the profile itself (no sso-session; no silent refresh)",
    },
    flag(FORCE_FLAG, "change a conflicting sso-session, move a legacy profile to another start URL or region, or switch to --legacy"),
    {
      flag: "--credential-process",
      key: "credentialProcess",
      description: "also write credential_process (this sso-cli) for tools that know no SSO",
    },
    {
      flag: "--role-arn",
      value: "<arn>",
      key: "roleArn",
      description: "a role chain: the IAM role this profile assumes (with --source-profile)",
    },
    {
      flag: "--source-profile",
      value: "<profile>",
      key: "sourceProfile",
      description: "a role chain: the profile whose keys assume the role (an IAM Identity Center profile, say)",
    },
    {
      flag: "--role-session-name",
      value: "<name>",
      key: "roleSessionName",
      description: "a role chain: role_session_name (default: botocore-session-<time>)",
    },
    {
      flag: "--duration-seconds",
      value: "<n>",
      key: "durationSeconds",
      description: "a role chain: duration_seconds, 900 to 3600 on an IAM Identity Center profile",
    },
    {
      flag: "--external-id",
      value: "<id>",
      key: "externalId",
      description: "a role chain: external_id, when the role's trust policy asks for one",
    },
    ...SIGN_IN_FLAGS,
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
On a terminal, asks (as \`aws configure sso\` does) for what the flags leave open, with the
profile's current values as defaults: the sso-session (existing ones first), then after a sign-in
the account and role, the default region and the output format. In a script it never asks: give
--sso-start-url and --sso-region for a new profile, and --account-id and --role-name unless a
cached sign-in can list them.

Examples:
  sso-cli configure profile dev                      # on a terminal: asks for the rest
  sso-cli configure profile dev --sso-start-url https://d-1234567890.awsapps.com/start \\
      --sso-region eu-north-1 --account-id 111122223333 \\
      --role-name ReadOnlyAccess
  sso-cli configure profile old --legacy --sso-start-url URL --sso-region us-east-1
  sso-cli configure profile dev --credential-process   # for tools without SSO support
  sso-cli configure profile deploy --role-arn arn:aws:iam::222233334444:role/Deploy \\
      --source-profile dev --role-session-name alice   # a role chain on the profile dev

${describeExitCodes(["ok", "usage", "denied", "interrupted", "badValue", "config", "service", "internal"])}`;
  },
};

/** What the command line asks for, as the use case takes it. */
export function toConfigureProfileInput({ positionals, values }: ParsedArgs): ConfigureProfileInput & RoleChainInput {
  return {
    profile: positionals[0]!,
    startUrl: expandStartUrlOf(stringValue(values, "ssoStartUrl")),
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
    roleArn: stringValue(values, "roleArn"),
    sourceProfile: stringValue(values, "sourceProfile"),
    roleSessionName: stringValue(values, "roleSessionName"),
    durationSeconds: stringValue(values, "durationSeconds"),
    externalId: stringValue(values, "externalId"),
  };
}
