import type { EmuResponse } from "./wire.js";

/**
 * restJson1 answers. The error code travels in `x-amzn-ErrorType`: botocore and the JS SDK read
 * the header first, so a body-only error would surface as a bare 400 (docs/protocol/sso-oidc.md §8).
 */
export function jsonResponse(status: number, body: unknown, requestId: string): EmuResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}

/**
 * The service's form of the header: `<Name>:http://internal.amazon.com/coral/<namespace>/` (the
 * captured OIDC answer in docs/protocol/sso-oidc.md §8). Clients drop everything after the first ":", so only a
 * client that compares the whole header can tell, and such a client must see what the service sends.
 */
function errorTypeHeader(name: string, namespace: string): string {
  return `${name}:http://internal.amazon.com/coral/${namespace}/`;
}

/** OIDC errors: OAuth-style body `{error, error_description}` (docs/protocol/sso-oidc.md §8). */
export function oidcError(
  status: number,
  name: string,
  error: string,
  description: string,
  requestId: string,
  extra: Record<string, string> = {},
): EmuResponse {
  return {
    status,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": errorTypeHeader(name, "com.amazonaws.sso.oidc"),
    },
    body: JSON.stringify({ error, error_description: description, ...extra }),
  };
}

const PORTAL_NAMESPACE = "com.amazonaws.switchboard.portal";

/**
 * Portal errors: `{message, __type}` body plus the header (docs/protocol/sso-portal.md §4), in the portal's own
 * namespace, the one its `__type` names.
 */
export function portalError(status: number, name: string, message: string, requestId: string): EmuResponse {
  return {
    status,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": errorTypeHeader(name, PORTAL_NAMESPACE),
    },
    body: JSON.stringify({ message, __type: `${PORTAL_NAMESPACE}#${name}` }),
  };
}

/** Parses a JSON object body; undefined when the body is not a JSON object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    const v: unknown = JSON.parse(body.toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
