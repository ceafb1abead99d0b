import { BadValueError } from "../errors.js";
import type { DebugLog } from "../lib/debug-log.js";
import { createHttpAgent, describeProxy, type RoutedAgent } from "./http-agents.js";
import { ServiceClock } from "./service-clock.js";

// How one command talks to AWS: proxies and the CA bundle (http-agents.ts), timeouts that end a
// call, the deadline of its retries, and the service's clock. One per command, so the clock
// warning is said once and connections are pooled across the clients of several sign-ins.

type Env = Readonly<Record<string, string | undefined>>;

/** Defaults for a person waiting at a terminal; the AWS CLI's --cli-connect-timeout and --cli-read-timeout are 60 s each. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

export interface NetworkLimits {
  /** To open the TCP connection. */
  connectTimeoutMs: number;
  /** For one call's whole answer (TLS, proxy tunnel and waiting included); the call is then aborted. */
  requestTimeoutMs: number;
  /** Retries of a call (or of a fan-out of calls) stop once nothing has succeeded for this long. */
  retryDeadlineMs: number;
}

/**
 * SSO_CLI_CONNECT_TIMEOUT and SSO_CLI_READ_TIMEOUT, in seconds like the AWS CLI's
 * --cli-connect-timeout and --cli-read-timeout. Retries give up once nothing has succeeded for twice
 * the read timeout.
 */
export function readNetworkLimits(env: Env): NetworkLimits {
  const seconds = (name: string, fallbackMs: number): number => {
    const text = env[name]?.trim();
    if (!text) return fallbackMs;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0 || n > 3600)
      throw new BadValueError(
        `${name} must be a number of seconds (more than 0, at most 3600).`,
        `For example: ${name}=${fallbackMs / 1000}`,
      );
    return Math.round(n * 1000);
  };
  const connectTimeoutMs = seconds("SSO_CLI_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT_MS);
  const requestTimeoutMs = seconds("SSO_CLI_READ_TIMEOUT", DEFAULT_READ_TIMEOUT_MS);
  return { connectTimeoutMs, requestTimeoutMs, retryDeadlineMs: 2 * requestTimeoutMs };
}

/**
 * The settings the AWS SDK would otherwise look up in the environment and ~/.aws/config on its
 * own, once per setting and client: each lookup parses the whole config, which with tens of
 * thousands of populated profiles costs tens of megabytes a time. Read once by the command instead.
 */
export interface SdkSettings {
  /** AWS_USE_FIPS_ENDPOINT, else use_fips_endpoint of the profile in use. */
  useFipsEndpoint: boolean;
  /** AWS_USE_DUALSTACK_ENDPOINT, else use_dualstack_endpoint of the profile in use. */
  useDualstackEndpoint: boolean;
  /** AWS_SDK_UA_APP_ID, else sdk_ua_app_id of the profile in use: sent in the User-Agent. */
  userAgentAppId: string | undefined;
}

export const DEFAULT_SDK_SETTINGS: SdkSettings = { useFipsEndpoint: false, useDualstackEndpoint: false, userAgentAppId: undefined };

/**
 * One SDK setting from the environment variable, else the profile's key (`fromProfile`), as the
 * SDK and botocore resolve it; a boolean must read true or false (any case), as they require.
 */
export function readSdkSettings(env: Env, fromProfile: (key: string) => string | undefined): SdkSettings {
  const flag = (variable: string, key: string): boolean => {
    const fromEnv = env[variable]?.trim();
    const [text, where] = fromEnv ? [fromEnv, variable] : [fromProfile(key)?.trim(), `${key} in the profile in use`];
    if (!text) return false;
    const lower = text.toLowerCase();
    if (lower === "true" || lower === "false") return lower === "true";
    throw new BadValueError(`${where} must be true or false.`, `Set it to true or false, or remove it.`);
  };
  const appId = env.AWS_SDK_UA_APP_ID?.trim() || fromProfile("sdk_ua_app_id")?.trim() || undefined;
  return {
    useFipsEndpoint: flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
    useDualstackEndpoint: flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
    userAgentAppId: appId,
  };
}

export interface ServiceNetworkOptions {
  env: Env;
  /** What the SDK clients are built with instead of reading the config themselves (default: all off). */
  sdk?: SdkSettings | undefined;
  /** PEM text to trust instead of Node's CAs, and where it came from ("AWS_CA_BUNDLE (/path)"). */
  caBundle?: { pem: string; source: string } | undefined;
  limits: NetworkLimits;
  now: () => Date;
  /** One line for the user, without the "sso-cli: " prefix (stderr). */
  warn: (line: string) => void;
  debug?: DebugLog | undefined;
}

/** What NodeHttpHandler is built with (a subset of @smithy/node-http-handler's options). */
export interface RequestHandlerOptions {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: true;
  httpAgent?: RoutedAgent["agent"];
  httpsAgent?: RoutedAgent["agent"];
  logger: { debug(...a: unknown[]): void; info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
}

export class ServiceNetwork {
  readonly clock: ServiceClock;
  private readonly agents = new Map<string, Promise<RoutedAgent>>();

  constructor(readonly options: ServiceNetworkOptions) {
    this.clock = new ServiceClock(options.now, (line) => options.warn(line));
  }

  get limits(): NetworkLimits {
    return this.options.limits;
  }

  get caBundle(): ServiceNetworkOptions["caBundle"] {
    return this.options.caBundle;
  }

  get sdk(): SdkSettings {
    return this.options.sdk ?? DEFAULT_SDK_SETTINGS;
  }

  /** The agent for requests to `url` (one per origin and pool size, kept for the command). */
  agentFor(url: string, opts: { maxSockets?: number } = {}): Promise<RoutedAgent> {
    const origin = new URL(url).origin;
    const key = `${origin} ${opts.maxSockets ?? ""}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = createHttpAgent(origin, { env: this.options.env, ca: this.options.caBundle?.pem, ...opts }).then((routed) => {
        this.options.debug?.(
          `connections to ${origin}: ${routed.proxy ? `through proxy ${describeProxy(routed.proxy)}` : "direct"}${this.options.caBundle ? `, trusting ${this.options.caBundle.source}` : ""}`,
        );
        return routed;
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /**
   * Options for the AWS SDK's NodeHttpHandler: timeouts that abort the call (the SDK's request
   * timeout only logs a warning unless told to throw), the routed agent, and a logger, so no SDK
   * line reaches the user's stderr except through --debug.
   */
  async requestHandlerFor(url: string, opts: { maxSockets?: number } = {}): Promise<RequestHandlerOptions> {
    const { agent } = await this.agentFor(url, opts);
    const debug = this.options.debug;
    const line =
      (level: string) =>
      (...args: unknown[]) =>
        debug?.(`sdk http ${level}: ${args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}`);
    return {
      connectionTimeout: this.limits.connectTimeoutMs,
      requestTimeout: this.limits.requestTimeoutMs,
      throwOnRequestTimeout: true,
      ...(url.startsWith("https:") ? { httpsAgent: agent } : { httpAgent: agent }),
      logger: { debug: () => {}, info: line("info"), warn: line("warn"), error: line("error") },
    };
  }
}
