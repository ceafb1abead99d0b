import type { Context } from "../context.js";
import { ChoiceNeededError, ConfigError, UsageError } from "../errors.js";
import { listProfiles, readConfigFile, resolveSsoProfile, type ResolvedSsoProfile } from "../files/config-file.js";
import type { IniDocument } from "../files/ini-document.js";
import { readRoleCredentials, roleCacheFileName, type RoleCredentials } from "../files/role-cache.js";
import type { SignInSpec } from "../sign-in/cached-sign-in.entry.js";

// Which profile a credential command acts on, and the role keys the shared cache already holds:
// files only, so the entry's hot path (credential-process, export) can answer without the network
// code. Getting keys from the service is profile-credentials.ts.

/**
 * Keys with less than this left are renewed: botocore re-runs a credential source before every
 * call once fewer than 15 minutes remain (docs/protocol/credential-formats.md §1.3), so fresher keys avoid that.
 */
export const KEYS_MARGIN_MS = 15 * 60_000;

/** A profile whose role keys a command hands out: which sign-in, which account and role, which cache file. */
export interface CredentialProfile {
  profile: string;
  spec: SignInSpec;
  accountId: string;
  roleName: string;
  /** The profile's `region` (for AWS clients), else the Identity Center region. */
  region: string;
  /** The AWS CLI v2's role-cache file for this account and role (docs/protocol/token-cache.md §6). */
  roleCacheFile: string;
}

export interface ProfileCredentials extends RoleCredentials {
  profile: string;
  accountId: string;
  roleName: string;
  region: string;
  /** "cache": the role cache the AWS CLI v2 shares; "fetched": GetRoleCredentials just now. */
  source: "cache" | "fetched";
}

export type ResolveProfileDeps = Pick<Context, "paths" | "env">;

/** The profile a credential command is asked for: `--profile`, else AWS_PROFILE (an empty one is none). */
export function askedProfile(profile: string | undefined, env: Context["env"]): string | undefined {
  return profile ?? (env.AWS_PROFILE || undefined);
}

/**
 * The profile a credential command acts on: `--profile`, else AWS_PROFILE, else the only profile
 * of the config file set up with an account and role. It must name an account and a role.
 */
export async function resolveCredentialProfile(deps: ResolveProfileDeps, profile: string | undefined): Promise<CredentialProfile> {
  // Lazily: a populated config holds tens of thousands of profiles; this reads the one it needs.
  const named = askedProfile(profile, deps.env);
  const doc = await readConfigFile(deps.paths.configFile, { lazy: true, profile: named });
  const name = named ?? onlyRoleProfile(doc);
  const p = resolveSsoProfile(doc, name);
  if (p.accountId === undefined || p.roleName === undefined) {
    throw new ConfigError(
      `Profile ${name} has no sso_account_id and sso_role_name: it names a sign-in, not a role.`,
      `Run: sso-cli configure profile ${name}`,
    );
  }
  return {
    profile: name,
    spec: specOf(p),
    accountId: p.accountId,
    roleName: p.roleName,
    region: p.clientRegion ?? p.region,
    roleCacheFile: roleCacheFileName({
      accountId: p.accountId,
      roleName: p.roleName,
      ...(p.kind === "sso-session" ? { sessionName: p.ssoSession } : { startUrl: p.startUrl }),
    }),
  };
}

function onlyRoleProfile(doc: IniDocument): string {
  const withRole = listProfiles(doc).filter((name) => {
    try {
      const p = resolveSsoProfile(doc, name);
      return p.accountId !== undefined && p.roleName !== undefined;
    } catch {
      return false;
    }
  });
  if (withRole.length === 1) return withRole[0]!;
  if (withRole.length === 0)
    throw new UsageError(
      `No profile in ${doc.fileName} names an IAM Identity Center account and role.`,
      "Run: sso-cli configure profile NAME",
    );
  const shown = withRole.length <= 5 ? withRole.join(", ") : `${withRole.slice(0, 5).join(", ")} and ${withRole.length - 5} more`;
  throw new ChoiceNeededError(
    `${withRole.length} profiles name an account and role (${shown}); say which one.`,
    "Pass --profile NAME (or set AWS_PROFILE).",
    "Which profile?",
    withRole.map((name) => ({ name, selection: { profile: name } })),
  );
}

function specOf(p: ResolvedSsoProfile): SignInSpec {
  return p.kind === "sso-session"
    ? { ssoSession: p.ssoSession, startUrl: p.startUrl, region: p.region, scopes: p.registrationScopes }
    : { startUrl: p.startUrl, region: p.region, scopes: null };
}

/**
 * Files only, for the hot path: the role cache's keys when they have more than 15 minutes left
 * (botocore re-runs a credential source before every call below that; the AWS CLI v2 reuses its
 * cache above it, docs/protocol/credential-formats.md §1.3).
 */
export async function cachedProfileCredentials(
  deps: Pick<Context, "paths" | "now">,
  target: Pick<CredentialProfile, "profile" | "accountId" | "roleName" | "region" | "roleCacheFile">,
): Promise<ProfileCredentials | undefined> {
  const cached = await readRoleCredentials(deps.paths.cliCacheDir, target.roleCacheFile);
  if (!cached || cached.expiration.getTime() - deps.now().getTime() <= KEYS_MARGIN_MS) return undefined;
  return {
    ...cached,
    profile: target.profile,
    accountId: target.accountId,
    roleName: target.roleName,
    region: target.region,
    source: "cache",
  };
}
