import type { Context } from "../../context.js";
import { SsoCliError } from "../../errors.js";
import { deleteIfExists } from "../../files/cache-json.js";
import { listProfiles, readConfigFile, resolveSsoProfile } from "../../files/config-file.js";
import { resolveCredentialProfile } from "../../role-keys/credential-profile.entry.js";
import { chainBaseProfile, configSection, isRoleProfile, readRoleChain } from "../../role-keys/role-chain.entry.js";
import { sameStartUrl } from "../../targets/resolve-targets.entry.js";
import { join } from "node:path";

// A logout also deletes the assumed-role keys of the role chains built on the sign-in it ends
// (their files in ~/.aws/cli/cache, role-chain.entry.ts): the AWS CLI's `aws sso logout` leaves
// them, but then `credential-process --profile deploy` would go on handing out a signed-out
// person's role keys for up to an hour.

/** Which sign-in a logout ends; undefined: every one. */
export interface LogoutSignIn {
  ssoSession?: string | undefined;
  startUrl: string;
}

/** Deletes each hop's cached keys (and the base profile's role keys) of every chain on `signIn` (every SSO-based chain when undefined); how many files went. */
export async function deleteChainCacheFiles(deps: Pick<Context, "paths" | "env">, signIn: LogoutSignIn | undefined): Promise<number> {
  let doc;
  try {
    doc = await readConfigFile(deps.paths.configFile);
  } catch (err) {
    // A config that cannot be read names no chain: the logout itself still goes through.
    if (err instanceof SsoCliError) return 0;
    throw err;
  }
  const config = configSection(doc);
  const files = new Set<string>();
  for (const name of listProfiles(doc)) {
    if (!isRoleProfile(config(name))) continue;
    const base = chainBaseProfile(name, config);
    if (base === undefined) continue;
    try {
      const p = resolveSsoProfile(doc, base);
      const ours =
        signIn === undefined ||
        (signIn.ssoSession !== undefined
          ? p.ssoSession === signIn.ssoSession
          : p.kind === "legacy" && sameStartUrl(p.startUrl, signIn.startUrl));
      if (!ours) continue;
      for (const hop of (await readRoleChain(deps, name))?.hops ?? []) files.add(hop.cacheFile);
      // The base profile's own role keys too, which sign the chain's first AssumeRole.
      if (p.accountId !== undefined && p.roleName !== undefined) files.add((await resolveCredentialProfile(deps, base)).roleCacheFile);
    } catch (err) {
      // A chain the file does not describe well has no keys of ours to remove.
      if (!(err instanceof SsoCliError)) throw err;
    }
  }
  let removed = 0;
  for (const f of files) if (await deleteIfExists(join(deps.paths.cliCacheDir, f))) removed++;
  return removed;
}
