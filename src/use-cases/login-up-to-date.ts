import type { Context } from "../context.js";
import { readConfigFile } from "../files/config-file.js";
import { readCredentialsFile } from "../files/credentials-file.js";
import { defaultLedgerFile, hashAccessKeyId, readLedger, resolveFileIdentity } from "../files/credentials-ledger.js";
import { parseTimestamp } from "../files/token-cache.js";
import { formatExpiry } from "../lib/progress.js";
import { resolveLoginPlan, type LoginPlan, type TargetProfile, type TargetSelection } from "./resolve-targets.js";
import { readCachedToken, TOKEN_MARGIN_MS, type SignInFlow, type SignInSpec } from "./cached-sign-in.js";

export interface LoginInput extends TargetSelection {
  browser: boolean;
  force: boolean;
  /** --use-device-code / --use-pkce; undefined: chosen by whether a browser can be opened. */
  flow?: SignInFlow | undefined;
}

/**
 * Keys with less than this left are renewed: botocore re-runs a credential source before every
 * call once fewer than 15 minutes remain (credential-formats.md §1.3), so fresher keys avoid that.
 */
export const KEYS_MARGIN_MS = 15 * 60_000;

export type UpToDateDeps = Pick<Context, "now" | "paths" | "env" | "stderr">;

/**
 * The first half of every login, and all of it on the script hot path: what the login is about,
 * and whether its token and every profile's keys are still good past the margins. When they are,
 * says so and the login is done, without a network call. bin/sso-cli runs this from a small
 * CommonJS bundle before loading the rest (scripts/build.mjs).
 */
export async function checkLoginUpToDate(deps: UpToDateDeps, input: LoginInput): Promise<{ plan: LoginPlan; ledgerFile: string; upToDate: boolean }> {
  const doc = await readConfigFile(deps.paths.configFile);
  const plan = resolveLoginPlan(doc, { ...input, envProfile: input.profile ?? deps.env.AWS_PROFILE ?? undefined });
  const ledgerFile = defaultLedgerFile(deps.paths.home);
  const soonest = input.force ? undefined : await upToDateUntil(deps, plan.signIns, plan.profiles, ledgerFile);
  if (soonest === undefined) return { plan, ledgerFile, upToDate: false };
  const n = plan.profiles.length;
  deps.stderr.write(`Already signed in${n ? `; keys for ${n} profile${n === 1 ? "" : "s"} valid until ${formatExpiry(soonest)}` : ""}. (--force renews them.)\n`);
  return { plan, ledgerFile, upToDate: true };
}

/**
 * When the token of every sign-in and the keys of every profile stay valid past the margins, the
 * earliest key expiry (or the token's, with no profiles); undefined when anything must be fetched.
 * Reads each file once: this is the hot path of scripts.
 */
async function upToDateUntil(ctx: UpToDateDeps, specs: SignInSpec[], profiles: TargetProfile[], ledgerFile: string): Promise<Date | undefined> {
  const now = ctx.now().getTime();
  let soonest = Number.POSITIVE_INFINITY;
  for (const spec of specs) {
    const cached = await readCachedToken(ctx, spec);
    const expiresAt = cached ? parseTimestamp(cached.expiresAt) : undefined;
    if (!cached || !expiresAt || cached.startUrl !== spec.startUrl || expiresAt.getTime() - now <= TOKEN_MARGIN_MS) return undefined;
    soonest = Math.min(soonest, expiresAt.getTime());
  }
  if (profiles.length === 0) return new Date(soonest);
  const [ledger, fileKey, doc] = await Promise.all([readLedger(ledgerFile), resolveFileIdentity(ctx.paths.credentialsFile), readCredentialsFile(ctx.paths.credentialsFile)]);
  const written = ledger.files[fileKey] ?? {};
  let soonestKeys = Number.POSITIVE_INFINITY;
  for (const p of profiles) {
    const e = Object.hasOwn(written, p.profile) ? written[p.profile] : undefined;
    const expiresAt = e ? Date.parse(e.expiresAt) : Number.NaN;
    if (!e || !(expiresAt - now > KEYS_MARGIN_MS)) return undefined;
    if (e.source.accountId !== p.accountId || e.source.roleName !== p.roleName) return undefined;
    if (p.spec.ssoSession !== undefined ? e.source.ssoSession !== p.spec.ssoSession : e.source.startUrl !== p.spec.startUrl) return undefined;
    const keyId = doc.get(p.profile, "aws_access_key_id");
    if (keyId === undefined || e.accessKeyIdSha256 !== hashAccessKeyId(keyId)) return undefined;
    soonestKeys = Math.min(soonestKeys, expiresAt);
  }
  return new Date(soonestKeys);
}

