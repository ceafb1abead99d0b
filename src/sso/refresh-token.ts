import type { SsoClients } from "./clients.js";
import type { OidcToken } from "./device-authorization.js";
import { parseReply, TokenReply } from "./replies.js";
import { describeServiceError } from "./service-errors.js";

/**
 * CreateToken with the refresh_token grant (docs/protocol/sso-oidc.md §5). The answer carries a new refresh
 * token (rotation); the caller must store it, as the old one is spent.
 */
export async function refreshAccessToken(
  clients: SsoClients,
  input: { clientId: string; clientSecret: string; refreshToken: string },
): Promise<OidcToken> {
  const [client, m] = await Promise.all([clients.oidc(), clients.oidcModule()]);
  try {
    const reply = await client.send(new m.CreateTokenCommand({ ...input, grantType: "refresh_token" }));
    const r = parseReply(TokenReply, reply, "CreateToken");
    return { accessToken: r.accessToken, expiresInS: r.expiresIn, refreshToken: r.refreshToken };
  } catch (err) {
    throw describeServiceError(err, "refreshing the sign-in", clients.urls.oidc);
  }
}
