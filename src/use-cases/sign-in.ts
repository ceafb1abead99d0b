import type { Context } from "../context.js";
import { ServiceUnreachableError, SsoCliError } from "../errors.js";
import {
  formatTimestamp,
  parseTimestamp,
  readClientRegistration,
  readTokenCacheEntry,
  registrationCacheFileName,
  tokenCacheFileName,
  writeClientRegistration,
  writeTokenCacheEntry,
  type TokenCacheEntry,
} from "../files/token-cache.js";
import { debugLogFor } from "../lib/debug-log.js";
import { createProgress, formatCountdown, formatExpiry } from "../lib/progress.js";
import { createSsoClients, type SsoClients } from "../sso/clients.js";
import { createDeviceToken, pollForToken, startDeviceAuthorization, type OidcToken } from "../sso/device-authorization.js";
import { refreshAccessToken } from "../sso/refresh-token.js";
import { registerClient } from "../sso/register-client.js";

/** One sign-in: an sso-session, or a legacy start URL (profiles with sso_start_url of their own). */
export interface SignInSpec {
  ssoSession?: string | undefined;
  startUrl: string;
  region: string;
  /** From sso_registration_scopes; null when not configured (the cache key says null too). */
  scopes: string[] | null;
}

export interface SignedIn {
  spec: SignInSpec;
  accessToken: string;
  expiresAt: Date;
  how: "cached" | "refreshed" | "signed-in";
  clients: SsoClients;
}

/** botocore refreshes within 15 minutes of expiry (token-cache.md §5); we renew at the same point. */
export const TOKEN_MARGIN_MS = 15 * 60_000;
/** A cached registration is reused while it has more than 15 minutes left (token-cache.md §4). */
const REGISTRATION_MARGIN_MS = 15 * 60_000;

export type SignInDeps = Pick<Context, "now" | "sleep" | "signal" | "paths" | "endpoints" | "stderr" | "tty" | "openBrowser" | "env" | "debug">;

export function describeSignIn(spec: SignInSpec): string {
  return spec.ssoSession ? `sso-session ${spec.ssoSession}` : spec.startUrl;
}

/** The cached token for a sign-in, if any (a corrupt file is an error naming it). */
export async function readCachedToken(deps: Pick<Context, "paths">, spec: SignInSpec): Promise<TokenCacheEntry | undefined> {
  return readTokenCacheEntry(deps.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: spec.ssoSession, startUrl: spec.startUrl }));
}

/**
 * A token valid for more than the margin: the cached one, else a silent refresh (sso-session
 * with a refresh token), else a device sign-in in the browser. `force` skips straight to the
 * sign-in. The cache is written exactly as the AWS CLI v2 writes it, so both tools share it.
 */
export async function ensureSignedIn(deps: SignInDeps, spec: SignInSpec, opts: { force?: boolean; browser?: boolean; interactive?: boolean }): Promise<SignedIn> {
  const debug = debugLogFor(deps);
  const clients = createSsoClients(spec.region, deps.endpoints, { debug: deps.debug ? debug : undefined });
  const now = deps.now().getTime();
  const cacheFile = tokenCacheFileName(spec);
  const cached = opts.force ? undefined : await readCachedToken(deps, spec);
  debug(`sign-in ${describeSignIn(spec)}: token cache ${deps.paths.ssoCacheDir}/${cacheFile}`, { found: cached !== undefined, force: opts.force === true });
  if (cached) {
    const expiresAt = parseTimestamp(cached.expiresAt)!;
    if (cached.startUrl === spec.startUrl && expiresAt.getTime() - now > TOKEN_MARGIN_MS) {
      debug(`using the cached token (expires ${expiresAt.toISOString()})`);
      return { spec, accessToken: cached.accessToken, expiresAt, how: "cached", clients };
    }
    debug(`cached token expires ${expiresAt.toISOString()}: within the ${TOKEN_MARGIN_MS / 60_000}-minute margin; trying a refresh`);
    const refreshed = await tryRefresh(deps, spec, cached, clients);
    if (refreshed) return refreshed;
    debug("no refresh possible or refused: signing in");
  }
  return signInWithDeviceCode(deps, spec, clients, opts);
}

async function tryRefresh(deps: SignInDeps, spec: SignInSpec, cached: TokenCacheEntry, clients: SsoClients): Promise<SignedIn | undefined> {
  // botocore refreshes only sso-session tokens, and only with all four keys and a live registration.
  if (!spec.ssoSession || !cached.refreshToken || !cached.clientId || !cached.clientSecret) return undefined;
  const regExpires = cached.registrationExpiresAt ? parseTimestamp(cached.registrationExpiresAt) : undefined;
  if (!regExpires || regExpires.getTime() <= deps.now().getTime()) return undefined;
  let token: OidcToken;
  try {
    token = await refreshAccessToken(clients, { clientId: cached.clientId, clientSecret: cached.clientSecret, refreshToken: cached.refreshToken });
  } catch (err) {
    // A refused refresh means "sign in again"; an unreachable service means that too would fail.
    if (err instanceof ServiceUnreachableError) throw err;
    return undefined;
  }
  const expiresAt = new Date(deps.now().getTime() + token.expiresInS * 1000);
  const entry: TokenCacheEntry = { ...cached, accessToken: token.accessToken, expiresAt: formatTimestamp(expiresAt) };
  // Rotation: the old refresh token is spent; without a new one the key must go (sso-oidc.md §5).
  if (token.refreshToken) entry.refreshToken = token.refreshToken;
  else delete entry.refreshToken;
  await writeTokenCacheEntry(deps.paths.ssoCacheDir, tokenCacheFileName(spec), entry);
  return { spec, accessToken: token.accessToken, expiresAt, how: "refreshed", clients };
}

async function loadRegistration(deps: SignInDeps, spec: SignInSpec, clients: SsoClients): Promise<{ clientId: string; clientSecret: string; expiresAt: Date }> {
  const fileName = registrationCacheFileName({ startUrl: spec.startUrl, region: spec.region, scopes: spec.scopes, sessionName: spec.ssoSession ?? null });
  let cached;
  try {
    cached = await readClientRegistration(deps.paths.ssoCacheDir, fileName);
  } catch (err) {
    // A corrupt registration is only a cache: register anew and overwrite it.
    if (!(err instanceof SsoCliError)) throw err;
  }
  if (cached && !cached.grantTypes?.includes("authorization_code")) {
    const expiresAt = parseTimestamp(cached.expiresAt)!;
    if (expiresAt.getTime() - deps.now().getTime() > REGISTRATION_MARGIN_MS) return { clientId: cached.clientId, clientSecret: cached.clientSecret, expiresAt };
  }
  const clientName = `botocore-client-${spec.ssoSession ?? Math.floor(deps.now().getTime() / 1000)}`;
  const reg = await registerClient(clients, { clientName, scopes: spec.scopes ?? undefined });
  await writeClientRegistration(deps.paths.ssoCacheDir, fileName, {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    expiresAt: formatTimestamp(reg.expiresAt),
    ...(spec.scopes ? { scopes: spec.scopes } : {}),
  });
  return reg;
}

async function signInWithDeviceCode(deps: SignInDeps, spec: SignInSpec, clients: SsoClients, opts: { browser?: boolean; interactive?: boolean }): Promise<SignedIn> {
  const registration = await loadRegistration(deps, spec, clients);
  const auth = await startDeviceAuthorization(clients, { clientId: registration.clientId, clientSecret: registration.clientSecret }, spec.startUrl);
  const err = deps.stderr;
  err.write(`Sign in to ${spec.startUrl}${spec.ssoSession ? ` (sso-session ${spec.ssoSession})` : ""}:\n`);
  err.write(`  open   ${auth.verificationUriComplete}\n`);
  err.write(`  code   ${auth.userCode}\n`);
  const opened = opts.browser !== false && (await deps.openBrowser(auth.verificationUriComplete));
  err.write(opened ? "A browser window was opened; check that it shows the same code.\n" : `Open the link on any device and check that it shows the code ${auth.userCode}.\n`);
  const progress = createProgress(err, deps.tty.stderr, () => deps.now().getTime());
  const token = await pollForToken(
    {
      now: deps.now,
      sleep: deps.sleep,
      signal: deps.signal,
      createToken: (deviceCode) => createDeviceToken(clients, registration, deviceCode),
      onWait: (left) => progress.update(`Waiting for approval of ${auth.userCode}… (code expires in ${formatCountdown(left)})`),
    },
    auth,
  ).finally(() => progress.done());
  const expiresAt = new Date(deps.now().getTime() + token.expiresInS * 1000);
  const entry: TokenCacheEntry = {
    startUrl: spec.startUrl,
    region: spec.region,
    accessToken: token.accessToken,
    expiresAt: formatTimestamp(expiresAt),
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    registrationExpiresAt: formatTimestamp(registration.expiresAt),
    ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
  };
  await writeTokenCacheEntry(deps.paths.ssoCacheDir, tokenCacheFileName(spec), entry);
  err.write(`Signed in to ${spec.startUrl} (valid until ${formatExpiry(expiresAt)}).\n`);
  return { spec, accessToken: token.accessToken, expiresAt, how: "signed-in", clients };
}
