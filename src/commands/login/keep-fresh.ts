import type { Context } from "../../context.js";
import { LoginRequiredError, SsoCliError } from "../../errors.js";
import { updateCredentialsFile, type CredentialsEdit } from "../../files/credentials-file.js";
import { readLedger, resolveFileIdentity } from "../../files/credentials-ledger.js";
import { recordRunningKeeper } from "../../files/running-keepers.js";
import { mapBounded } from "../../lib/bounded-concurrency.js";
import { formatExpiry } from "../../lib/progress.js";
import { getRoleCredentials } from "../../sso/get-role-credentials.js";
import { describeServiceError, isUnauthorized } from "../../sso/service-errors.js";
import { FAN_OUT_CONCURRENCY, serviceRetry } from "../../sso/service-retry.js";
import { describeSignIn } from "../../sign-in/cached-sign-in.entry.js";
import { ensureSignedIn, type SignedIn } from "../../sign-in/sign-in.js";
import { specKey, type TargetProfile } from "../../targets/resolve-targets.entry.js";
import { MIN_RENEWAL_GAP_MS, renewalDelayMs } from "../serve/renewal-rule.js";
import { keysEdit, prepareLogin, type LoginInput } from "./login-plan.entry.js";

/** How `login --keep-fresh` ended: Ctrl-C or SIGTERM (the file whole, its keys valid until `validUntil`). */
export interface KeepFreshStopped {
  renewals: number;
  validUntil?: Date | undefined;
}

/**
 * `login --keep-fresh`, after the login: renews the keys it wrote in the credentials file before
 * they expire, by the renewal rule (serve/renewal-rule.ts), with one locked write for all the
 * profiles due at once, and says each renewal in one line on stderr. Uses the cached sign-in,
 * refreshed silently; when that needs a browser it ends with LoginRequiredError. Ctrl-C or
 * SIGTERM end it between writes (a write under way finishes first: the file stays whole).
 */
export async function keepFresh(ctx: Context, input: LoginInput): Promise<KeepFreshStopped> {
  const { plan, ledgerFile } = await prepareLogin(ctx, { ...input, force: false });
  const profiles = plan.profiles;
  const next = new Map<string, number>();
  const expiry = new Map<string, number>();
  const ledger = await readLedger(ledgerFile);
  const written = ledger.files[await resolveFileIdentity(ctx.paths.credentialsFile)] ?? {};
  const now0 = ctx.now().getTime();
  for (const p of profiles) {
    const e = Object.hasOwn(written, p.profile) ? Date.parse(written[p.profile]!.expiresAt) : Number.NaN;
    if (Number.isFinite(e)) expiry.set(p.profile, e);
    next.set(p.profile, Number.isFinite(e) ? now0 + renewalDelayMs(e - now0) : now0);
  }
  const forget = await recordRunningKeeper(ctx.paths.home, {
    command: "login --keep-fresh",
    profiles: profiles.map((p) => p.profile),
    startedAt: ctx.now().toISOString(),
  });
  let renewals = 0;
  const stopped = (): KeepFreshStopped => ({ renewals, validUntil: expiry.size ? new Date(Math.min(...expiry.values())) : undefined });
  try {
    for (;;) {
      if (profiles.length === 0 || ctx.signal.aborted) return stopped();
      const wake = Math.min(...next.values());
      try {
        await ctx.sleep(Math.max(0, wake - ctx.now().getTime()), ctx.signal);
      } catch (err) {
        if (ctx.signal.aborted) return stopped();
        throw err;
      }
      if (ctx.signal.aborted) return stopped();
      const now = ctx.now().getTime();
      const due = profiles.filter((p) => next.get(p.profile)! <= now);
      let results;
      try {
        results = await renew(ctx, due, ledgerFile);
      } catch (err) {
        if (ctx.signal.aborted) return stopped();
        throw err;
      }
      for (const r of results) {
        const after = ctx.now().getTime();
        if (r.ok) {
          renewals += 1;
          expiry.set(r.profile, r.expiresAt.getTime());
          next.set(r.profile, after + renewalDelayMs(r.expiresAt.getTime() - after));
          ctx.stderr.write(`sso-cli: renewed profile ${r.profile}: keys valid until ${formatExpiry(r.expiresAt)}.\n`);
        } else {
          // A passing fault (throttling, the network): said, and tried again in a minute.
          next.set(r.profile, after + MIN_RENEWAL_GAP_MS);
          ctx.stderr.write(`sso-cli: could not renew profile ${r.profile}: ${r.error.message} (trying again in a minute)\n`);
        }
      }
    }
  } finally {
    await forget().catch(() => undefined);
  }
}

type Renewal = { profile: string; ok: true; expiresAt: Date } | { profile: string; ok: false; error: SsoCliError };

/** GetRoleCredentials for the profiles due, then one locked, atomic write for all that got keys. */
async function renew(ctx: Context, due: TargetProfile[], ledgerFile: string): Promise<Renewal[]> {
  const sessions = new Map<string, SignedIn>();
  for (const p of due) {
    const key = specKey(p.spec);
    // Never a browser: without a sign-in that renews by itself, keep-fresh ends (exit 253).
    if (!sessions.has(key))
      sessions.set(
        key,
        await ensureSignedIn(ctx, p.spec, { signIn: false, loginHint: `sso-cli login --keep-fresh --profile ${p.profile}` }),
      );
  }
  const retry = serviceRetry(ctx);
  const fetched = await mapBounded(due, FAN_OUT_CONCURRENCY, (p) => {
    const s = sessions.get(specKey(p.spec))!;
    return retry(() => getRoleCredentials(s.clients, s.accessToken, p.accountId, p.roleName));
  });
  const edits: CredentialsEdit[] = [];
  const out: Renewal[] = [];
  fetched.forEach((r, i) => {
    const p = due[i]!;
    if (r.ok) {
      edits.push(keysEdit(p, r.value));
    } else if (isUnauthorized(r.error)) {
      throw new LoginRequiredError(describeSignIn(p.spec), `sso-cli login --keep-fresh --profile ${p.profile}`);
    } else {
      out.push({
        profile: p.profile,
        ok: false,
        error: describeServiceError(r.error, `renewing keys for profile ${p.profile}`, sessions.get(specKey(p.spec))!.clients.urls.portal),
      });
    }
  });
  if (edits.length === 0) return out;
  const results = await updateCredentialsFile(ctx.paths.credentialsFile, edits, ledgerFile);
  const byProfile = new Map(edits.map((e) => [e.profile, e.set!.credentials.expiration]));
  for (const r of results) {
    out.push(
      r.outcome === "not-ours"
        ? {
            profile: r.profile,
            ok: false,
            error: new SsoCliError(
              `profile ${r.profile} in ${ctx.paths.credentialsFile} now holds keys sso-cli did not write; left alone`,
              253,
            ),
          }
        : { profile: r.profile, ok: true, expiresAt: byProfile.get(r.profile)! },
    );
  }
  return out;
}
