import { randomUUID } from "node:crypto";
import type { EmulatorState } from "./emulator-state.js";
import { decideAuthorization, isLoopbackRedirect, redirectUriMatches } from "./oidc-service.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

/**
 * The pages a person sees: the device sign-in page that `verificationUriComplete` opens, and the
 * /authorize page of the PKCE flow. Both show what is being approved and offer Approve / Deny.
 */
const AUTH_REQUEST_TTL_MS = 10 * 60_000;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(status: number, title: string, body: string, extraHead = ""): EmuResponse {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title === "sso-cli emulator" ? escapeHtml(title) : `${escapeHtml(title)} · sso-cli emulator`}</title>${extraHead}
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f2f3f3;color:#16191f;margin:0}
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.3rem;margin-top:0}.code{font:600 2rem ui-monospace,monospace;letter-spacing:.15em;text-align:center;padding:1rem;background:#f2f3f3;border-radius:6px}
.muted{color:#5f6b7a;font-size:.9rem}form{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;font-size:1rem;padding:.7rem;border-radius:20px;border:1px solid #0972d3;cursor:pointer}
.approve{background:#0972d3;color:#fff}.deny{background:#fff;color:#0972d3}input[type=text]{font:1.2rem ui-monospace,monospace;padding:.5rem;width:100%;box-sizing:border-box}
footer{text-align:center;color:#5f6b7a;font-size:.8rem;margin-top:1rem}
</style></head><body><main>${body}</main><footer>sso-cli emulator: an offline IAM Identity Center. Nothing here reaches AWS.</footer></body></html>`;
  return { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: html };
}

function form(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString("utf8"));
}

/** GET /device[?user_code=…] */
export function showDevicePage(state: EmulatorState, req: EmuRequest): EmuResponse {
  const userCode = req.query.get("user_code");
  if (!userCode) {
    return page(
      200,
      "Authorize request",
      `<h1>Authorize request</h1><p>Enter the code shown by your application.</p>
<form method="get" action="/device"><input type="text" name="user_code" autocomplete="off" autofocus aria-label="Code"><button class="approve" type="submit">Next</button></form>`,
    );
  }
  const auth = state.findDeviceAuthorizationByUserCode(userCode);
  if (!auth || state.nowMs() >= auth.expiresAtMs) {
    return page(
      404,
      "Code not found",
      `<h1>Code not found</h1><p>The code <b>${escapeHtml(userCode)}</b> is unknown or has expired. Start the sign-in again.</p>`,
    );
  }
  const status = state.effectiveStatus(auth);
  if (status !== "pending") {
    return page(
      200,
      "Request already decided",
      `<h1>Request ${status === "denied" ? "denied" : "approved"}</h1><p>You can close this window.</p>`,
    );
  }
  return page(
    200,
    "Authorize request",
    `<h1>Authorize request</h1>
<p>An application is asking to sign in as <b>${escapeHtml(state.options.user)}</b> at <span class="muted">${escapeHtml(auth.startUrl)}</span>.</p>
<p>Check that this code matches the one shown in your terminal:</p>
<div class="code" data-testid="user-code">${escapeHtml(auth.userCode)}</div>
<form method="post" action="/device"><input type="hidden" name="user_code" value="${escapeHtml(auth.userCode)}">
<button class="deny" name="decision" value="deny" type="submit">Deny</button>
<button class="approve" name="decision" value="approve" type="submit">Approve</button></form>`,
  );
}

/** POST /device with user_code and decision=approve|deny */
export function decideDevicePage(state: EmulatorState, req: EmuRequest): EmuResponse {
  const f = form(req.body);
  const userCode = f.get("user_code") ?? "";
  const auth = state.findDeviceAuthorizationByUserCode(userCode);
  if (!auth || state.nowMs() >= auth.expiresAtMs || state.effectiveStatus(auth) !== "pending") {
    return page(404, "Code not found", `<h1>Code not found</h1><p>The code is unknown, expired or already used.</p>`);
  }
  const approve = f.get("decision") === "approve";
  auth.status = approve ? "approved" : "denied";
  return approve
    ? page(200, "Request approved", `<h1>Request approved</h1><p>You can close this window and return to your terminal.</p>`)
    : page(200, "Request denied", `<h1>Request denied</h1><p>The application will not be signed in.</p>`);
}

function redirect(location: string): EmuResponse {
  return { status: 302, headers: { location, "cache-control": "no-store" }, body: "" };
}

/** GET /authorize (PKCE, docs/protocol/sso-oidc.md §7.3): validates, then asks the person or approves by itself. */
export function showAuthorizePage(state: EmulatorState, req: EmuRequest): EmuResponse {
  const q = req.query;
  const clientId = q.get("client_id") ?? "";
  const redirectUri = q.get("redirect_uri") ?? "";
  const client = state.clients.get(clientId);
  // Without a trustworthy redirect URI the error must be shown here, never redirected (RFC 6749 §4.1.2.1).
  if (!client) return page(400, "Unknown client", `<h1>Unknown client</h1><p>client_id is missing or not registered.</p>`);
  if (!isLoopbackRedirect(redirectUri) && !redirectUri.startsWith("https://")) {
    return page(400, "Invalid redirect URI", `<h1>Invalid redirect URI</h1>`);
  }
  if (!client.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
    return page(400, "Invalid redirect URI", `<h1>Invalid redirect URI</h1><p>The redirect URI was not registered for this client.</p>`);
  }
  const state_ = q.get("state") ?? "";
  const back = (error: string): EmuResponse => {
    const u = new URL(redirectUri);
    u.searchParams.set("error", error);
    if (state_) u.searchParams.set("state", state_);
    return redirect(u.toString());
  };
  if (q.get("response_type") !== "code") return back("unsupported_response_type");
  const challenge = q.get("code_challenge") ?? "";
  if (q.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back("invalid_request");
  const id = randomUUID();
  const now = state.nowMs();
  state.authorizationRequests.set(id, {
    id,
    clientId,
    redirectUri,
    state: state_,
    codeChallenge: challenge,
    scopes: (q.get("scopes") ?? "sso:account:access").split(" ").filter(Boolean),
    createdMs: now,
    expiresAtMs: now + AUTH_REQUEST_TTL_MS,
    status: "pending",
  });
  const autoMs = state.options.autoApproveMs;
  if (autoMs === 0) return redirect(decideAuthorization(state, id, true)!);
  return allowAccessPage(state, id, (q.get("scopes") ?? "sso:account:access").split(" ").filter(Boolean), autoMs);
}

/**
 * The Allow access page. With --auto-approve-ms, it reloads /authorize/auto when that time is up:
 * a GET, which approves nothing the emulator would not approve by itself.
 */
function allowAccessPage(state: EmulatorState, id: string, scopes: string[], waitMs: number): EmuResponse {
  const refresh =
    waitMs > 0
      ? `<meta http-equiv="refresh" content="${(waitMs / 1000).toFixed(3)};url=/authorize/auto?request=${encodeURIComponent(id)}">`
      : "";
  return page(
    200,
    "Allow access",
    `<h1>Allow access?</h1><p>An application on this computer is asking to sign in as <b>${escapeHtml(state.options.user)}</b>.</p>
<p class="muted">Scopes: ${escapeHtml(scopes.join(", "))}</p>
<form method="post" action="/authorize/decision"><input type="hidden" name="request" value="${escapeHtml(id)}">
<button class="deny" name="decision" value="deny" type="submit">Deny</button>
<button class="approve" name="decision" value="approve" type="submit">Allow access</button></form>`,
    refresh,
  );
}

/** POST /authorize/decision: the page's buttons (the router has checked Host and Origin: browser-guard.ts). */
export function decideAuthorizePage(state: EmulatorState, req: EmuRequest): EmuResponse {
  const f = form(req.body);
  const location = decideAuthorization(state, f.get("request") ?? "", f.get("decision") === "approve");
  if (!location) return notFound();
  return redirect(location);
}

/**
 * GET /authorize/auto?request=…: the auto-approve reload. Approves once --auto-approve-ms has
 * passed since the request was made, as the device flow does (EmulatorState.effectiveStatus); before
 * that it shows the page again, and with -1 (a person decides) it approves nothing.
 */
export function autoApproveAuthorizePage(state: EmulatorState, req: EmuRequest): EmuResponse {
  const id = req.query.get("request") ?? "";
  const a = state.authorizationRequests.get(id);
  const now = state.nowMs();
  if (!a || a.status !== "pending" || now >= a.expiresAtMs) return notFound();
  const autoMs = state.options.autoApproveMs;
  if (autoMs < 0) return allowAccessPage(state, id, a.scopes, 0);
  const left = a.createdMs + autoMs - now;
  if (left > 0) return allowAccessPage(state, id, a.scopes, left);
  return redirect(decideAuthorization(state, id, true)!);
}

function notFound(): EmuResponse {
  return page(404, "Request not found", `<h1>Request not found</h1><p>The request is unknown or was already decided.</p>`);
}

/** What a request a web page may have made is told (browser-guard.ts). */
export function refusedPage(status: number, reason: string): EmuResponse {
  return page(status, "Request refused", `<h1>Request refused</h1><p>${escapeHtml(reason)}.</p>`);
}

export function showIndexPage(state: EmulatorState, req: EmuRequest): EmuResponse {
  const base = req.baseUrl;
  return page(
    200,
    "sso-cli emulator",
    `<h1>sso-cli emulator</h1><p>An offline IAM Identity Center for <span class="muted">${escapeHtml(state.options.startUrl)}</span> (${escapeHtml(state.options.region)}).</p>
<p>Point AWS clients at it:</p><pre>export AWS_ENDPOINT_URL_SSO=${escapeHtml(base)}
export AWS_ENDPOINT_URL_SSO_OIDC=${escapeHtml(base)}
export AWS_ENDPOINT_URL_STS=${escapeHtml(base)}
export AWS_ENDPOINT_URL_SIGNIN=${escapeHtml(base)}</pre>
<p><a href="/device">Enter a sign-in code</a> · <a href="/_admin/state">state</a> · <a href="/_admin/stats">stats</a></p>`,
  );
}
