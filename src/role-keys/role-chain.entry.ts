import type { Context } from "../context.js";
import { ConfigError } from "../errors.js";
import { findProfileSection, readConfigFile } from "../files/config-file.js";
import { readCredentialsFile } from "../files/credentials-file.js";
import { readAssumedRoleKeys } from "../files/assume-role-cache.js";
import {
  askedProfile,
  cachedProfileCredentials,
  type CredentialProfile,
  KEYS_MARGIN_MS,
  resolveCredentialProfile,
  type ProfileCredentials,
} from "./credential-profile.entry.js";
import type { IniDocument } from "../files/ini-document.js";
import { formatPythonJson } from "../files/python-json.js";
import { sha1Hex } from "../lib/sha.js";

// A role chain (`role_arn` + `source_profile`) read from the config as botocore's
// AssumeRoleProvider reads it (docs/protocol/sts.md §8.6): files only, no network, so the entry's
// hot path may use it. Assuming the roles is chained-credentials.ts.

/** One AssumeRole of a chain: the profile that asks for it and what it sends. */
export interface RoleHop {
  profile: string;
  roleArn: string;
  accountId: string;
  /** The role's name, without the ARN's path (`role/team/Deploy` → Deploy). */
  roleName: string;
  /** role_session_name; without it botocore sends `botocore-session-<epoch seconds>`. */
  sessionName?: string | undefined;
  durationSeconds?: number | undefined;
  externalId?: string | undefined;
  /** The AWS CLI's assume-role cache file in ~/.aws/cli/cache (assumeRoleCacheFileName). */
  cacheFile: string;
}

/** Where the first hop's keys come from: an Identity Center profile, or keys written in a profile. */
export type ChainBase =
  | { kind: "sso"; profile: string }
  | { kind: "static"; profile: string; keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined } };

export interface RoleChain {
  /** The profile asked for (the last hop's). */
  profile: string;
  base: ChainBase;
  /** In the order they are assumed: hops[0] is signed with the base's keys, the last is the profile's. */
  hops: RoleHop[];
  /** The region STS is called in (the profile's `region`, else AWS_REGION / AWS_DEFAULT_REGION); undefined: the global endpoint. */
  region?: string | undefined;
  /** sts_regional_endpoints: "legacy" sends the global-endpoint regions to sts.amazonaws.com. */
  stsRegionalEndpoints: "regional" | "legacy";
}

/** The keys a profile section can hold in the credentials file or the config. */
export type SectionReader = (profile: string) => Record<string, string> | undefined;

/** An IAM role ARN (its resource may carry a path): `arn:aws:iam::ACCOUNT:role/[PATH/]NAME`. */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;

/** The config's section of a profile (keys lower-cased), or undefined. */
export function configSection(doc: IniDocument): SectionReader {
  return (profile) => {
    const name = findProfileSection(doc, profile);
    return name === undefined ? undefined : doc.getSection(name);
  };
}

/**
 * The chain of the profile a credential command acts on (`profile`, else AWS_PROFILE), or
 * undefined when that profile has no role_arn (an Identity Center profile: credential-profile.entry.ts).
 */
export async function readRoleChain(deps: Pick<Context, "paths" | "env">, profile: string | undefined): Promise<RoleChain | undefined> {
  const name = askedProfile(profile, deps.env);
  if (name === undefined) return undefined;
  const doc = await readConfigFile(deps.paths.configFile, { lazy: true, profile: name });
  const config = configSection(doc);
  if (!isRoleProfile(config(name))) return undefined;
  const creds = await readCredentialsFile(deps.paths.credentialsFile, { lazy: true });
  return resolveRoleChain(name, config, (p) => creds.getSection(p), deps.env);
}

/** The profile a credential command serves, chained or not: its role, region and the sign-in it rests on. */
export interface KeysProfile {
  profile: string;
  accountId: string;
  roleName: string;
  /** The profile's region (a chain's, else its base's), for clients and the console. */
  region: string;
  /** The start URL of the Identity Center sign-in the keys rest on; undefined for a chain on written keys. */
  startUrl?: string | undefined;
  chain?: RoleChain | undefined;
}

/** resolveCredentialProfile for any profile a credential command serves, a role chain included. */
export async function resolveKeysProfile(deps: Pick<Context, "paths" | "env">, profile: string | undefined): Promise<KeysProfile> {
  const chain = await readRoleChain(deps, profile);
  if (chain === undefined) {
    const t = await resolveCredentialProfile(deps, profile);
    return { profile: t.profile, accountId: t.accountId, roleName: t.roleName, region: t.region, startUrl: t.spec.startUrl };
  }
  const last = chain.hops.at(-1)!;
  const base = chain.base.kind === "sso" ? await resolveCredentialProfile(deps, chain.base.profile) : undefined;
  return {
    profile: chain.profile,
    accountId: last.accountId,
    roleName: last.roleName,
    region: chain.region ?? base?.region ?? "us-east-1",
    startUrl: base?.spec.startUrl,
    chain,
  };
}

/**
 * Files only, for the entry's hot path: any profile's keys from the caches the AWS CLI v2 shares
 * while they last more than 15 minutes (a role chain's last hop from the assume-role cache), else
 * undefined.
 */
export async function cachedKeysProfileCredentials(
  deps: Pick<Context, "paths" | "env" | "now">,
  profile: string | undefined,
  resolved?: (target: CredentialProfile) => void,
): Promise<ProfileCredentials | undefined> {
  // An Identity Center profile first, with one read of the config, as before chains: the common case stays as cheap.
  let chain: RoleChain | undefined;
  try {
    const target = await resolveCredentialProfile(deps, profile);
    resolved?.(target);
    return await cachedProfileCredentials(deps, target);
  } catch (err) {
    chain = await readRoleChain(deps, profile);
    if (chain === undefined) throw err;
  }
  const last = chain.hops.at(-1)!;
  const k = await readAssumedRoleKeys(deps.paths.cliCacheDir, last.cacheFile);
  // The region is the chain's, or its base's when it has none: the base is read only then.
  if (!k || k.expiration.getTime() - deps.now().getTime() <= KEYS_MARGIN_MS) return undefined;
  const region =
    chain.region ?? (chain.base.kind === "sso" ? (await resolveCredentialProfile(deps, chain.base.profile)).region : "us-east-1");
  return {
    accessKeyId: k.accessKeyId,
    secretAccessKey: k.secretAccessKey,
    sessionToken: k.sessionToken,
    expiration: k.expiration,
    profile: chain.profile,
    accountId: last.accountId,
    roleName: last.roleName,
    region,
    source: "cache",
  };
}

/** Whether botocore would resolve this profile by AssumeRole: it has role_arn (and no web identity). */
export function isRoleProfile(section: Record<string, string> | undefined): boolean {
  return section !== undefined && section.role_arn !== undefined && section.web_identity_token_file === undefined;
}

/**
 * The profile at the bottom of a chain when it is an Identity Center profile (what a login signs
 * in to for it), else undefined. Walks source_profile only; resolveRoleChain checks the chain.
 */
export function chainBaseProfile(name: string, config: SectionReader): string | undefined {
  const seen = new Set<string>();
  let current = name;
  for (;;) {
    const s = config(current);
    if (s === undefined || seen.has(current)) return undefined;
    seen.add(current);
    if (!isRoleProfile(s)) return isSsoSection(s) ? current : undefined;
    if (s.source_profile === undefined) return undefined;
    current = s.source_profile;
  }
}

const isSsoSection = (s: Record<string, string>): boolean =>
  ["sso_session", "sso_start_url", "sso_account_id", "sso_role_name"].some((k) => s[k] !== undefined);
const hasStaticKeys = (s: Record<string, string> | undefined): boolean =>
  s !== undefined && (s.aws_access_key_id !== undefined || s.aws_secret_access_key !== undefined);

/**
 * The chain behind a profile with role_arn, checked as botocore checks it (credentials.py
 * `AssumeRoleProvider._get_role_config`, `_validate_source_profile`), plus what a credential helper
 * cannot do: `credential_source` and `mfa_serial` are refused with a line saying so. `config` reads
 * the config's sections, `credentials` the credentials file's (static keys of a source profile).
 */
export function resolveRoleChain(
  name: string,
  config: SectionReader,
  credentials: SectionReader,
  env: Readonly<Record<string, string | undefined>>,
): RoleChain {
  const top = config(name);
  if (!isRoleProfile(top)) throw new ConfigError(`Profile ${name} has no role_arn: it is not a role chain.`);
  const visited = [name];
  const hops: RoleHop[] = [];
  let current = name;
  let section = top as Record<string, string>;
  for (;;) {
    hops.unshift(readHop(current, section));
    if (section.credential_source !== undefined) {
      throw new ConfigError(
        `Profile ${current} takes its source keys from credential_source = ${section.credential_source}: sso-cli serves role chains on a source_profile only.`,
        "Use the AWS CLI or an SDK for credential_source (they read it themselves), or set source_profile to an IAM Identity Center profile.",
      );
    }
    const source = section.source_profile;
    if (source === undefined)
      throw new ConfigError(
        `Profile ${current} has role_arn but no source_profile.`,
        `Add source_profile = PROFILE to [profile ${current}] (an IAM Identity Center profile, say).`,
      );
    const sourceConfig = config(source);
    const sourceKeys = credentials(source);
    if (sourceConfig === undefined && sourceKeys === undefined) {
      throw new ConfigError(
        `The source_profile "${source}" of profile ${current} does not exist.`,
        `Add [profile ${source}] to the config, or fix source_profile.`,
      );
    }
    // A profile may name itself when it holds keys: they sign its AssumeRole (botocore allows just that).
    const selfWithKeys = source === current && (hasStaticKeys(sourceKeys) || hasStaticKeys(sourceConfig));
    if (visited.includes(source) && !selfWithKeys) {
      throw new ConfigError(
        `The source_profile chain of profile ${name} loops: ${[...visited, source].join(" → ")}.`,
        "Make one profile of the loop take its keys from an IAM Identity Center profile.",
      );
    }
    visited.push(source);
    if (!selfWithKeys && isRoleProfile(sourceConfig)) {
      current = source;
      section = sourceConfig as Record<string, string>;
      continue;
    }
    const base = baseOf(source, current, sourceConfig, sourceKeys);
    const region = top?.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    const regional = (top?.sts_regional_endpoints ?? env.AWS_STS_REGIONAL_ENDPOINTS ?? "regional").toLowerCase();
    if (regional !== "regional" && regional !== "legacy") {
      throw new ConfigError(`sts_regional_endpoints of profile ${name} must be "regional" or "legacy".`);
    }
    return { profile: name, base, hops, ...(region !== undefined ? { region } : {}), stsRegionalEndpoints: regional };
  }
}

function baseOf(
  source: string,
  from: string,
  config: Record<string, string> | undefined,
  keys: Record<string, string> | undefined,
): ChainBase {
  // botocore resolves a source profile through its SSO provider before the shared credentials file.
  if (config !== undefined && isSsoSection(config) && !isRoleProfile(config)) return { kind: "sso", profile: source };
  const s = hasStaticKeys(keys) ? keys! : hasStaticKeys(config) ? config! : undefined;
  if (s === undefined || s.aws_access_key_id === undefined || s.aws_secret_access_key === undefined) {
    throw new ConfigError(
      `The source_profile "${source}" of profile ${from} has no credentials: neither IAM Identity Center settings nor aws_access_key_id and aws_secret_access_key.`,
      `Run: sso-cli configure profile ${source}`,
    );
  }
  return {
    kind: "static",
    profile: source,
    keys: {
      accessKeyId: s.aws_access_key_id,
      secretAccessKey: s.aws_secret_access_key,
      ...(s.aws_session_token ? { sessionToken: s.aws_session_token } : {}),
    },
  };
}

function readHop(profile: string, s: Record<string, string>): RoleHop {
  const roleArn = s.role_arn as string;
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw new ConfigError(`role_arn of profile ${profile} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).`);
  if (s.mfa_serial !== undefined) {
    throw new ConfigError(
      `Profile ${profile} needs an MFA code (mfa_serial): sso-cli runs inside other tools and never prompts for one.`,
      "Use the AWS CLI for this profile, or a role whose trust policy does not require MFA.",
    );
  }
  let durationSeconds: number | undefined;
  if (s.duration_seconds !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(s.duration_seconds)) {
      throw new ConfigError(
        `duration_seconds of profile ${profile} must be a whole number of seconds (900 to 43200; 3600 at most in a role chain).`,
      );
    }
    durationSeconds = Number.parseInt(s.duration_seconds, 10);
  }
  const hop = {
    profile,
    roleArn,
    accountId: m[1] as string,
    roleName: m[2] as string,
    ...(s.role_session_name ? { sessionName: s.role_session_name } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(s.external_id !== undefined ? { externalId: s.external_id } : {}),
  };
  return { ...hop, cacheFile: assumeRoleCacheFileName(hop) };
}

/**
 * The AWS CLI's file name for an AssumeRole's keys in ~/.aws/cli/cache: botocore's
 * `BaseAssumeRoleCredentialFetcher._create_cache_key`, the SHA-1 of `json.dumps(args,
 * sort_keys=True)` (the default `", "` and `": "` separators) of the request's arguments, without
 * a RoleSessionName botocore made up; then `.json` (JSONFileCache). The source profile is not part
 * of it: two profiles that assume the same role the same way share the keys, in botocore too.
 */
export function assumeRoleCacheFileName(hop: {
  roleArn: string;
  sessionName?: string | undefined;
  durationSeconds?: number | undefined;
  externalId?: string | undefined;
}): string {
  const args = {
    RoleArn: hop.roleArn,
    ...(hop.sessionName !== undefined ? { RoleSessionName: hop.sessionName } : {}),
    ...(hop.externalId !== undefined ? { ExternalId: hop.externalId } : {}),
    ...(hop.durationSeconds !== undefined ? { DurationSeconds: hop.durationSeconds } : {}),
  };
  return `${sha1Hex(formatPythonJson(args, { sortKeys: true }))}.json`;
}

/** The STS endpoint botocore picks for a region (docs/protocol/sts.md §8.6): regional, or the global one. */
export function stsEndpointFor(chain: Pick<RoleChain, "region" | "stsRegionalEndpoints">): { url: string; signingRegion: string } {
  const r = chain.region;
  if (r === undefined || r === "aws-global" || (chain.stsRegionalEndpoints === "legacy" && LEGACY_GLOBAL_REGIONS.has(r)))
    return { url: "https://sts.amazonaws.com", signingRegion: "us-east-1" };
  return { url: `https://sts.${r}.${r.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com"}`, signingRegion: r };
}

/** The regions that `sts_regional_endpoints = legacy` sends to sts.amazonaws.com (botocore's endpoints.json). */
const LEGACY_GLOBAL_REGIONS = new Set([
  "ap-northeast-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
]);
