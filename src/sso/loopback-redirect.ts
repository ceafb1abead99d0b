import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readCallbackParams, sameState, type CallbackParams } from "./authorization-code.js";

/**
 * The one-sign-in web server the browser is redirected to (RFC 8252 §7.3): bound to 127.0.0.1
 * only, on a port the system picks, before the browser is opened. It takes the first request on
 * the callback path that carries this sign-in's state (compared in constant time) with a code or
 * an error, holds the browser's answer until the caller knows whether the sign-in worked, and
 * then shows a plain page saying so.
 *
 * Any local process, and any web page through the browser, can send a request to this port. So
 * nothing is taken before its state is checked: a request without this sign-in's state gets 400
 * and the server goes on waiting for the real answer (RFC 6749 §10.12, RFC 8252 §8.9). Nor is a
 * request the browser marks as not a navigation (`Sec-Fetch-Mode` other than `navigate`: a
 * page's fetch or image, W3C Fetch Metadata): the real answer is always a top-level redirect.
 */
export const CALLBACK_PATH = "/oauth/callback";

export interface LoopbackCallback {
  params: CallbackParams;
  /** Answers the browser with a success or failure page. The first answer wins. */
  respond(outcome: { ok: true } | { ok: false; message: string }): void;
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:PORT/oauth/callback`: used in /authorize and in CreateToken. */
  redirectUri: string;
  /** The first callback with this sign-in's state and a code or an error. */
  callback: Promise<LoopbackCallback>;
  /** Stops listening and drops every connection; an unanswered browser gets a failure page first. */
  close(): Promise<void>;
}

export async function startLoopbackRedirect(expected: { state: string }): Promise<LoopbackRedirect> {
  let deliver!: (cb: LoopbackCallback) => void;
  const callback = new Promise<LoopbackCallback>((resolve) => (deliver = resolve));
  let pending: ServerResponse | undefined;
  let taken = false;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== CALLBACK_PATH) {
      answer(res, 404, "Not found", "This address only receives the answer of an sso-cli sign-in.");
      return;
    }
    const mode = req.headers["sec-fetch-mode"];
    if (mode !== undefined && mode !== "navigate") {
      answer(res, 400, "Not a sign-in answer", "This address only takes the sign-in page's redirect, opened in the browser's window.");
      return;
    }
    // The state first, for codes and errors alike: an answer that is not this sign-in's is no answer.
    if (!sameState(expected.state, url.searchParams.get("state") ?? undefined)) {
      answer(
        res,
        400,
        "Not this sign-in's answer",
        "This address expects the answer to the sign-in sso-cli started. Return to your terminal.",
      );
      return;
    }
    const params = readCallbackParams(url.searchParams);
    if (!params) {
      answer(res, 400, "Nothing to sign in with", "This address expects the answer of the sign-in page (a code or an error).");
      return;
    }
    if (taken) {
      answer(res, 409, "Already answered", "This sign-in has already received its answer. Return to your terminal.");
      return;
    }
    taken = true;
    pending = res;
    let answered = false;
    deliver({
      params,
      respond(outcome) {
        if (answered) return;
        answered = true;
        pending = undefined;
        if (outcome.ok)
          answer(
            res,
            200,
            "Signed in",
            "You are signed in to AWS IAM Identity Center. You can close this window and return to your terminal.",
          );
        else answer(res, 200, "Sign-in failed", `${outcome.message} Return to your terminal for details.`);
      },
    });
  });
  // A browser that opens a connection and sends nothing must not hold the sign-in.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        if (pending) answer(pending, 200, "Sign-in stopped", "The sign-in was stopped. Return to your terminal for details.");
        pending = undefined;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function answer(res: ServerResponse, status: number, title: string, text: string): void {
  if (res.headersSent) return;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · sso-cli</title>
<style>body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:32rem;color:#16191f}h1{font-size:1.4rem}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", connection: "close" });
  res.end(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
