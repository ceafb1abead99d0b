import { createHash, createHmac } from "node:crypto";

// The pure pieces of AWS Signature Version 4 (docs/protocol/sts.md §7): canonical request,
// string to sign, signing key, signature. sigv4-verify.ts checks a received request with them.

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** docs/protocol/sts.md §7, signing step 5: kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secretAccessKey: string, dateStamp: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, dateStamp);
  return hmac(hmac(hmac(kDate, region), service), "aws4_request");
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonicalRequestText)].join("\n");
}

export function signature(key: Buffer, stringToSignText: string): string {
  return createHmac("sha256", key).update(stringToSignText, "utf8").digest("hex");
}

/** RFC 3986 percent-encoding of the UTF-8 bytes: only A–Z a–z 0–9 - _ . ~ stay bare (docs/protocol/sts.md §7, signing step 3.3). */
export function uriEncode(value: string, keepSlash = false): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch) || (keepSlash && ch === "/")) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // broken %-escapes are taken literally; the signature then decides
  }
}

/** Decoded name/value pairs in received order. "+" stays "+": both SDKs encode a space as %20. */
export function parseRawQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    pairs.push([safeDecode(name), safeDecode(value)]);
  }
  return pairs;
}

/**
 * Canonical URI for every service but S3: remove "." / ".." and empty segments, then percent-encode
 * the path *as received* once more. Clients encode the already-encoded path a second time
 * (botocore `SigV4Auth._normalize_url_path`, smithy `getCanonicalPath`), so "/a%20b" signs as "/a%2520b".
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === "") return "/";
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const lead = rawPath.startsWith("/") ? "/" : "";
  const trail = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return uriEncode(lead + segments.join("/") + trail, true) || "/";
}

/** docs/protocol/sts.md §7, signing step 3.3: decode, re-encode, sort by encoded name then value. `omit` drops e.g. X-Amz-Signature. */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  return parseRawQuery(rawQuery)
    .filter(([name]) => name !== omit)
    .map(([name, value]): [string, string] => [uriEncode(name), uriEncode(value)])
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** Every value received under `name` (case-insensitive), in order. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === wanted) values.push(rawHeaders[i + 1] ?? "");
  }
  return values;
}

/** docs/protocol/sts.md §7, signing step 3.4: "name:value\n" per signed header; values trimmed, inner whitespace collapsed, repeats joined by ",". */
export function canonicalHeaders(rawHeaders: readonly string[], signedHeaders: readonly string[]): string {
  return signedHeaders
    .map(
      (name) =>
        `${name}:${headerValues(rawHeaders, name)
          .map((v) => v.trim().replace(/\s+/g, " "))
          .join(",")}\n`,
    )
    .join("");
}

/** The six parts of docs/protocol/sts.md §7, signing step 3, joined by "\n". `signedHeaders` are lower-case and sorted. */
export function canonicalRequest(
  req: { method: string; rawPath: string; rawQuery: string; rawHeaders: readonly string[] },
  signedHeaders: readonly string[],
  payloadHash: string,
  omitQueryParam?: string,
): string {
  return [
    req.method.toUpperCase(),
    canonicalUri(req.rawPath),
    canonicalQuery(req.rawQuery, omitQueryParam),
    canonicalHeaders(req.rawHeaders, signedHeaders),
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}/, "")
    .replace(/[-:]/g, "");
}

/** Milliseconds for a `YYYYMMDDTHHMMSSZ` timestamp, or undefined when it is not one. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return formatAmzDate(ms) === value ? ms : undefined; // rejects 20240231T…, 25:00:00 and friends
}
