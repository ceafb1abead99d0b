import type { Context } from "../../context.js";
import { LoginRequiredError, SsoCliError, UsageError } from "../../errors.js";
import { listProfiles, readConfigFile, resolveSsoProfile } from "../../files/config-file.js";
import type { IniDocument } from "../../files/ini-document.js";
import { mapBounded } from "../../lib/bounded-concurrency.js";
import { debugLogFor } from "../../lib/debug-log.js";
import { noMatchLine } from "../../lib/no-match.js";
import { listAccountRoles, listAccounts, type AccountInfo } from "../../sso/list-accounts.js";
import { describeServiceError, isUnauthorized } from "../../sso/service-errors.js";
import { FAN_OUT_CONCURRENCY, serviceRetry, throttleNotice } from "../../sso/service-retry.js";
import { describeSignIn, type SignInSpec } from "../../sign-in/cached-sign-in.entry.js";
import { resolveLoginPlan } from "../../targets/resolve-targets.entry.js";
import { chainBaseProfile, configSection, isRoleProfile } from "../../role-keys/role-chain.entry.js";
import { ensureSignedIn } from "../../sign-in/sign-in.js";
import { warnUnknownRegions } from "../../lib/aws-regions.js";
import { naturalCompare } from "../../lib/natural-sort.js";
import { sayRefusedSignIn } from "../../sign-in/refused-sign-in.js";

export interface RolesInput {
  startUrl?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  ssoSession?: string | undefined;
  /** Only this account: its 12-digit id, or its name (case does not matter). */
  account?: string | undefined;
  /** Only roles of this name (case does not matter). */
  role?: string | undefined;
  /** False with --no-browser. */
  browser: boolean;
}

export interface RoleRow {
  accountId: string;
  accountName: string;
  emailAddress?: string | undefined;
  roleName: string;
  /** Local profiles (of this Identity Center instance) that name this account and role. */
  profiles: string[];
  /** Role-chain profiles (role_arn + source_profile) whose keys start from one of `profiles`. */
  chainedProfiles: string[];
}

export interface RolesResult {
  signIn: string;
  rows: RoleRow[];
  /** Accounts listed (after --account). */
  accounts: number;
  /** Said when --account or --role matched nothing listed (lib/no-match.ts). */
  unmatched?: string | undefined;
  /** Accounts whose roles could not be listed, each with the reason. */
  failed: { accountId: string; accountName: string; error: SsoCliError }[];
}

/**
 * Every account × role the sign-in can use (ListAccounts, then ListAccountRoles per account, 16 at
 * a time, backing off together on throttling, as login fetches keys), with the local profiles that
 * point at each. On a terminal it signs in the way login does when it must; elsewhere it never
 * asks a person and says "run: sso-cli login …" instead.
 */
export async function listRoles(ctx: Context, input: RolesInput): Promise<RolesResult> {
  if ([input.startUrl, input.profile, input.ssoSession].filter((v) => v !== undefined).length > 1)
    throw new UsageError("Give only one of START_URL, --profile and --sso-session.");
  const doc = await readConfigFile(ctx.paths.configFile);
  warnUnknownRegions(ctx.stderr, [["REGION", input.region]]);
  const plan = resolveLoginPlan(doc, {
    startUrl: input.startUrl,
    region: input.region,
    profile: input.profile,
    ssoSession: input.ssoSession,
    envProfile: ctx.env.AWS_PROFILE || undefined,
  });
  // Several sign-ins can name one start URL (an sso-session and legacy profiles): one user, one list.
  const spec = plan.signIns.find((s) => s.ssoSession !== undefined) ?? plan.signIns[0];
  if (!spec) throw new UsageError("Nothing to list: no sign-in was found for that.");
  const loginHint = `sso-cli login ${input.profile !== undefined ? `--profile ${input.profile}` : spec.ssoSession !== undefined ? `--sso-session ${spec.ssoSession}` : `${spec.startUrl} ${spec.region}`}`;
  // A person is there to sign in only when both the prompts and the input are a terminal.
  const canAsk = ctx.tty.stdin && ctx.tty.stderr;
  const debug = debugLogFor(ctx);
  debug(`roles: sign-in ${describeSignIn(spec)}`, { canSignIn: canAsk });
  let session = await ensureSignedIn(ctx, spec, { signIn: canAsk, browser: input.browser, loginHint });

  const retry = serviceRetry(ctx, { onThrottled: throttleNotice((line) => ctx.stderr.write(`${line}\n`)) });

  let accounts: AccountInfo[];
  try {
    accounts = await retry(() => listAccounts(session.clients, session.accessToken));
  } catch (err) {
    if (!isUnauthorized(err)) throw describeServiceError(err, "listing accounts", session.clients.urls.portal);
    // The service no longer takes a token we thought valid (signed out elsewhere).
    if (!canAsk || session.how === "signed-in") throw new LoginRequiredError(describeSignIn(spec), loginHint);
    sayRefusedSignIn(ctx.stderr, spec);
    const fresh = await ensureSignedIn(ctx, spec, { force: true, browser: input.browser });
    session = fresh;
    accounts = await retry(() => listAccounts(fresh.clients, fresh.accessToken)).catch((e: unknown) => {
      throw describeServiceError(e, "listing accounts", fresh.clients.urls.portal);
    });
  }
  const wanted = input.account?.toLowerCase();
  const allAccounts = accounts;
  if (wanted !== undefined) accounts = accounts.filter((a) => a.accountId === input.account || a.accountName.toLowerCase() === wanted);
  let unmatched =
    input.account !== undefined && accounts.length === 0 && allAccounts.length > 0
      ? noMatchLine(
          "account",
          "--account",
          [input.account],
          allAccounts.map((a) => a.accountName),
        )
      : undefined;
  debug(`roles: ${accounts.length} accounts to list roles of`);

  const listed = await mapBounded(accounts, FAN_OUT_CONCURRENCY, (a) =>
    retry(() => listAccountRoles(session.clients, session.accessToken, a.accountId)),
  );
  const pointing = profilesByRole(doc, spec);
  const chained = chainsByRole(doc, pointing);
  const rows: RoleRow[] = [];
  const failed: RolesResult["failed"] = [];
  const role = input.role?.toLowerCase();
  const roleNames = new Set<string>();
  listed.forEach((r, i) => {
    const a = accounts[i]!;
    if (!r.ok) {
      const error = isUnauthorized(r.error)
        ? new LoginRequiredError(describeSignIn(spec), loginHint)
        : describeServiceError(r.error, `listing the roles of account ${a.accountId}`, session.clients.urls.portal);
      failed.push({ accountId: a.accountId, accountName: a.accountName, error });
      return;
    }
    for (const roleName of r.value) {
      roleNames.add(roleName);
      if (role !== undefined && roleName.toLowerCase() !== role) continue;
      rows.push({
        accountId: a.accountId,
        accountName: a.accountName,
        emailAddress: a.emailAddress,
        roleName,
        profiles: pointing.get(`${a.accountId}/${roleName}`) ?? [],
        chainedProfiles: chained.get(`${a.accountId}/${roleName}`) ?? [],
      });
    }
  });
  const byName = (x: RoleRow, y: RoleRow): number =>
    naturalCompare(x.accountName, y.accountName) || x.accountId.localeCompare(y.accountId) || naturalCompare(x.roleName, y.roleName);
  if (input.role !== undefined && rows.length === 0 && failed.length === 0 && roleNames.size > 0)
    unmatched ??= noMatchLine("role", "--role", [input.role], roleNames);
  return { signIn: describeSignIn(spec), rows: rows.sort(byName), accounts: accounts.length, unmatched, failed };
}

/** Start URLs compare without a trailing "/" or "#/", which people add or drop freely. */
const normalizeStartUrl = (u: string): string => u.replace(/#\/?$/, "").replace(/\/+$/, "");

/** "account/role" → the profiles of the same Identity Center instance that name it, in file order. */
function profilesByRole(doc: IniDocument, spec: SignInSpec): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of listProfiles(doc)) {
    let p;
    try {
      p = resolveSsoProfile(doc, name);
    } catch {
      continue; // not an Identity Center profile, or a broken one: nothing points anywhere
    }
    if (p.accountId === undefined || p.roleName === undefined || normalizeStartUrl(p.startUrl) !== normalizeStartUrl(spec.startUrl))
      continue;
    const key = `${p.accountId}/${p.roleName}`;
    out.set(key, [...(out.get(key) ?? []), name]);
  }
  return out;
}

/** "account/role" → the role chains whose base profile is one of the profiles pointing at it, in file order. */
function chainsByRole(doc: IniDocument, pointing: Map<string, string[]>): Map<string, string[]> {
  const roleOf = new Map<string, string>();
  for (const [key, names] of pointing) for (const n of names) roleOf.set(n, key);
  const config = configSection(doc);
  const out = new Map<string, string[]>();
  for (const name of listProfiles(doc)) {
    if (!isRoleProfile(config(name))) continue;
    const base = chainBaseProfile(name, config);
    const key = base !== undefined ? roleOf.get(base) : undefined;
    if (key !== undefined) out.set(key, [...(out.get(key) ?? []), name]);
  }
  return out;
}
