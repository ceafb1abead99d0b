import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { BrowserLaunch, Context } from "../context.js";
import { SignInExpiredError } from "../errors.js";
import { escapeControlChars } from "../lib/control-chars.js";
import { waitWithCountdown } from "../lib/countdown-wait.js";
import { formatCountdown } from "../lib/progress.js";
import {
  buildAuthorizeUrl,
  codeFromCallback,
  createPkceSecrets,
  DEFAULT_SCOPES,
  exchangeAuthorizationCode,
  parsePastedCallback,
  sameState,
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
 * so no port forwarding is needed. An answer without this sign-in's state, from the loopback or
 * pasted, is refused and the wait goes on: anyone can send one. Denial, a timeout and Ctrl-C
 * each end it with one typed error; the loopback server and the browser's one-time address are
 * always closed, and standard input is no longer read once the sign-in is answered.
 */
export async function signInWithAuthorizationCode(
  deps: PkceSignInDeps,
  spec: SignInSpec,
  clients: SsoClients,
  registration: Registration,
  opts: { openBrowser: boolean },
): Promise<OidcToken> {
  const secrets = createPkceSecrets();
  const loopback = await startLoopbackRedirect({ state: secrets.state });
  const stop = new AbortController();
  const err = deps.stderr;
  let answered: LoopbackCallback | undefined;
  let launch: BrowserLaunch | undefined;
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
      launch = await deps.browser.open(url);
      if (launch.opened) {
        err.write("A browser was opened: allow access there.\n");
        err.write(
          "If the browser does not open, open the link above in a browser on this computer; to sign in from another device, run the command again with --use-device-code.\n",
        );
      } else {
        err.write(
          `No browser could be started (${escapeControlChars(launch.failure ?? "unknown")}). Open the link above in a browser on this computer; to sign in from another device, run the command again with --use-device-code.\n`,
        );
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

    const pasted = paste
      ? readPastedCallback(deps.stdin, err, { redirectUri: loopback.redirectUri, state: secrets.state }, stop.signal)
      : undefined;
    const params = await waitForAnswer(deps, loopback.callback, pasted, !paste, (cb) => (answered = cb));
    // Answered: nothing more is read from standard input (it may be a pipe that stays open).
    stop.abort();
    const code = codeFromCallback(params, secrets.state);
    const token = await exchangeAuthorizationCode(clients, registration, {
      code,
      redirectUri: loopback.redirectUri,
      verifier: secrets.verifier,
    });
    answered?.respond({ ok: true });
    return token;
  } catch (e) {
    answered?.respond({ ok: false, message: e instanceof Error ? e.message : "The sign-in failed." });
    throw e;
  } finally {
    stop.abort();
    await Promise.all([loopback.close(), launch?.close()]);
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
  const answer = new Promise<CallbackParams>((resolve) => {
    void callback.then((cb) => {
      onCallback(cb);
      resolve(cb.params);
    });
    void pasted?.then((p) => {
      if (p) resolve(p);
    });
  });
  const label = showProgress
    ? (left: number) => `Waiting for you to allow access in the browser… (${formatCountdown(left / 1000)} left)`
    : undefined;
  const r = await waitWithCountdown(deps, answer, AUTHORIZATION_TIMEOUT_MS, label);
  if (!r) throw new SignInExpiredError(`Access was not allowed in the browser within ${AUTHORIZATION_TIMEOUT_MS / 60_000} minutes.`);
  return r.value;
}

/**
 * Lines from stdin until one holds this sign-in's answer (a code or an error with its state);
 * undefined at end of input or once `signal` is aborted. A line with another state, or none, is
 * refused and the person is asked again: anyone who can type here could paste one.
 */
function readPastedCallback(
  stdin: Readable,
  stderr: Writable,
  expected: { redirectUri: string; state: string },
  signal: AbortSignal,
): Promise<CallbackParams | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stdin, terminal: false });
    let done = false;
    const finish = (value: CallbackParams | undefined): void => {
      if (done) return;
      done = true;
      resolve(value);
      // Closed on the next turn, not inside the stream's own "data" event: a pause there is undone
      // by the stream reading ahead, and a pipe left open would then keep the process alive.
      setImmediate(() => lines.close());
    };
    signal.addEventListener("abort", () => finish(undefined), { once: true });
    lines.on("line", (line) => {
      if (done || line.trim() === "") return;
      const params = parsePastedCallback(line);
      if (!params)
        stderr.write(`That is not the address the browser ended on (it starts with ${expected.redirectUri}?code=). Paste it again:\n`);
      else if (!sameState(expected.state, params.state))
        stderr.write(
          "That address is the answer to another sign-in (its state is not this one's). Paste the address the browser ended on after the link above:\n",
        );
      else finish(params);
    });
    lines.on("close", () => finish(undefined));
  });
}
