import type { Context } from "../../context.js";
import { updateCredentialsFile, type CredentialsEdit } from "../../files/credentials-file.js";
import { checkWritableTarget, isDevNull, noticeTo } from "../../files/atomic-write.js";
import { mapBounded } from "../../lib/bounded-concurrency.js";
import { debugLogFor } from "../../lib/debug-log.js";
import { getRoleCredentials, type RoleKeys } from "../../sso/get-role-credentials.js";
import { describeServiceError, errorFacts, isUnauthorized } from "../../sso/service-errors.js";
import { FAN_OUT_CONCURRENCY, serviceRetry, throttleNotice } from "../../sso/service-retry.js";
import { keysEdit, prepareLogin, type LoginInput, type PreparedLogin } from "./login-plan.entry.js";
import { specKey, type TargetProfile } from "../../targets/resolve-targets.entry.js";
import { describeSignIn, readCachedToken, type SignInSpec } from "../../sign-in/cached-sign-in.entry.js";
import { parseTimestamp } from "../../files/token-cache.js";
import { createSsoClients } from "../../sso/clients.js";
import { signOut } from "../../sso/sign-out.js";
import { checkEndpointOverride } from "../../lib/endpoint-override.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import { networkFor } from "../../network/network-for.js";
import { ensureSignedIn, type SignedIn } from "../../sign-in/sign-in.js";
import { warnUnknownRegions } from "../../lib/aws-regions.js";
import { sayRefusedSignIn } from "../../sign-in/refused-sign-in.js";

export type { LoginInput, PreparedLogin } from "./login-plan.entry.js";
export { prepareLogin } from "./login-plan.entry.js";

import { outcomeOfWrite, type ProfileOutcome } from "./profile-outcome.js";

export type { ProfileOutcome } from "./profile-outcome.js";

/** Nothing to fetch: every token and key is good past the margins. */
export interface LoginUpToDate {
  upToDate: true;
  /** Profiles whose keys are current. */
  profileCount: number;
  /** The earliest key (or token) expiry. */
  validUntil: Date;
}

export type LoginOutcome = LoginUpToDate | LoginResult;

export interface LoginResult {
  upToDate: false;
  signIns: { spec: SignInSpec; how: SignedIn["how"] }[];
  /** In the order of the plan. */
  profiles: ProfileOutcome[];
  /** Profiles of these sign-ins that get no keys, with the reason. */
  skipped: { profile: string; reason: string }[];
  /** Populated profiles of these sign-ins, which use the sign-in directly and get no keys. */
  keyless: number;
  /** The sso-session the sign-in was made as, which no config section names yet (LoginPlan.newSession). */
  newSession?: string | undefined;
  credentialsFile: string;
  configFile: string;
}

/**
 * Signs in (cached token, silent refresh or a browser sign-in) and writes keys for every profile
 * of the plan. Returns what happened to each profile; deciding what that means for the exit
 * code is the command's (login-report.entry.ts). `prepared` is the plan already made (the hot path
 * makes it first, so no file is read twice).
 */
export async function login(ctx: Context, input: LoginInput, prepared?: PreparedLogin): Promise<LoginOutcome> {
  const { plan, ledgerFile, upToDate, validUntil } = prepared ?? (await prepareLogin(ctx, input));
  const debug = debugLogFor(ctx);
  debug("files", {
    config: ctx.paths.configFile,
    credentials: ctx.paths.credentialsFile,
    ssoCache: ctx.paths.ssoCacheDir,
    ledger: ledgerFile,
  });
  debug("plan", {
    signIns: plan.signIns.map((s) => s.ssoSession ?? s.startUrl),
    profiles: plan.profiles.length,
    skipped: plan.skipped.map((s) => s.profile),
    keyless: plan.keyless,
    upToDate,
  });
  if (upToDate) return { upToDate: true, profileCount: plan.profiles.length + (plan.chains?.length ?? 0), validUntil: validUntil! };
  warnUnknownRegions(ctx.stderr, [["REGION", input.region]]);
  const chains = plan.chains
    ? await import("./login-chains.js").then(async (m) => ({
        m,
        ...(await m.readLoginChains(ctx, plan.chains!, input.profile ?? ctx.env.AWS_PROFILE)),
      }))
    : undefined;
  // The profile named decides the CA bundle (its ca_bundle), as for the AWS CLI; every client of this login shares the network.
  void networkFor(ctx, input.profile).catch(() => undefined);
  // The credentials file is checked before anyone signs in or a session is ended: one sso-cli may
  // not write (read-only for this user, or where another user could take the keys) is refused
  // with nothing changed anywhere.
  if ((plan.profiles.length > 0 || chains) && !(await isDevNull(ctx.paths.credentialsFile)))
    await checkWritableTarget(ctx.paths.credentialsFile, { secret: true, willWrite: true });
  const signedIn = new Map<string, SignedIn>();
  for (const spec of plan.signIns) {
    if (input.force) await endOldSession(ctx, spec);
    signedIn.set(specKey(spec), await ensureSignedIn(ctx, spec, { force: input.force, browser: input.browser, flow: input.flow }));
  }
  const profiles = await writeKeys(ctx, plan.profiles, signedIn, ledgerFile, input);
  // Role chains (login-chains.ts): assumed on their base profile's keys, once the sign-ins are done.
  if (chains) profiles.push(...(await chains.m.writeChainKeys(ctx, chains.chains, ledgerFile)), ...chains.failed);
  return {
    upToDate: false,
    signIns: plan.signIns.map((spec) => ({ spec, how: signedIn.get(specKey(spec))!.how })),
    profiles,
    skipped: plan.skipped,
    keyless: plan.keyless,
    newSession: plan.newSession,
    credentialsFile: ctx.paths.credentialsFile,
    configFile: ctx.paths.configFile,
  };
}

/**
 * GetRoleCredentials for every profile, concurrently but bounded, backing off together on
 * throttling; then one locked, atomic write of the credentials file for all of them.
 */
async function writeKeys(
  ctx: Context,
  profiles: TargetProfile[],
  signedIn: Map<string, SignedIn>,
  ledgerFile: string,
  input: LoginInput,
): Promise<ProfileOutcome[]> {
  if (profiles.length === 0) return [];
  const renewed = new Map<string, Promise<SignedIn>>();
  // One deadline for the fan-out, moved on by every success: once no call has succeeded for the
  // retry deadline (a hung service), retries stop and calls not yet made fail at once with the
  // last network error, so the login ends in bounded time however many profiles it has; a slow or
  // throttling service that still answers keeps it going.
  const { retryDeadlineMs } = (await networkFor(ctx)).limits;
  let deadline = ctx.now().getTime() + retryDeadlineMs;
  let lastNetworkError: unknown;
  const retry = serviceRetry(ctx, { deadline: () => deadline, onThrottled: throttleNotice((line) => ctx.stderr.write(`${line}\n`)) });
  const fetchKeys = async (session: SignedIn, p: TargetProfile): Promise<RoleKeys> => {
    const left = deadline - ctx.now().getTime();
    if (left <= 0 && lastNetworkError !== undefined) throw lastNetworkError;
    try {
      const keys = await getRoleCredentials(
        session.clients,
        session.accessToken,
        p.accountId,
        p.roleName,
        left > 0 ? { timeoutMs: left } : {},
      );
      deadline = ctx.now().getTime() + retryDeadlineMs;
      return keys;
    } catch (err) {
      if (errorFacts(err).network) lastNetworkError = err;
      throw err;
    }
  };

  const fetched = await mapBounded(profiles, FAN_OUT_CONCURRENCY, async (p): Promise<RoleKeys> => {
    const key = specKey(p.spec);
    const call = async (session: SignedIn) => retry(() => fetchKeys(session, p));
    const session = signedIn.get(key)!;
    try {
      return await call(session);
    } catch (err) {
      // The server no longer accepts a token we thought valid (revoked elsewhere): sign in once more.
      if (!isUnauthorized(err) || session.how === "signed-in") throw err;
      let again = renewed.get(key);
      if (!again) {
        // Say why a browser opens although the token had time left.
        sayRefusedSignIn(ctx.stderr, p.spec);
        again = ensureSignedIn(ctx, p.spec, { force: true, browser: input.browser, flow: input.flow });
        renewed.set(key, again);
      }
      const fresh = await again;
      signedIn.set(key, fresh);
      return call(fresh);
    }
  });

  const edits: CredentialsEdit[] = [];
  const outcomes = new Map<string, ProfileOutcome>();
  fetched.forEach((r, i) => {
    const p = profiles[i]!;
    const who = { profile: p.profile, accountId: p.accountId, roleName: p.roleName };
    if (r.ok) {
      edits.push(keysEdit(p, r.value));
    } else {
      const error = describeServiceError(
        r.error,
        `getting credentials for profile ${p.profile}`,
        signedIn.get(specKey(p.spec))!.clients.urls.portal,
      );
      outcomes.set(p.profile, { ...who, ok: false, error });
    }
  });
  const results = edits.length
    ? await updateCredentialsFile(ctx.paths.credentialsFile, edits, ledgerFile, { notice: noticeTo(ctx.stderr) })
    : [];
  const expiry = new Map(edits.map((e) => [e.profile, e.set!.credentials.expiration]));
  const byName = new Map(profiles.map((p) => [p.profile, p]));
  for (const r of results) {
    const p = byName.get(r.profile)!;
    const who = { profile: p.profile, accountId: p.accountId, roleName: p.roleName };
    outcomes.set(r.profile, outcomeOfWrite(who, r.outcome, expiry.get(r.profile)!, ctx.paths.credentialsFile));
  }
  return profiles.map((p) => outcomes.get(p.profile)!);
}

/**
 * --force: the session of the cached token ends at IAM Identity Center first (Logout), so the new
 * sign-in starts a new session whose own lifetime really moves, instead of a token of the old one.
 * A token the service no longer takes, or a service out of reach, changes nothing here.
 */
async function endOldSession(ctx: Context, spec: SignInSpec): Promise<void> {
  const cached = await readCachedToken(ctx, spec).catch(() => undefined);
  const expiresAt = cached && cached.startUrl === spec.startUrl ? parseTimestamp(cached.expiresAt) : undefined;
  if (!cached || !expiresAt || expiresAt.getTime() <= ctx.now().getTime()) return;
  // Both endpoints the sign-in uses are checked first: an override refused for the sign-in must
  // also stop this Logout, so that nothing is sent at all.
  checkEndpointOverride(ctx.endpoints, "oidc");
  checkEndpointOverride(ctx.endpoints, "portal");
  const clients = createSsoClients(spec.region, ctx.endpoints, {
    network: () => networkFor(ctx),
    requestTimeoutMs: 5000,
    debug: ctx.debug ? debugLogFor(ctx) : undefined,
  });
  if ((await signOut(clients, cached.accessToken)) === "signed-out")
    ctx.stderr.write(`Ended the session of ${escapeControlChars(describeSignIn(spec))} (--force), so the new sign-in starts a new one.\n`);
}
