import type { SsoClients } from "./clients.js";
import { isUnauthorized } from "./service-errors.js";

export interface TokenCheck {
  /** The portal accepted the token (a ListAccounts call of one item succeeded). */
  accepted: boolean;
  /** The reply's `Date` header, for clock skew; absent if the reply had none. */
  serverDate?: Date | undefined;
}

/**
 * Asks the portal whether it still takes a token, with the cheapest call that needs one
 * (ListAccounts, one item: docs/protocol/sso-portal.md §3), and reads the server's clock from the
 * reply's `Date` header, error or not. 401 is "not accepted"; other failures are thrown.
 */
export async function checkAccessToken(clients: SsoClients, accessToken: string): Promise<TokenCheck> {
  const [client, m] = await Promise.all([clients.portal(), clients.portalModule()]);
  const command = new m.ListAccountsCommand({ accessToken, maxResults: 1 });
  let date: string | undefined;
  // Below the deserializer, so the raw reply is seen before a 401 becomes an exception.
  command.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const headers = (out.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
      date = headers?.date ?? headers?.Date;
      return out;
    },
    { step: "deserialize", priority: "low", name: "ssoCliServerDate" },
  );
  const parsed = (): Date | undefined => {
    const ms = date ? Date.parse(date) : Number.NaN;
    return Number.isFinite(ms) ? new Date(ms) : undefined;
  };
  try {
    await client.send(command);
    return { accepted: true, serverDate: parsed() };
  } catch (err) {
    if (isUnauthorized(err)) return { accepted: false, serverDate: parsed() };
    throw err;
  }
}
