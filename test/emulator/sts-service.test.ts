import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, HttpRequest } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AssumeRoleGrant, AssumeRoleRules } from "../../src/emulator/assume-role.js";
import { escapeXml, handleSts, stsErrorResponse } from "../../src/emulator/sts-service.js";
import type { IssuedRoleKeys, StsDeps, StsIdentity } from "../../src/emulator/sts-service.js";
import type { IssuedCredentials } from "../../src/emulator/sigv4-verify.js";
import type { EmuRequest } from "../../src/emulator/wire.js";

const AKID = "ASIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN+/=";
const EXPIRED_AKID = "ASIAEXPIREDEXAMPLE00";
const BODY = "Action=GetCallerIdentity&Version=2011-06-15";
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
const REQUEST_ID = "01234567-89ab-cdef-0123-456789abcdef";
const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

const IDENTITY: StsIdentity = {
  accountId: "111122223333",
  roleName: "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
  sessionName: "alice@example.com",
  roleUniqueId: "AROAEXAMPLEID00000001",
};
const ARN = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com";
const USER_ID = "AROAEXAMPLEID00000001:alice@example.com";

type Issued = IssuedCredentials & { identity: StsIdentity };

const ROLE_ACCOUNT = "222233334444";
const ASSUMED_AKID = "ASIAASSUMEDEXAMPLE00";
const ASSUMED_SECRET = "assumedSecretKeyEXAMPLE/assumedSecretKey+";
const ASSUMED_TOKEN = "IQoJb3JpZ2luX2VjASSUMEDTOKEN";
const DEPLOY_ID = "AROADEPLOYEXAMPLE0001";

/** The emulator's accounts in these tests: the caller's and the role's. */
const RULES: AssumeRoleRules = {
  hasAccount: (id) => id === "111122223333" || id === ROLE_ACCOUNT,
  assumableRoles: [],
  externalIds: [],
  disabledRegions: [],
};

/** Keys issued "now" by the given clock: one valid for an hour, one already expired. */
function makeDeps(
  nowMs: () => number,
  identity: StsIdentity = IDENTITY,
  rules: Partial<AssumeRoleRules> = {},
  grants: AssumeRoleGrant[] = [],
): StsDeps {
  const issuedMs = nowMs();
  const keys = new Map<string, Issued>([
    [AKID, { secretAccessKey: SECRET, sessionToken: TOKEN, expiresAtMs: issuedMs + 3_600_000, identity }],
    [EXPIRED_AKID, { secretAccessKey: SECRET, sessionToken: TOKEN, expiresAtMs: issuedMs - 1, identity }],
  ]);
  return {
    nowMs,
    lookup: (id) => keys.get(id),
    requestId: () => REQUEST_ID,
    assumeRoleRules: () => ({ ...RULES, ...rules }),
    issueAssumedRole: (grant): IssuedRoleKeys => {
      grants.push(grant);
      return {
        accessKeyId: ASSUMED_AKID,
        secretAccessKey: ASSUMED_SECRET,
        sessionToken: ASSUMED_TOKEN,
        expiresAtMs: nowMs() + grant.durationS * 1000,
        identity: { accountId: grant.accountId, roleName: grant.roleName, roleUniqueId: DEPLOY_ID, sessionName: grant.sessionName },
      };
    },
  };
}
const deps = makeDeps(() => T0);

function emuRequest(method: string, rawPath: string, rawQuery: string, rawHeaders: string[], body: Buffer): EmuRequest {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    headers[name] = headers[name] === undefined ? rawHeaders[i + 1]! : `${headers[name]}, ${rawHeaders[i + 1]!}`;
  }
  return {
    method,
    rawPath,
    path: decodeURIComponent(rawPath),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers,
    rawHeaders,
    body,
    baseUrl: "http://127.0.0.1:18080",
  };
}

const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A request as botocore would send it, signed by the JS SDK's signer. */
async function signed(
  o: { body?: string; credentials?: AwsCredentialIdentity; presign?: boolean; contentType?: string; region?: string } = {},
): Promise<EmuRequest> {
  const signer = new SignatureV4({
    service: "sts",
    region: o.region ?? "us-east-1",
    credentials: o.credentials ?? { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: TOKEN },
    sha256: Sha256,
    applyChecksum: false,
  });
  const body = o.presign ? "" : (o.body ?? BODY);
  const request: HttpRequest = {
    method: o.presign ? "GET" : "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 18080,
    path: "/",
    query: o.presign ? { Action: "GetCallerIdentity", Version: "2011-06-15" } : {},
    headers: o.presign
      ? { host: "127.0.0.1:18080" }
      : { "content-type": o.contentType ?? "application/x-www-form-urlencoded; charset=utf-8", host: "127.0.0.1:18080" },
    ...(body ? { body } : {}),
  };
  const out = o.presign
    ? await signer.presign(request, { signingDate: new Date(T0), expiresIn: 900 })
    : await signer.sign(request, { signingDate: new Date(T0) });
  const rawQuery = Object.entries(out.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`)
    .join("&");
  return emuRequest(out.method, out.path, rawQuery, Object.entries(out.headers).flat(), Buffer.from(body));
}

const unsigned = (body: string | Buffer, contentType = "application/x-www-form-urlencoded"): EmuRequest =>
  emuRequest("POST", "/", "", ["Host", "127.0.0.1:18080", "Content-Type", contentType], Buffer.from(body));

function errorXml(code: string, message: string, type = "Sender"): string {
  return (
    `<ErrorResponse xmlns="${XMLNS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n` +
    `    <Message>${message}</Message>\n  </Error>\n  <RequestId>${REQUEST_ID}</RequestId>\n</ErrorResponse>\n`
  );
}

describe("sts: GetCallerIdentity", () => {
  it("answers the XML of docs/protocol/sts.md §3 for an Identity Center role session", async () => {
    const out = handleSts(await signed(), deps);
    expect(out).toMatchObject({ operation: "GetCallerIdentity" });
    expect(out.errorCode).toBeUndefined();
    expect(out.response.status).toBe(200);
    expect(out.response.headers).toEqual({ "Content-Type": "text/xml", "x-amzn-RequestId": REQUEST_ID });
    expect(out.response.body).toBe(
      `<GetCallerIdentityResponse xmlns="${XMLNS}">\n` +
        "  <GetCallerIdentityResult>\n" +
        `    <Arn>${ARN}</Arn>\n` +
        `    <UserId>${USER_ID}</UserId>\n` +
        "    <Account>111122223333</Account>\n" +
        "  </GetCallerIdentityResult>\n" +
        "  <ResponseMetadata>\n" +
        `    <RequestId>${REQUEST_ID}</RequestId>\n` +
        "  </ResponseMetadata>\n" +
        "</GetCallerIdentityResponse>\n",
    );
  });

  it("answers a presigned GET", async () => {
    const out = handleSts(await signed({ presign: true }), deps);
    expect(out.response.status).toBe(200);
    expect(String(out.response.body)).toContain(`<Arn>${ARN}</Arn>`);
  });

  it("accepts the JS SDK's content type without a charset", async () => {
    const out = handleSts(await signed({ contentType: "application/x-www-form-urlencoded" }), deps);
    expect(out.response.status).toBe(200);
  });

  it("XML-escapes every value it echoes", async () => {
    const odd: StsIdentity = { ...IDENTITY, sessionName: `a<b>&"c'`, roleName: "AWSReservedSSO_R&D_0123456789abcdef" };
    const out = handleSts(
      await signed(),
      makeDeps(() => T0, odd),
    );
    const body = String(out.response.body);
    expect(body).toContain("AWSReservedSSO_R&amp;D_0123456789abcdef/a&lt;b&gt;&amp;&quot;c&apos;</Arn>");
    expect(body).toContain("<UserId>AROAEXAMPLEID00000001:a&lt;b&gt;&amp;&quot;c&apos;</UserId>");
    expect(body).not.toMatch(/a<b>/);
  });

  it("escapes the five XML specials", () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  });
});

interface StsErrorCase {
  name: string;
  make(): EmuRequest | Promise<EmuRequest>;
  deps?: StsDeps;
  status: number;
  code: string;
  operation: string;
  message?: string;
  type?: string;
}

const stsErrors: StsErrorCase[] = [
  {
    name: "no Action",
    make: () => unsigned("Version=2011-06-15"),
    status: 400,
    code: "MissingAction",
    operation: "Unknown",
    message: "Missing Action",
  },
  { name: "an empty body", make: () => unsigned(""), status: 400, code: "MissingAction", operation: "Unknown" },
  {
    name: "a form body that is not a form",
    make: () => unsigned("%%%&&==&=&%zz"),
    status: 400,
    code: "MissingAction",
    operation: "Unknown",
  },
  {
    name: "binary garbage",
    make: () => unsigned(Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0x26, 0xc3])),
    status: 400,
    code: "MissingAction",
    operation: "Unknown",
  },
  {
    name: "a JSON body",
    make: () => unsigned(JSON.stringify({ Action: "GetCallerIdentity" }), "application/json"),
    status: 400,
    code: "MissingAction",
    operation: "Unknown",
  },
  {
    name: "a JSON content type over a form body",
    make: () => unsigned(BODY, "application/x-amz-json-1.0"),
    status: 400,
    code: "MissingAction",
    operation: "Unknown",
  },
  {
    name: "an unknown Action",
    make: () => unsigned("Action=Frobnicate&Version=2011-06-15"),
    status: 400,
    code: "InvalidAction",
    operation: "Unknown",
    message: "Could not find operation Frobnicate for version 2011-06-15",
  },
  {
    name: "an Action with markup",
    make: () => unsigned("Action=%3Cscript%3E&Version=2011-06-15"),
    status: 400,
    code: "InvalidAction",
    operation: "Unknown",
    message: "Could not find operation &lt;script&gt; for version 2011-06-15",
  },
  {
    name: "an STS action the emulator does not implement",
    make: () => unsigned("Action=GetSessionToken&Version=2011-06-15"),
    status: 400,
    code: "InvalidAction",
    operation: "GetSessionToken",
    message: "GetSessionToken is not implemented by the sso-cli emulator, which answers GetCallerIdentity and AssumeRole only.",
  },
  {
    name: "no Version, signed",
    make: () => signed({ body: "Action=GetCallerIdentity" }),
    status: 400,
    code: "InvalidAction",
    operation: "GetCallerIdentity",
    message: "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED",
  },
  {
    name: "another Version, signed",
    make: () => signed({ body: "Action=GetCallerIdentity&Version=2010-01-01" }),
    status: 400,
    code: "InvalidAction",
    operation: "GetCallerIdentity",
    message: "Could not find operation GetCallerIdentity for version 2010-01-01",
  },
  {
    // The signature is checked before the Version: STS says 403 to a request changed in transit.
    name: "a Version changed after signing",
    make: async () => {
      const req = await signed();
      return { ...req, body: Buffer.from("Action=GetCallerIdentity&Version=2010-01-01") };
    },
    status: 403,
    code: "SignatureDoesNotMatch",
    operation: "GetCallerIdentity",
  },
  {
    name: "no Version and no signature",
    make: () => unsigned("Action=GetCallerIdentity"),
    status: 403,
    code: "MissingAuthenticationToken",
    operation: "GetCallerIdentity",
  },
  {
    name: "no signature",
    make: () => unsigned(BODY),
    status: 403,
    code: "MissingAuthenticationToken",
    operation: "GetCallerIdentity",
    message: "Request is missing Authentication Token",
  },
  {
    name: "an unknown key",
    make: () => signed({ credentials: { accessKeyId: "ASIAUNKNOWNEXAMPLE00", secretAccessKey: SECRET, sessionToken: TOKEN } }),
    status: 403,
    code: "InvalidClientTokenId",
    operation: "GetCallerIdentity",
    message: "The security token included in the request is invalid.",
  },
  {
    name: "an expired session",
    make: () => signed({ credentials: { accessKeyId: EXPIRED_AKID, secretAccessKey: SECRET, sessionToken: TOKEN } }),
    status: 403,
    code: "ExpiredToken",
    operation: "GetCallerIdentity",
    message: "The security token included in the request is expired",
  },
  {
    name: "a wrong secret",
    make: () => signed({ credentials: { accessKeyId: AKID, secretAccessKey: "x".repeat(40), sessionToken: TOKEN } }),
    status: 403,
    code: "SignatureDoesNotMatch",
    operation: "GetCallerIdentity",
  },
  {
    name: "a stale signature",
    make: () => signed(),
    deps: makeDeps(() => T0 + 20 * 60_000),
    status: 403,
    code: "SignatureDoesNotMatch",
    operation: "GetCallerIdentity",
    message: "Signature expired: 20240102T030405Z is now earlier than 20240102T030905Z (20240102T032405Z - 15 min.)",
  },
  {
    name: "a lookup that throws",
    make: () => signed(),
    deps: {
      ...deps,
      lookup: () => {
        throw new Error(`boom ${SECRET}`);
      },
    },
    status: 500,
    code: "InternalFailure",
    operation: "GetCallerIdentity",
    type: "Receiver",
    message: "The request processing has failed because of an unknown error, exception or failure.",
  },
];

describe("sts: errors use the awsQuery ErrorResponse of docs/protocol/sts.md §5", () => {
  it.each(stsErrors)("$name → $status $code", async (c) => {
    const out = handleSts(await c.make(), c.deps ?? deps);
    expect(out.operation).toBe(c.operation);
    expect(out.errorCode).toBe(c.code);
    expect(out.response.status).toBe(c.status);
    expect(out.response.headers).toEqual({ "Content-Type": "text/xml", "x-amzn-RequestId": REQUEST_ID });
    const body = String(out.response.body);
    if (c.message !== undefined) expect(body).toBe(errorXml(c.code, c.message, c.type));
    expect(body).toContain(`<Type>${c.type ?? "Sender"}</Type>`);
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain(TOKEN);
  });

  it("builds the same document for faults the server injects", () => {
    expect(stsErrorResponse(400, "Throttling", "Rate exceeded", REQUEST_ID)).toEqual({
      status: 400,
      headers: { "Content-Type": "text/xml", "x-amzn-RequestId": REQUEST_ID },
      body: errorXml("Throttling", "Rate exceeded"),
    });
    expect(String(stsErrorResponse(503, "ServiceUnavailable", "a<b", REQUEST_ID).body)).toBe(
      errorXml("ServiceUnavailable", "a&lt;b", "Receiver"),
    );
  });
});

const DEPLOY_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/Deploy`;
const CALLER_ARN = ARN;

/** An AssumeRole form body: the required members, then the given ones (null drops one). */
function assumeRoleBody(members: Record<string, string | null> = {}): string {
  const all: Record<string, string | null> = {
    Action: "AssumeRole",
    Version: "2011-06-15",
    RoleArn: DEPLOY_ARN,
    RoleSessionName: "alice",
    ...members,
  };
  return new URLSearchParams(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)).toString();
}

const denied = (roleArn = DEPLOY_ARN) => `User: ${CALLER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
const validation = (...problems: string[]) =>
  `${problems.length} validation error${problems.length === 1 ? "" : "s"} detected: ${problems.join("; ")}`;

describe("sts: AssumeRole", () => {
  it("answers the XML of docs/protocol/sts.md §8.2 with keys that expire DurationSeconds ahead", async () => {
    const grants: AssumeRoleGrant[] = [];
    const out = handleSts(
      await signed({ body: assumeRoleBody({ DurationSeconds: "900" }) }),
      makeDeps(() => T0, IDENTITY, {}, grants),
    );
    expect(out).toMatchObject({ operation: "AssumeRole" });
    expect(out.errorCode).toBeUndefined();
    expect(out.response.status).toBe(200);
    expect(out.response.headers).toEqual({ "Content-Type": "text/xml", "x-amzn-RequestId": REQUEST_ID });
    expect(grants).toEqual([{ accountId: ROLE_ACCOUNT, roleName: "Deploy", sessionName: "alice", durationS: 900 }]);
    expect(out.response.body).toBe(
      `<AssumeRoleResponse xmlns="${XMLNS}">\n` +
        "  <AssumeRoleResult>\n" +
        "    <AssumedRoleUser>\n" +
        `      <Arn>arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/Deploy/alice</Arn>\n` +
        `      <AssumedRoleId>${DEPLOY_ID}:alice</AssumedRoleId>\n` +
        "    </AssumedRoleUser>\n" +
        "    <Credentials>\n" +
        `      <AccessKeyId>${ASSUMED_AKID}</AccessKeyId>\n` +
        `      <SecretAccessKey>${ASSUMED_SECRET}</SecretAccessKey>\n` +
        `      <SessionToken>${ASSUMED_TOKEN}</SessionToken>\n` +
        "      <Expiration>2024-01-02T03:19:05Z</Expiration>\n" +
        "    </Credentials>\n" +
        "  </AssumeRoleResult>\n" +
        "  <ResponseMetadata>\n" +
        `    <RequestId>${REQUEST_ID}</RequestId>\n` +
        "  </ResponseMetadata>\n" +
        "</AssumeRoleResponse>\n",
    );
  });

  it("lasts an hour without DurationSeconds, drops the role's path from its name and echoes SourceIdentity", async () => {
    const grants: AssumeRoleGrant[] = [];
    const body = assumeRoleBody({ RoleArn: `arn:aws:iam::${ROLE_ACCOUNT}:role/team/ci/Deploy`, SourceIdentity: "alice@example.com" });
    const out = handleSts(
      await signed({ body }),
      makeDeps(() => T0, IDENTITY, {}, grants),
    );
    expect(out.response.status).toBe(200);
    expect(grants).toEqual([
      { accountId: ROLE_ACCOUNT, roleName: "Deploy", sessionName: "alice", durationS: 3600, sourceIdentity: "alice@example.com" },
    ]);
    expect(String(out.response.body)).toContain("<Expiration>2024-01-02T04:04:05Z</Expiration>");
    expect(String(out.response.body)).toContain("    <SourceIdentity>alice@example.com</SourceIdentity>\n");
    expect(String(out.response.body)).toContain(`<Arn>arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/Deploy/alice</Arn>`);
  });

  it("grants the role with the ExternalId it requires, and any role named in assumableRoles", async () => {
    const deps = makeDeps(() => T0, IDENTITY, { assumableRoles: ["Deploy", "Audit"], externalIds: ["Deploy:ext-1:a/b"] });
    expect(handleSts(await signed({ body: assumeRoleBody({ ExternalId: "ext-1:a/b" }) }), deps).response.status).toBe(200);
    // A role that requires none takes any ExternalId, as a trust policy without the condition does.
    const audit = assumeRoleBody({ RoleArn: `arn:aws:iam::${ROLE_ACCOUNT}:role/Audit`, ExternalId: "whatever" });
    expect(handleSts(await signed({ body: audit }), deps).response.status).toBe(200);
  });

  const cases: {
    name: string;
    body: string;
    rules?: Partial<AssumeRoleRules>;
    region?: string;
    akid?: string;
    status: number;
    code: string;
    message: string;
  }[] = [
    {
      name: "DurationSeconds under 900",
      body: assumeRoleBody({ DurationSeconds: "899" }),
      status: 400,
      code: "ValidationError",
      message: validation(
        "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      ),
    },
    {
      name: "DurationSeconds over 43200",
      body: assumeRoleBody({ DurationSeconds: "43201" }),
      status: 400,
      code: "ValidationError",
      message: validation(
        "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
      ),
    },
    {
      name: "DurationSeconds over an hour (role chaining)",
      body: assumeRoleBody({ DurationSeconds: "3601" }),
      status: 400,
      code: "ValidationError",
      message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    },
    {
      name: "DurationSeconds that is no number",
      body: assumeRoleBody({ DurationSeconds: "1h" }),
      status: 400,
      code: "ValidationError",
      message: validation("Value '1h' at 'durationSeconds' failed to satisfy constraint: Member must be a valid integer"),
    },
    {
      name: "no RoleSessionName",
      body: assumeRoleBody({ RoleSessionName: null }),
      status: 400,
      code: "ValidationError",
      message: validation("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"),
    },
    {
      name: "a bad RoleSessionName and a short ExternalId",
      body: assumeRoleBody({ RoleSessionName: "a b", ExternalId: "x" }),
      status: 400,
      code: "ValidationError",
      message: validation(
        "Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        "Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2",
      ),
    },
    {
      name: "no RoleArn",
      body: assumeRoleBody({ RoleArn: null }),
      status: 400,
      code: "ValidationError",
      message: validation("Value null at 'roleArn' failed to satisfy constraint: Member must not be null"),
    },
    {
      name: "an ARN that is not a role's",
      body: assumeRoleBody({ RoleArn: `arn:aws:iam::${ROLE_ACCOUNT}:user/Deploy` }),
      status: 400,
      code: "ValidationError",
      message: "Request ARN is invalid",
    },
    {
      name: "an account that is not the emulator's",
      body: assumeRoleBody({ RoleArn: "arn:aws:iam::999999999999:role/Deploy" }),
      status: 403,
      code: "AccessDenied",
      message: denied("arn:aws:iam::999999999999:role/Deploy"),
    },
    {
      name: "another partition",
      body: assumeRoleBody({ RoleArn: `arn:aws-cn:iam::${ROLE_ACCOUNT}:role/Deploy` }),
      status: 403,
      code: "AccessDenied",
      message: denied(`arn:aws-cn:iam::${ROLE_ACCOUNT}:role/Deploy`),
    },
    {
      name: "a role not in assumableRoles",
      body: assumeRoleBody(),
      rules: { assumableRoles: ["Audit"] },
      status: 403,
      code: "AccessDenied",
      message: denied(),
    },
    {
      name: "no ExternalId for a role that requires one",
      body: assumeRoleBody(),
      rules: { externalIds: ["Deploy:ext-1"] },
      status: 403,
      code: "AccessDenied",
      message: denied(),
    },
    {
      name: "a wrong ExternalId",
      body: assumeRoleBody({ ExternalId: "ext-2" }),
      rules: { externalIds: ["Deploy:ext-1"] },
      status: 403,
      code: "AccessDenied",
      message: denied(),
    },
    {
      name: "a region where STS is not activated",
      body: assumeRoleBody(),
      rules: { disabledRegions: ["eu-south-1"] },
      region: "eu-south-1",
      status: 403,
      code: "RegionDisabledException",
      message: `STS is not activated in this region for account:${ROLE_ACCOUNT}. Your account administrator can activate STS in this region using the IAM Console.`,
    },
    {
      name: "an expired caller",
      body: assumeRoleBody(),
      akid: EXPIRED_AKID,
      status: 403,
      code: "ExpiredToken",
      message: "The security token included in the request is expired",
    },
  ];

  it.each(cases)("$name → $status $code", async (c) => {
    const grants: AssumeRoleGrant[] = [];
    const req = await signed({
      body: c.body,
      region: c.region ?? "us-east-1",
      credentials: { accessKeyId: c.akid ?? AKID, secretAccessKey: SECRET, sessionToken: TOKEN },
    });
    const out = handleSts(
      req,
      makeDeps(() => T0, IDENTITY, c.rules, grants),
    );
    expect(out.operation).toBe("AssumeRole");
    expect(out.errorCode).toBe(c.code);
    expect(out.response.status).toBe(c.status);
    expect(String(out.response.body)).toBe(errorXml(c.code, escapeXml(c.message)));
    expect(grants).toEqual([]);
  });

  it("refuses an unsigned AssumeRole before reading it", async () => {
    const out = handleSts(unsigned(assumeRoleBody({ DurationSeconds: "1" })), deps);
    expect(out).toMatchObject({ operation: "AssumeRole", errorCode: "MissingAuthenticationToken" });
  });
});

// Real clients against handleSts over real HTTP: they sign and parse; we verify and answer.
describe("sts: real clients over HTTP", () => {
  let server: Server;
  let endpoint = "";
  const live = makeDeps(() => Date.now());

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = req.url ?? "/";
        const q = url.indexOf("?");
        const emu = emuRequest(
          req.method ?? "GET",
          q < 0 ? url : url.slice(0, q),
          q < 0 ? "" : url.slice(q + 1),
          req.rawHeaders,
          Buffer.concat(chunks),
        );
        const { response } = handleSts(emu, { ...live, requestId: randomUUID });
        res.writeHead(response.status, response.headers).end(response.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = (secretAccessKey: string) =>
    new STSClient({
      region: "us-east-1",
      endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: AKID, secretAccessKey, sessionToken: TOKEN },
    });

  it("the JS SDK v3 gets the caller identity", async () => {
    const out = await client(SECRET).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Arn: ARN, UserId: USER_ID, Account: "111122223333" });
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("the JS SDK v3 assumes a role and reads AccessDenied", async () => {
    const out = await client(SECRET).send(new AssumeRoleCommand({ RoleArn: DEPLOY_ARN, RoleSessionName: "alice", DurationSeconds: 900 }));
    expect(out.AssumedRoleUser).toEqual({
      Arn: `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/Deploy/alice`,
      AssumedRoleId: `${DEPLOY_ID}:alice`,
    });
    expect(out.Credentials).toMatchObject({ AccessKeyId: ASSUMED_AKID, SecretAccessKey: ASSUMED_SECRET, SessionToken: ASSUMED_TOKEN });
    const ahead = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(ahead).toBeGreaterThan(890_000);
    expect(ahead).toBeLessThanOrEqual(900_000);
    const err = await client(SECRET)
      .send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::999999999999:role/Deploy", RoleSessionName: "alice" }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
  });

  it("the JS SDK v3 reads our SignatureDoesNotMatch", async () => {
    const err = await client("x".repeat(40))
      .send(new GetCallerIdentityCommand({}))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "SignatureDoesNotMatch", $metadata: { httpStatusCode: 403 } });
  });
});
