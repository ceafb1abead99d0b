import { SsoCliError } from "../../errors.js";
import { listProfiles, resolveSsoProfile } from "../../files/config-file.js";
import { hashAccessKeyId, type LedgerEntry } from "../../files/credentials-ledger.js";
import type { IniDocument } from "../../files/ini-document.js";
import { KEYS_MARGIN_MS } from "../../role-keys/credential-profile.entry.js";
import { chainBaseProfile, configSection, isRoleProfile } from "../../role-keys/role-chain.entry.js";
import { specKey, specOf, type LoginPlan } from "../../targets/resolve-targets.entry.js";

// Which role-chain profiles a login writes keys for, from the files alone (the hot path decides
// with it whether anything must be fetched): the one named (`login --profile deploy`), and on a
// login of a sign-in, every chain on that sign-in whose keys sso-cli wrote before (the ledger says
// which), so that they are renewed with the sign-in's own profiles.

/** Whether the config has any role-chain profile: only then does a login of a sign-in look for chains to renew. */
export function hasRoleChains(doc: IniDocument): boolean {
  const config = configSection(doc);
  return listProfiles(doc).some((name) => isRoleProfile(config(name)));
}

/**
 * The chains a login of `plan`'s sign-ins renews: profiles of the credentials file that the ledger
 * records as sso-cli's, that are role chains in the config, and whose base profile signs in to
 * one of the plan's sign-ins. Added to `plan.chains`.
 */
export function addRenewableChains(doc: IniDocument, plan: LoginPlan, written: Record<string, LedgerEntry>): void {
  const signIns = new Set(plan.signIns.map(specKey));
  const config = configSection(doc);
  const chains = new Set(plan.chains ?? []);
  for (const profile of Object.keys(written)) {
    if (chains.has(profile) || !isRoleProfile(config(profile))) continue;
    const base = chainBaseProfile(profile, config);
    if (base === undefined) continue;
    try {
      if (signIns.has(specKey(specOf(resolveSsoProfile(doc, base))))) chains.add(profile);
    } catch (err) {
      // A base profile the file no longer describes well: the chain is not this login's.
      if (!(err instanceof SsoCliError)) throw err;
    }
  }
  if (chains.size > 0) plan.chains = [...chains];
}

/**
 * When every chain's written keys (ledger entry and key id in the file) last past the margin, the
 * earliest expiry; undefined when any must be fetched.
 */
export function chainKeysValidUntil(
  chains: readonly string[],
  written: Record<string, LedgerEntry>,
  credentials: IniDocument,
  nowMs: number,
): Date | undefined {
  let soonest = Number.POSITIVE_INFINITY;
  for (const profile of chains) {
    const e = Object.hasOwn(written, profile) ? written[profile] : undefined;
    const expiresAt = e ? Date.parse(e.expiresAt) : Number.NaN;
    if (!e || !(expiresAt - nowMs > KEYS_MARGIN_MS)) return undefined;
    const keyId = credentials.get(profile, "aws_access_key_id");
    if (keyId === undefined || e.accessKeyIdSha256 !== hashAccessKeyId(keyId)) return undefined;
    soonest = Math.min(soonest, expiresAt);
  }
  return new Date(soonest);
}
