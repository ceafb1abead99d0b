import { AccessDeniedError } from "../errors.js";
import type { SsoClients } from "./clients.js";
import { parseReply, RoleCredentialsReply } from "./replies.js";
import { errorFacts } from "./service-errors.js";

export interface RoleKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * GetRoleCredentials (docs/protocol/sso-portal.md §2). Throws the SDK's error for the caller to classify
 * (401 → sign in again, 429 → back off), except 403 "No access", which becomes AccessDeniedError.
 * `timeoutMs` shortens this call's request timeout (what is left of a retry deadline).
 */
export async function getRoleCredentials(
  clients: SsoClients,
  accessToken: string,
  accountId: string,
  roleName: string,
  opts: { timeoutMs?: number } = {},
): Promise<RoleKeys> {
  const [client, m, network] = await Promise.all([clients.portal(), clients.portalModule(), clients.network()]);
  let reply: unknown;
  try {
    const timeout =
      opts.timeoutMs !== undefined ? { requestTimeout: Math.max(1, Math.min(opts.timeoutMs, network.limits.requestTimeoutMs)) } : undefined;
    reply = await client.send(new m.GetRoleCredentialsCommand({ accessToken, accountId, roleName }), timeout);
  } catch (err) {
    if (errorFacts(err).code === "ForbiddenException") throw new AccessDeniedError(accountId, roleName);
    throw err;
  }
  const c = parseReply(RoleCredentialsReply, reply, "GetRoleCredentials").roleCredentials;
  // expiration is epoch milliseconds (docs/protocol/sso-portal.md §2) on the service's clock; on
  // this computer's clock when the two disagree (service-clock.ts), so local tools judge it right.
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: network.clock.toLocal(new Date(c.expiration)),
  };
}
