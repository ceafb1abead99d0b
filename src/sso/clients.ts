import type { SSOClient } from "@aws-sdk/client-sso";
import type { SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import type { Endpoints } from "../context.js";
import { sdkLogger, type DebugLog } from "../lib/debug-log.js";

/**
 * SDK clients, built lazily: `await import()` here is the only place the AWS SDK is loaded, so
 * commands that never call AWS (and --help, --version) never pay for it.
 *
 * Retries are ours (lib/backoff.ts), not the SDK's: one attempt per call, so a throttled fan-out
 * backs off as a whole instead of every request retrying on its own.
 */
export interface SsoClients {
  region: string;
  /** Where each service is reached (an override, else the regional AWS endpoint), for messages. */
  urls: { oidc: string; portal: string };
  oidc(): Promise<SSOOIDCClient>;
  portal(): Promise<SSOClient>;
  oidcModule(): Promise<typeof import("@aws-sdk/client-sso-oidc")>;
  portalModule(): Promise<typeof import("@aws-sdk/client-sso")>;
}

export function createSsoClients(region: string, endpoints: Endpoints, opts: { requestTimeoutMs?: number; debug?: DebugLog | undefined } = {}): SsoClients {
  let oidc: Promise<SSOOIDCClient> | undefined;
  let portal: Promise<SSOClient> | undefined;
  const requestHandler = { requestTimeout: opts.requestTimeoutMs ?? 30_000, connectionTimeout: 10_000 };
  const logger = opts.debug ? { logger: sdkLogger(opts.debug) } : {};
  return {
    region,
    urls: {
      oidc: endpoints.oidc ?? `https://oidc.${region}.amazonaws.com`,
      portal: endpoints.portal ?? `https://portal.sso.${region}.amazonaws.com`,
    },
    oidcModule: () => import("@aws-sdk/client-sso-oidc"),
    portalModule: () => import("@aws-sdk/client-sso"),
    oidc: () =>
      (oidc ??= import("@aws-sdk/client-sso-oidc").then(
        (m) => new m.SSOOIDCClient({ region, maxAttempts: 1, requestHandler, ...logger, ...(endpoints.oidc ? { endpoint: endpoints.oidc } : {}) }),
      )),
    portal: () =>
      (portal ??= import("@aws-sdk/client-sso").then(
        (m) =>
          new m.SSOClient({
            region,
            maxAttempts: 1,
            ...logger,
            requestHandler: { ...requestHandler, httpsAgent: { maxSockets: 64, keepAlive: true }, httpAgent: { maxSockets: 64, keepAlive: true } },
            ...(endpoints.portal ? { endpoint: endpoints.portal } : {}),
          }),
      )),
  };
}
