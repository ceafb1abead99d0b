import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { SignInDeniedError, SignInExpiredError, SignInFailedError } from "../errors.js";
import type { SsoClients } from "./clients.js";
import type { OidcToken } from "./device-authorization.js";
import { parseReply, TokenReply } from "./replies.js";
import { describeServiceError, errorFacts } from "./service-errors.js";

// The authorization code grant with PKCE, as the AWS CLI v2 runs it since 2.22 (docs/sign-in.md,
// "Authorization code with PKCE"; RFC 7636 for PKCE, RFC 8252 for the loopback redirect).

/** What RegisterClient is told: the loopback redirect without a port (RFC 8252 §7.3: any port matches). */
export const REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback";
export const AUTHORIZATION_CODE_GRANTS = ["authorization_code", "refresh_token"];
/** Scopes registered when none are configured, as the AWS CLI does for this flow. */
export const DEFAULT_SCOPES = ["sso:account:access"];

const UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

export interface PkceSecrets {
  /** 64 random unreserved characters; never shown or logged. */
  verifier: string;
  /** base64url(SHA-256(verifier)) without padding: 43 characters. */
  challenge: string;
  /** A random UUID that must come back unchanged with the code. */
  state: string;
}

export function createPkceSecrets(random: (n: number) => Buffer = randomBytes): PkceSecrets {
  // Bytes from 198 (3 × 66) up are dropped, so each of the 66 characters is equally likely.
  let verifier = "";
  while (verifier.length < 64) {
    for (const b of random(96)) {
      if (b < 198 && verifier.length < 64) verifier += UNRESERVED[b % UNRESERVED.length];
    }
  }
  return { verifier, challenge: pkceChallenge(verifier), state: randomUUID() };
}

export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/**
 * Percent-encoding as botocore's `percent_encode` does it: only `A–Z a–z 0–9 - _ . ~` stay bare
 * (encodeURIComponent also leaves `! ' ( ) *`).
 */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The `/authorize` address on the OIDC endpoint, its query in the AWS CLI's order. */
export function buildAuthorizeUrl(
  oidcUrl: string,
  p: { clientId: string; redirectUri: string; state: string; challenge: string; scopes: string[] },
): string {
  const base = new URL(oidcUrl);
  const query = [
    ["response_type", "code"],
    ["client_id", p.clientId],
    ["redirect_uri", p.redirectUri],
    ["state", p.state],
    ["code_challenge_method", "S256"],
    ["scopes", p.scopes.join(" ")],
  ]
    .map(([k, v]) => `${k}=${percentEncode(v!)}`)
    .join("&");
  return `${base.protocol}//${base.host}/authorize?${query}&code_challenge=${p.challenge}`;
}

export type CallbackParams =
  | { code: string; state: string }
  | { error: string; state: string | undefined; description?: string | undefined };

/** What came back on the redirect, as data; undefined when it is neither a code nor an error. */
export function readCallbackParams(query: URLSearchParams): CallbackParams | undefined {
  const error = query.get("error");
  if (error) return { error, state: query.get("state") ?? undefined, description: query.get("error_description") ?? undefined };
  const code = query.get("code");
  const state = query.get("state");
  if (code && state) return { code, state };
  return undefined;
}

export function sameState(expected: string, received: string | undefined): boolean {
  if (received === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The code from a callback, once its state is checked; a denial or any other error ends the
 * sign-in with the matching typed error. The state is checked first, for errors too: an error
 * without this sign-in's state may come from anyone (RFC 6749 §10.12), and must end nothing.
 * (The loopback server and the paste-back already drop such answers; this is the last guard.)
 */
export function codeFromCallback(params: CallbackParams, expectedState: string): string {
  if (!sameState(expectedState, params.state)) {
    throw new SignInFailedError(
      "The browser came back with the answer to another sign-in (its state does not match); nothing was signed in.",
      "Run the command again, and use the newest link.",
    );
  }
  if ("error" in params) {
    if (params.error === "access_denied") throw new SignInDeniedError();
    throw new SignInFailedError(
      `The sign-in page answered "${params.error}"${params.description ? ` (${params.description})` : ""}; nothing was signed in.`,
    );
  }
  return params.code;
}

/**
 * The address a person pasted back (the page the browser ended on), parsed. Accepts the whole
 * address or just its query; undefined when it holds neither a code nor an error.
 */
export function parsePastedCallback(text: string): CallbackParams | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  let query: string;
  try {
    query = new URL(t).search;
  } catch {
    query = t.includes("?") ? t.slice(t.indexOf("?")) : t;
  }
  return readCallbackParams(new URLSearchParams(query));
}

/** CreateToken with the authorization_code grant (the code is spent by this one call). */
export async function exchangeAuthorizationCode(
  clients: SsoClients,
  registration: { clientId: string; clientSecret: string },
  p: { code: string; redirectUri: string; verifier: string },
): Promise<OidcToken> {
  const [client, m] = await Promise.all([clients.oidc(), clients.oidcModule()]);
  try {
    const reply = await client.send(
      new m.CreateTokenCommand({
        ...registration,
        grantType: "authorization_code",
        code: p.code,
        redirectUri: p.redirectUri,
        codeVerifier: p.verifier,
      }),
    );
    const r = parseReply(TokenReply, reply, "CreateToken");
    return { accessToken: r.accessToken, expiresInS: r.expiresIn, refreshToken: r.refreshToken };
  } catch (err) {
    if (errorFacts(err).code === "ExpiredTokenException") throw new SignInExpiredError();
    if (errorFacts(err).code === "AccessDeniedException") throw new SignInDeniedError();
    throw describeServiceError(err, "finishing the sign-in", clients.urls.oidc);
  }
}
