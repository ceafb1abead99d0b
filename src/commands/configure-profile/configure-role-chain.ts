import type { Context } from "../../context.js";
import { BadValueError, ConfigError, UsageError } from "../../errors.js";
import { applyConfigEdits, checkName, isValidRegion, readConfigFile, type ConfigEdit } from "../../files/config-file.js";
import { readCredentialsFile } from "../../files/credentials-file.js";
import { configSection, resolveRoleChain, ROLE_ARN, type RoleChain } from "../../role-keys/role-chain.entry.js";
import type { ConfigureProfileInput, Prompter } from "./configure-profile.js";

// `configure profile NAME --role-arn ARN --source-profile P`: a role chain as every AWS tool reads
// it (docs/protocol/sts.md §8.6), written in one locked edit that sets only the chain's keys of
// [profile NAME] and changes nothing else in the file.

export interface RoleChainInput {
  roleArn?: string | undefined;
  sourceProfile?: string | undefined;
  roleSessionName?: string | undefined;
  durationSeconds?: string | undefined;
  externalId?: string | undefined;
}

export interface RoleChainResult {
  profile: string;
  file: string;
  chain: RoleChain;
  changed: boolean;
}

const SSO_KEYS = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"];
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Whether the command line asks for a role chain rather than an Identity Center profile. */
export function wantsRoleChain(input: RoleChainInput): boolean {
  return [input.roleArn, input.sourceProfile, input.roleSessionName, input.durationSeconds, input.externalId].some((v) => v !== undefined);
}

export async function configureRoleChain(
  ctx: Context,
  input: ConfigureProfileInput & RoleChainInput,
  prompter: Prompter | undefined,
): Promise<RoleChainResult> {
  checkName("profile", input.profile);
  const sso = [
    input.startUrl && "--sso-start-url",
    input.region && "--sso-region",
    input.ssoSession && "--sso-session",
    input.accountId && "--account-id",
    input.roleName && "--role-name",
    input.legacy && "--legacy",
  ].filter(Boolean);
  if (sso.length > 0)
    throw new UsageError(
      `${sso.join(", ")} describe an IAM Identity Center profile, not a role chain.`,
      "Configure the source profile with them, and this one with --role-arn and --source-profile.",
    );
  if (input.credentialProcess)
    throw new UsageError(
      "--credential-process is for an IAM Identity Center profile, not a role chain.",
      "Every AWS tool resolves a role chain itself.",
    );
  const doc = await readConfigFile(ctx.paths.configFile);
  const config = configSection(doc);
  const existing = config(input.profile) ?? {};
  if (SSO_KEYS.some((k) => existing[k] !== undefined)) {
    throw new ConfigError(
      `Profile ${input.profile} is an IAM Identity Center profile: a role chain needs a profile of its own.`,
      `Pick another name, e.g. sso-cli configure profile ${input.profile}-role --role-arn ARN --source-profile ${input.profile}`,
    );
  }
  const roleArn =
    input.roleArn ??
    existing.role_arn ??
    (prompter
      ? (
          await prompter.input("Role ARN to assume", {
            validate: (v) => (ROLE_ARN.test(v.trim()) ? true : "arn:aws:iam::ACCOUNT:role/NAME"),
          })
        ).trim()
      : required("--role-arn"));
  if (!ROLE_ARN.test(roleArn))
    throw new BadValueError(`--role-arn "${roleArn}" is not an IAM role ARN.`, "Use arn:aws:iam::ACCOUNT:role/NAME.");
  const sourceProfile =
    input.sourceProfile ??
    existing.source_profile ??
    (prompter
      ? (
          await prompter.input("Source profile (whose keys assume the role)", { validate: (v) => (v.trim() ? true : "A profile name") })
        ).trim()
      : required("--source-profile"));
  checkName("profile", sourceProfile);
  if (input.roleSessionName !== undefined && !SESSION_NAME.test(input.roleSessionName))
    throw new BadValueError("--role-session-name must be 2 to 64 characters of letters, digits and + = , . @ _ -.");
  if (input.externalId !== undefined && !EXTERNAL_ID.test(input.externalId))
    throw new BadValueError("--external-id must be 2 to 1224 characters of letters, digits and + = , . @ : / _ -.");
  if (
    input.durationSeconds !== undefined &&
    !(/^\d+$/.test(input.durationSeconds) && Number(input.durationSeconds) >= 900 && Number(input.durationSeconds) <= 43200)
  ) {
    throw new BadValueError(
      "--duration-seconds must be a whole number from 900 to 43200 (3600 at most when the source is a role, as an IAM Identity Center profile is).",
    );
  }
  if (input.clientRegion !== undefined && !isValidRegion(input.clientRegion))
    throw new BadValueError(`--region "${input.clientRegion}" is not an AWS region name.`);

  const set: Record<string, string> = { role_arn: roleArn, source_profile: sourceProfile };
  if (input.roleSessionName !== undefined) set.role_session_name = input.roleSessionName;
  if (input.durationSeconds !== undefined) set.duration_seconds = input.durationSeconds;
  if (input.externalId !== undefined) set.external_id = input.externalId;
  if (input.clientRegion !== undefined) set.region = input.clientRegion;
  if (input.output !== undefined) set.output = input.output;
  // The chain as it will read, checked before anything is written: a missing source, a loop, credential_source.
  const creds = await readCredentialsFile(ctx.paths.credentialsFile, { lazy: true });
  const after: Record<string, string> = { ...existing, ...set };
  delete after.credential_source;
  const chain = resolveRoleChain(
    input.profile,
    (p) => (p === input.profile ? after : config(p)),
    (p) => creds.getSection(p),
    ctx.env,
  );
  const edits: ConfigEdit[] = [
    { section: { profile: input.profile }, set, ...(existing.credential_source !== undefined ? { remove: ["credential_source"] } : {}) },
  ];
  const changed = await applyConfigEdits(ctx.paths.configFile, edits);
  return { profile: input.profile, file: ctx.paths.configFile, chain, changed };
}

function required(flag: string): never {
  throw new UsageError(`${flag} is required (no terminal to ask on).`, `Pass ${flag} VALUE.`);
}

/**
 * On a terminal, after an Identity Center profile is written: "assume a role from this profile?"
 * A role ARN makes a chain on it (named by the person, `<source>-<role>` by default); Enter is no.
 */
export async function offerRoleChain(ctx: Context, source: string, prompter: Prompter): Promise<RoleChainResult | undefined> {
  const arn = (
    await prompter.input("Assume a role from this profile? Role ARN (Enter: no)", {
      validate: (v) => (v.trim() === "" || ROLE_ARN.test(v.trim()) ? true : "arn:aws:iam::ACCOUNT:role/NAME, or nothing"),
    })
  ).trim();
  if (arn === "") return undefined;
  const suggested = `${source}-${ROLE_ARN.exec(arn)![2]!.toLowerCase()}`;
  const name = (
    await prompter.input("Name of the profile that assumes it", {
      default: suggested,
      validate: (v) => (v.trim() ? true : "A profile name"),
    })
  ).trim();
  return configureRoleChain(
    ctx,
    { profile: name, legacy: false, force: false, browser: false, roleArn: arn, sourceProfile: source },
    undefined,
  );
}
