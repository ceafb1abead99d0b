import type { Context } from "../../context.js";
import { readConfigFile, resolveSsoProfile, resolveSsoSession } from "../../files/config-file.js";
import { checkWritableTarget, isDevNull, noticeTo } from "../../files/atomic-write.js";
import { readCredentialsFile, updateCredentialsFile } from "../../files/credentials-file.js";
import { chainBaseProfile, configSection } from "../../role-keys/role-chain.entry.js";
import { deleteChainCacheFiles, type LogoutSignIn } from "./logout-chains.js";
import { defaultLedgerFile, listLedgerEntries, type WrittenProfile } from "../../files/credentials-ledger.js";
import { deleteTokenCacheEntry, listTokenCacheEntries, readTokenCacheEntry, tokenCacheFileName } from "../../files/token-cache.js";
import { deleteRoleCacheFile, listSsoRoleCacheFiles, roleCacheFileName } from "../../files/role-cache.js";
import { mapBounded } from "../../lib/bounded-concurrency.js";
import { debugLogFor } from "../../lib/debug-log.js";
import { createSsoClients } from "../../sso/clients.js";
import { signOut, type SignOutOutcome } from "../../sso/sign-out.js";
import { networkFor } from "../../network/network-for.js";

export interface LogoutInput {
  profile?: string | undefined;
  ssoSession?: string | undefined;
  all?: boolean | undefined;
}

export interface LogoutResult {
  /** Each cached sign-in signed out: whether the server could be told. */
  signedOut: { fileName: string; outcome: SignOutOutcome }[];
  /** Profiles whose keys (written by sso-cli) were removed. */
  removedProfiles: string[];
  /** Profiles the ledger names whose keys are no longer sso-cli's: left alone. */
  keptProfiles: string[];
  removedRoleCacheFiles: number;
  credentialsFile: string;
}

interface Scope {
  /** Token cache files to sign out and delete. */
  tokenFiles: { fileName: string; accessToken: string; region: string | undefined }[];
  /** Which ledger entries (keys sso-cli wrote) belong to this logout. */
  owns(entry: WrittenProfile): boolean;
  /** AWS CLI v2 role-cache files of this sign-in; undefined = every SSO entry (as `aws sso logout`). */
  roleCacheFiles?: string[] | undefined;
  /** The sign-in this logout ends; undefined: every one. */
  signIn?: LogoutSignIn | undefined;
}

/**
 * Signs out: tells IAM Identity Center (Logout), deletes the cached token, deletes the AWS CLI v2's
 * cached role credentials of that sign-in (as `aws sso logout` does, docs/protocol/token-cache.md §6), and
 * removes exactly the keys sso-cli wrote. Works offline: the server is told when it can be.
 */
export async function logout(ctx: Context, input: LogoutInput): Promise<LogoutResult> {
  const scope = await resolveScope(ctx, input);
  const ledgerFile = defaultLedgerFile(ctx.paths.home);
  const debug = debugLogFor(ctx);
  const written = (await listLedgerEntries(ledgerFile, { credentialsFile: ctx.paths.credentialsFile })).filter(scope.owns);
  // A credentials file that cannot be edited (not UTF-8, a pipe, unreadable, read-only, somewhere
  // others could swap it) fails the logout before anything is undone, not after the session was
  // already signed out.
  if (written.length > 0) {
    await readCredentialsFile(ctx.paths.credentialsFile);
    if (!(await isDevNull(ctx.paths.credentialsFile)))
      await checkWritableTarget(ctx.paths.credentialsFile, { secret: true, willWrite: true });
  }
  debug("logout scope", { tokenFiles: scope.tokenFiles.map((t) => t.fileName), roleCacheFiles: scope.roleCacheFiles ?? "every sso entry" });

  const signedOut = await mapBounded(scope.tokenFiles, 8, async (t) => {
    const outcome: SignOutOutcome = t.region
      ? await signOut(
          createSsoClients(t.region, ctx.endpoints, {
            network: () => networkFor(ctx, input.profile),
            requestTimeoutMs: 5000,
            debug: ctx.debug ? debug : undefined,
          }),
          t.accessToken,
        )
      : "unreachable";
    await deleteTokenCacheEntry(ctx.paths.ssoCacheDir, t.fileName);
    return { fileName: t.fileName, outcome };
  });
  const results = signedOut.flatMap((r) => (r.ok ? [r.value] : []));

  const roleFiles = scope.roleCacheFiles ?? (await listSsoRoleCacheFiles(ctx.paths.cliCacheDir));
  let removedRoleCacheFiles = 0;
  for (const f of roleFiles) if (await deleteRoleCacheFile(ctx.paths.cliCacheDir, f)) removedRoleCacheFiles++;
  // And the assumed-role keys of the role chains on this sign-in (logout-chains.ts).
  removedRoleCacheFiles += await deleteChainCacheFiles(ctx, scope.signIn);

  const edits = written.map((w) => ({ profile: w.profile, remove: true as const }));
  const outcomes = edits.length
    ? await updateCredentialsFile(ctx.paths.credentialsFile, edits, ledgerFile, { notice: noticeTo(ctx.stderr) })
    : [];
  const removedProfiles = outcomes.filter((o) => o.outcome === "removed").map((o) => o.profile);
  const keptProfiles = outcomes.filter((o) => o.outcome === "not-ours").map((o) => o.profile);

  return { signedOut: results, removedProfiles, keptProfiles, removedRoleCacheFiles, credentialsFile: ctx.paths.credentialsFile };
}

async function resolveScope(ctx: Context, input: LogoutInput): Promise<Scope> {
  const profile = input.profile ?? (input.all || input.ssoSession ? undefined : ctx.env.AWS_PROFILE || undefined);
  if (!profile && !input.ssoSession) {
    // Everything, like `aws sso logout`: every token file any tool cached.
    const tokens = await listTokenCacheEntries(ctx.paths.ssoCacheDir);
    return { tokenFiles: tokens.map((t) => ({ fileName: t.fileName, accessToken: t.accessToken, region: t.region })), owns: () => true };
  }
  const doc = await readConfigFile(ctx.paths.configFile);
  // A role chain signs out of the sign-in its base profile uses (with the chain's keys, recorded under it).
  const signInProfile = profile !== undefined ? (chainBaseProfile(profile, configSection(doc)) ?? profile) : undefined;
  const spec =
    signInProfile !== undefined
      ? resolveSsoProfile(doc, signInProfile)
      : { ...resolveSsoSession(doc, input.ssoSession!), kind: "sso-session" as const };
  const session = spec.kind === "sso-session" ? spec.ssoSession : undefined;
  const fileName = tokenCacheFileName({ ssoSession: session, startUrl: spec.startUrl });
  const entry = await readTokenCacheEntry(ctx.paths.ssoCacheDir, fileName);
  const owns = (e: WrittenProfile): boolean =>
    session !== undefined ? e.source.ssoSession === session : e.source.startUrl === spec.startUrl;
  const written = (await listLedgerEntries(defaultLedgerFile(ctx.paths.home), { credentialsFile: ctx.paths.credentialsFile })).filter(owns);
  const roleCacheFiles = written.map((w) =>
    roleCacheFileName({
      accountId: w.source.accountId,
      roleName: w.source.roleName,
      ...(session !== undefined ? { sessionName: session } : { startUrl: spec.startUrl }),
    }),
  );
  if ("accountId" in spec && spec.accountId && "roleName" in spec && spec.roleName) {
    roleCacheFiles.push(
      roleCacheFileName({
        accountId: spec.accountId,
        roleName: spec.roleName,
        ...(session !== undefined ? { sessionName: session } : { startUrl: spec.startUrl }),
      }),
    );
  }
  return {
    tokenFiles: entry ? [{ fileName, accessToken: entry.accessToken, region: entry.region || spec.region }] : [],
    owns,
    roleCacheFiles: [...new Set(roleCacheFiles)],
    signIn: { ssoSession: session, startUrl: spec.startUrl },
  };
}
