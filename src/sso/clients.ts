import type { SSOClient } from "@aws-sdk/client-sso";
import type { SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import type { Endpoints } from "../context.js";
import { BadValueError } from "../errors.js";
import { sdkLogger, type DebugLog } from "../lib/debug-log.js";
import { checkEndpointOverride, cleartextProblem } from "../lib/endpoint-override.js";
import type { ServiceNetwork } from "./network.js";

/**
 * SDK clients, built lazily: `await import()` here is the only place the AWS SDK is loaded, so
 * commands that never call AWS (and --help, --version) never pay for it.
 *
 * Retries are ours (lib/backoff.ts), not the SDK's: one attempt per call, so a throttled fan-out
 * backs off as a whole instead of every request retrying on its own. Every call goes through the
 * command's network (network.ts): its proxy and CA bundle, timeouts that abort, and a look at the
 * service's clock in each answer. The settings the SDK would look up in ~/.aws/config itself (once
 * per setting and client, parsing the whole file each time) come from the network, read once.
 */
export interface SsoClients {
  region: string;
  /** Where each service is reached (an override, else the regional AWS endpoint), for messages. */
  urls: { oidc: string; portal: string };
  oidc(): Promise<SSOOIDCClient>;
  portal(): Promise<SSOClient>;
  oidcModule(): Promise<typeof import("@aws-sdk/client-sso-oidc")>;
  portalModule(): Promise<typeof import("@aws-sdk/client-sso")>;
  /** The command's network: its clock turns the service's absolute times into local ones. */
  network(): Promise<ServiceNetwork>;
}

export interface SsoClientOptions {
  /** The command's network (network/network-for.ts `networkFor`), resolved when a client is first built. */
  network: () => Promise<ServiceNetwork>;
  /** A shorter request timeout than the network's, for calls that must not hold a command up (Logout). */
  requestTimeoutMs?: number;
  debug?: DebugLog | undefined;
}

export function createSsoClients(region: string, endpoints: Endpoints, opts: SsoClientOptions): SsoClients {
  let oidc: Promise<SSOOIDCClient> | undefined;
  let portal: Promise<SSOClient> | undefined;
  let network: Promise<ServiceNetwork> | undefined;
  const getNetwork = () => (network ??= opts.network());
  const logger = opts.debug ? { logger: sdkLogger(opts.debug) } : {};
  const urls = {
    oidc: endpoints.oidc ?? `https://oidc.${region}.amazonaws.com`,
    portal: endpoints.portal ?? `https://portal.sso.${region}.amazonaws.com`,
  };
  const handlerFor = async (kind: "oidc" | "portal", pool: { maxSockets?: number } = {}) => {
    // An override that would carry a token in cleartext is refused before anything is sent.
    checkEndpointOverride(endpoints, kind);
    const url = urls[kind];
    const n = await getNetwork();
    const handler = await n.requestHandlerFor(url, pool);
    if (opts.requestTimeoutMs !== undefined) handler.requestTimeout = Math.min(handler.requestTimeout, opts.requestTimeoutMs);
    // Retries are ours (maxAttempts 1), so the retry mode and the defaults mode behind it never matter;
    // both services answer without SigV4, so no auth scheme preference applies. No app id is given
    // as a provider of none: left undefined, the SDK would go and read the config for one.
    const { userAgentAppId, ...sdk } = n.sdk;
    const settings = {
      maxAttempts: 1,
      retryMode: "standard",
      authSchemePreference: [] as string[],
      ...sdk,
      userAgentAppId: userAgentAppId ?? (async () => undefined),
    };
    return { n, handler, settings };
  };
  return {
    region,
    urls,
    network: getNetwork,
    oidcModule: () => import("@aws-sdk/client-sso-oidc"),
    portalModule: () => import("@aws-sdk/client-sso"),
    oidc: () =>
      (oidc ??= Promise.all([import("@aws-sdk/client-sso-oidc"), handlerFor("oidc")]).then(([m, { n, handler, settings }]) =>
        refuseCleartext(
          watchServiceClock(
            new m.SSOOIDCClient({
              region,
              ...settings,
              requestHandler: handler,
              ...logger,
              ...(endpoints.oidc ? { endpoint: endpoints.oidc } : {}),
            }),
            n,
          ),
          "SSO OIDC",
        ),
      )),
    portal: () =>
      (portal ??= Promise.all([import("@aws-sdk/client-sso"), handlerFor("portal", { maxSockets: 64 })]).then(
        ([m, { n, handler, settings }]) =>
          refuseCleartext(
            watchServiceClock(
              new m.SSOClient({
                region,
                ...settings,
                requestHandler: handler,
                ...logger,
                ...(endpoints.portal ? { endpoint: endpoints.portal } : {}),
              }),
              n,
            ),
            "SSO portal",
          ),
      )),
  };
}

interface MiddlewareHost {
  middlewareStack: {
    add(
      mw: (next: (args: unknown) => Promise<{ response?: unknown }>) => (args: unknown) => Promise<{ response?: unknown }>,
      opts: { step: "deserialize" | "finalizeRequest"; priority: "low"; name: string },
    ): void;
  };
}

/**
 * The last look before a request leaves: the SDK may have found its endpoint itself (endpoint_url
 * or a services section of the AWS config, which our overrides do not cover), and every request
 * carries a token or a client secret. http:// to another machine is refused there too.
 */
function refuseCleartext<C>(client: C, service: string): C {
  (client as unknown as MiddlewareHost).middlewareStack.add(
    (next) => async (args) => {
      const request = (args as { request?: { protocol?: string; hostname?: string } }).request;
      const host = request?.hostname ?? "";
      const problem = request?.protocol
        ? cleartextProblem(`${request.protocol}//${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}/`)
        : undefined;
      if (problem !== undefined) {
        throw new BadValueError(
          `The ${service} endpoint set by endpoint_url in the AWS config ${problem}: sso-cli sends tokens only over https:// (http:// only to 127.0.0.1, ::1 or localhost); use an https:// URL there.`,
        );
      }
      return next(args);
    },
    { step: "finalizeRequest", priority: "low", name: "ssoCliRefuseCleartext" },
  );
  return client;
}

/**
 * Shows the command's clock every answer's Date header. In the deserialize step below the SDK's
 * deserializer, so error answers (which it turns into exceptions) are seen too.
 */
function watchServiceClock<C>(client: C, network: ServiceNetwork): C {
  (client as unknown as MiddlewareHost).middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const headers = (out.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
      network.clock.observe(headers?.date ?? headers?.Date);
      return out;
    },
    { step: "deserialize", priority: "low", name: "ssoCliServiceClock" },
  );
  return client;
}
