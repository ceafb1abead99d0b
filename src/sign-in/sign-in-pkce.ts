import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Context } from "../context.js";
import { InterruptedError, SignInExpiredError } from "../errors.js";
import { createProgress, formatCountdown } from "../lib/progress.js";
import {
  buildAuthorizeUrl,
  codeFromCallback,
  createPkceSecrets,
  DEFAULT_SCOPES,
  exchangeAuthorizationCode,
  parsePastedCallback,
  type CallbackParams,
} from "../sso/authorization-code.js";
import type { SsoClients } from "../sso/clients.js";
import type { OidcToken } from "../sso/device-authorization.js";
import { startLoopbackRedirect, type LoopbackCallback } from "../sso/loopback-redirect.js";
import type { Registration } from "./client-registration.js";
import type { SignInSpec } from "./cached-sign-in.entry.js";

/** What the authorization code flow takes from the Context: it prints, may open a browser, reads a pasted address, and waits. */
export type PkceSignInDeps = Pick<Context, "now" | "sleep" | "signal" | "stdin" | "stderr" | "tty" | "browser">;

/** How long the sign-in waits for the browser's answer, as the AWS CLI does (600 s). */
export const AUTHORIZATION_TIMEOUT_MS = 10 * 60_000;

/**
 * The authorization code grant with PKCE: the person allows access on the sign-in page, and the
 * browser brings the code back to a loopback server of this one sign-in. Where the browser runs
 * on another machine (SSH, containers), the person pastes back the address it ended on instead,
 * so no port forwarding is needed. Denial, a wrong state, a timeout and Ctrl-C each end it with
 * one typed error; the loopback server is always closed.
 */
export async function signInWithAuthorizationCode(
  deps: PkceSignInDeps,
  spec: SignInSpec,
  clients: SsoClients,
  registration: Registration,
  opts: { openBrowser: boolean },
): Promise<OidcToken> {
  const secrets = createPkceSecrets();
  const loopback = await startLoopbackRedirect();
  const stop = new AbortController();
  const err = deps.stderr;
  let answered: LoopbackCallback | undefined;
  try {
    const url = buildAuthorizeUrl(clients.urls.oidc, {
      clientId: registration.clientId,
      redirectUri: loopback.redirectUri,
      state: secrets.state,
      challenge: secrets.challenge,
      scopes: spec.scopes ?? DEFAULT_SCOPES,
    });
    err.write(`Sign in to ${spec.startUrl}${spec.ssoSession ? ` (sso-session ${spec.ssoSession})` : ""}:\n`);
    err.write(`  open   ${url}\n`);
    let paste = !opts.openBrowser;
    if (opts.openBrowser) {
      if (await deps.browser.open(url)) {
        err.write("A browser was opened: allow access there.\n");
        err.write("If the browser does not open, open the link above in a browser on this computer; to sign in from another device, run the command again with --use-device-code.\n");
      } else {
        err.write("No browser could be started. Open the link above in a browser on this computer; to sign in from another device, run the command again with --use-device-code.\n");
        // On a terminal, the address can also be pasted back from a browser elsewhere.
        paste = deps.tty.stdin;
      }
    }
    if (paste) {
      err.write(
        `Open the link above in a browser on any device and allow access. The browser then goes to an address that starts with\n` +
          `${loopback.redirectUri}?code= (the page may not load there). Copy that whole address, paste it here and press Enter:\n`,
      );
    }

    const pasted = paste ? readPastedCallback(deps.stdin, err, loopback.redirectUri, stop.signal) : undefined;
    const params = await waitForAnswer(deps, loopback.callback, pasted, !paste, (cb) => (answered = cb));
    const code = codeFromCallback(params, secrets.state);
    const token = await exchangeAuthorizationCode(clients, registration, { code, redirectUri: loopback.redirectUri, verifier: secrets.verifier });
    answered?.respond({ ok: true });
    return token;
  } catch (e) {
    answered?.respond({ ok: false, message: e instanceof Error ? e.message : "The sign-in failed." });
    throw e;
  } finally {
    stop.abort();
    await loopback.close();
  }
}

/**
 * The first answer: the loopback callback, or a pasted address; a countdown meanwhile (none
 * while a paste is awaited on the same terminal, where it would overwrite the typing).
 */
async function waitForAnswer(
  deps: PkceSignInDeps,
  callback: Promise<LoopbackCallback>,
  pasted: Promise<CallbackParams | undefined> | undefined,
  showProgress: boolean,
  onCallback: (cb: LoopbackCallback) => void,
): Promise<CallbackParams> {
  let result: CallbackParams | undefined;
  // Aborted when an answer arrives, so the pending one-second wait ends at once.
  const arrived = new AbortController();
  void callback.then((cb) => {
    onCallback(cb);
    result ??= cb.params;
    arrived.abort();
  });
  void pasted?.then((p) => {
    if (p) {
      result ??= p;
      arrived.abort();
    }
  });
  const wait = AbortSignal.any([deps.signal, arrived.signal]);
  const deadline = deps.now().getTime() + AUTHORIZATION_TIMEOUT_MS;
  const progress = createProgress(deps.stderr, deps.tty.stderr, () => deps.now().getTime());
  try {
    while (result === undefined) {
      if (deps.signal.aborted) throw new InterruptedError();
      const left = deadline - deps.now().getTime();
      if (left <= 0) throw new SignInExpiredError(`Access was not allowed in the browser within ${AUTHORIZATION_TIMEOUT_MS / 60_000} minutes.`);
      if (showProgress) progress.update(`Waiting for you to allow access in the browser… (${formatCountdown(left / 1000)} left)`);
      try {
        await deps.sleep(Math.min(1000, left), wait);
      } catch (e) {
        if (deps.signal.aborted) throw new InterruptedError();
        if (!arrived.signal.aborted) throw e;
      }
    }
    return result;
  } finally {
    progress.done();
  }
}

/** Lines from stdin until one holds a code (or an error) from the sign-in page; undefined at end of input. */
function readPastedCallback(stdin: Readable, stderr: Writable, redirectUri: string, signal: AbortSignal): Promise<CallbackParams | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stdin, terminal: false });
    const finish = (value: CallbackParams | undefined): void => {
      resolve(value); // first: close() below emits "close", which resolves with undefined
      lines.close();
    };
    signal.addEventListener("abort", () => finish(undefined), { once: true });
    lines.on("line", (line) => {
      if (line.trim() === "") return;
      const params = parsePastedCallback(line);
      if (params) finish(params);
      else stderr.write(`That is not the address the browser ended on (it starts with ${redirectUri}?code=). Paste it again:\n`);
    });
    lines.on("close", () => resolve(undefined));
  });
}
