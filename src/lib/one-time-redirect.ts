import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A one-time local address for a secret URL: `http://127.0.0.1:PORT/<128 random bits>`, which
 * answers its first request with a redirect to the URL and nothing after that (the server stops
 * listening). A browser is started with this address on its command line instead of the URL,
 * because every local user can read a process's arguments (/proc/PID/cmdline, ps), and the URLs
 * handed to a browser are secrets: an /authorize link's state and PKCE challenge, a console link's
 * SigninToken.
 *
 * The address itself is on the browser's command line, so another user may race the browser to
 * it: `trustPeer`, where the owner of a connection can be told (Linux), refuses (403) any but
 * this user's processes, and the address stays unspent for the real browser.
 *
 * The server does not keep the process alive (it is unref'd): whoever must wait for the browser
 * waits on `followed` with a timer of its own.
 */
export interface OneTimeRedirect {
  /** The address to hand to the browser. */
  url: string;
  /** True once a request has been redirected; false if closed before. */
  followed: Promise<boolean>;
  /** Stops answering. Idempotent. */
  close(): Promise<void>;
}

export async function startOneTimeRedirect(
  target: string,
  opts: { trustPeer?: ((socket: Socket) => boolean) | undefined; random?: (n: number) => Buffer } = {},
): Promise<OneTimeRedirect> {
  const random = opts.random ?? randomBytes;
  const secretPath = Buffer.from(`/${random(16).toString("hex")}`);
  let settle!: (followed: boolean) => void;
  const followed = new Promise<boolean>((resolve) => (settle = resolve));
  let spent = false;
  const server = createServer((req, res) => {
    const path = Buffer.from((req.url ?? "").split("?")[0] ?? "");
    const matches = path.length === secretPath.length && timingSafeEqual(path, secretPath);
    if (spent || !matches || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", connection: "close" });
      res.end("Not found.\n");
      return;
    }
    if (opts.trustPeer && !opts.trustPeer(req.socket)) {
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", connection: "close" });
      res.end("This address belongs to another user.\n");
      return;
    }
    spent = true;
    // 303: the browser GETs the target; no-referrer: the target never learns this address.
    res.writeHead(303, { location: target, "cache-control": "no-store", "referrer-policy": "no-referrer", connection: "close" });
    settle(true);
    // Stop listening once the redirect is on its way: the address is dead from then on.
    res.end(() => void close());
  });
  // A connection that sends nothing must not hold the address.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      settle(false);
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { url: `http://127.0.0.1:${port}${secretPath.toString()}`, followed, close };
}
