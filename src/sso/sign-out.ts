import type { SsoClients } from "./clients.js";
import { errorFacts } from "./service-errors.js";

export type SignOutOutcome = "signed-out" | "already-invalid" | "unreachable";

/**
 * Logout (docs/protocol/sso-portal.md §2): the server forgets the token. Like `aws sso logout`, a failure never
 * stops the local clean-up; the outcome says whether the server could be told.
 */
export async function signOut(clients: SsoClients, accessToken: string): Promise<SignOutOutcome> {
  try {
    // Inside the try: a network that cannot be set up (a CA bundle that is gone) is "unreachable" too.
    const [client, m] = await Promise.all([clients.portal(), clients.portalModule()]);
    await client.send(new m.LogoutCommand({ accessToken }));
    return "signed-out";
  } catch (err) {
    const f = errorFacts(err);
    if (f.code === "UnauthorizedException") return "already-invalid";
    return "unreachable";
  }
}
