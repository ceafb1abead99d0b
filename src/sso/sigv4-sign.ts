import { createHash, createHmac } from "node:crypto";

// AWS Signature Version 4 for one awsQuery POST (docs/protocol/sts.md §7, signing steps 1–8):
// the signed headers are content-type, host, x-amz-date and, with temporary keys,
// x-amz-security-token; the path is `/` and there is no query. The time comes from the caller
// (the Context's clock), never from this module.

export interface SigningKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

const hex = (data: string): string => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

/** `YYYYMMDDTHHMMSSZ` (§7, signing step 1). */
export function amzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/**
 * The headers that sign a POST of `body` to `url` for `service` in `region` at `at`: the caller
 * sends exactly these (plus content-length, which is not signed).
 */
export function signQueryPost(
  url: string,
  body: string,
  keys: SigningKeys,
  o: { region: string; service: string; at: Date },
): Record<string, string> {
  const u = new URL(url);
  const date = amzDate(o.at);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    host: u.host,
    "x-amz-date": date,
    ...(keys.sessionToken ? { "x-amz-security-token": keys.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const scope = `${date.slice(0, 8)}/${o.region}/${o.service}/aws4_request`;
  const canonical = [
    "POST",
    u.pathname || "/",
    "",
    ...names.map((n) => `${n}:${(headers[n] as string).trim().replace(/\s+/g, " ")}`),
    "",
    names.join(";"),
    hex(body),
  ].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", date, scope, hex(canonical)].join("\n");
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, date.slice(0, 8)), o.region), o.service), "aws4_request");
  const signature = createHmac("sha256", kSigning).update(toSign, "utf8").digest("hex");
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}
