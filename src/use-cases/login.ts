import type { Context } from "../context.js";
import { Exit, PartialFailureError, SsoCliError } from "../errors.js";
import { readCredentialsFile, updateCredentialsFile, type CredentialsEdit } from "../files/credentials-file.js";
import { readLedger } from "../files/credentials-ledger.js";
import { RateLimiter, retryWithBackoff } from "../lib/backoff.js";
import { mapBounded } from "../lib/bounded-concurrency.js";
import { debugLogFor } from "../lib/debug-log.js";
import { formatExpiry } from "../lib/progress.js";
import { getRoleCredentials, type RoleKeys } from "../sso/get-role-credentials.js";
import { describeServiceError, isRetryable, isThrottle, isUnauthorized } from "../sso/service-errors.js";
import { checkLoginUpToDate, type LoginInput } from "./login-up-to-date.js";
import { specKey, type TargetProfile } from "./resolve-targets.js";
import type { SignInSpec } from "./cached-sign-in.js";
import { ensureSignedIn, type SignedIn } from "./sign-in.js";

export type { LoginInput } from "./login-up-to-date.js";
export { KEYS_MARGIN_MS } from "./login-up-to-date.js";

export interface ProfileOutcome {
  profile: string;
  ok: boolean;
  expiresAt?: Date;
  error?: SsoCliError;
}

export interface LoginResult {
  signIns: { spec: SignInSpec; how: SignedIn["how"] | "skipped" }[];
  profiles: ProfileOutcome[];
  /** True when nothing had to be fetched: token and keys were all still valid. */
  upToDate: boolean;
}

/** GetRoleCredentials calls in flight at once across a fan-out. */
export const FAN_OUT_CONCURRENCY = 16;

export async function login(ctx: Context, input: LoginInput): Promise<LoginResult> {
  const { plan, ledgerFile, upToDate } = await checkLoginUpToDate(ctx, input);
  const debug = debugLogFor(ctx);
  debug("files", { config: ctx.paths.configFile, credentials: ctx.paths.credentialsFile, ssoCache: ctx.paths.ssoCacheDir, ledger: ledgerFile });
  debug("plan", {
    signIns: plan.signIns.map((s) => s.ssoSession ?? s.startUrl),
    profiles: plan.profiles.length,
    skipped: plan.skipped.map((s) => s.profile),
  });
  if (upToDate) {
    return { signIns: plan.signIns.map((spec) => ({ spec, how: "cached" })), profiles: plan.profiles.map((p) => ({ profile: p.profile, ok: true })), upToDate: true };
  }

  // Files the keys go into are checked now: a damaged one must fail before the person is sent to
  // the browser, not after they approved the sign-in.
  if (plan.profiles.length > 0) {
    await readCredentialsFile(ctx.paths.credentialsFile);
    await readLedger(ledgerFile);
  }

  const signedIn = new Map<string, SignedIn>();
  for (const spec of plan.signIns) {
    signedIn.set(specKey(spec), await ensureSignedIn(ctx, spec, { force: input.force, browser: input.browser, flow: input.flow }));
  }
  for (const s of plan.skipped) ctx.stderr.write(`  skipped ${s.profile}: ${s.reason}\n`);

  const outcomes = await writeKeys(ctx, plan.profiles, signedIn, ledgerFile, input);
  if (plan.profiles.length === 0 && plan.skipped.length === 0) {
    ctx.stderr.write(
      `No profile in ${ctx.paths.configFile} uses this sign-in yet. To add one:\n  sso-cli configure profile NAME${plan.signIns[0]?.ssoSession ? ` --sso-session ${plan.signIns[0].ssoSession}` : ` --sso-start-url ${plan.signIns[0]?.startUrl ?? "URL"} --sso-region ${plan.signIns[0]?.region ?? "REGION"}`}\n`,
    );
  }
  const failed = outcomes.filter((o) => !o.ok);
  const result: LoginResult = {
    signIns: plan.signIns.map((spec) => ({ spec, how: signedIn.get(specKey(spec))?.how ?? "skipped" })),
    profiles: outcomes,
    upToDate: false,
  };
  if (failed.length > 0) {
    if (failed.length === outcomes.length) {
      if (failed.length === 1 && failed[0]!.error) throw failed[0]!.error;
      // Nothing was written, so this is no partial success: exit with the failures' own code.
      const codes = new Set(failed.map((f) => f.error?.exitCode ?? Exit.service));
      throw new SsoCliError(`None of the ${failed.length} profiles could be written.`, codes.size === 1 ? [...codes][0]! : Exit.service);
    }
    throw new PartialFailureError(failed.length, outcomes.length);
  }
  return result;
}

/**
 * GetRoleCredentials for every profile, concurrently but bounded, backing off together on
 * throttling; then one locked, atomic write of the credentials file for all of them.
 */
async function writeKeys(ctx: Context, profiles: TargetProfile[], signedIn: Map<string, SignedIn>, ledgerFile: string, input: LoginInput): Promise<ProfileOutcome[]> {
  if (profiles.length === 0) return [];
  const limiter = new RateLimiter(() => ctx.now().getTime());
  const renewed = new Map<string, Promise<SignedIn>>();

  const fetched = await mapBounded(profiles, FAN_OUT_CONCURRENCY, async (p): Promise<RoleKeys> => {
    const key = specKey(p.spec);
    const call = async (session: SignedIn) =>
      retryWithBackoff(() => getRoleCredentials(session.clients, session.accessToken, p.accountId, p.roleName), {
        sleep: ctx.sleep,
        now: () => ctx.now().getTime(),
        signal: ctx.signal,
        isRetryable,
        isThrottle,
        limiter,
        maxAttempts: 10,
      });
    const session = signedIn.get(key)!;
    try {
      return await call(session);
    } catch (err) {
      // The server no longer accepts a token we thought valid (revoked elsewhere): sign in once more.
      if (!isUnauthorized(err) || session.how === "signed-in") throw err;
      let again = renewed.get(key);
      if (!again) {
        again = ensureSignedIn(ctx, p.spec, { force: true, browser: input.browser, flow: input.flow });
        renewed.set(key, again);
      }
      const fresh = await again;
      signedIn.set(key, fresh);
      return call(fresh);
    }
  });

  const edits: CredentialsEdit[] = [];
  const outcomes: ProfileOutcome[] = [];
  fetched.forEach((r, i) => {
    const p = profiles[i]!;
    if (r.ok) {
      edits.push({
        profile: p.profile,
        set: {
          credentials: r.value,
          source: { ...(p.spec.ssoSession ? { ssoSession: p.spec.ssoSession } : { startUrl: p.spec.startUrl }), accountId: p.accountId, roleName: p.roleName },
        },
      });
    } else {
      const error = describeServiceError(r.error, `getting credentials for profile ${p.profile}`, signedIn.get(specKey(p.spec))!.clients.urls.portal);
      outcomes.push({ profile: p.profile, ok: false, error });
    }
  });
  const results = edits.length ? await updateCredentialsFile(ctx.paths.credentialsFile, edits, ledgerFile) : [];
  const expiry = new Map(edits.map((e) => [e.profile, e.set!.credentials.expiration]));
  for (const r of results) {
    if (r.outcome === "not-ours") {
      outcomes.push({
        profile: r.profile,
        ok: false,
        error: new SsoCliError(`Profile ${r.profile} in ${ctx.paths.credentialsFile} holds keys sso-cli did not write; left alone.`, 253, "Remove them by hand or use another profile name."),
      });
    } else {
      outcomes.push({ profile: r.profile, ok: true, expiresAt: expiry.get(r.profile)! });
    }
  }
  const order = new Map(profiles.map((p, i) => [p.profile, i]));
  outcomes.sort((a, b) => order.get(a.profile)! - order.get(b.profile)!);
  // A lone profile that failed is reported once, as the command's error (main.ts), not also here.
  if (outcomes.length === 1 && !outcomes[0]!.ok) return outcomes;
  const width = Math.min(32, Math.max(...outcomes.map((o) => o.profile.length)));
  for (const o of outcomes) {
    const target = profiles[order.get(o.profile)!]!;
    if (o.ok) ctx.stderr.write(`  ${o.profile.padEnd(width)}  ${target.accountId} ${target.roleName}  valid until ${formatExpiry(o.expiresAt!)}\n`);
    else ctx.stderr.write(`  ${o.profile.padEnd(width)}  FAILED: ${o.error?.message ?? "unknown error"}\n`);
  }
  const written = outcomes.filter((o) => o.ok).length;
  ctx.stderr.write(`Wrote keys for ${written} of ${outcomes.length} profile${outcomes.length === 1 ? "" : "s"} to ${ctx.paths.credentialsFile}.\n`);
  return outcomes;
}
