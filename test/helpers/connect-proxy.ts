import { createServer, request as httpRequest } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/**
 * A real HTTP proxy on 127.0.0.1, as a corporate one is to a client: CONNECT tunnels for https
 * targets (RFC 9110 §9.3.6), absolute-form requests forwarded for http ones. It counts what went
 * through it, so a test can tell whether a client used it. Loopback targets only.
 */
export interface TestProxy {
  url: string;
  /** CONNECT tunnels opened, by target "host:port". */
  tunnels: string[];
  /** Absolute-form http requests forwarded, by target "host:port". */
  forwarded: string[];
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** `auth`: require `Proxy-Authorization: Basic` with this "user:password", else answer 407. */
export async function startTestProxy(opts: { auth?: string } = {}): Promise<TestProxy> {
  const authorized = (header: string | undefined): boolean =>
    opts.auth === undefined || header === `Basic ${Buffer.from(opts.auth).toString("base64")}`;
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    // An http target through the proxy: the request line holds the whole URL.
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!LOOPBACK.test(target.hostname)) {
      res.writeHead(403).end();
      return;
    }
    if (!authorized(req.headers["proxy-authorization"])) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    forwarded.push(target.host);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const [host = "", port = ""] = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? "")?.slice(1) ?? [];
    if (!LOOPBACK.test(host)) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    if (!authorized(req.headers["proxy-authorization"])) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    tunnels.push(`${host}:${port}`);
    const upstream = connect(Number(port), host.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
