import { BadValueError, ServiceError, ServiceUnreachableError } from "../errors.js";
import { cleartextProblem, ENDPOINT_VARIABLES, refusal } from "../lib/endpoint-override.js";
import { httpRequest, type HttpAnswer, type HttpOptions } from "./http-request.js";
import { errorFacts } from "./service-errors.js";
import { SigninTokenReply } from "./replies.js";

// Step 1 of the console sign-in (docs/protocol/credential-formats.md §3.2): role keys in, a
// sign-in token out. The endpoint is no AWS SDK service, so this is a plain HTTPS GET, made in one
// small function that takes an agent (a proxy or a custom CA plugs in there).

export interface FederationKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** One GET of the federation endpoint, which answers JSON. */
function httpGet(url: string, opts: HttpOptions = {}): Promise<HttpAnswer> {
  return httpRequest(url, { method: "GET", headers: { accept: "application/json" } }, opts);
}

/**
 * getSigninToken. The query carries the secret key and session token: the URL is never logged,
 * and errors name only the endpoint. A refusal (any status but 200) is a ServiceError.
 */
export async function getSigninToken(federation: string, keys: FederationKeys, opts: HttpOptions = {}): Promise<string> {
  const session = JSON.stringify({ sessionId: keys.accessKeyId, sessionKey: keys.secretAccessKey, sessionToken: keys.sessionToken });
  // The keys go in the query string: never in cleartext across a network (lib/endpoint-override.ts).
  const problem = cleartextProblem(federation);
  if (problem !== undefined) throw new BadValueError(refusal(ENDPOINT_VARIABLES.signin, problem));
  const url = `${federation}?${new URLSearchParams({ Action: "getSigninToken", Session: session }).toString()}`;
  let answer: HttpAnswer;
  try {
    answer = await httpGet(url, opts);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const f = errorFacts(err);
    throw new ServiceUnreachableError(
      `Could not reach the AWS console sign-in endpoint ${federation} (${f.code}).`,
      "Check your network connection and proxy; then try again.",
      { cause: err },
    );
  }
  if (answer.status !== 200) {
    throw new ServiceError(
      `The AWS console sign-in endpoint refused the role keys (HTTP ${answer.status}).`,
      answer.status >= 500 ? "Try again in a minute." : "The keys may have expired or been revoked: run sso-cli login, then try again.",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  const r = SigninTokenReply.safeParse(json);
  if (!r.success)
    throw new ServiceError(
      "The AWS console sign-in endpoint sent an unexpected reply (SigninToken is missing).",
      "Try again; if it persists, report it with --debug output.",
    );
  return r.data.SigninToken;
}
