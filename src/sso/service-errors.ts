import { AccessDeniedError, ServiceError, ServiceUnreachableError, SsoCliError, ThrottledError } from "../errors.js";

/**
 * What an SDK error means for us. The SDK puts the service's error code in `name` (taken from
 * x-amzn-ErrorType / __type) and the HTTP status in `$metadata.httpStatusCode`.
 */
export interface ErrorFacts {
  code: string;
  status?: number | undefined;
  network: boolean;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_SOCKET"]);

export function errorFacts(err: unknown): ErrorFacts {
  const e = err as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "Error";
  const sysCode = typeof e?.code === "string" ? e.code : undefined;
  const network =
    (sysCode !== undefined && NETWORK_CODES.has(sysCode)) || name === "TimeoutError" || name === "RequestTimeout" || (e?.cause !== undefined && errorFacts(e.cause).network);
  return { code: sysCode && NETWORK_CODES.has(sysCode) ? sysCode : name, status: e?.$metadata?.httpStatusCode, network };
}

/** Worth another try after a pause: throttling, server faults, the network. */
export function isRetryable(err: unknown): boolean {
  const f = errorFacts(err);
  if (f.network) return true;
  if (f.code === "TooManyRequestsException" || f.code === "ThrottlingException" || f.code === "SlowDownException") return true;
  return f.status !== undefined && f.status >= 500;
}

export function isThrottle(err: unknown): boolean {
  const c = errorFacts(err).code;
  return c === "TooManyRequestsException" || c === "ThrottlingException";
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
  if (f.network) {
    return new ServiceUnreachableError(`Could not reach IAM Identity Center at ${endpoint} (${f.code}) while ${what}.`, "Check your network connection, proxy and the sso_region; then try again.", { cause: err });
  }
  if (f.code === "TooManyRequestsException" || f.code === "ThrottlingException") return new ThrottledError(what);
  if (f.status !== undefined && f.status >= 500) {
    return new ServiceError(`IAM Identity Center had an internal error (${f.status} ${f.code}) while ${what}.`, "Try again in a minute.", { cause: err });
  }
  return new ServiceError(`IAM Identity Center refused ${what} (${f.code}${detail}).`, undefined, { cause: err });
}

export { AccessDeniedError };
