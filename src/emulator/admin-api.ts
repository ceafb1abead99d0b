import { request as httpRequest } from "node:http";
import type { EmulatorState } from "./emulator-state.js";
import { normalizeUserCode } from "./emulator-state.js";
import { parseKnobs } from "./emulator-settings.js";
import type { Faults } from "./faults.js";
import { validateInjection } from "./faults.js";
import { decideAuthorization, isLoopbackRedirect } from "./oidc-service.js";
import { parseJsonObject } from "./rest-json.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

/**
 * The admin API under /_admin/: a stable JSON interface for scripts and tests. It never returns
 * tokens, secrets or keys; sessions are named by an id.
 *
 *   GET  health | state (incl. assumedRoleSessions) | stats | config
 *   POST approve {user_code?, deny?}   POST config {knob: value}   POST reset {state?: "all"|"sessions"|"stats"}
 *   POST expire {what: access_tokens|role_credentials|refresh_tokens|clients|device_codes}
 *   POST inject {operation, status, error, count?, message?, hangMs?}
 */
export interface AdminDeps {
  state: EmulatorState;
  faults: Faults;
  startedMs: number;
  version: string;
}

function json(status: number, body: unknown): EmuResponse {
  return {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: JSON.stringify(body, null, 2) + "\n",
  };
}
const bad = (message: string, status = 400): EmuResponse => json(status, { error: message });
const iso = (ms: number): string => new Date(ms).toISOString();

export async function handleAdmin(deps: AdminDeps, req: EmuRequest): Promise<EmuResponse> {
  const name = req.path.replace(/^\/_admin\/?/, "").replace(/\/$/, "");
  const { state } = deps;
  const get = req.method === "GET" || req.method === "HEAD";
  const post = req.method === "POST";
  const body = (): Record<string, unknown> | undefined => (req.body.length === 0 ? {} : parseJsonObject(req.body));

  switch (name) {
    case "health":
      if (!get) return bad("use GET", 405);
      return json(200, {
        status: "ok",
        version: deps.version,
        uptimeS: Math.round((state.machineNowMs() - deps.startedMs) / 1000),
        now: iso(state.nowMs()),
      });
    case "state":
      if (!get) return bad("use GET", 405);
      return json(200, describeState(state));
    case "stats":
      if (!get) return bad("use GET", 405);
      return json(200, { ...state.stats, since: iso(state.stats.sinceMs) });
    case "config": {
      if (get) return json(200, state.options);
      if (!post) return bad("use GET or POST", 405);
      const b = body();
      if (!b) return bad("the body must be a JSON object of knobs");
      const r = parseKnobs(b);
      if (!r.ok) return bad(r.message);
      state.configure(r.changes);
      return json(200, state.options);
    }
    case "approve": {
      if (!post) return bad("use POST", 405);
      const b = body();
      if (!b) return bad("the body must be a JSON object");
      const deny = b.deny === true;
      const userCode = typeof b.user_code === "string" ? b.user_code : undefined;
      return json(200, await approve(state, userCode, deny));
    }
    case "reset": {
      if (!post) return bad("use POST", 405);
      const b = body();
      if (!b) return bad("the body must be a JSON object");
      const what = b.state ?? "all";
      if (what !== "all" && what !== "sessions" && what !== "stats") return bad('state must be "all", "sessions" or "stats"');
      if (what !== "stats") state.resetSessions();
      if (what !== "sessions") state.resetStats();
      if (what === "all") deps.faults.clear();
      return json(200, { reset: what });
    }
    case "expire": {
      if (!post) return bad("use POST", 405);
      const b = body();
      const what = b?.what;
      const past = state.nowMs() - 1000;
      const expireAll = (m: Map<string, { expiresAtMs: number }>): number => {
        for (const v of m.values()) v.expiresAtMs = Math.min(v.expiresAtMs, past);
        return m.size;
      };
      switch (what) {
        case "access_tokens":
          return json(200, { expired: what, count: expireAll(state.accessTokens) });
        case "role_credentials":
          return json(200, { expired: what, count: expireAll(state.roleCredentials) });
        case "refresh_tokens":
          return json(200, { expired: what, count: expireAll(state.refreshTokens) });
        case "clients":
          return json(200, { expired: what, count: expireAll(state.clients) });
        case "device_codes":
          return json(200, { expired: what, count: expireAll(state.deviceAuthorizations) });
        default:
          return bad("what must be one of access_tokens, role_credentials, refresh_tokens, clients, device_codes");
      }
    }
    case "inject": {
      if (!post) return bad("use POST", 405);
      const b = body();
      if (!b) return bad("the body must be a JSON object");
      const injection = validateInjection(b);
      if (typeof injection === "string") return bad(injection);
      deps.faults.inject(injection);
      return json(200, { injected: injection, pending: deps.faults.pending() });
    }
    default:
      return bad(`unknown admin endpoint "${name}"; see GET /_admin/health, state, stats, config`, 404);
  }
}

function describeState(state: EmulatorState) {
  const now = state.nowMs();
  const pendingDevice = [...state.deviceAuthorizations.values()]
    .filter((d) => state.effectiveStatus(d) === "pending" && now < d.expiresAtMs)
    .map((d) => ({
      userCode: d.userCode,
      startUrl: d.startUrl,
      clientId: d.clientId,
      expiresAt: iso(d.expiresAtMs),
      interval: d.intervalS,
    }));
  const pendingAuthorize = [...state.authorizationRequests.values()]
    .filter((a) => a.status === "pending" && now < a.expiresAtMs)
    .map((a) => ({ request: a.id, clientId: a.clientId, redirectUri: a.redirectUri, scopes: a.scopes, expiresAt: iso(a.expiresAtMs) }));
  const sessions = [...state.sessions.values()]
    .filter((s) => !s.revoked)
    .map((s) => {
      const tokens = [...state.accessTokens.values()].filter((t) => t.sessionId === s.id && !t.revoked);
      const live = tokens.filter((t) => now < t.expiresAtMs);
      const refreshable = [...state.refreshTokens.values()].some(
        (t) => t.sessionId === s.id && !t.used && !t.revoked && now < t.expiresAtMs,
      );
      return {
        session: s.id,
        user: s.user,
        clientId: s.clientId,
        started: iso(s.startedMs),
        liveAccessTokens: live.length,
        accessTokenExpiresAt: live.length ? iso(Math.max(...live.map((t) => t.expiresAtMs))) : null,
        refreshable,
      };
    })
    .filter((s) => s.liveAccessTokens > 0 || s.refreshable);
  return {
    now: iso(now),
    pendingUserCodes: pendingDevice.map((d) => d.userCode),
    pendingDeviceAuthorizations: pendingDevice,
    pendingAuthorizationRequests: pendingAuthorize,
    sessions,
    clients: state.clients.size,
    liveRoleCredentials: [...state.roleCredentials.values()].filter((c) => now < c.expiresAtMs).length,
    // Sessions STS AssumeRole made (docs/protocol/sts.md §8.5), named as their ARNs name them; never their keys.
    assumedRoleSessions: [...state.roleCredentials.values()]
      .filter((c) => c.sessionName !== undefined && now < c.expiresAtMs)
      .map((c) => ({ account: c.accountId, role: c.roleName, session: c.sessionName, user: c.user, expiresAt: iso(c.expiresAtMs) })),
  };
}

/**
 * Approves (or denies) pending sign-ins: one device code, or every pending one. Pending /authorize
 * requests are completed too: the emulator plays the browser and delivers the redirect to the
 * client's loopback listener, so a headless script can finish a PKCE sign-in.
 */
async function approve(state: EmulatorState, userCode: string | undefined, deny: boolean) {
  const now = state.nowMs();
  const decided: string[] = [];
  for (const d of state.deviceAuthorizations.values()) {
    if (state.effectiveStatus(d) !== "pending" || now >= d.expiresAtMs) continue;
    if (userCode && normalizeUserCode(d.userCode) !== normalizeUserCode(userCode)) continue;
    d.status = deny ? "denied" : "approved";
    decided.push(d.userCode);
  }
  const delivered: string[] = [];
  if (!userCode) {
    for (const a of [...state.authorizationRequests.values()]) {
      if (a.status !== "pending" || now >= a.expiresAtMs) continue;
      const location = decideAuthorization(state, a.id, !deny);
      if (location && isLoopbackRedirect(location)) {
        await deliverRedirect(location);
        delivered.push(a.id);
      }
    }
  }
  return { decision: deny ? "denied" : "approved", userCodes: decided, authorizationRequests: delivered };
}

function deliverRedirect(location: string): Promise<void> {
  return new Promise((resolve) => {
    const r = httpRequest(location, { method: "GET", timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", resolve);
      res.on("error", () => resolve());
    });
    r.on("error", () => resolve());
    r.on("timeout", () => {
      r.destroy();
      resolve();
    });
    r.end();
  });
}
