import type { Context } from "../context.js";
import { readTokenCacheEntry, tokenCacheFileName, type TokenCacheEntry } from "../files/token-cache.js";

// What a sign-in is and what the cache holds for it: all the script hot path needs to know
// whether a sign-in is still good, without loading the sign-in flows or the AWS SDK.

/** One sign-in: an sso-session, or a legacy start URL (profiles with sso_start_url of their own). */
export interface SignInSpec {
  ssoSession?: string | undefined;
  startUrl: string;
  region: string;
  /** From sso_registration_scopes; null when not configured (the cache key says null too). */
  scopes: string[] | null;
}

/** botocore refreshes within 15 minutes of expiry (docs/protocol/token-cache.md §5); we renew at the same point. */
export const TOKEN_MARGIN_MS = 15 * 60_000;

/** `device`: a link and a code for any device (RFC 8628). `pkce`: the browser brings a code back (RFC 7636). */
export type SignInFlow = "device" | "pkce";

export function describeSignIn(spec: SignInSpec): string {
  return spec.ssoSession ? `sso-session ${spec.ssoSession}` : spec.startUrl;
}

/** The cached token for a sign-in, if any (a corrupt file is an error naming it). */
export async function readCachedToken(deps: Pick<Context, "paths">, spec: SignInSpec): Promise<TokenCacheEntry | undefined> {
  return readTokenCacheEntry(deps.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: spec.ssoSession, startUrl: spec.startUrl }));
}
