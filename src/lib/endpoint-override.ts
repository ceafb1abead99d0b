import type { Endpoints } from "../context.js";
import { BadValueError } from "../errors.js";
import { isLoopbackHostname } from "./loopback.js";

// Where a token or keys may be sent. Every endpoint sso-cli talks to receives a secret: SSO OIDC
// (the client secret and refresh token in, tokens out), the portal (the bearer token), the console
// sign-in endpoint (role keys in its query string). An override in the environment is the user's
// to choose, but not in cleartext across a network: http:// is for this machine only, where the
// emulator and local test servers live.

export type EndpointKind = keyof Omit<Endpoints, "sources">;

/** The variable that sets each endpoint on its own (AWS_ENDPOINT_URL may set the SDK services'). */
export const ENDPOINT_VARIABLES: Record<EndpointKind, string> = {
  oidc: "AWS_ENDPOINT_URL_SSO_OIDC",
  portal: "AWS_ENDPOINT_URL_SSO",
  sts: "AWS_ENDPOINT_URL_STS",
  signin: "AWS_ENDPOINT_URL_SIGNIN",
};

/**
 * The overrides from the environment. The SDK services (SSO OIDC, the portal, STS) also take the
 * generic AWS_ENDPOINT_URL, as every AWS SDK does; the console sign-in endpoint is no SDK service,
 * and a generic override (LocalStack, say) must not receive real role keys: only its own variable.
 */
export function endpointsFromEnv(env: Readonly<Record<string, string | undefined>>): Endpoints {
  const endpoints: Endpoints = { sources: {} };
  for (const kind of Object.keys(ENDPOINT_VARIABLES) as EndpointKind[]) {
    const own = ENDPOINT_VARIABLES[kind];
    const source = env[own] ? own : kind !== "signin" && env.AWS_ENDPOINT_URL ? "AWS_ENDPOINT_URL" : undefined;
    if (source === undefined) continue;
    endpoints[kind] = env[source];
    endpoints.sources![kind] = source;
  }
  return endpoints;
}

/** Why a URL may not receive a token or keys, or undefined when it may (https, or http to this machine). */
export function cleartextProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (u.protocol === "https:") return undefined;
  if (u.protocol === "http:") return isLoopbackHostname(u.hostname) ? undefined : "is http:// to another machine";
  return `is not an https:// URL`;
}

/**
 * The override of one endpoint, checked; a refusal is one line naming the variable and the fix,
 * said before anything is sent.
 */
export function checkEndpointOverride(endpoints: Endpoints, kind: EndpointKind): string | undefined {
  const url = endpoints[kind];
  if (url === undefined) return undefined;
  const problem = cleartextProblem(url);
  if (problem !== undefined) throw new BadValueError(refusal(endpoints.sources?.[kind] ?? ENDPOINT_VARIABLES[kind], problem));
  return url;
}

/** The one line: what is wrong with which variable, and what to do. */
export function refusal(source: string, problem: string): string {
  return `${source} ${problem}: sso-cli sends tokens and keys only over https:// (http:// only to 127.0.0.1, ::1 or localhost); set it to an https:// URL, or unset it.`;
}
