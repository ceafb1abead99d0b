import { randomUUID } from "node:crypto";
import { handleAdmin } from "./admin-api.js";
import type { AssumeRoleGrant } from "./assume-role.js";
import { identityCenterRoleName, roleUniqueId } from "./directory.js";
import type { EmulatorState, RoleCredentials } from "./emulator-state.js";
import type { Faults } from "./faults.js";
import { federationError, federationOperation, handleFederation } from "./federation-service.js";
import { createToken, registerClient, startDeviceAuthorization } from "./oidc-service.js";
import { getRoleCredentials, listAccountRoles, listAccounts, logout } from "./portal-service.js";
import { jsonResponse, oidcError, portalError } from "./rest-json.js";
import { foreignRequestReason } from "./browser-guard.js";
import {
  autoApproveAuthorizePage,
  decideAuthorizePage,
  decideDevicePage,
  refusedPage,
  showAuthorizePage,
  showDevicePage,
  showIndexPage,
} from "./sign-in-page.js";
import { handleSts, stsErrorResponse, type StsDeps, type StsIdentity } from "./sts-service.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

/**
 * Which operation a request is, and its answer: latency, injected failures and throttling first,
 * then the service's handler. Pages and the admin API are neither counted nor faulted.
 */
export type Protocol = "oidc" | "portal" | "sts" | "signin" | "page" | "admin";

export interface Route {
  method: string;
  path: string;
  protocol: Protocol;
  operation: string;
  handle(
    req: EmuRequest,
    requestId: string,
  ): EmuResponse | { response: EmuResponse; errorCode?: string; grantType?: string } | Promise<EmuResponse>;
}

export interface Answer {
  response: EmuResponse;
  operation: string;
  errorCode?: string;
}

export interface Router {
  /** The route, or for an unknown method/path the protocol whose error shape to answer in. */
  findRoute(method: string, path: string, query: URLSearchParams): Route | { protocol: Protocol; allow?: string[] };
  answer(req: EmuRequest, route: Route, requestId: string): Promise<Answer>;
}

export function createRouter(deps: { state: EmulatorState; faults: Faults; startedMs: number; version: string }): Router {
  const { state, faults, startedMs, version } = deps;
  const stsDeps: StsDeps = {
    nowMs: () => state.nowMs(),
    requestId: () => randomUUID(),
    lookup: (accessKeyId: string) => {
      const c = state.roleCredentials.get(accessKeyId);
      if (!c) return undefined;
      return { secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiresAtMs: c.expiresAtMs, identity: stsIdentityOf(c) };
    },
    assumeRoleRules: () => ({
      hasAccount: (accountId: string) => state.directory.indexOf(accountId) !== undefined,
      assumableRoles: state.options.assumableRoles ?? [],
      externalIds: state.options.externalIds,
      disabledRegions: state.options.stsDisabledRegions,
    }),
    issueAssumedRole: (grant: AssumeRoleGrant, callerAccessKeyId: string) => {
      // The user behind the chain carries over: the console page names them.
      const user = state.roleCredentials.get(callerAccessKeyId)?.user ?? grant.sessionName;
      const c = state.issueRoleCredentials(grant.accountId, grant.roleName, user, {
        sessionName: grant.sessionName,
        durationS: grant.durationS,
      });
      return { ...c, identity: stsIdentityOf(c) };
    },
  };

  const federationDeps = {
    nowMs: () => state.nowMs(),
    signinTokens: state.signinTokens,
    lookup: (accessKeyId: string) => {
      const c = state.roleCredentials.get(accessKeyId);
      if (!c) return undefined;
      const index = state.directory.indexOf(c.accountId);
      const accountName = index === undefined ? c.accountId : state.directory.accountAt(index).accountName;
      return { ...c, accountName };
    },
  };

  const routes: Route[] = [
    {
      method: "POST",
      path: "/client/register",
      protocol: "oidc",
      operation: "RegisterClient",
      handle: (r, id) => registerClient(state, r, id),
    },
    {
      method: "POST",
      path: "/device_authorization",
      protocol: "oidc",
      operation: "StartDeviceAuthorization",
      handle: (r, id) => startDeviceAuthorization(state, r, id),
    },
    { method: "POST", path: "/token", protocol: "oidc", operation: "CreateToken", handle: (r, id) => createToken(state, r, id) },
    {
      method: "GET",
      path: "/federation/credentials",
      protocol: "portal",
      operation: "GetRoleCredentials",
      handle: (r, id) => getRoleCredentials(state, r, id),
    },
    {
      method: "GET",
      path: "/assignment/accounts",
      protocol: "portal",
      operation: "ListAccounts",
      handle: (r, id) => listAccounts(state, r, id),
    },
    {
      method: "GET",
      path: "/assignment/roles",
      protocol: "portal",
      operation: "ListAccountRoles",
      handle: (r, id) => listAccountRoles(state, r, id),
    },
    { method: "POST", path: "/logout", protocol: "portal", operation: "Logout", handle: (r, id) => logout(state, r, id) },
    { method: "POST", path: "/", protocol: "sts", operation: "STS", handle: (r) => handleSts(r, stsDeps) },
    { method: "GET", path: "/federation", protocol: "signin", operation: "Federation", handle: (r) => handleFederation(r, federationDeps) },
    {
      method: "POST",
      path: "/federation",
      protocol: "signin",
      operation: "Federation",
      handle: (r) => handleFederation(r, federationDeps),
    },
    { method: "GET", path: "/device", protocol: "page", operation: "DevicePage", handle: (r) => showDevicePage(state, r) },
    { method: "POST", path: "/device", protocol: "page", operation: "DeviceDecision", handle: (r) => decideDevicePage(state, r) },
    { method: "GET", path: "/authorize", protocol: "page", operation: "Authorize", handle: (r) => showAuthorizePage(state, r) },
    // A person's decision is a POST only; the GET below approves only what --auto-approve-ms would.
    {
      method: "GET",
      path: "/authorize/auto",
      protocol: "page",
      operation: "AuthorizeAuto",
      handle: (r) => autoApproveAuthorizePage(state, r),
    },
    {
      method: "POST",
      path: "/authorize/decision",
      protocol: "page",
      operation: "AuthorizeDecision",
      handle: (r) => decideAuthorizePage(state, r),
    },
  ];

  const adminDeps = { state, faults, startedMs, version };

  function findRoute(method: string, path: string, query: URLSearchParams): Route | { protocol: Protocol; allow?: string[] } {
    if (path === "/_admin" || path.startsWith("/_admin/")) {
      return { method, path, protocol: "admin", operation: "Admin", handle: (r) => handleAdmin(adminDeps, r) };
    }
    // STS also answers a presigned GET /?Action=… (docs/protocol/sts.md §2); a bare GET / is the index page.
    if (path === "/" && method === "GET") {
      return query.has("Action")
        ? { method, path, protocol: "sts", operation: "STS", handle: (r) => handleSts(r, stsDeps) }
        : { method, path, protocol: "page", operation: "Index", handle: (r) => showIndexPage(state, r) };
    }
    const exact = routes.find((r) => r.path === path && r.method === method);
    if (exact) return exact;
    const samePath = routes.filter((r) => r.path === path);
    if (samePath.length > 0) return { protocol: samePath[0]!.protocol, allow: samePath.map((r) => r.method) };
    return { protocol: path.startsWith("/federation") || path.startsWith("/assignment") ? "portal" : "oidc" };
  }

  function protocolError(protocol: Protocol, status: number, code: string, message: string, requestId: string): EmuResponse {
    switch (protocol) {
      case "sts":
        return stsErrorResponse(status, code, message, requestId);
      case "oidc":
        return oidcError(status, code, snakeOf(code), message, requestId);
      case "signin":
        return federationError(status, code, message);
      default:
        return portalError(status, code, message, requestId);
    }
  }

  async function answer(
    req: EmuRequest,
    route: Route,
    requestId: string,
  ): Promise<{ response: EmuResponse; operation: string; errorCode?: string }> {
    let operation = route.operation;
    const counted = route.protocol !== "page" && route.protocol !== "admin";
    if (!counted) {
      // What a web page in the user's browser could send: refused unless it comes from this machine (browser-guard.ts).
      const refused = foreignRequestReason(req, { json: route.protocol === "admin" });
      if (refused !== undefined) {
        const status = refused.includes("Content-Type") ? 415 : 403;
        return { response: route.protocol === "admin" ? adminRefusal(status, refused) : refusedPage(status, refused), operation };
      }
      return { response: (await route.handle(req, requestId)) as EmuResponse, operation };
    }
    if (route.protocol === "sts") operation = stsOperationName(req);
    if (route.protocol === "signin") operation = federationOperation(req);
    state.countOperation(operation);
    if (state.options.latencyMs > 0) await sleep(state.options.latencyMs);
    const injected = faults.takeInjection(operation);
    if (injected) {
      if (injected.error === "timeout")
        return { response: { status: 0, headers: {}, body: "", hangMs: injected.hangMs ?? 30_000 }, operation, errorCode: "timeout" };
      if (injected.error === "reset") return { response: { status: 0, headers: {}, body: "", reset: true }, operation, errorCode: "reset" };
      const message = injected.message ?? defaultMessage(injected.error);
      return {
        response: protocolError(route.protocol, injected.status, injected.error, message, requestId),
        operation,
        errorCode: injected.error,
      };
    }
    if (faults.isThrottled(operation, state.options.throttleRps, state.options.throttleBurst, state.nowMs())) {
      const [status, code] =
        route.protocol === "portal" || route.protocol === "signin"
          ? [429, "TooManyRequestsException"]
          : route.protocol === "sts"
            ? [400, "Throttling"]
            : [400, "SlowDownException"];
      return { response: protocolError(route.protocol, status, code, "Rate exceeded", requestId), operation, errorCode: code };
    }
    const out = await route.handle(req, requestId);
    if ("response" in out) {
      if ("grantType" in out && out.grantType) state.countGrant(out.grantType);
      const result: { response: EmuResponse; operation: string; errorCode?: string } = { response: out.response, operation };
      if (out.errorCode) result.errorCode = out.errorCode;
      return result;
    }
    return { response: out, operation };
  }

  return { findRoute, answer };
}

/** The role session behind issued keys, as STS names it (docs/protocol/sts.md §4, §8). */
function stsIdentityOf(c: RoleCredentials): StsIdentity {
  // Identity Center keys: the permission set's reserved IAM role, the session named after the user.
  const roleName = c.sessionName === undefined ? identityCenterRoleName(c.accountId, c.roleName) : c.roleName;
  return { accountId: c.accountId, roleName, roleUniqueId: roleUniqueId(c.accountId, roleName), sessionName: c.sessionName ?? c.user };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function adminRefusal(status: number, reason: string): EmuResponse {
  return {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: `${JSON.stringify({ error: reason })}\n`,
  };
}

export function jsonError(status: number, code: string, message: string, requestId: string): EmuResponse {
  const r = jsonResponse(status, { message, __type: code }, requestId);
  r.headers["x-amzn-errortype"] = code;
  return r;
}

/** The OAuth `error` field of an OIDC exception (docs/protocol/sso-oidc.md §8); two do not follow the name. */
function snakeOf(code: string): string {
  if (code === "InternalServerException") return "server_error";
  if (code === "InvalidRequestRegionException") return "invalid_request";
  return code
    .replace(/Exception$/, "")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

function defaultMessage(code: string): string {
  if (code === "TooManyRequestsException" || code === "Throttling") return "Rate exceeded";
  if (code === "InternalServerException" || code === "InternalFailure") return "Internal error";
  if (code === "ServiceUnavailableException") return "Service unavailable";
  return `Injected ${code}`;
}

/** The STS action of a request, for stats and injections; a fixed set, so junk cannot grow the stats. */
function stsOperationName(req: EmuRequest): string {
  const action = req.query.get("Action") ?? new URLSearchParams(req.body.toString("utf8")).get("Action");
  return action === "GetCallerIdentity" || action === "AssumeRole" ? action : "STS";
}
