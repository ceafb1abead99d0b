import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, HttpRequest } from "@smithy/types";
import { describe, expect, it } from "vitest";
import {
  AKID,
  BODY,
  EXPIRED_AKID,
  header,
  LONG_TERM_AKID,
  MIN,
  SECRET,
  signedHeadersOf,
  T0,
  TOKEN,
  verify,
} from "../helpers/sigv4-fixtures.js";
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  formatAmzDate,
  parseAmzDate,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
} from "../../src/emulator/sigv4-canonical.js";
import type { SigV4Request, VerifySigV4Options } from "../../src/emulator/sigv4-verify.js";

/** RFC 3986 encoding, written here rather than imported so the code under test is not its own referee. */
const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function toSigV4Request(r: HttpRequest, body: string): SigV4Request {
  const rawQuery = Object.entries(r.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
    .join("&");
  return { method: r.method, rawPath: r.path, rawQuery, rawHeaders: Object.entries(r.headers).flat(), body: Buffer.from(body) };
}

interface SmithySign {
  headers: Record<string, string>;
  body?: string;
  method?: string;
  query?: Record<string, string>;
  credentials?: AwsCredentialIdentity;
  service?: string;
  at?: number;
  applyChecksum?: boolean;
  presign?: boolean;
}

/** Signs with the JS SDK's own signer (@smithy/signature-v4 and the SDK's Sha256). */
async function smithySign(o: SmithySign): Promise<SigV4Request> {
  const signer = new SignatureV4({
    service: o.service ?? "sts",
    region: "us-east-1",
    credentials: o.credentials ?? { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: TOKEN },
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? false,
  });
  const body = o.body ?? (o.presign ? "" : BODY);
  const request: HttpRequest = {
    method: o.method ?? "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 18080,
    path: "/",
    query: o.query ?? {},
    headers: o.headers,
    ...(body ? { body } : {}),
  };
  const signingDate = new Date(o.at ?? T0);
  const signed = o.presign ? await signer.presign(request, { signingDate, expiresIn: 900 }) : await signer.sign(request, { signingDate });
  return toSigV4Request(signed, body);
}

// The header set botocore signs (docs/protocol/sts.md §2), with botocore's capitalisation and unsigned extras.
const botocoreShape = (o: Partial<SmithySign> = {}): Promise<SigV4Request> =>
  smithySign({ headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", Host: "127.0.0.1:18080" }, ...o });

// The header set the JS SDK v3 signs (docs/protocol/sts.md §2), x-amz-content-sha256 included.
const jsSdkShape = (o: Partial<SmithySign> = {}): Promise<SigV4Request> =>
  smithySign({
    headers: {
      "amz-sdk-invocation-id": "0b7e4b0c-6f5c-4a7e-9d3e-2f1a6c9b8d7e",
      "amz-sdk-request": "attempt=1; max=3",
      "content-length": String(Buffer.byteLength(o.body ?? BODY)),
      "content-type": "application/x-www-form-urlencoded",
      host: "127.0.0.1:18080",
      "x-amz-user-agent": "aws-sdk-js/3.0.0",
    },
    applyChecksum: true,
    ...o,
  });

const presigned = (o: Partial<SmithySign> = {}): Promise<SigV4Request> =>
  smithySign({
    method: "GET",
    presign: true,
    headers: { host: "127.0.0.1:18080" },
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    ...o,
  });

/** A copy with header `name` replaced (or removed when value is undefined). */
function withHeader(req: SigV4Request, name: string, value: string | undefined): SigV4Request {
  const rawHeaders: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== name.toLowerCase()) rawHeaders.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  if (value !== undefined) rawHeaders.push(name, value);
  return { ...req, rawHeaders };
}

describe("sigv4: the test vector of docs/protocol/sts.md §7", () => {
  const req: SigV4Request = {
    method: "POST",
    rawPath: "/",
    rawQuery: "",
    rawHeaders: [
      "Host",
      "sts.us-east-1.amazonaws.com",
      "Content-Type",
      "application/x-www-form-urlencoded; charset=utf-8",
      "X-Amz-Date",
      "20240102T030405Z",
      "X-Amz-Security-Token",
      TOKEN,
      "Authorization",
      `AWS4-HMAC-SHA256 Credential=${AKID}/20240102/us-east-1/sts/aws4_request, ` +
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, " +
        "Signature=006ded18759de28c835785267d08efbe5ac83d492a856601cb6e29912435ed74",
    ],
    body: Buffer.from(BODY),
  };
  const signed = ["content-type", "host", "x-amz-date", "x-amz-security-token"];
  const expectedCanonical = [
    "POST",
    "/",
    "",
    "content-type:application/x-www-form-urlencoded; charset=utf-8",
    "host:sts.us-east-1.amazonaws.com",
    "x-amz-date:20240102T030405Z",
    `x-amz-security-token:${TOKEN}`,
    "",
    "content-type;host;x-amz-date;x-amz-security-token",
    "ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843",
  ].join("\n");
  const expectedStringToSign = [
    "AWS4-HMAC-SHA256",
    "20240102T030405Z",
    "20240102/us-east-1/sts/aws4_request",
    "2344bc5ae2ba8b05f02aa5028a123c2f54296b63e65e672457db8226c1b78c60",
  ].join("\n");

  it("builds the canonical request byte for byte", () => {
    expect(sha256Hex(req.body)).toBe("ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843");
    expect(canonicalRequest(req, signed, sha256Hex(req.body))).toBe(expectedCanonical);
  });

  it("builds the string to sign and the signature", () => {
    expect(stringToSign("20240102T030405Z", "20240102/us-east-1/sts/aws4_request", expectedCanonical)).toBe(expectedStringToSign);
    const key = signingKey(SECRET, "20240102", "us-east-1", "sts");
    expect(signature(key, expectedStringToSign)).toBe("006ded18759de28c835785267d08efbe5ac83d492a856601cb6e29912435ed74");
  });

  it("accepts the request at its own time and names the key and region", () => {
    expect(verify(req)).toEqual({ ok: true, accessKeyId: AKID, region: "us-east-1" });
  });

  it("derives the signing key of the AWS documentation example", () => {
    // IAM User Guide, "Derive a signing key" example (secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY).
    const key = signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
    expect(key.toString("hex")).toBe("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });
});

describe("sigv4: canonical parts", () => {
  it.each([
    ["", "/"],
    ["/", "/"],
    ["/a/b", "/a/b"],
    ["/a/./b/../c", "/a/c"],
    ["//a//b/", "/a/b/"],
    ["/..", "/"],
    ["/a%20b", "/a%2520b"], // non-S3 services encode the received (already encoded) path again
    ["/~user/x-y_z.1", "/~user/x-y_z.1"],
    ["/a:b", "/a%3Ab"],
  ])("canonical URI of %j is %j", (raw, expected) => {
    expect(canonicalUri(raw)).toBe(expected);
  });

  it.each([
    ["", "", undefined],
    ["b=2&a=1", "a=1&b=2", undefined],
    ["a=2&a=1&a=10", "a=1&a=10&a=2", undefined],
    ["k=a%20b", "k=a%20b", undefined],
    ["k=a+b", "k=a%2Bb", undefined],
    ["flag", "flag=", undefined],
    ["k=%zz", "k=%25zz", undefined],
    ["k=%c3%a9&%41=1", "A=1&k=%C3%A9", undefined],
    ["k=é", "k=%C3%A9", undefined],
    ["k=!'()*", "k=%21%27%28%29%2A", undefined],
    ["a=1&&b=2&", "a=1&b=2", undefined],
    ["X-Amz-Signature=abc&Action=X", "Action=X", "X-Amz-Signature"],
  ])("canonical query of %j is %j", (raw, expected, omit) => {
    expect(canonicalQuery(raw, omit)).toBe(expected);
  });

  it("trims, collapses whitespace and joins repeated headers with commas", () => {
    const raw = ["X-Multi", "  one  ", "Host", "h:1", "x-multi", "two\t\tand   three", "X-Empty", ""];
    expect(canonicalHeaders(raw, ["host", "x-empty", "x-multi"])).toBe("host:h:1\nx-empty:\nx-multi:one,two and three\n");
  });

  it.each([
    ["20240102T030405Z", T0],
    ["20240229T235959Z", Date.UTC(2024, 1, 29, 23, 59, 59)],
    ["20230229T000000Z", undefined],
    ["20240102T250000Z", undefined],
    ["2024-01-02T03:04:05Z", undefined],
    ["20240102T030405", undefined],
  ])("parses the amz date %j", (text, ms) => {
    expect(parseAmzDate(text)).toBe(ms);
  });

  it("formats the amz date without milliseconds", () => {
    expect(formatAmzDate(T0 + 999)).toBe("20240102T030405Z");
  });
});

describe("sigv4: requests signed by the JS SDK's SignatureV4", () => {
  it("accepts botocore's header set, with host:port and unsigned headers added after signing", async () => {
    const req = await botocoreShape();
    expect(signedHeadersOf(req)).toBe("content-type;host;x-amz-date;x-amz-security-token");
    const sent = {
      ...req,
      rawHeaders: [...req.rawHeaders, "User-Agent", "Botocore/1.43.11", "Accept-Encoding", "identity", "amz-sdk-request", "attempt=1"],
    };
    expect(verify(sent)).toEqual({ ok: true, accessKeyId: AKID, region: "us-east-1" });
  });

  it("accepts the JS SDK's header set with x-amz-content-sha256", async () => {
    const req = await jsSdkShape();
    expect(signedHeadersOf(req)).toBe(
      "amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-user-agent",
    );
    expect(header(req, "x-amz-content-sha256")).toBe(sha256Hex(BODY));
    expect(verify({ ...req, rawHeaders: [...req.rawHeaders, "user-agent", "aws-sdk-js/3"] })).toMatchObject({ ok: true });
  });

  it("accepts a long-term key without a token", async () => {
    const req = await botocoreShape({ credentials: { accessKeyId: LONG_TERM_AKID, secretAccessKey: SECRET } });
    expect(verify(req)).toEqual({ ok: true, accessKeyId: LONG_TERM_AKID, region: "us-east-1" });
  });

  it("accepts a presigned GET (empty-body payload hash, signature left out of the canonical query)", async () => {
    const req = await presigned();
    expect(req.method).toBe("GET");
    expect(req.rawQuery).toContain("X-Amz-Signature=");
    expect(req.rawQuery).toContain("X-Amz-Security-Token=");
    expect(header(req, "authorization")).toBeUndefined();
    expect(verify(req)).toEqual({ ok: true, accessKeyId: AKID, region: "us-east-1" });
  });

  it("accepts a presigned GET signed with UNSIGNED-PAYLOAD, as S3-style presigners do", async () => {
    const req = await presigned({ headers: { host: "127.0.0.1:18080", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    expect(req.rawQuery).toMatch(/x-amz-content-sha256=UNSIGNED-PAYLOAD/i);
    expect(verify(req)).toMatchObject({ ok: true });
  });

  it("accepts a date exactly 15 minutes old or ahead", async () => {
    const req = await botocoreShape();
    expect(verify(req, { nowMs: T0 + 15 * MIN })).toMatchObject({ ok: true });
    expect(verify(req, { nowMs: T0 - 15 * MIN })).toMatchObject({ ok: true });
  });
});

interface ErrorCase {
  name: string;
  make(): Promise<SigV4Request>;
  opts?: Partial<VerifySigV4Options>;
  status: number;
  code: string;
  message?: string | RegExp;
}

const MISMATCH_TEXT =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key " +
  "and signing method. Consult the service documentation for details.";

const errorCases: ErrorCase[] = [
  {
    name: "no Authorization header and no presign query",
    make: async () => withHeader(await botocoreShape(), "authorization", undefined),
    status: 403,
    code: "MissingAuthenticationToken",
  },
  {
    name: "another algorithm",
    make: async () => {
      const r = await botocoreShape();
      return withHeader(r, "Authorization", header(r, "authorization")!.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"));
    },
    status: 400,
    code: "IncompleteSignature",
  },
  {
    name: "an Authorization header without SignedHeaders and Signature",
    make: async () =>
      withHeader(await botocoreShape(), "Authorization", `AWS4-HMAC-SHA256 Credential=${AKID}/20240102/us-east-1/sts/aws4_request`),
    status: 400,
    code: "IncompleteSignature",
    message: "Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' parameter.",
  },
  {
    name: "an Authorization part without an equal sign",
    make: async () => {
      const r = await botocoreShape();
      return withHeader(r, "Authorization", `${header(r, "authorization")!}, garbage`);
    },
    status: 400,
    code: "IncompleteSignature",
    message: /missing equal-sign/,
  },
  {
    name: "no X-Amz-Date or Date header",
    make: async () => withHeader(await botocoreShape(), "x-amz-date", undefined),
    status: 400,
    code: "IncompleteSignature",
    message: /requires existence of either a 'X-Amz-Date' or a 'Date' header/,
  },
  {
    name: "an X-Amz-Date in the wrong format",
    make: async () => withHeader(await botocoreShape(), "X-Amz-Date", "2024-01-02T03:04:05Z"),
    status: 400,
    code: "IncompleteSignature",
  },
  {
    name: "a credential with three parts",
    make: async () => {
      const r = await botocoreShape();
      return withHeader(
        r,
        "Authorization",
        header(r, "authorization")!.replace(/Credential=[^,]+/, `Credential=${AKID}/20240102/us-east-1`),
      );
    },
    status: 400,
    code: "IncompleteSignature",
    message: /exactly 5 slash-delimited elements.*got 3/,
  },
  {
    name: "both an Authorization header and a presign query",
    make: async () => ({ ...(await botocoreShape()), rawQuery: "X-Amz-Algorithm=AWS4-HMAC-SHA256" }),
    status: 400,
    code: "IncompleteSignature",
    message: /Only one auth mechanism/,
  },
  {
    name: "a presigned query without X-Amz-Signature",
    make: async () => {
      const r = await presigned();
      return { ...r, rawQuery: r.rawQuery.replace(/&?X-Amz-Signature=[0-9a-f]+/, "") };
    },
    status: 400,
    code: "IncompleteSignature",
    message: /must include 'X-Amz-Signature'/,
  },
  {
    name: "a credential scoped to another service",
    make: () => botocoreShape({ service: "sqs" }),
    status: 403,
    code: "SignatureDoesNotMatch",
    message: "Credential should be scoped to correct service: 'sts'. ",
  },
  {
    name: "a region the endpoint does not serve",
    make: () => botocoreShape(),
    opts: { regions: ["eu-north-1"] },
    status: 403,
    code: "SignatureDoesNotMatch",
    message: /valid region/,
  },
  {
    name: "a scope date that differs from X-Amz-Date",
    make: async () => withHeader(await botocoreShape(), "X-Amz-Date", "20240103T030405Z"),
    opts: { nowMs: Date.UTC(2024, 0, 3, 3, 4, 5) },
    status: 403,
    code: "SignatureDoesNotMatch",
    message:
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240102' != '20240103', from '20240103T030405Z'.",
  },
  {
    name: "host not among the signed headers",
    make: async () => {
      // Signed without a Host header; the HTTP client adds one afterwards.
      const r = await smithySign({ headers: { "content-type": "application/x-www-form-urlencoded" } });
      return { ...r, rawHeaders: [...r.rawHeaders, "Host", "127.0.0.1:18080"] };
    },
    status: 403,
    code: "SignatureDoesNotMatch",
    message: /'Host' or ':authority' must be a 'SignedHeader'/,
  },
  {
    name: "an unknown access key",
    make: () => botocoreShape({ credentials: { accessKeyId: "ASIAUNKNOWNEXAMPLE00", secretAccessKey: SECRET, sessionToken: TOKEN } }),
    status: 403,
    code: "InvalidClientTokenId",
    message: "The security token included in the request is invalid.",
  },
  {
    name: "a temporary key without its session token",
    make: () => botocoreShape({ credentials: { accessKeyId: AKID, secretAccessKey: SECRET } }),
    status: 403,
    code: "InvalidClientTokenId",
  },
  {
    name: "a temporary key with another session token",
    make: () => botocoreShape({ credentials: { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: `${TOKEN}x` } }),
    status: 403,
    code: "InvalidClientTokenId",
  },
  {
    name: "a long-term key sent with a session token",
    make: () => botocoreShape({ credentials: { accessKeyId: LONG_TERM_AKID, secretAccessKey: SECRET, sessionToken: TOKEN } }),
    status: 403,
    code: "InvalidClientTokenId",
  },
  {
    name: "an expired session",
    make: () => botocoreShape({ credentials: { accessKeyId: EXPIRED_AKID, secretAccessKey: SECRET, sessionToken: TOKEN } }),
    status: 403,
    code: "ExpiredToken",
    message: "The security token included in the request is expired",
  },
  {
    name: "a date more than 15 minutes old",
    make: () => botocoreShape(),
    opts: { nowMs: T0 + 15 * MIN + 1000 },
    status: 403,
    code: "SignatureDoesNotMatch",
    message: "Signature expired: 20240102T030405Z is now earlier than 20240102T030406Z (20240102T031906Z - 15 min.)",
  },
  {
    name: "a date more than 15 minutes ahead",
    make: () => botocoreShape(),
    opts: { nowMs: T0 - 15 * MIN - 1000 },
    status: 403,
    code: "SignatureDoesNotMatch",
    message: "Signature not yet current: 20240102T030405Z is still later than 20240102T030404Z (20240102T024904Z + 15 min.)",
  },
  {
    name: "a date outside a custom 5 minute window",
    make: () => botocoreShape(),
    opts: { nowMs: T0 + 6 * MIN, maxSkewMs: 5 * MIN },
    status: 403,
    code: "SignatureDoesNotMatch",
    message: "Signature expired: 20240102T030405Z is now earlier than 20240102T030505Z (20240102T031005Z - 5 min.)",
  },
  {
    name: "a signature made with the wrong secret",
    make: () => botocoreShape({ credentials: { accessKeyId: AKID, secretAccessKey: `${SECRET}x`, sessionToken: TOKEN } }),
    status: 403,
    code: "SignatureDoesNotMatch",
    message: MISMATCH_TEXT,
  },
  {
    name: "a tampered body (botocore shape)",
    make: async () => ({ ...(await botocoreShape()), body: Buffer.from("Action=GetCallerIdentity&Version=2011-06-16") }),
    status: 403,
    code: "SignatureDoesNotMatch",
    message: MISMATCH_TEXT,
  },
  {
    name: "a tampered body under an unchanged x-amz-content-sha256 (JS SDK shape)",
    make: async () => ({ ...(await jsSdkShape()), body: Buffer.from("Action=GetCallerIdentity&Version=2011-06-16") }),
    status: 403,
    code: "SignatureDoesNotMatch",
    message: /x-amz-content-sha256/,
  },
  {
    name: "a tampered signed header",
    make: async () => withHeader(await botocoreShape(), "Content-Type", "text/plain"),
    status: 403,
    code: "SignatureDoesNotMatch",
    message: MISMATCH_TEXT,
  },
  {
    name: "another port in Host",
    make: async () => withHeader(await botocoreShape(), "Host", "127.0.0.1:18081"),
    status: 403,
    code: "SignatureDoesNotMatch",
  },
  {
    name: "a tampered presigned query",
    make: async () => {
      const r = await presigned();
      return { ...r, rawQuery: r.rawQuery.replace("Version=2011-06-15", "Version=2011-06-16") };
    },
    status: 403,
    code: "SignatureDoesNotMatch",
    message: MISMATCH_TEXT,
  },
  {
    name: "a stale presigned GET",
    make: () => presigned(),
    opts: { nowMs: T0 + 16 * MIN },
    status: 403,
    code: "SignatureDoesNotMatch",
    message: /^Signature expired: 20240102T030405Z/,
  },
];

describe("sigv4: each failure gets the AWS code and status", () => {
  it.each(errorCases)("$name → $status $code", async ({ make, opts, status, code, message }) => {
    const result = verify(await make(), opts);
    expect(result).toMatchObject({ ok: false, status, code });
    if (result.ok) return;
    if (typeof message === "string") expect(result.message).toBe(message);
    else if (message) expect(result.message).toMatch(message);
    // No message ever carries a secret or a token (the access key id may appear).
    expect(result.message).not.toContain(SECRET);
    expect(result.message).not.toContain(TOKEN);
  });
});
