import type { Context } from "../../context.js";
import { getProfileCredentials } from "../../role-keys/profile-credentials.js";
import { resolveKeysProfile } from "../../role-keys/role-chain.entry.js";
import { startCredentialsEndpoint, type CredentialsEndpoint } from "./credentials-endpoint.js";
import { KeyKeeper } from "./key-keeper.js";

/**
 * The credentials endpoint for these profiles, their keys fetched first: a missing profile or
 * sign-in is said before anything starts (LoginRequiredError, ConfigError), and a tool's first
 * request, which SDKs give one or two seconds (docs/protocol/container-credentials.md §4), is
 * answered at once. Keys come from the role cache the AWS CLI v2 shares, else GetRoleCredentials
 * with the cached sign-in, refreshed silently as `login` does; never a browser.
 */
export async function startProfileEndpoint(
  ctx: Context,
  asked: readonly (string | undefined)[],
  port?: number,
): Promise<CredentialsEndpoint> {
  // Undefined: AWS_PROFILE, else the only profile with an account and role, as for `exec`.
  const profiles: string[] = [];
  for (const p of asked) profiles.push((await resolveKeysProfile(ctx, p)).profile);
  const keeper = new KeyKeeper(ctx, (profile) => getProfileCredentials(ctx, { profile }));
  try {
    for (const p of profiles) {
      const first = await keeper.keysFor(p);
      if (!first.ok) throw first.error;
    }
    const endpoint = await startCredentialsEndpoint({ keysFor: (p) => keeper.keysFor(p), profiles, ...(port !== undefined && { port }) });
    return { ...endpoint, close: () => (keeper.close(), endpoint.close()) };
  } catch (err) {
    keeper.close();
    throw err;
  }
}
