import { decideAssumeRole, type AssumeRoleGrant, type AssumeRoleRules } from "./assume-role.js";
import { verifySigV4 } from "./sigv4-verify.js";
import type { IssuedCredentials } from "./sigv4-verify.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

// The emulator's STS endpoint: GetCallerIdentity and AssumeRole over awsQuery, signed with SigV4,
// answered the way STS answers a role session. Wire format: docs/protocol/sts.md §2–§5, §8.

/** Who a key belongs to: always a role session, Identity Center's or one AssumeRole made. */
export interface StsIdentity {
  accountId: string;
  /** The IAM role as ARNs name it: AWSReservedSSO_<permission set>_<16 hex> for Identity Center (docs/protocol/sts.md §4). */
  roleName: string;
  /** AROA + 17 upper-case letters/digits. */
  roleUniqueId: string;
  /** The Identity Center user name, or the RoleSessionName given to AssumeRole. */
  sessionName: string;
}

/** Keys for a session AssumeRole granted, and who they belong to (as `lookup` will say). */
export interface IssuedRoleKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
  identity: StsIdentity;
}

export interface StsDeps {
  nowMs(): number;
  lookup(accessKeyId: string): (IssuedCredentials & { identity: StsIdentity }) | undefined;
  requestId(): string;
  /** The emulator's roles, read at each AssumeRole (the knobs can change while it runs). */
  assumeRoleRules(): AssumeRoleRules;
  /** Issues keys for a granted session; `callerAccessKeyId` is the key that asked. */
  issueAssumedRole(grant: AssumeRoleGrant, callerAccessKeyId: string): IssuedRoleKeys;
}

export interface StsResult {
  response: EmuResponse;
  /** For the emulator's statistics: an STS action name, or "Unknown". */
  operation: string;
  /** Set when the response is an error. */
  errorCode?: string;
}

const STS_VERSION = "2011-06-15";
const STS_XMLNS = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;
const SIGNING_NAME = "sts";

// Every operation of botocore's sts/2011-06-15 model. Only these names reach the statistics, so a client
// sending random actions cannot grow them without bound.
const STS_ACTIONS: ReadonlySet<string> = new Set([
  "AssumeRole",
  "AssumeRoleWithSAML",
  "AssumeRoleWithWebIdentity",
  "AssumeRoot",
  "DecodeAuthorizationMessage",
  "GetAccessKeyInfo",
  "GetCallerIdentity",
  "GetDelegatedAccessToken",
  "GetFederationToken",
  "GetSessionToken",
  "GetWebIdentityToken",
]);

/** Escapes text for XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c] ?? "amp"};`);
}

/** Client-supplied text quoted in a message: bounded, so an error never grows with the request. */
function quote(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/**
 * awsQuery parameters: the query string, overlaid by a form body (docs/protocol/sts.md §2). URLSearchParams never
 * throws; bytes that are not valid UTF-8 become U+FFFD and simply match no action.
 */
function readParams(req: EmuRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const contentType = String(req.headers["content-type"] ?? "application/x-www-form-urlencoded").toLowerCase();
  if (req.body.length > 0 && contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(req.body.toString("utf8"))) params.set(name, value);
  }
  return params;
}

function xmlResponse(status: number, body: string, requestId: string): EmuResponse {
  // No Date header here: the server writes a true one from the emulator clock for every response,
  // which the JS SDK needs to correct its clock offset after a skew error (docs/protocol/sts.md §5, last paragraph).
  return { status, headers: { "Content-Type": "text/xml", "x-amzn-RequestId": requestId }, body };
}

/** The awsQuery error document of docs/protocol/sts.md §5; also used by the server for faults it injects. */
export function stsErrorResponse(status: number, code: string, message: string, requestId: string): EmuResponse {
  const body =
    `<ErrorResponse xmlns="${STS_XMLNS}">\n` +
    `  <Error>\n` +
    `    <Type>${status >= 500 ? "Receiver" : "Sender"}</Type>\n` +
    `    <Code>${escapeXml(code)}</Code>\n` +
    `    <Message>${escapeXml(message)}</Message>\n` +
    `  </Error>\n` +
    `  <RequestId>${escapeXml(requestId)}</RequestId>\n` +
    `</ErrorResponse>\n`;
  return xmlResponse(status, body, requestId);
}

/** arn:aws:sts::<account>:assumed-role/<role>/<session> (docs/protocol/sts.md §4, §8). */
export function assumedRoleArn(identity: StsIdentity): string {
  return `arn:aws:sts::${identity.accountId}:assumed-role/${identity.roleName}/${identity.sessionName}`;
}

function callerIdentityXml(identity: StsIdentity, requestId: string): string {
  return (
    `<GetCallerIdentityResponse xmlns="${STS_XMLNS}">\n` +
    `  <GetCallerIdentityResult>\n` +
    `    <Arn>${escapeXml(assumedRoleArn(identity))}</Arn>\n` +
    `    <UserId>${escapeXml(`${identity.roleUniqueId}:${identity.sessionName}`)}</UserId>\n` +
    `    <Account>${escapeXml(identity.accountId)}</Account>\n` +
    `  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n` +
    `    <RequestId>${escapeXml(requestId)}</RequestId>\n` +
    `  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`
  );
}

/** The AssumeRole answer of docs/protocol/sts.md §8.2, elements in the API reference example's order. */
function assumeRoleXml(
  user: { arn: string; assumedRoleId: string },
  keys: IssuedRoleKeys,
  sourceIdentity: string | undefined,
  requestId: string,
): string {
  // STS gives whole seconds: 2019-11-09T13:34:41Z.
  const expiration = new Date(Math.floor(keys.expiresAtMs / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
  return (
    `<AssumeRoleResponse xmlns="${STS_XMLNS}">\n` +
    `  <AssumeRoleResult>\n` +
    (sourceIdentity === undefined ? "" : `    <SourceIdentity>${escapeXml(sourceIdentity)}</SourceIdentity>\n`) +
    `    <AssumedRoleUser>\n` +
    `      <Arn>${escapeXml(user.arn)}</Arn>\n` +
    `      <AssumedRoleId>${escapeXml(user.assumedRoleId)}</AssumedRoleId>\n` +
    `    </AssumedRoleUser>\n` +
    `    <Credentials>\n` +
    `      <AccessKeyId>${escapeXml(keys.accessKeyId)}</AccessKeyId>\n` +
    `      <SecretAccessKey>${escapeXml(keys.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${escapeXml(keys.sessionToken)}</SessionToken>\n` +
    `      <Expiration>${expiration}</Expiration>\n` +
    `    </Credentials>\n` +
    `  </AssumeRoleResult>\n` +
    `  <ResponseMetadata>\n` +
    `    <RequestId>${escapeXml(requestId)}</RequestId>\n` +
    `  </ResponseMetadata>\n` +
    `</AssumeRoleResponse>\n`
  );
}

/** The actions the emulator answers; every other one of STS_ACTIONS is InvalidAction. */
const IMPLEMENTED: ReadonlySet<string> = new Set(["GetCallerIdentity", "AssumeRole"]);

/** Answers one STS request (POST form or presigned GET). Never throws. */
export function handleSts(req: EmuRequest, deps: StsDeps): StsResult {
  const requestId = deps.requestId();
  const fail = (operation: string, status: number, code: string, message: string): StsResult => ({
    response: stsErrorResponse(status, code, message, requestId),
    operation,
    errorCode: code,
  });
  let operation = "Unknown";
  try {
    // The action is read before the signature, as STS must: AssumeRoleWithSAML and
    // AssumeRoleWithWebIdentity are unsigned (botocore sts model, auth "smithy.api#noAuth").
    const params = readParams(req);
    const action = params.get("Action");
    const version = params.get("Version");
    if (!action) return fail(operation, 400, "MissingAction", "Missing Action");
    if (STS_ACTIONS.has(action)) operation = action;
    if (!IMPLEMENTED.has(action)) {
      const message = STS_ACTIONS.has(action)
        ? `${action} is not implemented by the sso-cli emulator, which answers GetCallerIdentity and AssumeRole only.`
        : `Could not find operation ${quote(action)} for version ${quote(version ?? "NO_VERSION_SPECIFIED")}`;
      return fail(operation, 400, "InvalidAction", message);
    }
    // The signature is checked before anything else the request says: a tampered request (a
    // changed Version among its signed bytes) is 403 SignatureDoesNotMatch, as from STS, not 400.
    let caller: ReturnType<StsDeps["lookup"]>;
    const verdict = verifySigV4(req, {
      nowMs: deps.nowMs(),
      service: SIGNING_NAME,
      lookup: (accessKeyId) => (caller = deps.lookup(accessKeyId)),
    });
    if (!verdict.ok) return fail(operation, verdict.status, verdict.code, verdict.message);
    if (caller === undefined) return fail(operation, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    // awsQuery operations are addressed by (Action, Version); STS has one version (docs/protocol/sts.md §1).
    if (version !== STS_VERSION) {
      return fail(
        operation,
        400,
        "InvalidAction",
        `Could not find operation ${action} for version ${quote(version ?? "NO_VERSION_SPECIFIED")}`,
      );
    }
    if (action === "GetCallerIdentity")
      return { response: xmlResponse(200, callerIdentityXml(caller.identity, requestId), requestId), operation };

    const decision = decideAssumeRole(
      { params, callerArn: assumedRoleArn(caller.identity), region: verdict.region },
      deps.assumeRoleRules(),
    );
    if (!decision.ok) return fail(operation, decision.status, decision.code, decision.message);
    const { grant } = decision;
    const keys = deps.issueAssumedRole(grant, verdict.accessKeyId);
    const user = { arn: assumedRoleArn(keys.identity), assumedRoleId: `${keys.identity.roleUniqueId}:${keys.identity.sessionName}` };
    return { response: xmlResponse(200, assumeRoleXml(user, keys, grant.sourceIdentity, requestId), requestId), operation };
  } catch {
    // A bug or a failing lookup must not take the emulator down; the client sees what AWS sends then.
    return fail(operation, 500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.");
  }
}
