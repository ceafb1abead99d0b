import type { Context } from "../context.js";
import { ServiceError, ServiceUnreachableError, SsoCliError } from "../errors.js";
import { readAssumedRoleKeys, writeAssumedRoleKeys, type AssumedRoleKeys } from "../files/assume-role-cache.js";
import { debugLogFor } from "../lib/debug-log.js";
import { networkFor } from "../network/network-for.js";
import { assumeRole, describeStsRefusal, type AssumedRole, type SourceKeys } from "../sso/assume-role.js";
import { errorFacts, isThrottle } from "../sso/service-errors.js";
import { serviceRetry, type ServiceRetry } from "../sso/service-retry.js";
import { KEYS_MARGIN_MS, resolveCredentialProfile, type ProfileCredentials } from "./credential-profile.entry.js";
import { stsEndpointFor, type RoleChain, type RoleHop } from "./role-chain.entry.js";

// The keys of a role chain (role-chain.entry.ts reads it): each hop's AssumeRole signed with the
// keys of the hop before, the first with the source profile's. Every hop's keys go to the AWS
// CLI's assume-role cache (files/assume-role-cache.ts) and are reused from there while they last
// more than 15 minutes, as botocore's CachedCredentialFetcher does, so the AWS CLI and sso-cli
// share them.

export interface ChainedCredentials extends ProfileCredentials {
  /** AssumedRoleUser.Arn of the last hop, when known: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
  arn?: string | undefined;
  chain: RoleChain;
}

/**
 * The keys and region of the chain's source profile when it is an Identity Center profile;
 * `fresh` asks past the role cache (GetRoleCredentials), for when STS refused the cached ones.
 */
export type BaseCredentials = (
  profile: string,
  opts?: { fresh?: boolean },
) => Promise<SourceKeys & { region: string; source?: "cache" | "fetched" }>;

/** Cached keys that last more than the margin (botocore's 15-minute window), else undefined. */
export async function cachedHopKeys(deps: Pick<Context, "paths" | "now">, hop: RoleHop): Promise<AssumedRoleKeys | undefined> {
  const k = await readAssumedRoleKeys(deps.paths.cliCacheDir, hop.cacheFile);
  return k && k.expiration.getTime() - deps.now().getTime() > KEYS_MARGIN_MS ? k : undefined;
}

/**
 * The chain's keys: the last hop's from the cache while they last, else from the highest hop
 * whose cached keys still do, else from the source profile's keys (`base`), assuming each role
 * in turn. Never asks a person anything.
 */
export async function getChainedCredentials(
  ctx: Context,
  chain: RoleChain,
  base: BaseCredentials,
  opts: { retry?: ServiceRetry | undefined } = {},
): Promise<ChainedCredentials> {
  const debug = debugLogFor(ctx);
  const last = chain.hops.length - 1;
  let start = chain.hops.length;
  let keys: (SourceKeys & { expiration?: Date; arn?: string | undefined; accountId?: string | undefined }) | undefined;
  for (let i = last; i >= 0; i--) {
    const cached = await cachedHopKeys(ctx, chain.hops[i]!);
    debug(`profile ${chain.hops[i]!.profile}: assume-role cache ${ctx.paths.cliCacheDir}/${chain.hops[i]!.cacheFile}`, {
      usable: cached !== undefined,
    });
    if (cached) {
      keys = cached;
      start = i + 1;
      break;
    }
    start = i;
  }
  // Keys read from a cache, not fetched now: STS may still refuse them (revoked by a sign-out, or
  // issued by another emulator run), and then the chain is assumed once more from fresh keys.
  let fromCache = start <= last && start > 0;
  if (keys === undefined) {
    if (chain.base.kind === "sso") {
      const b = await base(chain.base.profile);
      keys = b;
      fromCache = b.source === "cache";
    } else keys = chain.base.keys;
  }
  // The chain's region, else its base profile's (as the hot path says it: role-chain.entry.ts).
  const region = chain.region ?? (chain.base.kind === "sso" ? (await resolveCredentialProfile(ctx, chain.base.profile)).region : undefined);
  const target = stsEndpointFor(chain);
  const network = start <= last ? await networkFor(ctx, chain.profile) : undefined;
  // A login's fan-out passes one retrier, so its chains back off together.
  const retry = opts.retry ?? serviceRetry(ctx);
  const url = ctx.endpoints.sts ?? target.url;
  for (let i = start; i <= last; i++) {
    const hop = chain.hops[i]!;
    // botocore's default name when none is configured, left out of the cache key (role-chain.entry.ts).
    const sessionName = hop.sessionName ?? `botocore-session-${Math.floor(ctx.now().getTime() / 1000)}`;
    debug(`profile ${hop.profile}: AssumeRole at ${url}`, { role: hop.roleArn, sessionName, durationSeconds: hop.durationSeconds });
    const source: SourceKeys = keys;
    let assumed: AssumedRole;
    try {
      assumed = await retry(() =>
        assumeRole(
          network!,
          ctx.endpoints,
          target,
          source,
          { roleArn: hop.roleArn, sessionName, durationSeconds: hop.durationSeconds, externalId: hop.externalId },
          { now: ctx.now(), signal: ctx.signal, debug },
        ),
      );
    } catch (err) {
      if (fromCache && chain.base.kind === "sso" && refusesKeys(err)) {
        debug(`profile ${hop.profile}: STS refused cached keys (${errorFacts(err).code}); once more from fresh ones`);
        fromCache = false;
        keys = await base(chain.base.profile, { fresh: true });
        i = -1; // the loop's i++ starts again at the first hop
        continue;
      }
      throw describeAssumeRoleError(err, hop, url);
    }
    await writeAssumedRoleKeys(ctx.paths.cliCacheDir, hop.cacheFile, assumed);
    keys = assumed;
  }
  const hop = chain.hops[last]!;
  const k = keys as AssumedRoleKeys;
  return {
    accessKeyId: k.accessKeyId,
    secretAccessKey: k.secretAccessKey,
    sessionToken: k.sessionToken,
    expiration: k.expiration,
    accountId: hop.accountId,
    roleName: hop.roleName,
    profile: chain.profile,
    region: region ?? target.signingRegion,
    source: start > last ? "cache" : "fetched",
    arn: k.arn,
    chain,
  };
}

/** STS's word that the signing keys themselves are no good (not the role's or the request's). */
function refusesKeys(err: unknown): boolean {
  const code = errorFacts(err).code;
  return code === "InvalidClientTokenId" || code === "ExpiredToken";
}

function describeAssumeRoleError(err: unknown, hop: RoleHop, url: string): SsoCliError {
  if (err instanceof SsoCliError) return err;
  const what = `assuming ${hop.roleArn} for profile ${hop.profile}`;
  const f = errorFacts(err);
  if (f.network)
    return new ServiceUnreachableError(
      `Could not reach STS at ${url} (${f.code}) while ${what}.`,
      "Check your network connection, proxy and the profile's region; then try again.",
      { cause: err },
    );
  if (isThrottle(err))
    return new ServiceError(`STS kept throttling AssumeRole (${f.code}) while ${what}.`, "Wait a minute and try again.", { cause: err });
  if (f.status !== undefined && f.status >= 500)
    return new ServiceError(`STS had an internal error (${f.status} ${f.code}) while ${what}.`, "Try again in a minute.", { cause: err });
  return (
    describeStsRefusal(err, hop.profile, hop.roleArn) ?? new ServiceError(`STS refused ${what} (${f.code}).`, undefined, { cause: err })
  );
}
