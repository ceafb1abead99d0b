import { timingSafeEqual } from "node:crypto";
import {
  canonicalRequest,
  formatAmzDate,
  headerValues,
  parseAmzDate,
  parseRawQuery,
  sha256Hex,
  signature,
  signingKey,
  SIGV4_ALGORITHM,
  stringToSign,
} from "./sigv4-canonical.js";

// Verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) on requests the emulator receives, the way a
// real AWS endpoint does, so that a client that signs wrongly fails here before it fails in AWS.
// Wire format and check order: docs/protocol/sts.md §7; error codes and texts: docs/protocol/sts.md §5.
// Pure: the clock and the issued keys come in through `opts`.

export interface SigV4Request {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** name,value,name,value… as Node's IncomingMessage.rawHeaders */
  rawHeaders: string[];
  body: Buffer;
}

export interface IssuedCredentials {
  secretAccessKey: string;
  /** Set for temporary (ASIA…) keys: a request must then carry exactly this token (docs/protocol/sts.md §6). */
  sessionToken?: string;
  expiresAtMs?: number;
}

export type SigV4Result = { ok: true; accessKeyId: string; region: string } | { ok: false; status: number; code: string; message: string };

export interface VerifySigV4Options {
  nowMs: number;
  /** The signing name the endpoint answers to, e.g. "sts" (docs/protocol/sts.md §1). */
  service: string;
  lookup(accessKeyId: string): IssuedCredentials | undefined;
  /** Allowed distance between X-Amz-Date and the server clock; 15 minutes, as AWS (docs/protocol/sts.md §7, check 5). */
  maxSkewMs?: number;
  /** Regions this endpoint serves; any well-formed region name when omitted (docs/protocol/sts.md §7, check 2). */
  regions?: readonly string[];
}

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const DEFAULT_MAX_SKEW_MS = 15 * 60_000;
const REGION = /^[a-z0-9-]{1,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

// Texts as AWS sends them (docs/protocol/sts.md §5). None of them quotes a secret, a token or a signature.
const INVALID_TOKEN = "The security token included in the request is invalid.";
const EXPIRED_TOKEN = "The security token included in the request is expired";
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
  "Access Key and signing method. Consult the service documentation for details.";

type Failure = Extract<SigV4Result, { ok: false }>;

const fail = (status: number, code: string, message: string): Failure => ({ ok: false, status, code, message });
const incomplete = (message: string): Failure => fail(400, "IncompleteSignature", message);
const mismatch = (message = SIGNATURE_MISMATCH): Failure => fail(403, "SignatureDoesNotMatch", message);

/** What a request claims about its signature, whichever way it carried it. */
interface Claim {
  presigned: boolean;
  credential: string;
  signedHeaders: string[];
  signature: string;
  /** The timestamp in `YYYYMMDDTHHMMSSZ` form, as it enters the string to sign. */
  amzDate: string;
  signedMs: number;
  /** The header that carried the date and so must be signed; undefined for presigned requests. */
  dateHeader?: "x-amz-date" | "date";
  securityToken?: string;
}

function splitSignedHeaders(list: string): string[] {
  return list
    .split(";")
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== "")
    .sort();
}

function readHeaderDate(rawHeaders: readonly string[]): Pick<Claim, "amzDate" | "signedMs" | "dateHeader"> | Failure {
  const amz = headerValues(rawHeaders, "x-amz-date")[0];
  if (amz !== undefined) {
    const signedMs = parseAmzDate(amz.trim());
    if (signedMs === undefined) return incomplete("X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z'.");
    return { amzDate: amz.trim(), signedMs, dateHeader: "x-amz-date" };
  }
  // botocore signs `Date` instead when a request already carries one; the string to sign still uses
  // the ISO basic form of that moment (botocore auth.py `_set_necessary_date_headers`).
  const date = headerValues(rawHeaders, "date")[0];
  if (date !== undefined) {
    const parsed = Date.parse(date);
    if (Number.isNaN(parsed)) return incomplete("The Date header is not a valid HTTP date.");
    const signedMs = Math.floor(parsed / 1000) * 1000;
    return { amzDate: formatAmzDate(signedMs), signedMs, dateHeader: "date" };
  }
  return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
}

function readAuthorizationHeader(value: string, rawHeaders: readonly string[]): Claim | Failure {
  const prefix = `${SIGV4_ALGORITHM} `;
  if (!value.startsWith(prefix)) return incomplete(`Authorization header must use the '${SIGV4_ALGORITHM}' algorithm.`);
  const fields = new Map<string, string>();
  const parts = value
    .slice(prefix.length)
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  for (const [i, part] of parts.entries()) {
    const eq = part.indexOf("=");
    // AWS quotes the offending part here; we give its position, so a misplaced secret is never echoed.
    if (eq <= 0) return incomplete(`Part ${i + 1} of the Authorization header is not a valid key=value pair (missing equal-sign).`);
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  // Like AWS, report every missing part at once.
  const problems = ["Credential", "SignedHeaders", "Signature"]
    .filter((k) => !fields.get(k))
    .map((k) => `Authorization header requires '${k}' parameter.`);
  const date = readHeaderDate(rawHeaders);
  if ("ok" in date) return incomplete([...problems, date.message].join(" "));
  if (problems.length > 0) return incomplete(problems.join(" "));
  const token = headerValues(rawHeaders, "x-amz-security-token")[0];
  return {
    presigned: false,
    credential: fields.get("Credential") ?? "",
    signedHeaders: splitSignedHeaders(fields.get("SignedHeaders") ?? ""),
    signature: fields.get("Signature") ?? "",
    ...date,
    ...(token !== undefined ? { securityToken: token } : {}),
  };
}

function readPresignedQuery(params: ReadonlyMap<string, string>): Claim | Failure {
  const required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"];
  const absent = required.filter((k) => !params.get(k));
  if (absent.length > 0) {
    return incomplete(
      absent.map((k) => `AWS query-string parameters must include '${k}'.`).join(" ") + " Re-examine the query-string parameters.",
    );
  }
  if (params.get("X-Amz-Algorithm") !== SIGV4_ALGORITHM) return incomplete(`X-Amz-Algorithm only supports '${SIGV4_ALGORITHM}'.`);
  const amzDate = params.get("X-Amz-Date") ?? "";
  const signedMs = parseAmzDate(amzDate);
  if (signedMs === undefined) return incomplete("X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z'.");
  // X-Amz-Expires is signed (it is part of the canonical query) but STS ignores its value: a presigned
  // STS request lives as long as the ±15 minute window allows (aws/aws-sdk-go#2167). We check its form only.
  const expires = params.get("X-Amz-Expires");
  if (expires !== undefined && (!/^\d{1,6}$/.test(expires) || Number(expires) < 1 || Number(expires) > 604_800)) {
    return incomplete("X-Amz-Expires must be a whole number of seconds from 1 to 604800.");
  }
  const token = params.get("X-Amz-Security-Token");
  return {
    presigned: true,
    credential: params.get("X-Amz-Credential") ?? "",
    signedHeaders: splitSignedHeaders(params.get("X-Amz-SignedHeaders") ?? ""),
    signature: params.get("X-Amz-Signature") ?? "",
    amzDate,
    signedMs,
    ...(token !== undefined ? { securityToken: token } : {}),
  };
}

/** Check 1 of docs/protocol/sts.md §7: find the signature, in the Authorization header or in a presigned query. */
function readClaim(req: SigV4Request): Claim | Failure {
  const params = new Map<string, string>();
  for (const [name, value] of parseRawQuery(req.rawQuery)) if (!params.has(name)) params.set(name, value);
  const presigned = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"].some((k) => params.has(k));
  const authorization = headerValues(req.rawHeaders, "authorization");
  if (authorization.length > 0 && presigned) {
    return incomplete(
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.",
    );
  }
  if (authorization.length > 1) return incomplete("Only one Authorization header is allowed.");
  if (authorization[0] !== undefined) return readAuthorizationHeader(authorization[0].trim(), req.rawHeaders);
  if (presigned) return readPresignedQuery(params);
  return fail(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
}

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

function formatSkew(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${ms / 1000} sec.`;
}

/** Payload hashes the signer may have used; docs/protocol/sts.md §7, signing step 3.6. */
function payloadCandidates(req: SigV4Request, claim: Claim): string[] {
  const declared = headerValues(req.rawHeaders, "x-amz-content-sha256")[0]?.trim();
  if (claim.presigned) {
    const inQuery = parseRawQuery(req.rawQuery).find(([n]) => n.toLowerCase() === "x-amz-content-sha256")?.[1];
    const given = inQuery ?? declared;
    if (given !== undefined) return [given];
    // Non-S3 presigners hash the (empty) body: botocore SigV4QueryAuth inherits SigV4Auth.payload, smithy
    // uses getPayloadHash; STS expects that hash (boto/boto3#756). S3-style presigners send UNSIGNED-PAYLOAD.
    return [sha256Hex(req.body), UNSIGNED_PAYLOAD];
  }
  return [declared ?? sha256Hex(req.body)];
}

/**
 * Checks a received request's SigV4 signature in the order of docs/protocol/sts.md §7 (checks 1–6),
 * answering with the code, status and text AWS uses (docs/protocol/sts.md §5).
 */
export function verifySigV4(req: SigV4Request, opts: VerifySigV4Options): SigV4Result {
  // 1. A signature is present and complete.
  const claim = readClaim(req);
  if ("ok" in claim) return claim;

  // 2. The credential scope: <key>/<yyyymmdd>/<region>/<service>/aws4_request.
  const scope = claim.credential.split("/");
  if (scope.length !== 5) {
    return incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got ${scope.length}.`);
  }
  const [accessKeyId, dateStamp, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== "aws4_request") return mismatch("Credential should be scoped with a valid terminator: 'aws4_request'.");
  if (service !== opts.service) return mismatch(`Credential should be scoped to correct service: '${opts.service}'. `);
  if (!REGION.test(region) || (opts.regions !== undefined && !opts.regions.includes(region))) {
    return mismatch("Credential should be scoped to a valid region. ");
  }
  if (dateStamp !== claim.amzDate.slice(0, 8)) {
    return mismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${/^\d{8}$/.test(dateStamp) ? dateStamp : "?"}' != '${claim.amzDate.slice(0, 8)}', from '${claim.amzDate}'.`,
    );
  }

  // 3. host is signed (else the signature could be replayed against another endpoint), and so is the date.
  if (!claim.signedHeaders.includes("host")) return mismatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (claim.dateHeader !== undefined && !claim.signedHeaders.includes(claim.dateHeader)) {
    return mismatch(`'${claim.dateHeader === "date" ? "Date" : "X-Amz-Date"}' must be a 'SignedHeader' in the AWS Authorization.`);
  }

  // 4. The key is ours; a temporary key comes with exactly its token, and the token is still valid.
  const issued = opts.lookup(accessKeyId);
  if (issued === undefined) return fail(403, "InvalidClientTokenId", INVALID_TOKEN);
  const tokenOk =
    issued.sessionToken === undefined
      ? claim.securityToken === undefined
      : claim.securityToken !== undefined && equalSecret(claim.securityToken, issued.sessionToken);
  if (!tokenOk) return fail(403, "InvalidClientTokenId", INVALID_TOKEN);
  if (issued.expiresAtMs !== undefined && opts.nowMs >= issued.expiresAtMs) return fail(403, "ExpiredToken", EXPIRED_TOKEN);

  // 5. The clock: STS reports skew as SignatureDoesNotMatch with these texts (docs/protocol/sts.md §5, aws-cli#6676).
  const skewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const now = formatAmzDate(opts.nowMs);
  if (claim.signedMs < opts.nowMs - skewMs) {
    return mismatch(
      `Signature expired: ${claim.amzDate} is now earlier than ${formatAmzDate(opts.nowMs - skewMs)} (${now} - ${formatSkew(skewMs)})`,
    );
  }
  if (claim.signedMs > opts.nowMs + skewMs) {
    return mismatch(
      `Signature not yet current: ${claim.amzDate} is still later than ${formatAmzDate(opts.nowMs + skewMs)} (${now} + ${formatSkew(skewMs)})`,
    );
  }

  // 6. Recompute from the received bytes and compare in constant time. Unlike some AWS services we never
  //    echo the canonical request: it would carry the session token.
  const key = signingKey(issued.secretAccessKey, dateStamp, region, service);
  const omit = claim.presigned ? "X-Amz-Signature" : undefined;
  const credentialScope = scope.slice(1).join("/");
  const matched = payloadCandidates(req, claim).some((payloadHash) => {
    const canonical = canonicalRequest(req, claim.signedHeaders, payloadHash, omit);
    return equalSecret(signature(key, stringToSign(claim.amzDate, credentialScope, canonical)), claim.signature);
  });
  if (!matched) return mismatch();

  // A signed x-amz-content-sha256 only vouches for the body if the body hashes to it.
  const declared = headerValues(req.rawHeaders, "x-amz-content-sha256")[0]?.trim();
  if (declared !== undefined && SHA256_HEX.test(declared) && declared.toLowerCase() !== sha256Hex(req.body)) {
    return mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return { ok: true, accessKeyId, region };
}
