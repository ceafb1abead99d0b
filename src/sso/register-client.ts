import type { SsoClients } from "./clients.js";
import { parseReply, RegisterClientReply } from "./replies.js";
import { describeServiceError } from "./service-errors.js";

export interface ClientRegistrationResult {
  clientId: string;
  clientSecret: string;
  /** When the registration expires (RegisterClient's clientSecretExpiresAt, epoch seconds). */
  expiresAt: Date;
  scopes?: string[] | undefined;
}

/**
 * RegisterClient (sso-oidc.md §3). The AWS CLI names the client `botocore-client-<session>` or,
 * for a legacy profile, `botocore-client-<unix seconds>`; we do the same so the service sees a
 * familiar client.
 */
export async function registerClient(clients: SsoClients, input: { clientName: string; scopes?: string[] | undefined }): Promise<ClientRegistrationResult> {
  const [client, m] = await Promise.all([clients.oidc(), clients.oidcModule()]);
  try {
    const reply = await client.send(
      new m.RegisterClientCommand({ clientName: input.clientName, clientType: "public", ...(input.scopes?.length ? { scopes: input.scopes } : {}) }),
    );
    const r = parseReply(RegisterClientReply, reply, "RegisterClient");
    return { clientId: r.clientId, clientSecret: r.clientSecret, expiresAt: new Date(r.clientSecretExpiresAt * 1000), scopes: input.scopes };
  } catch (err) {
    throw describeServiceError(err, "registering this client", clients.urls.oidc);
  }
}
