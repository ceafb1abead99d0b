import type { Context } from "../context.js";
import { LoginRequiredError, ServiceUnreachableError, StaleRegistrationError } from "../errors.js";
import { formatTimestamp, parseTimestamp, tokenCacheFileName, writeTokenCacheEntry, type TokenCacheEntry } from "../files/token-cache.js";
import { debugLogFor } from "../lib/debug-log.js";
import { formatExpiry } from "../lib/progress.js";
import { createSsoClients, type SsoClients } from "../sso/clients.js";
import type { OidcToken } from "../sso/device-authorization.js";
import { refreshAccessToken } from "../sso/refresh-token.js";
import { loadRegistration, type Registration } from "./client-registration.js";
import { signInWithDeviceCode } from "./sign-in-device.js";
import { signInWithAuthorizationCode } from "./sign-in-pkce.js";
import { readCachedToken, TOKEN_MARGIN_MS, describeSignIn, type SignInFlow, type SignInSpec } from "./cached-sign-in.js";

export interface SignedIn {
  spec: SignInSpec;
  accessToken: string;
  expiresAt: Date;
  how: "cached" | "refreshed" | "signed-in";
  clients: SsoClients;
}

export interface SignInOptions {
  /** Sign in again even if the cached token is valid. */
  force?: boolean | undefined;
  /** False with --no-browser: never open one. */
  browser?: boolean | undefined;
  /** --use-device-code / --use-pkce; else chosen by whether a local browser can be opened. */
  flow?: SignInFlow | undefined;
  /**
   * False for commands that run inside other tools (credential_process, export): never ask a person.
   * A token that cannot be refreshed is then used while it lasts, and none is LoginRequiredError.
   */
  signIn?: boolean | undefined;
  /** The command that signs in, for LoginRequiredError. */
  loginHint?: string | undefined;
}

/** A token with less than this left is not handed to a call that may take a while (retries, throttling). */
const LAST_USE_MARGIN_MS = 60_000;

export type SignInDeps = Pick<Context, "now" | "sleep" | "signal" | "paths" | "endpoints" | "stdin" | "stderr" | "tty" | "browser" | "env" | "debug">;

/**
 * Which sign-in flow runs, and whether it opens a browser. The authorization code flow (the AWS
 * CLI v2's default since 2.22) when a local browser can receive the redirect; the device flow
 * where none can (SSH, no display, BROWSER=none, --no-browser), since its link works on any
 * device. An explicit --use-device-code or --use-pkce wins; PKCE without a browser pastes back.
 */
export function chooseSignInFlow(opts: SignInOptions, browser: Pick<Context["browser"], "available">): { flow: SignInFlow; openBrowser: boolean } {
  const openBrowser = opts.browser !== false && browser.available;
  return { flow: opts.flow ?? (openBrowser ? "pkce" : "device"), openBrowser };
}

/**
 * A token valid for more than the margin: the cached one, else a silent refresh (sso-session
 * with a refresh token), else a sign-in in the browser. `force` skips straight to the sign-in.
 * The cache is written exactly as the AWS CLI v2 writes it, so both tools share it.
 */
export async function ensureSignedIn(deps: SignInDeps, spec: SignInSpec, opts: SignInOptions): Promise<SignedIn> {
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
    if (opts.signIn === false && cached.startUrl === spec.startUrl && expiresAt.getTime() - now > LAST_USE_MARGIN_MS) {
      debug("no refresh possible: using the token while it lasts");
      return { spec, accessToken: cached.accessToken, expiresAt, how: "cached", clients };
    }
    debug("no refresh possible or refused: signing in");
  }
  if (opts.signIn === false) throw new LoginRequiredError(describeSignIn(spec), opts.loginHint ?? "sso-cli login");
  return signIn(deps, spec, clients, opts);
}

async function signIn(deps: SignInDeps, spec: SignInSpec, clients: SsoClients, opts: SignInOptions): Promise<SignedIn> {
  const debug = debugLogFor(deps);
  const { flow, openBrowser } = chooseSignInFlow(opts, deps.browser);
  debug(`sign-in flow: ${flow === "pkce" ? "authorization code with PKCE" : "device code"}`, {
    openBrowser,
    ...(deps.browser.available ? {} : { noBrowser: deps.browser.unavailableReason }),
  });
  let registration = await loadRegistration(deps, spec, clients, flow);
  let token: OidcToken;
  for (let attempt = 1; ; attempt++) {
    try {
      token = flow === "pkce" ? await signInWithAuthorizationCode(deps, spec, clients, registration, { openBrowser }) : await signInWithDeviceCode(deps, spec, clients, registration, { openBrowser });
      break;
    } catch (err) {
      // The service forgot the registration (restarted, revoked): register anew once and go on.
      if (!(err instanceof StaleRegistrationError) || attempt > 1) throw err;
      debug("the service no longer accepts the cached client registration (InvalidClientException): registering anew");
      registration = await loadRegistration(deps, spec, clients, flow, { fresh: true });
    }
  }
  const expiresAt = await storeToken(deps, spec, registration, token);
  deps.stderr.write(`Signed in to ${spec.startUrl} (valid until ${formatExpiry(expiresAt)}).\n`);
  return { spec, accessToken: token.accessToken, expiresAt, how: "signed-in", clients };
}

async function storeToken(deps: SignInDeps, spec: SignInSpec, registration: Registration, token: OidcToken): Promise<Date> {
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
  return expiresAt;
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
  // Rotation: the old refresh token is spent; without a new one the key must go (docs/protocol/sso-oidc.md §5).
  if (token.refreshToken) entry.refreshToken = token.refreshToken;
  else delete entry.refreshToken;
  await writeTokenCacheEntry(deps.paths.ssoCacheDir, tokenCacheFileName(spec), entry);
  return { spec, accessToken: token.accessToken, expiresAt, how: "refreshed", clients };
}
