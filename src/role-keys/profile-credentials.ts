import type { Context } from "../context.js";
import { LoginRequiredError } from "../errors.js";
import { noticeTo } from "../files/atomic-write.js";
import { writeRoleCredentials, type RoleCredentials } from "../files/role-cache.js";
import { debugLogFor } from "../lib/debug-log.js";
import { getRoleCredentials } from "../sso/get-role-credentials.js";
import { describeServiceError, isUnauthorized } from "../sso/service-errors.js";
import { serviceRetry } from "../sso/service-retry.js";
import { describeSignIn } from "../sign-in/cached-sign-in.entry.js";
import { cachedProfileCredentials, resolveCredentialProfile, type ProfileCredentials } from "./credential-profile.entry.js";
import { ensureSignedIn } from "../sign-in/sign-in.js";
import { readRoleChain } from "./role-chain.entry.js";

export type { CredentialProfile, ProfileCredentials } from "./credential-profile.entry.js";
export { cachedProfileCredentials, resolveCredentialProfile } from "./credential-profile.entry.js";

/**
 * The profile's role keys without ever asking a person: the shared role cache while its keys
 * last; else GetRoleCredentials with the cached token (refreshed silently when it can be), the
 * keys then cached for `aws` too; else LoginRequiredError ("run: sso-cli login --profile P").
 * For commands that run inside other tools (credential_process, export, exec, console).
 */
export async function getProfileCredentials(
  ctx: Context,
  input: { profile?: string | undefined; fresh?: boolean },
): Promise<ProfileCredentials> {
  let target;
  try {
    target = await resolveCredentialProfile(ctx, input.profile);
  } catch (err) {
    // A role chain (role_arn + source_profile): AssumeRole on the source profile's keys.
    const chain = await readRoleChain(ctx, input.profile);
    if (!chain) throw err;
    const { getChainedCredentials } = await import("./chained-credentials.js");
    return getChainedCredentials(ctx, chain, (profile, opts) => getProfileCredentials(ctx, { profile, fresh: opts?.fresh }));
  }
  const debug = debugLogFor(ctx);
  const cached = input.fresh ? undefined : await cachedProfileCredentials(ctx, target);
  debug(`profile ${target.profile}: role cache ${ctx.paths.cliCacheDir}/${target.roleCacheFile}`, { usable: cached !== undefined });
  if (cached) return cached;
  const session = await ensureSignedIn(ctx, target.spec, { signIn: false, loginHint: `sso-cli login --profile ${target.profile}` });
  let keys;
  try {
    keys = await serviceRetry(ctx)(() => getRoleCredentials(session.clients, session.accessToken, target.accountId, target.roleName));
  } catch (err) {
    // The service no longer accepts the token (signed out elsewhere): only a new sign-in helps.
    if (isUnauthorized(err)) throw new LoginRequiredError(describeSignIn(target.spec), `sso-cli login --profile ${target.profile}`);
    throw describeServiceError(err, `getting credentials for profile ${target.profile}`, session.clients.urls.portal);
  }
  const credentials: RoleCredentials = { ...keys, accountId: target.accountId };
  await writeRoleCredentials(ctx.paths.cliCacheDir, target.roleCacheFile, credentials, { notice: noticeTo(ctx.stderr) });
  return {
    ...credentials,
    profile: target.profile,
    accountId: target.accountId,
    roleName: target.roleName,
    region: target.region,
    source: "fetched",
  };
}
