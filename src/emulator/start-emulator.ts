import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { DEFAULT_EMULATOR_SETTINGS, type EmulatorSettings } from "./emulator-settings.js";
import { EmulatorState } from "./emulator-state.js";
import { Faults, type Injection } from "./faults.js";
import { createRouter, jsonError, sleep } from "./router.js";
import { stsErrorResponse } from "./sts-service.js";
import { createEmulatorCertificate } from "./tls-certificate.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

/** Bodies larger than this are refused with 413 before they are read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface StartEmulatorOptions extends Partial<EmulatorSettings> {
  port?: number;
  /** Loopback only; "127.0.0.1" unless told otherwise. */
  host?: string;
  /** Machine clock in ms; tests pass a fake one. */
  clock?: () => number;
  /** Receives one line per request unless `quiet`; never tokens, keys or query strings. */
  log?: (line: string) => void;
  injections?: Injection[];
  version?: string;
  /** Serve HTTPS with a certificate signed by a CA made now (its PEM is `caPem` of the result). */
  tls?: boolean;
}

export interface RunningEmulator {
  url: string;
  port: number;
  region: string;
  startUrl: string;
  /** What to export so AWS clients reach the emulator. */
  endpoints: { oidc: string; portal: string; sts: string; signin: string };
  /** With `tls`: the CA certificate (PEM) that signed the emulator's, for AWS_CA_BUNDLE. */
  caPem?: string | undefined;
  state: EmulatorState;
  faults: Faults;
  close(): Promise<void>;
}

export async function startEmulator(opts: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { port = 0, host = "127.0.0.1", clock = Date.now, log, injections = [], version = "dev", tls = false, ...knobs } = opts;
  if (!isLoopback(host)) throw new Error(`The emulator listens on loopback only, not ${host}.`);
  const options: EmulatorSettings = { ...DEFAULT_EMULATOR_SETTINGS, ...stripUndefined(knobs) };
  const state = new EmulatorState(options, clock);
  const faults = new Faults();
  for (const i of injections) faults.inject(i);
  // Uptime is on the emulator's clock (a test's fake one included).
  const startedMs = clock();

  const router = createRouter({ state, faults, startedMs, version });

  // Idle keep-alive connections live longer than any poll interval. With Node's 5 s (which Node
  // enforces at 6 s), a client polling every 1 + 5 s after slow_down reuses its pooled socket just
  // as the server drops it: the JS SDK gets ECONNRESET "socket hang up" on the next CreateToken.
  const certificate = tls ? await createEmulatorCertificate(clock()) : undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => void serve(req, res);
  const server = certificate
    ? createTlsServer({ keepAliveTimeout: 65_000, key: certificate.keyPem, cert: `${certificate.certPem}${certificate.caPem}` }, onRequest)
    : createServer({ keepAliveTimeout: 65_000 }, onRequest);
  const scheme = certificate ? "https" : "http";

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Monotonic, for the request log's duration only.
    const started = performance.now();
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
      const found = router.findRoute(method, path, query);
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === "too-large") {
        status = 413;
        errorCode = "RequestEntityTooLargeException";
        const r =
          found.protocol === "sts"
            ? stsErrorResponse(413, "RequestEntityTooLarge", "Request body is too large", requestId)
            : jsonError(413, "RequestEntityTooLargeException", "Request body is too large", requestId);
        send(res, { ...r, headers: { ...r.headers, connection: "close" } }, state.nowMs());
        return;
      }
      if (!("handle" in found)) {
        status = found.allow ? 405 : 404;
        errorCode = "UnknownOperationException";
        const r =
          found.protocol === "sts"
            ? stsErrorResponse(400, "InvalidAction", "Could not find operation for this request", requestId)
            : jsonError(
                status,
                "UnknownOperationException",
                found.allow ? `Method ${method} is not allowed here` : "Unknown operation",
                requestId,
              );
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
        baseUrl: `${scheme}://${hostHeader}`,
      };
      const out = await router.answer(emuReq, found, requestId);
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
        log(
          `${req.method} ${path} ${status || "-"} ${operation}${errorCode ? ` ${errorCode}` : ""} ${Math.round(performance.now() - started)}ms`,
        );
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
  const url = `${scheme}://${hostPart}:${address.port}`;
  return {
    url,
    port: address.port,
    get region() {
      return state.options.region;
    },
    get startUrl() {
      return state.options.startUrl;
    },
    endpoints: { oidc: url, portal: url, sts: url, signin: url },
    caPem: certificate?.caPem,
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
