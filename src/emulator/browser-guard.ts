import { isLoopbackHostname as isLoopbackName } from "../lib/loopback.js";
import type { EmuRequest } from "./wire.js";

// The admin API and the sign-in pages change what the emulator does (knobs, faults, approvals), and
// the user's own browser can reach them: any web page it shows may send a request to 127.0.0.1. A
// page cannot set a foreign Host header, nor drop the Origin header of a POST, nor send a JSON
// content type without a CORS preflight (which the emulator never grants). So:
// - the Host must name this machine (127.0.0.0/8, localhost, [::1]): a page whose own name was made
//   to resolve to 127.0.0.1 (DNS rebinding) sends its own name;
// - an Origin, when sent (browsers send one on every POST), must be this emulator's own;
// - an admin POST must be `Content-Type: application/json`, which a cross-site form cannot send.
// Scripts, tests and the AWS clients send no Origin and a loopback Host, and pass.

/** The host name of a Host header value (`127.0.0.1:4567`, `[::1]:80`, `localhost`). */
function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Why the emulator refuses a request a web page may have made, or undefined when it may go on.
 * `json`: the request must carry `Content-Type: application/json` (admin POSTs).
 */
export function foreignRequestReason(req: EmuRequest, opts: { json?: boolean } = {}): string | undefined {
  const host = req.headers.host;
  const hostname = host === undefined ? undefined : hostnameOf(host);
  if (hostname === undefined || !isLoopbackName(hostname)) return "the Host header must name this machine (127.0.0.1, localhost or [::1])";
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let same = false;
    try {
      const o = new URL(origin);
      same = o.host === new URL(`http://${host}`).host && isLoopbackName(o.hostname);
    } catch {
      same = false;
    }
    if (!same) return "a request from another web site (Origin) is refused";
  }
  if (opts.json && req.method === "POST") {
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") return "the request must be Content-Type: application/json";
  }
  return undefined;
}
