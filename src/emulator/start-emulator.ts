import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAdmin } from "./admin-api.js";
import { roleHash16, roleUniqueId } from "./directory.js";
import { DEFAULT_EMULATOR_OPTIONS, type EmulatorOptions } from "./emulator-options.js";
import { EmulatorState } from "./emulator-state.js";
import { Faults, type Injection } from "./faults.js";
import { createToken, registerClient, startDeviceAuthorization } from "./oidc-service.js";
import { getRoleCredentials, listAccountRoles, listAccounts, logout } from "./portal-service.js";
import { jsonResponse, oidcError, portalError } from "./rest-json.js";
import { decideAuthorizePage, decideDevicePage, showAuthorizePage, showDevicePage, showIndexPage } from "./sign-in-page.js";
import { handleSts, stsErrorResponse } from "./sts-service.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

/** Bodies larger than this are refused with 413 before they are read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;

type Protocol = "oidc" | "portal" | "sts" | "page" | "admin";

interface Route {
  method: string;
  path: string;
  protocol: Protocol;
  operation: string;
  handle(req: EmuRequest, requestId: string): EmuResponse | { response: EmuResponse; errorCode?: string; grantType?: string } | Promise<EmuResponse>;
}

export interface StartEmulatorOptions extends Partial<EmulatorOptions> {
  port?: number;
  /** Loopback only; "127.0.0.1" unless told otherwise. */
  host?: string;
  /** Machine clock in ms; tests pass a fake one. */
  clock?: () => number;
  /** Receives one line per request unless `quiet`; never tokens, keys or query strings. */
  log?: (line: string) => void;
  injections?: Injection[];
  version?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  region: string;
  startUrl: string;
  /** What to export so AWS clients reach the emulator. */
  endpoints: { oidc: string; portal: string; sts: string };
  state: EmulatorState;
  faults: Faults;
  close(): Promise<void>;
}

export async function startEmulator(opts: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = 0, host = "127.0.0.1", clock = Date.now, log, injections = [], version = "dev", ...knobs } = opts;
  if (!isLoopback(host)) throw new Error(`The emulator listens on loopback only, not ${host}.`);
  const options: EmulatorOptions = { ...DEFAULT_EMULATOR_OPTIONS, ...stripUndefined(knobs) };
  const state = new EmulatorState(options, clock);
  const faults = new Faults();
  for (const i of injections) faults.inject(i);
  const startedMs = Date.now();

  const stsDeps = {
    nowMs: () => state.nowMs(),
    requestId: () => randomUUID(),
    lookup: (accessKeyId: string) => {
      const c = state.roleCredentials.get(accessKeyId);
      if (!c) return undefined;
      return {
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiresAtMs: c.expiresAtMs,
        identity: {
          accountId: c.accountId,
          roleName: c.roleName,
          userName: c.user,
          roleHash16: roleHash16(c.accountId, c.roleName),
          roleUniqueId: roleUniqueId(c.accountId, c.roleName),
        },
      };
    },
  };

  const routes: Route[] = [
    { method: "POST", path: "/client/register", protocol: "oidc", operation: "RegisterClient", handle: (r, id) => registerClient(state, r, id) },
    { method: "POST", path: "/device_authorization", protocol: "oidc", operation: "StartDeviceAuthorization", handle: (r, id) => startDeviceAuthorization(state, r, id) },
    { method: "POST", path: "/token", protocol: "oidc", operation: "CreateToken", handle: (r, id) => createToken(state, r, id) },
    { method: "GET", path: "/federation/credentials", protocol: "portal", operation: "GetRoleCredentials", handle: (r, id) => getRoleCredentials(state, r, id) },
    { method: "GET", path: "/assignment/accounts", protocol: "portal", operation: "ListAccounts", handle: (r, id) => listAccounts(state, r, id) },
    { method: "GET", path: "/assignment/roles", protocol: "portal", operation: "ListAccountRoles", handle: (r, id) => listAccountRoles(state, r, id) },
    { method: "POST", path: "/logout", protocol: "portal", operation: "Logout", handle: (r, id) => logout(state, r, id) },
    { method: "POST", path: "/", protocol: "sts", operation: "STS", handle: (r) => handleSts(r, stsDeps) },
    { method: "GET", path: "/device", protocol: "page", operation: "DevicePage", handle: (r) => showDevicePage(state, r) },
    { method: "POST", path: "/device", protocol: "page", operation: "DeviceDecision", handle: (r) => decideDevicePage(state, r) },
    { method: "GET", path: "/authorize", protocol: "page", operation: "Authorize", handle: (r) => showAuthorizePage(state, r) },
    { method: "GET", path: "/authorize/decision", protocol: "page", operation: "AuthorizeDecision", handle: (r) => decideAuthorizePage(state, r) },
    { method: "POST", path: "/authorize/decision", protocol: "page", operation: "AuthorizeDecision", handle: (r) => decideAuthorizePage(state, r) },
  ];

  const adminDeps = { state, faults, startedMs, version };

  function findRoute(method: string, path: string, query: URLSearchParams): Route | { protocol: Protocol; allow?: string[] } {
    if (path === "/_admin" || path.startsWith("/_admin/")) {
      return { method, path, protocol: "admin", operation: "Admin", handle: (r) => handleAdmin(adminDeps, r) };
    }
    // STS also answers a presigned GET /?Action=… (sts.md §2); a bare GET / is the index page.
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
      default:
        return portalError(status, code, message, requestId);
    }
  }

  async function answer(req: EmuRequest, route: Route, requestId: string): Promise<{ response: EmuResponse; operation: string; errorCode?: string }> {
    let operation = route.operation;
    const counted = route.protocol !== "page" && route.protocol !== "admin";
    if (!counted) return { response: await route.handle(req, requestId) as EmuResponse, operation };
    if (route.protocol === "sts") operation = stsOperationName(req);
    state.countOperation(operation);
    if (state.options.latencyMs > 0) await sleep(state.options.latencyMs);
    const injected = faults.takeInjection(operation);
    if (injected) {
      if (injected.error === "timeout") return { response: { status: 0, headers: {}, body: "", hangMs: injected.hangMs ?? 30_000 }, operation, errorCode: "timeout" };
      if (injected.error === "reset") return { response: { status: 0, headers: {}, body: "", reset: true }, operation, errorCode: "reset" };
      const message = injected.message ?? defaultMessage(injected.error);
      return { response: protocolError(route.protocol, injected.status, injected.error, message, requestId), operation, errorCode: injected.error };
    }
    if (faults.isThrottled(operation, state.options.throttleRps, state.options.throttleBurst, state.nowMs())) {
      const [status, code] = route.protocol === "portal" ? [429, "TooManyRequestsException"] : route.protocol === "sts" ? [400, "Throttling"] : [400, "SlowDownException"];
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

  // Idle keep-alive connections live longer than any poll interval. With Node's 5 s (which Node
  // enforces at 6 s), a client polling every 1 + 5 s after slow_down reuses its pooled socket just
  // as the server drops it: the JS SDK gets ECONNRESET "socket hang up" on the next CreateToken.
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    void serve(req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    state.stats.inFlight += 1;
    state.stats.peakConcurrency = Math.max(state.stats.peakConcurrency, state.stats.inFlight);
    const requestId = randomUUID();
    let operation = "-";
    let errorCode: string | undefined;
    let status = 0;
    try {
      const hostHeader = req.headers.host ?? `${host}:${(server.address() as AddressInfo).port}`;
      const rawUrl = req.url ?? "/";
      const q = rawUrl.indexOf("?");
      const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
      const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
      let path: string;
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        path = rawPath;
      }
      const query = new URLSearchParams(rawQuery);
      const method = (req.method ?? "GET").toUpperCase();
      const found = findRoute(method, path, query);
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === "too-large") {
        status = 413;
        errorCode = "RequestEntityTooLargeException";
        const r = found.protocol === "sts"
          ? stsErrorResponse(413, "RequestEntityTooLarge", "Request body is too large", requestId)
          : jsonError(413, "RequestEntityTooLargeException", "Request body is too large", requestId);
        send(res, { ...r, headers: { ...r.headers, connection: "close" } }, state.nowMs());
        return;
      }
      if (!("handle" in found)) {
        status = found.allow ? 405 : 404;
        errorCode = "UnknownOperationException";
        const r = found.protocol === "sts"
          ? stsErrorResponse(400, "InvalidAction", "Could not find operation for this request", requestId)
          : jsonError(status, "UnknownOperationException", found.allow ? `Method ${method} is not allowed here` : "Unknown operation", requestId);
        if (found.allow) r.headers.allow = found.allow.join(", ");
        send(res, r, state.nowMs());
        return;
      }
      const emuReq: EmuRequest = {
        method,
        rawPath,
        path,
        rawQuery,
        query,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
        baseUrl: `http://${hostHeader}`,
      };
      const out = await answer(emuReq, found, requestId);
      operation = out.operation;
      errorCode = out.errorCode;
      if (errorCode) state.countError(operation, errorCode);
      if (out.response.reset) {
        req.socket.destroy();
        return;
      }
      if (out.response.hangMs !== undefined) {
        await sleep(out.response.hangMs);
        req.socket.destroy();
        return;
      }
      status = out.response.status;
      send(res, out.response, state.nowMs());
    } catch (err) {
      status = 500;
      errorCode = "InternalServerException";
      if (!res.headersSent) send(res, jsonError(500, "InternalServerException", "Internal error", requestId), state.nowMs());
      log?.(`emulator: internal error: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      state.stats.inFlight -= 1;
      if (!state.options.quiet && log) {
        // The path only: queries carry PKCE state, signatures and session tokens.
        const path = (req.url ?? "/").split("?")[0];
        log(`${req.method} ${path} ${status || "-"} ${operation}${errorCode ? ` ${errorCode}` : ""} ${Date.now() - started}ms`);
      }
    }
  }

  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const url = `http://${hostPart}:${address.port}`;
  return {
    url,
    port: address.port,
    get region() {
      return state.options.region;
    },
    get startUrl() {
      return state.options.startUrl;
    },
    endpoints: { oidc: url, portal: url, sts: url },
    state,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function jsonError(status: number, code: string, message: string, requestId: string): EmuResponse {
  const r = jsonResponse(status, { message, __type: code }, requestId);
  r.headers["x-amzn-errortype"] = code;
  return r;
}

/** The OAuth `error` field of an OIDC exception (sso-oidc.md §8); two do not follow the name. */
function snakeOf(code: string): string {
  if (code === "InternalServerException") return "server_error";
  if (code === "InvalidRequestRegionException") return "invalid_request";
  return code.replace(/Exception$/, "").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
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
  return action === "GetCallerIdentity" ? action : "STS";
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    req.resume();
    return "too-large";
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return "too-large";
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `Date` is the emulator's clock (skew included): the JS SDK corrects its clock offset from it. */
function send(res: ServerResponse, r: EmuResponse, nowMs: number): void {
  const headers: Record<string, string> = { date: new Date(nowMs).toUTCString(), ...r.headers };
  const body = typeof r.body === "string" ? Buffer.from(r.body, "utf8") : r.body;
  headers["content-length"] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(body);
}
