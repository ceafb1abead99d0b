import type { SsoClients } from "./clients.js";
import { parseReply, RegisterClientReply } from "./replies.js";
import { describeServiceError, errorFacts, isStaleClient } from "./service-errors.js";

export interface ClientRegistrationResult {
  clientId: string;
  clientSecret: string;
  /** When the registration expires (RegisterClient's clientSecretExpiresAt, epoch seconds). */
  expiresAt: Date;
  scopes?: string[] | undefined;
  grantTypes?: string[] | undefined;
}

export interface RegisterClientInput {
  clientName: string;
  scopes?: string[] | undefined;
  /** The authorization code flow names its grants, redirect URI and issuer; the device flow sends none. */
  grantTypes?: string[] | undefined;
  redirectUris?: string[] | undefined;
  issuerUrl?: string | undefined;
}

/**
 * RegisterClient (docs/protocol/sso-oidc.md §3). The AWS CLI names the client
 * `botocore-client-<session>` or, for a legacy profile, `botocore-client-<unix seconds>`; we do
 * the same so the service sees a familiar client.
 */
export async function registerClient(clients: SsoClients, input: RegisterClientInput): Promise<ClientRegistrationResult> {
  const [client, m] = await Promise.all([clients.oidc(), clients.oidcModule()]);
  try {
    const reply = await client.send(
      new m.RegisterClientCommand({
        clientName: input.clientName,
        clientType: "public",
        ...(input.scopes?.length ? { scopes: input.scopes } : {}),
        ...(input.grantTypes?.length ? { grantTypes: input.grantTypes } : {}),
        ...(input.redirectUris?.length ? { redirectUris: input.redirectUris } : {}),
        ...(input.issuerUrl ? { issuerUrl: input.issuerUrl } : {}),
      }),
    );
    const r = parseReply(RegisterClientReply, reply, "RegisterClient");
    // Epoch seconds on the service's clock: on this computer's when they disagree.
    const expiresAt = (await clients.network()).clock.toLocal(new Date(r.clientSecretExpiresAt * 1000));
    return { clientId: r.clientId, clientSecret: r.clientSecret, expiresAt, scopes: input.scopes, grantTypes: input.grantTypes };
  } catch (err) {
    throw describeServiceError(err, "registering this client", clients.urls.oidc);
  }
}

/**
 * Whether IAM Identity Center still knows a cached registration, asked before a browser is sent
 * to /authorize with it (an unknown client_id there is an error page the person cannot get past,
 * RFC 6749 §4.1.2.1). CreateToken with a code that cannot exist checks the client first:
 * InvalidGrantException means the client is fine; InvalidClientException means it is not.
 */
export async function isRegistrationKnown(clients: SsoClients, registration: { clientId: string; clientSecret: string }): Promise<boolean> {
  const [client, m] = await Promise.all([clients.oidc(), clients.oidcModule()]);
  try {
    await client.send(
      new m.CreateTokenCommand({
        ...registration,
        grantType: "authorization_code",
        code: "sso-cli-registration-check",
        redirectUri: "http://127.0.0.1/oauth/callback",
        codeVerifier: "0".repeat(43),
      }),
    );
    return true;
  } catch (err) {
    if (isStaleClient(err)) return false;
    if (errorFacts(err).network) throw describeServiceError(err, "checking the cached client registration", clients.urls.oidc);
    return true;
  }
}
