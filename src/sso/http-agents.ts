import type { Agent as HttpAgent, ClientRequest } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { BlockList, isIP } from "node:net";
import type { AgentConnectOpts } from "agent-base";
import { BadValueError } from "../errors.js";

// The connection to an AWS endpoint: directly or through the proxy the environment names, trusting
// Node's CAs or the CA bundle the user names. Used for every AWS call (sso/clients.ts builds the SDK
// clients with it) and for any other HTTPS request to AWS, e.g. a console federation call:
//
//   const agent = await createHttpAgent(url, { env: ctx.env, ca: network.caBundle?.pem });
//   https.request(url, { agent, … });
//
// The environment is read as curl, Python's urllib (so botocore and the AWS CLI) and the AWS SDKs
// read it: `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY` for http URLs,
// `all_proxy`/`ALL_PROXY` for either, `no_proxy`/`NO_PROXY` for hosts to reach directly; the lower
// case name wins. The tunnel is https-proxy-agent's (CONNECT); the rules are ours, because
// proxy-from-env reads process.env itself, and sso-cli reads its environment through the Context.

type Env = Readonly<Record<string, string | undefined>>;

/** The lower-case name first, as curl and urllib read them. */
function readVariable(env: Env, name: string): { name: string; value: string } | undefined {
  for (const n of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[n]?.trim();
    if (value) return { name: n, value };
  }
  return undefined;
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/**
 * Whether NO_PROXY sends `target` directly: `*`; a host name, matching itself and its subdomains
 * (a leading `.` or `*.` is ignored, as curl and urllib do); an IP address or CIDR range (as curl
 * 7.86+); any entry may end in `:port`. Entries are separated by commas or spaces.
 */
export function isProxyBypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port || DEFAULT_PORTS[target.protocol] || "";
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    const { name, port: entryPort } = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const [base, bits] = name.split("/");
    if (bits !== undefined && base && isIP(base) && isIP(host)) {
      const list = new BlockList();
      const family = isIP(base) === 6 ? "ipv6" : "ipv4";
      try {
        list.addSubnet(base, Number(bits), family);
      } catch {
        continue;
      }
      if (isIP(host) === isIP(base) && list.check(host, family)) return true;
      continue;
    }
    const domain = name.replace(/^\*?\./, "");
    if (domain && (host === domain || host.endsWith(`.${domain}`))) return true;
  }
  return false;
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`, a bare IPv6 address, each maybe with `/bits`. */
function splitHostPort(entry: string): { name: string; port?: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, port: bracketed[2] };
  // Two colons or more: an IPv6 address, which has no room for a port without brackets.
  if ((entry.match(/:/g) ?? []).length > 1) return { name: entry };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  return withPort ? { name: withPort[1]!, port: withPort[2] } : { name: entry };
}

/** The proxy for requests to `target`, or undefined to connect directly. Throws BadValueError for a proxy we cannot use. */
export function proxyForUrl(target: URL, env: Env): URL | undefined {
  const scheme = target.protocol.replace(/:$/, "");
  if (scheme !== "http" && scheme !== "https") return undefined;
  const noProxy = readVariable(env, "no_proxy");
  if (noProxy && isProxyBypassed(target, noProxy.value)) return undefined;
  const found = readVariable(env, `${scheme}_proxy`) ?? readVariable(env, "all_proxy");
  if (!found) return undefined;
  // A proxy without a scheme is an http:// one, as for curl and requests.
  const text = found.value.includes("://") ? found.value : `http://${found.value}`;
  let proxy: URL;
  try {
    proxy = new URL(text);
  } catch {
    throw new BadValueError(
      `${found.name} is not a proxy URL: "${describeProxy(text)}".`,
      `Use http://HOST:PORT (or https://HOST:PORT), e.g. ${found.name}=http://proxy.example.com:3128`,
    );
  }
  if (proxy.protocol !== "http:" && proxy.protocol !== "https:") {
    throw new BadValueError(
      `${found.name} names a ${proxy.protocol.replace(/:$/, "")} proxy; sso-cli goes through http:// and https:// proxies only.`,
      `Use an HTTP proxy (CONNECT), e.g. ${found.name}=http://proxy.example.com:3128`,
    );
  }
  return proxy;
}

/** A proxy URL fit for messages and --debug: any password replaced. */
export function describeProxy(proxy: URL | string): string {
  const text = String(proxy);
  try {
    const u = new URL(text);
    if (u.password) u.password = "REDACTED";
    return u.href.replace(/\/$/, "").replace(":REDACTED@", ":<redacted>@");
  } catch {
    return text.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:<redacted>@");
  }
}

export interface HttpAgentOptions {
  env: Env;
  /** PEM certificates to trust instead of Node's own (AWS_CA_BUNDLE or the profile's ca_bundle). */
  ca?: string | undefined;
  keepAlive?: boolean;
  maxSockets?: number;
}

export interface RoutedAgent {
  /** For the target URL's scheme: an https.Agent for https URLs, an http.Agent for http ones. */
  agent: HttpAgent;
  /** The proxy it goes through, if any. */
  proxy?: URL | undefined;
}

/**
 * The agent for requests to `target`: through its proxy (CONNECT for https, absolute-form requests
 * for http), else direct; trusting `ca` for the target's certificate when given. The proxy
 * libraries are loaded only when a proxy is used.
 */
export async function createHttpAgent(target: string | URL, opts: HttpAgentOptions): Promise<RoutedAgent> {
  const url = typeof target === "string" ? new URL(target) : target;
  const proxy = proxyForUrl(url, opts.env);
  const pool = { keepAlive: opts.keepAlive ?? true, ...(opts.maxSockets !== undefined ? { maxSockets: opts.maxSockets } : {}) };
  const tls = opts.ca !== undefined ? { ca: opts.ca } : {};
  if (url.protocol === "https:") {
    if (!proxy) return { agent: new HttpsAgent({ ...pool, ...tls }) };
    const { HttpsProxyAgent } = await import("https-proxy-agent");
    // https-proxy-agent takes the target's TLS options from each request, not from the agent (its
    // constructor options are for the proxy connection): add the CA to every request it connects.
    class TrustingHttpsProxyAgent extends HttpsProxyAgent<string> {
      override connect(req: ClientRequest, connectOpts: AgentConnectOpts) {
        return super.connect(req, { ...connectOpts, ...tls });
      }
    }
    return { agent: new TrustingHttpsProxyAgent(proxy.href, { ...pool, ...tls }), proxy };
  }
  if (!proxy) {
    const { Agent } = await import("node:http");
    return { agent: new Agent(pool) };
  }
  const { HttpProxyAgent } = await import("http-proxy-agent");
  return { agent: new HttpProxyAgent(proxy.href, { ...pool, ...tls }), proxy };
}
