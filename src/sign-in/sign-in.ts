import { join } from "node:path";
import { hostname } from "node:os";
import type { Context } from "../context.js";
import { LoginRequiredError, ServiceUnreachableError, StaleRegistrationError } from "../errors.js";
import { withSignInLock } from "../files/sign-in-lock.js";
import { checkWritableTarget, noticeTo } from "../files/atomic-write.js";
import { formatTimestamp, parseTimestamp, tokenCacheFileName, writeTokenCacheEntry, type TokenCacheEntry } from "../files/token-cache.js";
import { escapeControlChars } from "../lib/control-chars.js";
import { debugLogFor } from "../lib/debug-log.js";
import { formatExpiry } from "../lib/progress.js";
import { createSsoClients, type SsoClients } from "../sso/clients.js";
import type { OidcToken } from "../sso/device-authorization.js";
import { refreshAccessToken } from "../sso/refresh-token.js";
import { loadRegistration, type Registration } from "./client-registration.js";
import { networkFor } from "../network/network-for.js";
import { signInWithDeviceCode } from "./sign-in-device.js";
import { signInWithAuthorizationCode } from "./sign-in-pkce.js";
import { readCachedToken, TOKEN_MARGIN_MS, describeSignIn, type SignInFlow, type SignInSpec } from "./cached-sign-in.entry.js";

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

export type SignInDeps = Pick<
  Context,
  "now" | "sleep" | "signal" | "paths" | "endpoints" | "stdin" | "stderr" | "tty" | "browser" | "env" | "debug"
>;

/**
 * Which sign-in flow runs, and whether it opens a browser. The authorization code flow (the AWS
 * CLI v2's default since 2.22) when a local browser can receive the redirect; the device flow
 * where none can (SSH, no display, BROWSER=none, --no-browser), since its link works on any
 * device. An explicit --use-device-code or --use-pkce wins; PKCE without a browser pastes back.
 */
export function chooseSignInFlow(
  opts: SignInOptions,
  browser: Pick<Context["browser"], "available">,
): { flow: SignInFlow; openBrowser: boolean } {
  const openBrowser = opts.browser !== false && browser.available;
  return { flow: opts.flow ?? (openBrowser ? "pkce" : "device"), openBrowser };
}

/**
 * A token valid for more than the margin: the cached one, else a silent refresh (sso-session
 * with a refresh token), else a sign-in in the browser. `force` skips straight to the sign-in.
 * The cache is written exactly as the AWS CLI v2 writes it, so both tools share it.
 *
 * Refresh and sign-in run under a lock per sso-session (or legacy start URL) shared by every
 * sso-cli process: the refresh token is spent by its first use (rotation), and each sign-in is a
 * prompt for the person. A process that had to wait reads the cache again and takes the token the
 * other one wrote, instead of refreshing with a spent token or prompting a second time.
 */
export async function ensureSignedIn(deps: SignInDeps, spec: SignInSpec, opts: SignInOptions): Promise<SignedIn> {
  const debug = debugLogFor(deps);
  const clients = createSsoClients(spec.region, deps.endpoints, { network: () => networkFor(deps), debug: deps.debug ? debug : undefined });
  const cacheFile = tokenCacheFileName(spec);
  // With --force a damaged cache file is no obstacle: the sign-in replaces it.
  const readCache = () => (opts.force ? readCachedToken(deps, spec).catch(() => undefined) : readCachedToken(deps, spec));
  const seen = await readCache();
  debug(`sign-in ${describeSignIn(spec)}: token cache ${deps.paths.ssoCacheDir}/${cacheFile}`, {
    found: seen !== undefined,
    force: opts.force === true,
  });
  const usable = !opts.force && seen ? usableToken(seen, spec, deps.now().getTime(), TOKEN_MARGIN_MS) : undefined;
  if (usable) {
    debug(`using the cached token (expires ${usable.toISOString()})`);
    return { spec, accessToken: seen!.accessToken, expiresAt: usable, how: "cached", clients };
  }
  // A token cache where others could take the token is refused before anyone is asked to sign in.
  await checkWritableTarget(join(deps.paths.ssoCacheDir, cacheFile), { secret: true });
  return withSignInLock(
    deps.paths.home,
    spec,
    async () => {
      // Read again under the lock: another process may have signed in or refreshed since (often
      // while this one waited for the lock). Its token is the one to use.
      const current = await readCache();
      if (current && current.accessToken !== seen?.accessToken) {
        const expiresAt = usableToken(current, spec, deps.now().getTime(), OTHER_PROCESS_TOKEN_MIN_MS);
        if (expiresAt) {
          debug(`another process signed in meanwhile; using its token (expires ${expiresAt.toISOString()})`);
          return { spec, accessToken: current.accessToken, expiresAt, how: "cached", clients };
        }
      }
      if (current && !opts.force) {
        debug(`cached token expires ${current.expiresAt}: within the ${TOKEN_MARGIN_MS / 60_000}-minute margin; trying a refresh`);
        const refreshed = await tryRefresh(deps, spec, current, clients);
        if (refreshed) return refreshed;
        const lasts = opts.signIn === false ? usableToken(current, spec, deps.now().getTime(), LAST_USE_MARGIN_MS) : undefined;
        if (lasts) {
          debug("no refresh possible: using the token while it lasts");
          return { spec, accessToken: current.accessToken, expiresAt: lasts, how: "cached", clients };
        }
        debug("no refresh possible or refused: signing in");
      }
      if (opts.signIn === false) throw new LoginRequiredError(describeSignIn(spec), opts.loginHint ?? "sso-cli login");
      return signIn(deps, spec, clients, opts);
    },
    {
      what: describeSignIn(spec),
      signal: deps.signal,
      onWait: (holder) => {
        const who = holder
          ? `another sso-cli (pid ${holder.pid}${holder.host === hostname() ? "" : ` on ${escapeControlChars(holder.host)}`})`
          : "another sso-cli";
        const what = escapeControlChars(describeSignIn(spec));
        debug(`waiting for ${who}: it is signing in to ${what}`);
        // Once, and on a terminal only: in a script the wait is no news, and stderr is for errors.
        if (deps.tty.stderr) deps.stderr.write(`Waiting for ${who}, which is signing in to ${what}…\n`);
      },
    },
  );
}

/** A token that cannot be refreshed is not handed to a call that may take a while (retries, throttling) with less than this left. */
const LAST_USE_MARGIN_MS = 60_000;

/** A token taken from another process's sign-in must still be good for this long: enough to use it now. */
const OTHER_PROCESS_TOKEN_MIN_MS = 60_000;

/** The token's expiry when it belongs to this sign-in and has more than `marginMs` left. */
function usableToken(entry: TokenCacheEntry, spec: SignInSpec, nowMs: number, marginMs: number): Date | undefined {
  const expiresAt = parseTimestamp(entry.expiresAt)!;
  return entry.startUrl === spec.startUrl && expiresAt.getTime() - nowMs > marginMs ? expiresAt : undefined;
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
      token =
        flow === "pkce"
          ? await signInWithAuthorizationCode(deps, spec, clients, registration, { openBrowser })
          : await signInWithDeviceCode(deps, spec, clients, registration, { openBrowser });
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
  await writeTokenCacheEntry(deps.paths.ssoCacheDir, tokenCacheFileName(spec), entry, { notice: noticeTo(deps.stderr) });
  return expiresAt;
}

async function tryRefresh(deps: SignInDeps, spec: SignInSpec, cached: TokenCacheEntry, clients: SsoClients): Promise<SignedIn | undefined> {
  // botocore refreshes only sso-session tokens, and only with all four keys and a live registration.
  if (!spec.ssoSession || !cached.refreshToken || !cached.clientId || !cached.clientSecret) return undefined;
  const regExpires = cached.registrationExpiresAt ? parseTimestamp(cached.registrationExpiresAt) : undefined;
  if (!regExpires || regExpires.getTime() <= deps.now().getTime()) return undefined;
  let token: OidcToken;
  try {
    token = await refreshAccessToken(clients, {
      clientId: cached.clientId,
      clientSecret: cached.clientSecret,
      refreshToken: cached.refreshToken,
    });
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
  await writeTokenCacheEntry(deps.paths.ssoCacheDir, tokenCacheFileName(spec), entry, { notice: noticeTo(deps.stderr) });
  return { spec, accessToken: token.accessToken, expiresAt, how: "refreshed", clients };
}
