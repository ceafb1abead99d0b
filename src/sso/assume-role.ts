import type { Agent as HttpAgent } from "node:http";
import type { Endpoints } from "../context.js";
import { ServiceError } from "../errors.js";
import type { DebugLog } from "../lib/debug-log.js";
import { checkEndpointOverride } from "../lib/endpoint-override.js";
import { ACCESS_KEY_ID_SHAPE, SECRET_ACCESS_KEY_SHAPE, SESSION_TOKEN_SHAPE } from "../lib/key-shape.js";
import { httpRequest, type HttpAnswer } from "./http-request.js";
import type { ServiceNetwork } from "./network.js";
import { errorFacts } from "./service-errors.js";
import { signQueryPost, type SigningKeys } from "./sigv4-sign.js";

// STS AssumeRole (docs/protocol/sts.md §8), for role chains: one SigV4-signed awsQuery POST
// (sigv4-sign.ts) over the command's network, not @aws-sdk/client-sts. The signing time must be
// the Context's clock (the SDK signs with the machine's, which a test's clock and the emulator's
// do not share), the call is a form in and six XML elements out, and the package stays without
// another SDK client.

export type SourceKeys = SigningKeys;

export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds?: number | undefined;
  externalId?: string | undefined;
}

export interface AssumedRole {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** On this computer's clock (network.clock.toLocal). */
  expiration: Date;
  accountId: string;
  arn: string;
  assumedRoleId: string;
}

export interface StsTarget {
  /** The STS endpoint for the region (role-chain.entry.ts `stsEndpointFor`); an override wins. */
  url: string;
  signingRegion: string;
}

/** An STS error answer, shaped as the SDK's errors are (name = the code), so service-errors.ts reads it. */
export class StsError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

/** One POST of the signed request. */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  o: { agent?: HttpAgent | undefined; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<HttpAnswer> {
  return httpRequest(url, { method: "POST", headers, body }, o);
}

/** STS's `Expiration`: ISO 8601 in UTC (docs/protocol/sts.md §8.2). */
function parseExpiration(s: string | undefined): Date | undefined {
  if (s === undefined || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(s)) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The text of the first `<name>` element (entities decoded), or undefined. */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m?.[1]?.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith("#x")
      ? String.fromCodePoint(Number.parseInt(e.slice(2), 16))
      : e.startsWith("#")
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] as string),
  );
}

/**
 * One AssumeRole, signed with `source` at `now`. Throws StsError (an error answer) or the network's
 * error, for the caller to classify (a retry for throttling, describeStsRefusal for the rest).
 */
export async function assumeRole(
  network: ServiceNetwork,
  endpoints: Endpoints,
  target: StsTarget,
  source: SourceKeys,
  request: AssumeRoleRequest,
  o: { now: Date; signal?: AbortSignal | undefined; debug?: DebugLog | undefined },
): Promise<AssumedRole> {
  // An override that would carry the session token in cleartext is refused before anything is sent.
  const url = checkEndpointOverride(endpoints, "sts") ?? target.url;
  const form = new URLSearchParams({
    Action: "AssumeRole",
    Version: "2011-06-15",
    RoleArn: request.roleArn,
    RoleSessionName: request.sessionName,
  });
  if (request.durationSeconds !== undefined) form.set("DurationSeconds", String(request.durationSeconds));
  if (request.externalId !== undefined) form.set("ExternalId", request.externalId);
  const body = form.toString();
  const headers = signQueryPost(url, body, source, { region: target.signingRegion, service: "sts", at: o.now });
  const { agent } = await network.agentFor(url);
  const answer = await post(url, headers, body, { agent, timeoutMs: network.limits.requestTimeoutMs, signal: o.signal });
  network.clock.observe(answer.date);
  o.debug?.(`sts AssumeRole: HTTP ${answer.status}`, { requestId: element(answer.body, "RequestId") });
  if (answer.status !== 200) {
    // The awsQuery error document (docs/protocol/sts.md §5).
    throw new StsError(
      element(answer.body, "Code") ?? `HTTP${answer.status}`,
      element(answer.body, "Message") ?? `HTTP ${answer.status}`,
      answer.status,
    );
  }
  const k = {
    accessKeyId: element(answer.body, "AccessKeyId"),
    secretAccessKey: element(answer.body, "SecretAccessKey"),
    sessionToken: element(answer.body, "SessionToken"),
    expiration: parseExpiration(element(answer.body, "Expiration")),
    arn: element(answer.body, "Arn"),
    assumedRoleId: element(answer.body, "AssumedRoleId"),
  };
  // The keys' shape is checked at the boundary (lib/key-shape.ts): they are printed and written.
  if (
    !k.accessKeyId ||
    !ACCESS_KEY_ID_SHAPE.test(k.accessKeyId) ||
    !k.secretAccessKey ||
    !SECRET_ACCESS_KEY_SHAPE.test(k.secretAccessKey) ||
    !k.sessionToken ||
    !SESSION_TOKEN_SHAPE.test(k.sessionToken) ||
    k.expiration === undefined ||
    !k.arn ||
    !k.assumedRoleId
  ) {
    throw new ServiceError(
      "STS sent an unexpected AssumeRole reply (Credentials or AssumedRoleUser missing or malformed).",
      "Try again; if it persists, report it with --debug output.",
    );
  }
  return {
    accessKeyId: k.accessKeyId,
    secretAccessKey: k.secretAccessKey,
    sessionToken: k.sessionToken,
    expiration: network.clock.toLocal(k.expiration),
    accountId: k.arn.split(":")[4] ?? "",
    arn: k.arn,
    assumedRoleId: k.assumedRoleId,
  };
}

/** STS's own error codes (docs/protocol/sts.md §8.3) and what a person does about each. */
const HINTS: Record<string, string> = {
  AccessDenied: "Check role_arn and external_id of the profile, and that the role's trust policy admits the source profile's role.",
  ValidationError: "Check duration_seconds (900 to 3600 in a role chain), role_session_name and external_id of the profile.",
  RegionDisabledException:
    "Set region in the profile to a region where STS is active for that account, or ask its administrator to activate it.",
  ExpiredToken: "The source keys have expired: run sso-cli login for the source profile, then try again.",
  InvalidClientTokenId: "The source keys are not valid: run sso-cli login for the source profile, then try again.",
};

/** A refusal of AssumeRole as one line: which profile, which role, STS's code and text. */
export function describeStsRefusal(err: unknown, profile: string, roleArn: string): ServiceError | undefined {
  const f = errorFacts(err);
  if (f.network || f.status === undefined || f.status >= 500) return undefined;
  const message = (err as { message?: unknown } | null)?.message;
  // STS's text, then its code: "InvalidClientTokenId: The …" would read to the redaction as a
  // token and its value.
  const text = typeof message === "string" && message && message !== f.code ? `: ${message.replace(/\s+/g, " ").replace(/\.$/, "")}` : "";
  return new ServiceError(`STS refused to assume ${roleArn} for profile ${profile}${text} (${f.code}).`, HINTS[f.code], { cause: err });
}
