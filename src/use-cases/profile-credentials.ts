import type { Context } from "../context.js";
import { ConfigError, LoginRequiredError, UsageError } from "../errors.js";
import { listProfiles, readConfigFile, resolveSsoProfile, type ResolvedSsoProfile } from "../files/config-file.js";
import type { IniDocument } from "../files/ini-document.js";
import { readRoleCredentials, roleCacheFileName, writeRoleCredentials, type RoleCredentials } from "../files/role-cache.js";
import { RateLimiter, retryWithBackoff } from "../lib/backoff.js";
import { debugLogFor } from "../lib/debug-log.js";
import { getRoleCredentials } from "../sso/get-role-credentials.js";
import { describeServiceError, isRetryable, isThrottle, isUnauthorized } from "../sso/service-errors.js";
import { describeSignIn, type SignInSpec } from "./cached-sign-in.js";
import { KEYS_MARGIN_MS } from "./login-plan.js";
import { ensureSignedIn } from "./sign-in.js";

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

/**
 * The profile a credential command acts on: `--profile`, else AWS_PROFILE, else the only profile
 * of the config file set up with an account and role. It must name an account and a role.
 */
export async function resolveCredentialProfile(deps: ResolveProfileDeps, profile: string | undefined): Promise<CredentialProfile> {
  const doc = await readConfigFile(deps.paths.configFile);
  const name = profile ?? (deps.env.AWS_PROFILE || undefined) ?? onlyRoleProfile(doc);
  const p = resolveSsoProfile(doc, name);
  if (p.accountId === undefined || p.roleName === undefined) {
    throw new ConfigError(`Profile ${name} has no sso_account_id and sso_role_name: it names a sign-in, not a role.`, `Run: sso-cli configure profile ${name}`);
  }
  return {
    profile: name,
    spec: specOf(p),
    accountId: p.accountId,
    roleName: p.roleName,
    region: p.clientRegion ?? p.region,
    roleCacheFile: roleCacheFileName({ accountId: p.accountId, roleName: p.roleName, ...(p.kind === "sso-session" ? { sessionName: p.ssoSession } : { startUrl: p.startUrl }) }),
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
  throw new UsageError(
    withRole.length === 0 ? `No profile in ${doc.fileName} names an IAM Identity Center account and role.` : `${withRole.length} profiles name an account and role; say which one.`,
    withRole.length === 0 ? "Run: sso-cli configure profile NAME" : "Pass --profile NAME (or set AWS_PROFILE).",
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
export async function cachedProfileCredentials(deps: Pick<Context, "paths" | "now">, target: CredentialProfile): Promise<ProfileCredentials | undefined> {
  const cached = await readRoleCredentials(deps.paths.cliCacheDir, target.roleCacheFile);
  if (!cached || cached.expiration.getTime() - deps.now().getTime() <= KEYS_MARGIN_MS) return undefined;
  return { ...cached, profile: target.profile, accountId: target.accountId, roleName: target.roleName, region: target.region, source: "cache" };
}

/**
 * The profile's role keys without ever asking a person: the shared role cache while its keys
 * last; else GetRoleCredentials with the cached token (refreshed silently when it can be), the
 * keys then cached for `aws` too; else LoginRequiredError ("run: sso-cli login --profile P").
 * For commands that run inside other tools (credential_process, export, exec, console).
 */
export async function getProfileCredentials(ctx: Context, input: { profile?: string | undefined }): Promise<ProfileCredentials> {
  const target = await resolveCredentialProfile(ctx, input.profile);
  const debug = debugLogFor(ctx);
  const cached = await cachedProfileCredentials(ctx, target);
  debug(`profile ${target.profile}: role cache ${ctx.paths.cliCacheDir}/${target.roleCacheFile}`, { usable: cached !== undefined });
  if (cached) return cached;
  const session = await ensureSignedIn(ctx, target.spec, { signIn: false, loginHint: `sso-cli login --profile ${target.profile}` });
  let keys;
  try {
    keys = await retryWithBackoff(() => getRoleCredentials(session.clients, session.accessToken, target.accountId, target.roleName), {
      sleep: ctx.sleep,
      now: () => ctx.now().getTime(),
      signal: ctx.signal,
      isRetryable,
      isThrottle,
      limiter: new RateLimiter(() => ctx.now().getTime()),
      maxAttempts: 10,
    });
  } catch (err) {
    // The service no longer accepts the token (signed out elsewhere): only a new sign-in helps.
    if (isUnauthorized(err)) throw new LoginRequiredError(describeSignIn(target.spec), `sso-cli login --profile ${target.profile}`);
    throw describeServiceError(err, `getting credentials for profile ${target.profile}`, session.clients.urls.portal);
  }
  const credentials: RoleCredentials = { ...keys, accountId: target.accountId };
  await writeRoleCredentials(ctx.paths.cliCacheDir, target.roleCacheFile, credentials);
  return { ...credentials, profile: target.profile, accountId: target.accountId, roleName: target.roleName, region: target.region, source: "fetched" };
}
