import { createHash, timingSafeEqual } from "node:crypto";
import type { EmulatorState, RegisteredClient } from "./emulator-state.js";
import { randomToken } from "./emulator-state.js";
import { jsonResponse, oidcError, parseJsonObject } from "./rest-json.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

/**
 * SSO OIDC (restJson1): RegisterClient, StartDeviceAuthorization, CreateToken with the
 * device_code, refresh_token and authorization_code (+PKCE) grants. Statuses, codes and body
 * fields follow docs/protocol/sso-oidc.md §3–§8.
 */
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const KNOWN_GRANTS = new Set([DEVICE_GRANT, "authorization_code", "refresh_token"]);
/** Authorization codes are short-lived, as OAuth servers' are (RFC 6749 §4.1.2 suggests ≤ 10 min). */
const AUTH_CODE_TTL_MS = 5 * 60_000;

export type OidcOperation = "RegisterClient" | "StartDeviceAuthorization" | "CreateToken";

export interface OidcResult {
  response: EmuResponse;
  errorCode?: string;
  grantType?: string;
}

type Errors = ReturnType<typeof errorsFor>;

function errorsFor(requestId: string) {
  const e = (status: number, name: string, error: string) => (description: string, extra?: Record<string, string>) => ({
    response: oidcError(status, name, error, description, requestId, extra),
    errorCode: name,
  });
  return {
    invalidRequest: e(400, "InvalidRequestException", "invalid_request"),
    invalidClient: e(401, "InvalidClientException", "invalid_client"),
    invalidGrant: e(400, "InvalidGrantException", "invalid_grant"),
    unsupportedGrant: e(400, "UnsupportedGrantTypeException", "unsupported_grant_type"),
    unauthorizedClient: e(400, "UnauthorizedClientException", "unauthorized_client"),
    authorizationPending: e(400, "AuthorizationPendingException", "authorization_pending"),
    slowDown: e(400, "SlowDownException", "slow_down"),
    expiredToken: e(400, "ExpiredTokenException", "expired_token"),
    accessDenied: e(400, "AccessDeniedException", "access_denied"),
    invalidScope: e(400, "InvalidScopeException", "invalid_scope"),
    invalidClientMetadata: e(400, "InvalidClientMetadataException", "invalid_client_metadata"),
    invalidRedirectUri: e(400, "InvalidRedirectUriException", "invalid_redirect_uri"),
  };
}

function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function strList(body: Record<string, unknown>, key: string): string[] | undefined | null {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return null;
  return v as string[];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkClient(state: EmulatorState, errors: Errors, body: Record<string, unknown>): RegisteredClient | OidcResult {
  const clientId = str(body, "clientId");
  const clientSecret = str(body, "clientSecret");
  if (!clientId || !clientSecret) return errors.invalidRequest("clientId and clientSecret are required");
  const client = state.clients.get(clientId);
  if (!client || !sameSecret(client.clientSecret, clientSecret)) return errors.invalidClient("Invalid client credentials");
  if (state.nowMs() >= client.expiresAtMs) return errors.invalidClient("Client registration has expired");
  return client;
}

export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === "http:" && (u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]");
  } catch {
    return false;
  }
}

/** RFC 8252 §7.3: a loopback redirect URI matches whatever port the client picked at run time. */
export function redirectUriMatches(registered: string, used: string): boolean {
  try {
    const r = new URL(registered);
    const u = new URL(used);
    if (isLoopbackRedirect(registered) && isLoopbackRedirect(used)) {
      return r.hostname === u.hostname && r.pathname === u.pathname;
    }
    return registered === used;
  } catch {
    return false;
  }
}

/** PKCE S256 (RFC 7636 §4.6): base64url(SHA-256(verifier)) without padding equals the challenge. */
export function verifyPkce(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const computed = createHash("sha256").update(verifier, "ascii").digest("base64url");
  return sameSecret(computed, challenge);
}

export function registerClient(state: EmulatorState, req: EmuRequest, requestId: string): OidcResult {
  const errors = errorsFor(requestId);
  const body = parseJsonObject(req.body);
  if (!body) return errors.invalidRequest("The request body must be a JSON object");
  const clientName = str(body, "clientName");
  const clientType = str(body, "clientType");
  if (!clientName || !clientType) return errors.invalidRequest("clientName and clientType are required");
  if (clientType !== "public") return errors.invalidClientMetadata(`Unsupported clientType: ${clientType}`);
  const scopes = strList(body, "scopes");
  if (scopes === null || (scopes && scopes.some((s) => !/^[\w:.\-*/]+$/.test(s)))) return errors.invalidScope("Invalid scope");
  const grantTypes = strList(body, "grantTypes");
  if (grantTypes === null || (grantTypes && grantTypes.some((g) => !KNOWN_GRANTS.has(g)))) {
    return errors.unsupportedGrant("Unsupported grant type");
  }
  const redirectUris = strList(body, "redirectUris");
  if (redirectUris === null || (redirectUris && redirectUris.some((u) => !isLoopbackRedirect(u) && !u.startsWith("https://")))) {
    return errors.invalidRedirectUri("Invalid redirect URI");
  }
  if (grantTypes?.includes("authorization_code") && !redirectUris?.length) {
    return errors.invalidRedirectUri("The authorization_code grant needs a redirect URI");
  }
  const client = state.registerClient({
    clientName,
    scopes: scopes ?? [],
    grantTypes: grantTypes ?? [],
    redirectUris: redirectUris ?? [],
  });
  const base = req.baseUrl;
  return {
    response: jsonResponse(
      200,
      {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientIdIssuedAt: Math.floor(client.issuedAtMs / 1000),
        clientSecretExpiresAt: Math.floor(client.expiresAtMs / 1000),
        ...(grantTypes?.includes("authorization_code")
          ? { authorizationEndpoint: `${base}/authorize`, tokenEndpoint: `${base}/token` }
          : {}),
      },
      requestId,
    ),
  };
}

export function startDeviceAuthorization(state: EmulatorState, req: EmuRequest, requestId: string): OidcResult {
  const errors = errorsFor(requestId);
  const body = parseJsonObject(req.body);
  if (!body) return errors.invalidRequest("The request body must be a JSON object");
  const client = checkClient(state, errors, body);
  if ("response" in client) return client;
  const startUrl = str(body, "startUrl");
  if (!startUrl) return errors.invalidRequest("startUrl is required");
  if (!/^https:\/\/[^\s/]+/.test(startUrl)) return errors.invalidRequest("startUrl must be an https URL");
  if (client.grantTypes.length > 0 && !client.grantTypes.includes(DEVICE_GRANT)) {
    return errors.unauthorizedClient("The client is not registered for the device_code grant");
  }
  const auth = state.startDeviceAuthorization(client.clientId, startUrl);
  const verificationUri = `${req.baseUrl}/device`;
  return {
    response: jsonResponse(
      200,
      {
        deviceCode: auth.deviceCode,
        userCode: auth.userCode,
        verificationUri,
        verificationUriComplete: `${verificationUri}?user_code=${encodeURIComponent(auth.userCode)}`,
        expiresIn: Math.round((auth.expiresAtMs - auth.createdMs) / 1000),
        interval: auth.intervalS,
      },
      requestId,
    ),
  };
}

export function createToken(state: EmulatorState, req: EmuRequest, requestId: string): OidcResult {
  const errors = errorsFor(requestId);
  const body = parseJsonObject(req.body);
  if (!body) return errors.invalidRequest("The request body must be a JSON object");
  const grantType = str(body, "grantType");
  if (!grantType) return errors.invalidRequest("grantType is required");
  const client = checkClient(state, errors, body);
  if ("response" in client) return { ...client, grantType };
  let result: OidcResult;
  switch (grantType) {
    case DEVICE_GRANT:
      result = deviceCodeGrant(state, errors, client, body, requestId);
      break;
    case "refresh_token":
      result = refreshTokenGrant(state, errors, client, body, requestId);
      break;
    case "authorization_code":
      result = authorizationCodeGrant(state, errors, client, body, requestId);
      break;
    default:
      result = errors.unsupportedGrant(`Unsupported grant type: ${grantType}`);
  }
  return { ...result, grantType };
}

function tokenResponse(tokens: { accessToken: string; expiresIn: number; refreshToken?: string }, requestId: string): OidcResult {
  return { response: jsonResponse(200, { ...tokens, tokenType: "Bearer" }, requestId) };
}

function deviceCodeGrant(
  state: EmulatorState,
  errors: Errors,
  client: RegisteredClient,
  body: Record<string, unknown>,
  requestId: string,
): OidcResult {
  const deviceCode = str(body, "deviceCode");
  if (!deviceCode) return errors.invalidRequest("deviceCode is required");
  const auth = state.deviceAuthorizations.get(deviceCode);
  if (!auth || auth.clientId !== client.clientId) return errors.invalidGrant("Invalid device code provided");
  const now = state.nowMs();
  if (auth.status === "consumed") return errors.invalidGrant("The device code has already been used");
  if (now >= auth.expiresAtMs) return errors.expiredToken("Device code has expired");
  const status = state.effectiveStatus(auth);
  if (status === "denied") return errors.accessDenied("The user denied the authorization request");
  if (status === "approved") {
    auth.status = "consumed";
    return tokenResponse(state.issueTokens(state.startSession(client.clientId)), requestId);
  }
  // RFC 8628 §3.5: a client polling faster than `interval` is told to slow down.
  const tooSoon = auth.lastPollMs !== undefined && now - auth.lastPollMs < auth.intervalS * 1000;
  auth.lastPollMs = now;
  if (tooSoon) {
    auth.intervalS += 5;
    return errors.slowDown("Client is polling too quickly");
  }
  return errors.authorizationPending("Authorization is still pending");
}

function refreshTokenGrant(
  state: EmulatorState,
  errors: Errors,
  client: RegisteredClient,
  body: Record<string, unknown>,
  requestId: string,
): OidcResult {
  if (!state.options.refresh) return errors.unsupportedGrant("Refresh tokens are not enabled");
  if (client.grantTypes.length > 0 && !client.grantTypes.includes("refresh_token")) {
    return errors.unauthorizedClient("The client is not registered for the refresh_token grant");
  }
  const refreshToken = str(body, "refreshToken");
  if (!refreshToken) return errors.invalidRequest("refreshToken is required");
  const stored = state.refreshTokens.get(refreshToken);
  if (!stored || stored.clientId !== client.clientId || stored.revoked || stored.used || state.nowMs() >= stored.expiresAtMs) {
    return errors.invalidGrant("Invalid refresh token provided");
  }
  const session = state.sessions.get(stored.sessionId);
  if (!session || session.revoked) return errors.invalidGrant("Invalid refresh token provided");
  // Rotation: a refresh token works once; the answer carries its successor.
  stored.used = true;
  return tokenResponse(state.issueTokens(session), requestId);
}

function authorizationCodeGrant(
  state: EmulatorState,
  errors: Errors,
  client: RegisteredClient,
  body: Record<string, unknown>,
  requestId: string,
): OidcResult {
  if (!client.grantTypes.includes("authorization_code")) {
    return errors.unauthorizedClient("The client is not registered for the authorization_code grant");
  }
  const code = str(body, "code");
  const redirectUri = str(body, "redirectUri");
  const codeVerifier = str(body, "codeVerifier");
  if (!code || !redirectUri || !codeVerifier) return errors.invalidRequest("code, redirectUri and codeVerifier are required");
  const stored = state.authorizationCodes.get(code);
  if (!stored || stored.clientId !== client.clientId || stored.used) return errors.invalidGrant("Invalid authorization code provided");
  stored.used = true;
  if (state.nowMs() >= stored.expiresAtMs) return errors.expiredToken("Authorization code has expired");
  if (stored.redirectUri !== redirectUri) return errors.invalidGrant("The redirect URI does not match the authorization request");
  if (!verifyPkce(codeVerifier, stored.codeChallenge)) return errors.invalidGrant("The code verifier does not match the code challenge");
  return tokenResponse(state.issueTokens(state.startSession(client.clientId)), requestId);
}

/** Completes an /authorize request: a single-use code for the redirect, or access_denied. */
export function decideAuthorization(state: EmulatorState, requestIdOfAuth: string, approve: boolean): string | undefined {
  const ar = state.authorizationRequests.get(requestIdOfAuth);
  if (!ar || ar.status === "consumed" || ar.status === "denied") return undefined;
  const target = new URL(ar.redirectUri);
  if (!approve || state.nowMs() >= ar.expiresAtMs) {
    ar.status = "denied";
    target.searchParams.set("error", "access_denied");
    target.searchParams.set("state", ar.state);
    return target.toString();
  }
  ar.status = "consumed";
  const code = randomToken("code-", 32);
  state.authorizationCodes.set(code, {
    clientId: ar.clientId,
    redirectUri: ar.redirectUri,
    codeChallenge: ar.codeChallenge,
    scopes: ar.scopes,
    expiresAtMs: state.nowMs() + AUTH_CODE_TTL_MS,
    used: false,
  });
  target.searchParams.set("code", code);
  target.searchParams.set("state", ar.state);
  return target.toString();
}
