import { verifySigV4 } from "./sigv4-verify.js";
import type { IssuedCredentials } from "./sigv4-verify.js";
import type { EmuRequest, EmuResponse } from "./wire.js";

// The emulator's STS endpoint: GetCallerIdentity over awsQuery, signed with SigV4, answered the way
// STS answers an Identity Center role session. Wire format: docs/protocol/sts.md §2–§5.

export interface StsIdentity {
  accountId: string;
  /** The permission set name, as in AWSReservedSSO_<roleName>_<roleHash16> (docs/protocol/sts.md §4). */
  roleName: string;
  /** The session name: the Identity Center user name. */
  userName: string;
  /** 16 lower-case hex characters. */
  roleHash16: string;
  /** AROA + 17 upper-case letters/digits. */
  roleUniqueId: string;
}

export interface StsDeps {
  nowMs(): number;
  lookup(accessKeyId: string): (IssuedCredentials & { identity: StsIdentity }) | undefined;
  requestId(): string;
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
  "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot", "DecodeAuthorizationMessage",
  "GetAccessKeyInfo", "GetCallerIdentity", "GetDelegatedAccessToken", "GetFederationToken", "GetSessionToken",
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

function callerIdentityXml(identity: StsIdentity, requestId: string): string {
  // docs/protocol/sts.md §4: how an Identity Center role session appears to STS.
  const role = `AWSReservedSSO_${identity.roleName}_${identity.roleHash16}`;
  const arn = `arn:aws:sts::${identity.accountId}:assumed-role/${role}/${identity.userName}`;
  return (
    `<GetCallerIdentityResponse xmlns="${STS_XMLNS}">\n` +
    `  <GetCallerIdentityResult>\n` +
    `    <Arn>${escapeXml(arn)}</Arn>\n` +
    `    <UserId>${escapeXml(`${identity.roleUniqueId}:${identity.userName}`)}</UserId>\n` +
    `    <Account>${escapeXml(identity.accountId)}</Account>\n` +
    `  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n` +
    `    <RequestId>${escapeXml(requestId)}</RequestId>\n` +
    `  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`
  );
}

/** Answers one STS request (POST form or presigned GET). Never throws. */
export function handleSts(req: EmuRequest, deps: StsDeps): StsResult {
  const requestId = deps.requestId();
  const fail = (operation: string, status: number, code: string, message: string): StsResult =>
    ({ response: stsErrorResponse(status, code, message, requestId), operation, errorCode: code });
  let operation = "Unknown";
  try {
    // The action is read before the signature, as STS must: AssumeRoleWithSAML and
    // AssumeRoleWithWebIdentity are unsigned (botocore sts model, auth "smithy.api#noAuth").
    const params = readParams(req);
    const action = params.get("Action");
    const version = params.get("Version");
    if (!action) return fail(operation, 400, "MissingAction", "Missing Action");
    if (STS_ACTIONS.has(action)) operation = action;
    if (action !== "GetCallerIdentity") {
      const message = STS_ACTIONS.has(action)
        ? `${action} is not implemented by the sso-cli emulator, which answers GetCallerIdentity only.`
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
      return fail(operation, 400, "InvalidAction", `Could not find operation ${action} for version ${quote(version ?? "NO_VERSION_SPECIFIED")}`);
    }
    return { response: xmlResponse(200, callerIdentityXml(caller.identity, requestId), requestId), operation };
  } catch {
    // A bug or a failing lookup must not take the emulator down; the client sees what AWS sends then.
    return fail(operation, 500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.");
  }
}
