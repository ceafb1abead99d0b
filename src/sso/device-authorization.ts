import type { Context } from "../context.js";
import { InterruptedError, SignInDeniedError, SignInExpiredError, StaleRegistrationError } from "../errors.js";
import type { SsoClients } from "./clients.js";
import { DeviceAuthorizationReply, parseReply, TokenReply } from "./replies.js";
import { describeServiceError, errorFacts, isStaleClient } from "./service-errors.js";

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  expiresInS: number;
  intervalS: number;
}

export interface OidcToken {
  accessToken: string;
  expiresInS: number;
  refreshToken?: string | undefined;
}

export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export async function startDeviceAuthorization(
  clients: SsoClients,
  registration: { clientId: string; clientSecret: string },
  startUrl: string,
): Promise<DeviceAuthorization> {
  const [client, m] = await Promise.all([clients.oidc(), clients.oidcModule()]);
  try {
    const reply = await client.send(new m.StartDeviceAuthorizationCommand({ ...registration, startUrl }));
    const r = parseReply(DeviceAuthorizationReply, reply, "StartDeviceAuthorization");
    return {
      deviceCode: r.deviceCode,
      userCode: r.userCode,
      verificationUri: r.verificationUri,
      verificationUriComplete: r.verificationUriComplete ?? r.verificationUri,
      expiresInS: r.expiresIn,
      // RFC 8628 §3.2: 5 seconds when the server names no interval.
      intervalS: r.interval ?? 5,
    };
  } catch (err) {
    if (isStaleClient(err)) throw new StaleRegistrationError({ cause: err });
    throw describeServiceError(err, "starting the sign-in", clients.urls.oidc);
  }
}

export type PollAnswer =
  | { kind: "token"; token: OidcToken }
  | { kind: "pending" }
  | { kind: "slow_down" }
  | { kind: "denied" }
  | { kind: "expired" };

/** One CreateToken poll, its outcome as data; any other failure throws. */
export async function createDeviceToken(
  clients: SsoClients,
  registration: { clientId: string; clientSecret: string },
  deviceCode: string,
): Promise<PollAnswer> {
  const [client, m] = await Promise.all([clients.oidc(), clients.oidcModule()]);
  try {
    const reply = await client.send(new m.CreateTokenCommand({ ...registration, grantType: DEVICE_GRANT, deviceCode }));
    const r = parseReply(TokenReply, reply, "CreateToken");
    return { kind: "token", token: { accessToken: r.accessToken, expiresInS: r.expiresIn, refreshToken: r.refreshToken } };
  } catch (err) {
    switch (errorFacts(err).code) {
      case "AuthorizationPendingException":
        return { kind: "pending" };
      case "SlowDownException":
        return { kind: "slow_down" };
      case "AccessDeniedException":
        return { kind: "denied" };
      case "ExpiredTokenException":
        return { kind: "expired" };
      default:
        throw describeServiceError(err, "waiting for the sign-in", clients.urls.oidc);
    }
  }
}

export type PollDeps = Pick<Context, "now" | "sleep" | "signal"> & {
  createToken(deviceCode: string): Promise<PollAnswer>;
  /** Told before each wait, e.g. to draw a countdown. */
  onWait?(secondsLeft: number): void;
};

/**
 * Polls CreateToken until the person approves (RFC 8628 §3.4–3.5): once at once, then every
 * `interval` seconds; `slow_down` adds 5 s for good; denial and expiry end the wait.
 */
export async function pollForToken(deps: PollDeps, auth: DeviceAuthorization): Promise<OidcToken> {
  let intervalMs = auth.intervalS * 1000;
  const deadline = deps.now().getTime() + auth.expiresInS * 1000;
  for (let first = true; ; first = false) {
    if (!first) {
      deps.onWait?.(Math.max(0, Math.round((deadline - deps.now().getTime()) / 1000)));
      try {
        await deps.sleep(intervalMs, deps.signal);
      } catch (err) {
        if (deps.signal.aborted) throw new InterruptedError();
        throw err;
      }
    }
    if (deps.signal.aborted) throw new InterruptedError();
    if (deps.now().getTime() >= deadline) throw new SignInExpiredError();
    const r = await deps.createToken(auth.deviceCode);
    switch (r.kind) {
      case "token":
        return r.token;
      case "slow_down":
        intervalMs += 5000;
        break;
      case "denied":
        throw new SignInDeniedError();
      case "expired":
        throw new SignInExpiredError();
      case "pending":
        break;
    }
  }
}
