import type { Context } from "../context.js";
import { escapeControlChars } from "../lib/control-chars.js";
import { createProgress, formatCountdown } from "../lib/progress.js";
import type { SsoClients } from "../sso/clients.js";
import { createDeviceToken, pollForToken, startDeviceAuthorization, type OidcToken } from "../sso/device-authorization.js";
import type { Registration } from "./client-registration.js";
import type { SignInSpec } from "./cached-sign-in.entry.js";

/** What the device flow takes from the Context: it prints, may open a browser, and polls. */
export type DeviceSignInDeps = Pick<Context, "now" | "sleep" | "signal" | "stderr" | "tty" | "browser">;

/**
 * The device authorization grant (RFC 8628): a link and a code the person approves on any
 * device. The link and the code are always printed; the browser, when one can be opened, is a
 * convenience that never decides whether the sign-in finishes.
 */
export async function signInWithDeviceCode(
  deps: DeviceSignInDeps,
  spec: SignInSpec,
  clients: SsoClients,
  registration: Registration,
  opts: { openBrowser: boolean },
): Promise<OidcToken> {
  const auth = await startDeviceAuthorization(clients, registration, spec.startUrl);
  const err = deps.stderr;
  err.write(`Sign in to ${spec.startUrl}${spec.ssoSession ? ` (sso-session ${spec.ssoSession})` : ""}:\n`);
  err.write(`  open   ${auth.verificationUriComplete}\n`);
  err.write(`  code   ${auth.userCode}\n`);
  const launch = opts.openBrowser ? await deps.browser.open(auth.verificationUriComplete) : undefined;
  if (launch?.opened) {
    err.write(`A browser was opened: check that it shows the code ${auth.userCode}, then approve.\n`);
    err.write(`If the browser does not open, open the link above on any device and check that it shows the code ${auth.userCode}.\n`);
  } else if (launch) {
    err.write(
      `No browser could be started (${escapeControlChars(launch.failure ?? "unknown")}). Open the link above on any device and check that it shows the code ${auth.userCode}.\n`,
    );
  } else {
    err.write(`Open the link above on any device and check that it shows the code ${auth.userCode}.\n`);
  }
  const progress = createProgress(err, deps.tty.stderr, () => deps.now().getTime());
  return pollForToken(
    {
      now: deps.now,
      sleep: deps.sleep,
      signal: deps.signal,
      createToken: (deviceCode) => createDeviceToken(clients, registration, deviceCode),
      onWait: (left) => progress.update(`Waiting for approval of ${auth.userCode}… (code expires in ${formatCountdown(left)})`),
    },
    auth,
  ).finally(() => {
    progress.done();
    void launch?.close();
  });
}
