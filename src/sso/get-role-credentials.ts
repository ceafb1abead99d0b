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
 */
export async function getRoleCredentials(clients: SsoClients, accessToken: string, accountId: string, roleName: string): Promise<RoleKeys> {
  const [client, m] = await Promise.all([clients.portal(), clients.portalModule()]);
  let reply: unknown;
  try {
    reply = await client.send(new m.GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
  } catch (err) {
    if (errorFacts(err).code === "ForbiddenException") throw new AccessDeniedError(accountId, roleName);
    throw err;
  }
  const c = parseReply(RoleCredentialsReply, reply, "GetRoleCredentials").roleCredentials;
  // expiration is epoch milliseconds (docs/protocol/sso-portal.md §2).
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration) };
}
