import type { Context } from "../../context.js";
import { SsoCliError } from "../../errors.js";
import { listProfiles, resolveSsoProfile } from "../../files/config-file.js";
import type { IniDocument } from "../../files/ini-document.js";
import { KEYS_MARGIN_MS } from "../../role-keys/credential-profile.entry.js";
import { readAssumedRoleKeys } from "../../files/assume-role-cache.js";
import { chainBaseProfile, configSection, isRoleProfile, readRoleChain } from "../../role-keys/role-chain.entry.js";
import type { SignInSpec } from "../../sign-in/cached-sign-in.entry.js";
import { specKey, specOf } from "../../targets/resolve-targets.entry.js";
import type { ChainHopStatus, ProfileStatus, SignInStatus } from "./status-rows.js";

// status for role chains: each chain under the sign-in its base profile uses, with every hop's
// keys in the AWS CLI's assume-role cache, so that what is running out shows hop by hop.

/** Every role-chain profile of the config whose base profile signs in to one of `signIns`. */
export function chainProfilesOf(doc: IniDocument, signIns: readonly SignInSpec[]): string[] {
  const keys = new Set(signIns.map(specKey));
  const config = configSection(doc);
  return listProfiles(doc).filter((name) => {
    if (!isRoleProfile(config(name))) return false;
    const base = chainBaseProfile(name, config);
    try {
      return base !== undefined && keys.has(specKey(specOf(resolveSsoProfile(doc, base))));
    } catch (err) {
      if (err instanceof SsoCliError) return false;
      throw err;
    }
  });
}

/** Each chain's status; a chain that cannot be read is skipped with its one-line reason. */
export async function chainStatuses(
  deps: Pick<Context, "paths" | "env">,
  doc: IniDocument,
  names: readonly string[],
  bySpec: Map<string, SignInStatus>,
  written: Map<string, Date>,
  now: Date,
): Promise<{ profiles: ProfileStatus[]; skipped: { profile: string; reason: string }[] }> {
  const profiles: ProfileStatus[] = [];
  const skipped: { profile: string; reason: string }[] = [];
  for (const name of names) {
    try {
      const chain = (await readRoleChain(deps, name))!;
      const hops: ChainHopStatus[] = [];
      for (const h of chain.hops)
        hops.push({
          profile: h.profile,
          roleArn: h.roleArn,
          cacheExpiresAt: (await readAssumedRoleKeys(deps.paths.cliCacheDir, h.cacheFile))?.expiration,
        });
      const signIn = chain.base.kind === "sso" ? bySpec.get(specKey(specOf(resolveSsoProfile(doc, chain.base.profile)))) : undefined;
      const last = chain.hops.at(-1)!;
      const fileExpiry = written.get(name);
      const fileStale = fileExpiry !== undefined && fileExpiry.getTime() - now.getTime() <= KEYS_MARGIN_MS;
      profiles.push({
        profile: name,
        signIn: signIn?.name ?? `keys of profile ${chain.base.profile}`,
        accountId: last.accountId,
        roleName: last.roleName,
        credentialsFileExpiresAt: fileExpiry,
        roleCacheExpiresAt: hops.at(-1)!.cacheExpiresAt,
        keysExpiring: fileStale,
        // As for any profile: the sign-in's step first; keys in the credentials file renew with `sso-cli login`.
        next: signIn !== undefined && signIn.next !== "nothing" ? signIn.next : fileStale ? "refresh" : "nothing",
        chain: hops,
      });
    } catch (err) {
      if (!(err instanceof SsoCliError)) throw err;
      skipped.push({ profile: name, reason: err.message });
    }
  }
  return { profiles, skipped };
}
