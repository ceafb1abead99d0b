import type { Context } from "../../context.js";
import { readConfigFile } from "../../files/config-file.js";
import { readCredentialsFile, type CredentialsEdit } from "../../files/credentials-file.js";
import type { RoleCredentials } from "../../files/role-cache.js";
import {
  defaultLedgerFile,
  hashAccessKeyId,
  profilesHoldingWrittenKeys,
  readLedger,
  resolveFileIdentity,
  type Ledger,
} from "../../files/credentials-ledger.js";
import type { IniDocument } from "../../files/ini-document.js";
import { parseTimestamp } from "../../files/token-cache.js";
import { resolveLoginPlan, type LoginPlan, type TargetProfile, type TargetSelection } from "../../targets/resolve-targets.entry.js";
import { KEYS_MARGIN_MS } from "../../role-keys/credential-profile.entry.js";
import { addRenewableChains, chainKeysValidUntil, hasRoleChains } from "./login-chains.entry.js";
import { readCachedToken, TOKEN_MARGIN_MS, type SignInFlow, type SignInSpec } from "../../sign-in/cached-sign-in.entry.js";

export interface LoginInput extends TargetSelection {
  browser: boolean;
  force: boolean;
  /** --use-device-code / --use-pkce; undefined: chosen by whether a browser can be opened. */
  flow?: SignInFlow | undefined;
  /** Keep running after the login and renew the keys it wrote before they expire (keep-fresh.ts). */
  keepFresh?: boolean | undefined;
}

export type PrepareLoginDeps = Pick<Context, "now" | "paths" | "env">;

/** The write of a profile's fetched keys, recorded in the ledger as coming from its sign-in, account and role. */
export function keysEdit(p: TargetProfile, credentials: RoleCredentials): CredentialsEdit {
  return {
    profile: p.profile,
    set: {
      credentials,
      source: {
        ...(p.spec.ssoSession ? { ssoSession: p.spec.ssoSession } : { startUrl: p.spec.startUrl }),
        accountId: p.accountId,
        roleName: p.roleName,
      },
    },
  };
}

/** What a login is about and whether anything must be fetched: computed once, on the hot path or not. */
export interface PreparedLogin {
  plan: LoginPlan;
  ledgerFile: string;
  /** The token of every sign-in and the keys of every profile are good past the margins: no network. */
  upToDate: boolean;
  /** When up to date: the earliest key expiry (or token expiry, without profiles). */
  validUntil?: Date | undefined;
  /** When up to date: until when the same files keep it so (the first token or key to come within its margin). */
  answerUntil?: Date | undefined;
}

/**
 * The first half of every login, and all of it on the script hot path: which sign-ins and
 * profiles a login is about, and whether their tokens and keys are still good past the margins.
 * The credentials file and the ledger are read (and so checked) here whenever profiles get keys:
 * a damaged one fails before anyone is sent to a browser. Files only; no network.
 */
export async function prepareLogin(deps: PrepareLoginDeps, input: LoginInput): Promise<PreparedLogin> {
  // About one profile, the files are read lazily: only its sections (and its sso-session's). A
  // login that goes on to the network reads them whole first, so a damaged file still fails before
  // anyone is sent to a browser.
  const envProfile = input.profile ?? deps.env.AWS_PROFILE ?? undefined;
  const lazy =
    input.profile !== undefined ||
    (envProfile !== undefined && envProfile !== "" && input.ssoSession === undefined && !input.all && input.startUrl === undefined);
  const doc = await readConfigFile(deps.paths.configFile, { lazy, profile: lazy ? envProfile : undefined });
  let plan = resolveLoginPlan(doc, { ...input, envProfile });
  const ledgerFile = defaultLedgerFile(deps.paths.home);
  // A login of a sign-in also renews the role chains on it that hold keys sso-cli wrote (login-chains.entry.ts).
  const renewChains = !lazy && hasRoleChains(doc);
  let keys =
    plan.profiles.length > 0 || plan.chains !== undefined || renewChains ? await readWrittenKeys(deps, ledgerFile, lazy) : undefined;
  if (plan.keyless > 0) {
    // Populated profiles get no keys unless they already hold keys sso-cli wrote (a login named
    // them): those a plain login renews like any other.
    keys ??= await readWrittenKeys(deps, ledgerFile, lazy);
    const { ledger, fileKey, credentials } = keys;
    const holdingKeys = profilesHoldingWrittenKeys(ledger, fileKey, (p) => credentials.get(p, "aws_access_key_id"));
    if (holdingKeys.size > 0) plan = resolveLoginPlan(doc, { ...input, envProfile, holdingKeys });
  }
  if (keys && renewChains) addRenewableChains(doc, plan, keys.ledger.files[keys.fileKey] ?? {});
  const until = input.force ? undefined : await upToDateUntil(deps, plan.signIns, plan.profiles, keys);
  let validUntil = until?.validUntil;
  if (validUntil !== undefined && plan.chains !== undefined && keys) {
    const chainsUntil = chainKeysValidUntil(plan.chains, keys.ledger.files[keys.fileKey] ?? {}, keys.credentials, deps.now().getTime());
    // The earliest key expiry: of the profiles' keys and the chains' (the token's counts only without keys).
    validUntil = chainsUntil && (plan.profiles.length > 0 ? new Date(Math.min(chainsUntil.getTime(), validUntil.getTime())) : chainsUntil);
  }
  if (lazy && validUntil === undefined) {
    await readConfigFile(deps.paths.configFile);
    if (keys) await readCredentialsFile(deps.paths.credentialsFile);
  }
  // Both margins are checked against the same clock: the answer holds until the first comes due.
  const answerUntil =
    validUntil && until ? new Date(Math.min(validUntil.getTime() - KEYS_MARGIN_MS, until.tokensUntil - TOKEN_MARGIN_MS)) : undefined;
  return { plan, ledgerFile, upToDate: validUntil !== undefined, validUntil, answerUntil };
}

interface WrittenKeys {
  ledger: Ledger;
  fileKey: string;
  credentials: IniDocument;
}

async function readWrittenKeys(deps: PrepareLoginDeps, ledgerFile: string, lazy: boolean): Promise<WrittenKeys> {
  const [ledger, fileKey, credentials] = await Promise.all([
    readLedger(ledgerFile),
    resolveFileIdentity(deps.paths.credentialsFile),
    readCredentialsFile(deps.paths.credentialsFile, { lazy }),
  ]);
  return { ledger, fileKey, credentials };
}

/**
 * When the token of every sign-in and the keys of every profile stay valid past the margins, the
 * earliest key expiry (or the token's, with no profiles), and the earliest token expiry (epoch ms);
 * undefined when anything must be fetched.
 */
async function upToDateUntil(
  ctx: PrepareLoginDeps,
  specs: SignInSpec[],
  profiles: TargetProfile[],
  keys: WrittenKeys | undefined,
): Promise<{ validUntil: Date; tokensUntil: number } | undefined> {
  const now = ctx.now().getTime();
  let soonest = Number.POSITIVE_INFINITY;
  for (const spec of specs) {
    const cached = await readCachedToken(ctx, spec);
    const expiresAt = cached ? parseTimestamp(cached.expiresAt) : undefined;
    if (!cached || !expiresAt || cached.startUrl !== spec.startUrl || expiresAt.getTime() - now <= TOKEN_MARGIN_MS) return undefined;
    soonest = Math.min(soonest, expiresAt.getTime());
  }
  if (profiles.length === 0 || !keys) return { validUntil: new Date(soonest), tokensUntil: soonest };
  const { ledger, fileKey, credentials: doc } = keys;
  const written = ledger.files[fileKey] ?? {};
  let soonestKeys = Number.POSITIVE_INFINITY;
  for (const p of profiles) {
    const e = Object.hasOwn(written, p.profile) ? written[p.profile] : undefined;
    const expiresAt = e ? Date.parse(e.expiresAt) : Number.NaN;
    if (!e || !(expiresAt - now > KEYS_MARGIN_MS)) return undefined;
    if (e.source.accountId !== p.accountId || e.source.roleName !== p.roleName) return undefined;
    if (p.spec.ssoSession !== undefined ? e.source.ssoSession !== p.spec.ssoSession : e.source.startUrl !== p.spec.startUrl)
      return undefined;
    const keyId = doc.get(p.profile, "aws_access_key_id");
    if (keyId === undefined || e.accessKeyIdSha256 !== hashAccessKeyId(keyId)) return undefined;
    soonestKeys = Math.min(soonestKeys, expiresAt);
  }
  return { validUntil: new Date(soonestKeys), tokensUntil: soonest };
}
