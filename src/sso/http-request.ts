import type { Agent as HttpAgent } from "node:http";

// One HTTP request outside the AWS SDK (the console's federation endpoint, STS AssumeRole) over
// node:https, or node:http for a loopback override such as the emulator, with the command's agent
// (a proxy or extra CAs plug in there), a timeout that aborts, and a bounded reply.

export interface HttpOptions {
  /** For a proxy or extra CAs; Node's global agent otherwise. */
  agent?: HttpAgent | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** The answer: status, `Date` header and body (at most 64 KiB). */
export interface HttpAnswer {
  status: number;
  date?: string | undefined;
  body: string;
}

const MAX_BODY_BYTES = 64 * 1024;

export async function httpRequest(
  url: string,
  request: { method: "GET" | "POST"; headers: Record<string, string>; body?: string | undefined },
  opts: HttpOptions = {},
): Promise<HttpAnswer> {
  const u = new URL(url);
  const { request: send } = u.protocol === "http:" ? await import("node:http") : await import("node:https");
  const headers =
    request.body === undefined ? request.headers : { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) };
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: request.method,
        headers,
        ...(opts.agent ? { agent: opts.agent } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) res.destroy(Object.assign(new Error("reply too large"), { code: "EMSGSIZE" }));
          else chunks.push(c);
        });
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, date: res.headers.date, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(request.body);
  });
}
