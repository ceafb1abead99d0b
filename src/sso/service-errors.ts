import { KNOWN_REGIONS, nearRegions } from "../lib/aws-regions.js";
import { AccessDeniedError, ServiceError, ServiceUnreachableError, SsoCliError, ThrottledError } from "../errors.js";

/**
 * What an SDK error means for us. The SDK puts the service's error code in `name` (taken from
 * x-amzn-ErrorType / __type) and the HTTP status in `$metadata.httpStatusCode`.
 */
export interface ErrorFacts {
  code: string;
  status?: number | undefined;
  network: boolean;
  /** The answer did not come in time (connect or request timeout): the call was aborted. */
  timeout: boolean;
  /** The server's certificate could not be verified: retrying will not change that. */
  tls: boolean;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

// OpenSSL's verification failures as Node names them (node/src/crypto/crypto_common.cc).
const TLS_CODES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "INVALID_CA",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export function errorFacts(err: unknown): ErrorFacts {
  const e = err as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "Error";
  const sysCode = typeof e?.code === "string" ? e.code : undefined;
  const inner = e?.cause !== undefined ? errorFacts(e.cause) : undefined;
  const tls = (sysCode !== undefined && TLS_CODES.has(sysCode)) || inner?.tls === true;
  const timeout = name === "TimeoutError" || name === "RequestTimeout" || inner?.timeout === true;
  const network = tls || timeout || (sysCode !== undefined && NETWORK_CODES.has(sysCode)) || inner?.network === true;
  const code =
    sysCode && (NETWORK_CODES.has(sysCode) || TLS_CODES.has(sysCode))
      ? sysCode
      : inner && (inner.tls || inner.network) && name === "Error"
        ? inner.code
        : name;
  return { code, status: e?.$metadata?.httpStatusCode, network, timeout, tls };
}

/** Worth another try after a pause: throttling, server faults, the network (not a certificate it refused). */
export function isRetryable(err: unknown): boolean {
  const f = errorFacts(err);
  if (f.tls) return false;
  if (f.network) return true;
  if (
    f.code === "TooManyRequestsException" ||
    f.code === "ThrottlingException" ||
    f.code === "Throttling" ||
    f.code === "SlowDownException"
  )
    return true;
  return f.status !== undefined && f.status >= 500;
}

export function isThrottle(err: unknown): boolean {
  const c = errorFacts(err).code;
  // awsQuery services such as STS say Throttling (botocore lists it among its throttling codes).
  return c === "TooManyRequestsException" || c === "ThrottlingException" || c === "Throttling";
}

/**
 * The client registration is unknown, expired or lacks the grant (docs/protocol/sso-oidc.md §8: drop the cached
 * registration and register again).
 */
export function isStaleClient(err: unknown): boolean {
  const c = errorFacts(err).code;
  return c === "InvalidClientException" || c === "UnauthorizedClientException";
}

export function isUnauthorized(err: unknown): boolean {
  return errorFacts(err).code === "UnauthorizedException";
}

/** Turns an SDK failure into one line a person can act on; keeps the SDK error as the cause. */
export function describeServiceError(err: unknown, what: string, endpoint: string): SsoCliError {
  if (err instanceof SsoCliError) return err;
  const f = errorFacts(err);
  const message = (err as { message?: unknown } | null)?.message;
  const detail = typeof message === "string" && message && message !== f.code ? `: ${message}` : "";
  if (f.tls) {
    return new ServiceUnreachableError(
      `Could not verify the TLS certificate of ${endpoint} (${f.code}) while ${what}.`,
      "If a proxy or your organisation re-signs HTTPS traffic, set AWS_CA_BUNDLE (or ca_bundle in the profile) to the PEM file of its certificate authority.",
      { cause: err },
    );
  }
  if (f.timeout) {
    return new ServiceUnreachableError(
      `IAM Identity Center at ${endpoint} did not answer in time (${f.code}) while ${what}.`,
      "Check your network connection and proxy, then try again; SSO_CLI_READ_TIMEOUT and SSO_CLI_CONNECT_TIMEOUT set the waits, in seconds.",
      { cause: err },
    );
  }
  if (f.network && f.code === "ENOTFOUND") {
    // The name of the region's endpoint does not resolve: a mistyped region looks just like this.
    const region = /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?(?::\d+)?(?:\/|$)/.exec(endpoint)?.[1];
    const hint =
      region !== undefined && !KNOWN_REGIONS.includes(region)
        ? `The region may be wrong: ${region} is not a region sso-cli knows${nearRegions(region)}. Check sso_region, else your network connection, DNS and proxy.`
        : `The region may be wrong${region !== undefined ? ` (${region})` : ""}: check sso_region, else your network connection, DNS and proxy; then try again.`;
    return new ServiceUnreachableError(
      `Could not reach IAM Identity Center at ${endpoint} (ENOTFOUND: the name does not resolve) while ${what}.`,
      hint,
      { cause: err },
    );
  }
  if (f.network) {
    return new ServiceUnreachableError(
      `Could not reach IAM Identity Center at ${endpoint} (${f.code}) while ${what}.`,
      "Check your network connection, proxy and the sso_region; then try again.",
      { cause: err },
    );
  }
  // Only a proxy answers 407 (RFC 9110 §15.5.8); https-proxy-agent hands its refusal of CONNECT to the SDK as the answer.
  if (f.status === 407) {
    return new ServiceUnreachableError(
      `The proxy asked for credentials (407 Proxy Authentication Required) on the way to ${endpoint} while ${what}.`,
      "Put them in the proxy URL: HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT (percent-encode special characters).",
      { cause: err },
    );
  }
  if (f.code === "TooManyRequestsException" || f.code === "ThrottlingException") return new ThrottledError(what);
  if (f.status !== undefined && f.status >= 500) {
    return new ServiceError(`IAM Identity Center had an internal error (${f.status} ${f.code}) while ${what}.`, "Try again in a minute.", {
      cause: err,
    });
  }
  return new ServiceError(`IAM Identity Center refused ${what} (${f.code}${detail}).`, undefined, { cause: err });
}

export { AccessDeniedError };
