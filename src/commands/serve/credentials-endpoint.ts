import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Exit, SsoCliError } from "../../errors.js";
import type { KeeperAnswer } from "./key-keeper.js";

// The container-credentials endpoint every AWS SDK, botocore and the AWS CLI read through
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE): a GET with the
// token as the Authorization header, answered with AccessKeyId, SecretAccessKey, Token and an
// RFC 3339 Expiration (docs/protocol/container-credentials.md).

/** Loopback only, and only this address: an SDK accepts 127.0.0.0/8 for an http FULL_URI. */
export const ENDPOINT_HOST = "127.0.0.1";

export interface EndpointOptions {
  /** A profile's keys (KeyKeeper.keysFor). */
  keysFor(profile: string): Promise<KeeperAnswer>;
  /** The profiles it serves, each on a path of its own. */
  profiles: readonly string[];
  /** 0 (the default): a free port the system picks. */
  port?: number;
  /** Given for tests; else 32 random bytes. */
  token?: string;
}

export interface CredentialsEndpoint {
  port: number;
  /** The secret a tool sends as its Authorization header. */
  token: string;
  /** The FULL_URI of each profile. */
  urls: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

/** The port is taken: the one line the person sees, with the way out. */
export class PortInUseError extends SsoCliError {
  constructor(port: number) {
    super(`Port ${port} on ${ENDPOINT_HOST} is already in use.`, Exit.badValue, "Pick another --port, or leave it out for a free one.");
  }
}

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * Starts the endpoint on 127.0.0.1 with a random path (so a URL leaked without the token still
 * names nothing) and a random token. Every answer carries `Cache-Control: no-store`; a request
 * without the token gets 401 and one with a wrong token 403, both with no body that hints at
 * anything; a request from a web page (an Origin header, or a Host that is not this address: DNS
 * rebinding) is refused.
 */
export async function startCredentialsEndpoint(o: EndpointOptions): Promise<CredentialsEndpoint> {
  const token = o.token ?? randomBytes(32).toString("base64url");
  const tokenDigest = digest(token);
  const base = "/" + randomBytes(16).toString("hex");
  const byPath = new Map(o.profiles.map((p) => [`${base}/${encodeURIComponent(p)}`, p]));
  let port = 0;

  const send = (res: ServerResponse, status: number, body?: object): void => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      "Cache-Control": "no-store",
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      Connection: "close",
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.origin !== undefined) return send(res, 403);
    const host = req.headers.host;
    if (host !== `${ENDPOINT_HOST}:${port}` && host !== `localhost:${port}`) return send(res, 403);
    const auth = req.headers.authorization;
    if (auth === undefined || auth === "") return send(res, 401);
    // Digests of equal length, compared in constant time: neither the token's length nor a prefix leaks.
    if (!timingSafeEqual(digest(auth), tokenDigest)) return send(res, 403);
    if (req.method !== "GET") return send(res, 405);
    const profile = byPath.get(new URL(req.url ?? "/", "http://x").pathname);
    if (profile === undefined) return send(res, 404, { Code: "NotFound", Message: "No profile is served on this path." });
    const answer = await o.keysFor(profile);
    if (!answer.ok) {
      const message =
        answer.error instanceof SsoCliError ? answer.error.message : "The keys could not be renewed; see the server's output.";
      return send(res, 403, { Code: "SsoCliLoginRequired", Message: message });
    }
    const k = answer.keys;
    send(res, 200, {
      AccessKeyId: k.accessKeyId,
      SecretAccessKey: k.secretAccessKey,
      Token: k.sessionToken,
      Expiration: k.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
      AccountId: k.accountId,
    });
  };

  const server = createServer((req, res) => {
    req.resume();
    handle(req, res).catch(() => send(res, 500, { Code: "InternalError", Message: "sso-cli could not answer; see its output." }));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(err.code === "EADDRINUSE" ? new PortInUseError(o.port ?? 0) : err));
    server.listen({ host: ENDPOINT_HOST, port: o.port ?? 0, exclusive: true }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const urls = new Map([...byPath].map(([path, profile]) => [profile, `http://${ENDPOINT_HOST}:${port}${path}`]));
  return {
    port,
    token,
    urls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
