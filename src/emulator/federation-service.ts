import { randomBytes } from "node:crypto";
import type { EmuRequest, EmuResponse } from "./wire.js";

// The console sign-in (federation) endpoint, /federation (docs/protocol/credential-formats.md §3):
// `Action=getSigninToken` trades live role keys the emulator issued for a sign-in token, and
// `Action=login` is the page the console link opens, which here names the role, the account and
// the destination instead of opening a console.

/** The sign-in link, and the token in it, work for 15 minutes (docs/protocol/credential-formats.md §3.3). */
export const SIGNIN_TOKEN_TTL_MS = 15 * 60_000;

/** SessionDuration's bounds, seconds (docs/protocol/credential-formats.md §3.2). */
const MIN_SESSION_S = 900;
const MAX_SESSION_S = 43_200;

export interface FederatedKeys {
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
  accountId: string;
  accountName: string;
  roleName: string;
  user: string;
}

export interface SigninToken {
  accountId: string;
  accountName: string;
  roleName: string;
  user: string;
  /** The link stops working then. */
  expiresAtMs: number;
  /** The console session it opens ends then: SessionDuration, else when the keys expire. */
  sessionEndsMs: number;
}

export interface FederationDeps {
  nowMs(): number;
  /** Keys the emulator issued, by access key id. */
  lookup(accessKeyId: string): FederatedKeys | undefined;
  signinTokens: Map<string, SigninToken>;
}

export interface FederationResult {
  response: EmuResponse;
  errorCode?: string;
}

/** The operation a federation request is, for statistics and --inject. */
export function federationOperation(req: EmuRequest): string {
  const action = readParams(req).get("Action");
  if (action === "getSigninToken") return "GetSigninToken";
  if (action === "login") return "FederationLogin";
  return "Federation";
}

/** GET (as the IAM guide and granted send it) or form POST (as aws-sso-util does): the same fields. */
export function handleFederation(req: EmuRequest, deps: FederationDeps): FederationResult {
  const params = readParams(req);
  const action = params.get("Action");
  if (action === "getSigninToken") return getSigninToken(params, deps);
  if (action === "login") return login(params, deps);
  return refuse("MissingAction", "Action must be getSigninToken or login.");
}

function getSigninToken(params: URLSearchParams, deps: FederationDeps): FederationResult {
  const session = parseSession(params.get("Session"));
  if (!session) return refuse("InvalidSession", "Session must be the JSON of sessionId, sessionKey and sessionToken.");
  const duration = params.get("SessionDuration");
  let durationS: number | undefined;
  if (duration !== null) {
    durationS = /^\d{1,6}$/.test(duration) ? Number(duration) : Number.NaN;
    if (!(durationS >= MIN_SESSION_S && durationS <= MAX_SESSION_S))
      return refuse("InvalidSessionDuration", `SessionDuration must be ${MIN_SESSION_S} to ${MAX_SESSION_S} seconds.`);
  }
  const now = deps.nowMs();
  const keys = deps.lookup(session.sessionId);
  // Only live keys this emulator issued, with their own secret and session token: anything else is
  // what the real endpoint refuses (forged, long-term or expired keys).
  if (!keys || keys.secretAccessKey !== session.sessionKey || keys.sessionToken !== session.sessionToken || now >= keys.expiresAtMs) {
    return refuse("InvalidCredentials", "The session credentials are invalid or have expired.");
  }
  const token = `emu-signin-${randomBytes(96).toString("base64url")}`;
  deps.signinTokens.set(token, {
    accountId: keys.accountId,
    accountName: keys.accountName,
    roleName: keys.roleName,
    user: keys.user,
    expiresAtMs: now + SIGNIN_TOKEN_TTL_MS,
    sessionEndsMs: durationS !== undefined ? now + durationS * 1000 : keys.expiresAtMs,
  });
  return {
    response: {
      status: 200,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
      body: JSON.stringify({ SigninToken: token }),
    },
  };
}

function login(params: URLSearchParams, deps: FederationDeps): FederationResult {
  const token = params.get("SigninToken");
  const destination = params.get("Destination");
  const t = token ? deps.signinTokens.get(token) : undefined;
  const now = deps.nowMs();
  if (!t || now >= t.expiresAtMs || now >= t.sessionEndsMs) {
    return {
      ...page(
        400,
        "Sign-in link expired",
        "<h1>This sign-in link is invalid or has expired</h1><p>Links work for 15 minutes. Run <code>sso-cli console</code> again.</p>",
      ),
      errorCode: "InvalidSigninToken",
    };
  }
  if (!destination || !/^https:\/\/[^\s]+$/.test(destination)) {
    return {
      ...page(400, "No destination", "<h1>No destination</h1><p>Destination must be an https:// console address.</p>"),
      errorCode: "InvalidDestination",
    };
  }
  const issuer = params.get("Issuer");
  const body = `<h1>AWS console (emulated)</h1>
<p>Signed in as <b data-testid="role">${escapeHtml(t.roleName)}</b> in account <b data-testid="account">${escapeHtml(t.accountId)}</b> (${escapeHtml(t.accountName)}), user ${escapeHtml(t.user)}.</p>
<p>Destination: <a data-testid="destination" href="${escapeHtml(destination)}">${escapeHtml(destination)}</a></p>
<p class="muted">The console session ends at ${new Date(t.sessionEndsMs).toISOString()}.${issuer ? ` Issuer: ${escapeHtml(issuer)}` : ""}</p>`;
  return page(200, "AWS console", body);
}

interface SessionKeys {
  sessionId: string;
  sessionKey: string;
  sessionToken: string;
}

function parseSession(text: string | null): SessionKeys | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  const { sessionId, sessionKey, sessionToken } = o;
  if (typeof sessionId !== "string" || typeof sessionKey !== "string" || typeof sessionToken !== "string") return undefined;
  return { sessionId, sessionKey, sessionToken };
}

/** The query, overlaid by a form body. */
function readParams(req: EmuRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const contentType = String(req.headers["content-type"] ?? "").toLowerCase();
  if (req.method === "POST" && req.body.length > 0 && contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(req.body.toString("utf8"))) params.set(name, value);
  }
  return params;
}

/**
 * A refusal: 400 with a short text body. The real endpoint answers non-200 with no documented body
 * (docs/protocol/credential-formats.md §3.4); clients look at the status only.
 */
export function federationError(status: number, code: string, message: string): EmuResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }, body: `${code}: ${message}\n` };
}

function refuse(code: string, message: string): FederationResult {
  return { response: federationError(400, code, message), errorCode: code };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(status: number, title: string, body: string): { response: EmuResponse } {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · sso-cli emulator</title>
<style>body{font-family:system-ui,sans-serif;background:#f2f3f3;color:#16191f}main{max-width:36rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem}.muted{color:#5f6b7a;font-size:.9rem}</style>
</head><body><main>${body}</main></body></html>`;
  return { response: { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: html } };
}
