import type { Context } from "../../context.js";
import { SsoCliError } from "../../errors.js";
import { noticeTo } from "../../files/atomic-write.js";
import { updateCredentialsFile, type CredentialsEdit } from "../../files/credentials-file.js";
import { mapBounded } from "../../lib/bounded-concurrency.js";
import { getChainedCredentials, type ChainedCredentials } from "../../role-keys/chained-credentials.js";
import { resolveCredentialProfile } from "../../role-keys/credential-profile.entry.js";
import { getProfileCredentials } from "../../role-keys/profile-credentials.js";
import { readRoleChain, type RoleChain } from "../../role-keys/role-chain.entry.js";
import { FAN_OUT_CONCURRENCY, serviceRetry } from "../../sso/service-retry.js";
import { outcomeOfWrite, type ProfileOutcome } from "./profile-outcome.js";

// The role chains of a login (login-chains.entry.ts says which): each chain's keys, assumed on the
// keys of its base profile once the sign-in is done, written into the chain's own section of the
// credentials file through the ledger, so that logout removes them as it removes the others.

export interface LoginChains {
  chains: RoleChain[];
  /** Chains that could not even be read (renewed ones only: a named chain's problem is the login's error). */
  failed: ProfileOutcome[];
}

/** Read before anyone signs in: a broken named chain fails the login before a browser opens. */
export async function readLoginChains(ctx: Context, names: readonly string[], named: string | undefined): Promise<LoginChains> {
  const chains: RoleChain[] = [];
  const failed: ProfileOutcome[] = [];
  for (const name of names) {
    try {
      const chain = await readRoleChain(ctx, name);
      if (chain) chains.push(chain);
    } catch (err) {
      if (name === named || !(err instanceof SsoCliError)) throw err;
      failed.push({ profile: name, accountId: "", roleName: "", ok: false, error: err });
    }
  }
  return { chains, failed };
}

/** Every chain's keys, concurrently and backing off together, then one write of the credentials file. */
export async function writeChainKeys(ctx: Context, chains: readonly RoleChain[], ledgerFile: string): Promise<ProfileOutcome[]> {
  if (chains.length === 0) return [];
  const retry = serviceRetry(ctx);
  const fetched = await mapBounded(chains, FAN_OUT_CONCURRENCY, (chain) =>
    getChainedCredentials(ctx, chain, (profile, opts) => getProfileCredentials(ctx, { profile, fresh: opts?.fresh }), { retry }),
  );
  const outcomes = new Map<string, ProfileOutcome>();
  const edits: CredentialsEdit[] = [];
  const keys = new Map<string, ChainedCredentials>();
  for (const [i, r] of fetched.entries()) {
    const chain = chains[i]!;
    const last = chain.hops.at(-1)!;
    const who = { profile: chain.profile, accountId: last.accountId, roleName: last.roleName };
    if (!r.ok) {
      // getChainedCredentials says every service or file problem as an SsoCliError; anything else is a bug.
      if (!(r.error instanceof SsoCliError)) throw r.error;
      outcomes.set(chain.profile, { ...who, ok: false, error: r.error });
      continue;
    }
    keys.set(chain.profile, r.value);
    // Recorded under the sign-in the chain rests on: a logout of that sign-in removes these keys too.
    const base = chain.base.kind === "sso" ? (await resolveCredentialProfile(ctx, chain.base.profile)).spec : undefined;
    edits.push({
      profile: chain.profile,
      set: {
        credentials: r.value,
        source: {
          ...(base ? (base.ssoSession !== undefined ? { ssoSession: base.ssoSession } : { startUrl: base.startUrl }) : {}),
          accountId: last.accountId,
          roleName: last.roleName,
        },
      },
    });
  }
  const results = edits.length
    ? await updateCredentialsFile(ctx.paths.credentialsFile, edits, ledgerFile, { notice: noticeTo(ctx.stderr) })
    : [];
  for (const r of results) {
    const k = keys.get(r.profile)!;
    const who = { profile: r.profile, accountId: k.accountId, roleName: k.roleName };
    outcomes.set(r.profile, outcomeOfWrite(who, r.outcome, k.expiration, ctx.paths.credentialsFile));
  }
  return chains.map((c) => outcomes.get(c.profile)!);
}
