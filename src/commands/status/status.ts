import type { Context } from "../../context.js";
import { ServiceUnreachableError, type SsoCliError } from "../../errors.js";
import { readConfigFile } from "../../files/config-file.js";
import { readCredentialsFile } from "../../files/credentials-file.js";
import { defaultLedgerFile, hashAccessKeyId, readLedger, resolveFileIdentity } from "../../files/credentials-ledger.js";
import { readRoleCredentials, roleCacheFileName } from "../../files/role-cache.js";
import { listRunningKeepers, type RunningKeeper } from "../../files/running-keepers.js";
import { parseTimestamp, type TokenCacheEntry } from "../../files/token-cache.js";
import { debugLogFor } from "../../lib/debug-log.js";
import { networkFor } from "../../network/network-for.js";
import { createSsoClients } from "../../sso/clients.js";
import { checkAccessToken } from "../../sso/check-token.js";
import { describeServiceError } from "../../sso/service-errors.js";
import { describeSignIn, readCachedToken, TOKEN_MARGIN_MS, type SignInSpec } from "../../sign-in/cached-sign-in.entry.js";
import { KEYS_MARGIN_MS } from "../../role-keys/credential-profile.entry.js";
import { resolveLoginPlan, specKey, type TargetProfile } from "../../targets/resolve-targets.entry.js";
import { naturalCompare } from "../../lib/natural-sort.js";
import { chainProfilesOf, chainStatuses } from "./status-chains.js";
import type { NextStep, ProfileStatus, SignInStatus, TokenState } from "./status-rows.js";

export interface StatusInput {
  profile?: string | undefined;
  ssoSession?: string | undefined;
  /** Ask the service whether it still takes each token, and read its clock. */
  check: boolean;
}

export type { ChainHopStatus, NextStep, ProfileStatus, SignInStatus, TokenState } from "./status-rows.js";

export interface StatusResult {
  checkedAt: Date;
  signIns: SignInStatus[];
  profiles: ProfileStatus[];
  /** Profiles of these sign-ins that name no account and role, or cannot be read. */
  skipped: { profile: string; reason: string }[];
  /** Every sign-in and profile asked about stays valid for more than 15 minutes. */
  ok: boolean;
  /** sso-cli processes of this HOME keeping keys fresh now (`serve`, `exec --ecs-server`, `login --keep-fresh`). */
  running: RunningKeeper[];
  /** With --check: the service could not be asked (unreachable); the rows are from the files. */
  checkFailed?: SsoCliError | undefined;
}

export type StatusDeps = Pick<Context, "now" | "paths" | "env" | "endpoints" | "debug" | "stderr">;

/**
 * The state of the sign-ins and profiles asked about (`--profile`, `--sso-session`, else
 * AWS_PROFILE, else everything in the config file), from the files alone: token and key expiry,
 * and what is needed next. With `check`, also what the service says of each live token.
 */
export async function getStatus(deps: StatusDeps, input: StatusInput): Promise<StatusResult> {
  const doc = await readConfigFile(deps.paths.configFile);
  const envProfile = deps.env.AWS_PROFILE || undefined;
  const selected = input.profile !== undefined || input.ssoSession !== undefined || envProfile !== undefined;
  const written = await readWrittenKeys(deps);
  // A populated profile that holds keys sso-cli wrote (login --profile named it) counts like any other.
  const plan = resolveLoginPlan(doc, {
    profile: input.profile,
    ssoSession: input.ssoSession,
    all: !selected,
    envProfile,
    holdingKeys: new Set(written.expiry.keys()),
  });
  const now = deps.now();
  let checkFailed: SsoCliError | undefined;
  const onCheckFailed = (err: SsoCliError): void => void (checkFailed ??= err);
  const signIns = await Promise.all(plan.signIns.map((spec) => signInStatus(deps, spec, now, input.check, onCheckFailed)));
  const bySpec = new Map(signIns.map((s) => [specKey(s.spec), s]));
  const profiles = (await Promise.all(plan.profiles.map((p) => profileStatus(deps, p, bySpec.get(specKey(p.spec))!, written, now)))).sort(
    (a, b) => naturalCompare(a.profile, b.profile),
  );
  // Role chains, after the profiles they rest on: the one named, or every chain on the sign-ins shown.
  const chains = await chainStatuses(
    deps,
    doc,
    plan.chains ?? (input.profile === undefined && envProfile === undefined ? chainProfilesOf(doc, plan.signIns) : []),
    bySpec,
    written.expiry,
    now,
  );
  profiles.push(...chains.profiles);
  plan.skipped.push(...chains.skipped);
  const ok = signIns.every((s) => s.next === "nothing") && profiles.every((p) => p.next === "nothing");
  return { checkedAt: now, signIns, profiles, skipped: plan.skipped, ok, running: await listRunningKeepers(deps.paths.home), checkFailed };
}

async function signInStatus(
  deps: StatusDeps,
  spec: SignInSpec,
  now: Date,
  check: boolean,
  onCheckFailed: (err: SsoCliError) => void,
): Promise<SignInStatus> {
  const cached = await readCachedToken(deps, spec);
  const expiresAt = cached && cached.startUrl === spec.startUrl ? parseTimestamp(cached.expiresAt) : undefined;
  const refreshable = cached !== undefined && expiresAt !== undefined && canRefresh(spec, cached, now);
  const left = expiresAt ? expiresAt.getTime() - now.getTime() : Number.NEGATIVE_INFINITY;
  const state: TokenState = !expiresAt ? "none" : left > TOKEN_MARGIN_MS ? "valid" : left > 0 ? "expiring" : "expired";
  let next: NextStep = state === "valid" ? "nothing" : refreshable ? "refresh" : "login";
  let service: SignInStatus["service"];
  if (check && cached && expiresAt && left > 0) {
    const clients = createSsoClients(spec.region, deps.endpoints, {
      network: () => networkFor(deps),
      debug: deps.debug ? debugLogFor(deps) : undefined,
    });
    let r;
    try {
      r = await checkAccessToken(clients, cached.accessToken);
    } catch (err) {
      const described = describeServiceError(err, `checking the sign-in ${describeSignIn(spec)}`, clients.urls.portal);
      // Unreachable: what the files say still stands, and is shown; the check's failure is said after it.
      if (!(described instanceof ServiceUnreachableError)) throw described;
      onCheckFailed(described);
      return { spec, name: describeSignIn(spec), tokenExpiresAt: expiresAt, refreshable, state, service: undefined, next };
    }
    // Date has whole seconds; the local clock is read once the answer is in.
    const skew = r.serverDate ? Math.round((r.serverDate.getTime() - deps.now().getTime()) / 1000) : undefined;
    service = { accepted: r.accepted, clockSkewSeconds: skew };
    // Refused (signed out elsewhere, revoked): a refresh token of the same session goes with it.
    if (!r.accepted) next = "login";
  }
  return { spec, name: describeSignIn(spec), tokenExpiresAt: expiresAt, refreshable, state, service, next };
}

/** botocore's conditions for a refresh (the same as sign-in.ts tries): sso-session, the four keys, a live registration. */
function canRefresh(spec: SignInSpec, cached: TokenCacheEntry, now: Date): boolean {
  if (!spec.ssoSession || !cached.refreshToken || !cached.clientId || !cached.clientSecret || !cached.registrationExpiresAt) return false;
  const reg = parseTimestamp(cached.registrationExpiresAt);
  return reg !== undefined && reg.getTime() > now.getTime();
}

interface WrittenKeys {
  /** profile → expiry of the keys sso-cli wrote that the file still holds */
  expiry: Map<string, Date>;
}

async function readWrittenKeys(deps: StatusDeps): Promise<WrittenKeys> {
  const [ledger, fileKey, doc] = await Promise.all([
    readLedger(defaultLedgerFile(deps.paths.home)),
    resolveFileIdentity(deps.paths.credentialsFile),
    readCredentialsFile(deps.paths.credentialsFile),
  ]);
  const expiry = new Map<string, Date>();
  for (const [profile, e] of Object.entries(ledger.files[fileKey] ?? {})) {
    const keyId = doc.get(profile, "aws_access_key_id");
    const at = Date.parse(e.expiresAt);
    // Only keys still in the file and still the ones recorded: a hand-written key is not ours to judge.
    if (keyId !== undefined && e.accessKeyIdSha256 === hashAccessKeyId(keyId) && Number.isFinite(at)) expiry.set(profile, new Date(at));
  }
  return { expiry };
}

async function profileStatus(
  deps: StatusDeps,
  p: TargetProfile,
  signIn: SignInStatus,
  written: WrittenKeys,
  now: Date,
): Promise<ProfileStatus> {
  const roleCacheFile = roleCacheFileName({
    accountId: p.accountId,
    roleName: p.roleName,
    ...(p.spec.ssoSession !== undefined ? { sessionName: p.spec.ssoSession } : { startUrl: p.spec.startUrl }),
  });
  const cached = await readRoleCredentials(deps.paths.cliCacheDir, roleCacheFile);
  const fileExpiry = written.expiry.get(p.profile);
  // Keys in the credentials file are renewed only by `sso-cli login`; role-cache keys are fetched
  // again on demand by whatever reads them, so only the former can make a profile need a step.
  const fileStale = fileExpiry !== undefined && fileExpiry.getTime() - now.getTime() <= KEYS_MARGIN_MS;
  const next: NextStep = signIn.next !== "nothing" ? signIn.next : fileStale ? "refresh" : "nothing";
  return {
    profile: p.profile,
    signIn: signIn.name,
    accountId: p.accountId,
    roleName: p.roleName,
    credentialsFileExpiresAt: fileExpiry,
    roleCacheExpiresAt: cached?.expiration,
    keysExpiring: fileStale,
    next,
  };
}
