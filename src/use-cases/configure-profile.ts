import type { Context } from "../context.js";
import { BadValueError, ConfigError, UsageError } from "../errors.js";
import {
  checkName,
  findProfileSection,
  isValidAccountId,
  isValidRegion,
  isValidStartUrl,
  listSsoSessions,
  readConfigFile,
  removeProfileConfigKeys,
  setProfileConfig,
  setSsoSessionConfig,
} from "../files/config-file.js";
import { parseTimestamp } from "../files/token-cache.js";
import { escapeControlChars as shown } from "../lib/control-chars.js";
import { debugLogFor } from "../lib/debug-log.js";
import { listAccountRoles, listAccounts, type AccountInfo } from "../sso/list-accounts.js";
import { describeServiceError } from "../sso/service-errors.js";
import { createSsoClients } from "../sso/clients.js";
import { readCachedToken, type SignInFlow, type SignInSpec } from "./cached-sign-in.js";
import { ensureSignedIn } from "./sign-in.js";

export interface ConfigureProfileInput {
  profile: string;
  startUrl?: string | undefined;
  /** sso_region */
  region?: string | undefined;
  ssoSession?: string | undefined;
  accountId?: string | undefined;
  roleName?: string | undefined;
  /** The profile's `region` (default region for AWS clients). */
  clientRegion?: string | undefined;
  output?: string | undefined;
  legacy: boolean;
  force: boolean;
  browser: boolean;
  flow?: SignInFlow | undefined;
}

/** Asks a person; only given when stdin and stderr are a terminal. */
export interface Prompter {
  input(message: string, opts: { default?: string | undefined; validate(value: string): string | true }): Promise<string>;
  select(message: string, choices: { name: string; value: string; description?: string | undefined }[]): Promise<string>;
}

export interface ConfigureProfileResult {
  profile: string;
  ssoSession?: string | undefined;
  startUrl: string;
  region: string;
  accountId: string;
  roleName: string;
  changed: boolean;
}

const OUTPUTS = ["json", "yaml", "yaml-stream", "text", "table"];

/**
 * Writes `[profile NAME]` (and its `[sso-session]`) so that the AWS CLI, botocore and the JS SDK all
 * understand it (docs/protocol/config-files.md §3). Values missing from the flags are asked for on a terminal;
 * account and role are picked from what the sign-in can see.
 */
export async function configureProfile(ctx: Context, input: ConfigureProfileInput, prompter: Prompter | undefined): Promise<ConfigureProfileResult> {
  checkFlags(input);
  const file = ctx.paths.configFile;
  const debug = debugLogFor(ctx);
  const doc = await readConfigFile(file);
  const existingSection = findProfileSection(doc, input.profile);
  const existing = (existingSection !== undefined ? doc.getSection(existingSection) : undefined) ?? {};
  const wasLegacy = existing.sso_start_url !== undefined && existing.sso_session === undefined;
  const legacy = input.legacy || (wasLegacy && input.ssoSession === undefined);

  const ask = async (flag: string, message: string, validate: (v: string) => string | true, fallback?: string): Promise<string> => {
    if (!prompter) throw new UsageError(`${flag} is required (no terminal to ask on).`, `Pass ${flag} VALUE.`);
    return (await prompter.input(message, { default: fallback, validate })).trim();
  };
  const urlCheck = (v: string) => (isValidStartUrl(v.trim()) ? true : "An https start URL, e.g. https://d-1234567890.awsapps.com/start");
  const regionCheck = (v: string) => (isValidRegion(v.trim()) ? true : "An AWS region, e.g. us-east-1");

  let ssoSession: string | undefined;
  let startUrl = input.startUrl;
  let region = input.region;
  if (!legacy) {
    ssoSession = input.ssoSession ?? existing.sso_session;
    if (ssoSession === undefined && startUrl !== undefined) ssoSession = sessionFor(doc, startUrl);
    const session = ssoSession !== undefined ? doc.getSection(`sso-session ${ssoSession}`) : undefined;
    startUrl ??= session?.sso_start_url ?? existing.sso_start_url ?? (await ask("--sso-start-url", "SSO start URL", urlCheck));
    region ??= session?.sso_region ?? existing.sso_region ?? (await ask("--sso-region", "SSO region", regionCheck, "us-east-1"));
    ssoSession ??= prompter ? await prompter.input("SSO session name", { default: sessionFor(doc, startUrl), validate: (v) => (/^[\w.@+:/-]+$/.test(v.trim()) ? true : "Letters, digits and - _ . @ + : /") }) : sessionFor(doc, startUrl);
    if (session && !input.force) {
      for (const [key, wanted] of [["sso_start_url", startUrl], ["sso_region", region]] as const) {
        if (session[key] !== undefined && session[key] !== wanted) {
          throw new ConfigError(`sso-session ${ssoSession} already has ${key} = ${session[key]}.`, `Use another --sso-session name, or --force to change it.`);
        }
      }
    }
  } else {
    startUrl ??= existing.sso_start_url ?? (await ask("--sso-start-url", "SSO start URL", urlCheck));
    region ??= existing.sso_region ?? (await ask("--sso-region", "SSO region", regionCheck, "us-east-1"));
  }
  if (!isValidStartUrl(startUrl)) throw new BadValueError(`"${startUrl}" is not an IAM Identity Center start URL.`, "Use https://d-xxxxxxxxxx.awsapps.com/start or https://ID.portal.REGION.app.aws");
  if (!isValidRegion(region)) throw new BadValueError(`"${region}" is not an AWS region name.`);
  if (!input.force && legacy && existing.sso_session !== undefined) {
    throw new ConfigError(`Profile ${input.profile} uses sso-session ${existing.sso_session}.`, "Pass --force to switch it to the legacy form.");
  }
  if (!input.force && !legacy && wasLegacy && (existing.sso_start_url !== startUrl || (existing.sso_region !== undefined && existing.sso_region !== region))) {
    throw new ConfigError(`Profile ${input.profile} has its own sso_start_url/sso_region.`, "Pass --force to move it to an sso-session.");
  }

  debug("configure", { file, profile: input.profile, form: legacy ? "legacy" : "sso-session", ssoSession, startUrl, region, existing: existingSection ?? null });
  const spec: SignInSpec = legacy ? { startUrl, region, scopes: null } : { ssoSession, startUrl, region, scopes: ["sso:account:access"] };
  let accountId = input.accountId ?? existing.sso_account_id;
  let roleName = input.roleName ?? existing.sso_role_name;
  if (accountId === undefined || roleName === undefined) {
    const picked = await pickAccountAndRole(ctx, spec, { accountId, roleName, browser: input.browser, flow: input.flow }, prompter);
    accountId = picked.accountId;
    roleName = picked.roleName;
  }

  let changed = false;
  if (!legacy) {
    const sessionExists = doc.hasSection(`sso-session ${ssoSession}`);
    const sessionKeys: Record<string, string> = { sso_start_url: startUrl, sso_region: region };
    if (!sessionExists || doc.get(`sso-session ${ssoSession}`, "sso_registration_scopes") === undefined) sessionKeys.sso_registration_scopes = "sso:account:access";
    changed = (await setSsoSessionConfig(file, ssoSession!, sessionKeys)) || changed;
    if (wasLegacy) changed = (await removeProfileConfigKeys(file, input.profile, ["sso_start_url", "sso_region"])) || changed;
  } else if (existing.sso_session !== undefined) {
    changed = (await removeProfileConfigKeys(file, input.profile, ["sso_session"])) || changed;
  }
  const keys: Record<string, string> = legacy
    ? { sso_start_url: startUrl, sso_region: region, sso_account_id: accountId, sso_role_name: roleName }
    : { sso_session: ssoSession!, sso_account_id: accountId, sso_role_name: roleName };
  if (input.clientRegion !== undefined) keys.region = input.clientRegion;
  else if (existing.region === undefined) keys.region = region;
  if (input.output !== undefined) keys.output = input.output;
  changed = (await setProfileConfig(file, input.profile, keys)) || changed;
  debug("configure wrote", { changed, keys: Object.keys(keys) });

  ctx.stderr.write(
    shown(`${changed ? "Wrote" : "Unchanged:"} profile ${input.profile} in ${file}: ${legacy ? startUrl : `sso-session ${ssoSession}`}, account ${accountId}, role ${roleName}.`) +
      "\n" +
      shown(`Next: sso-cli login --profile ${input.profile}   then: aws sts get-caller-identity --profile ${input.profile}`) +
      "\n",
  );
  return { profile: input.profile, ssoSession, startUrl, region, accountId, roleName, changed };
}

function checkFlags(input: ConfigureProfileInput): void {
  // Names first: refused after a sign-in, or after the sso-session was written, would be too late.
  checkName("profile", input.profile);
  if (input.ssoSession !== undefined) checkName("sso-session", input.ssoSession);
  if (input.accountId !== undefined && !isValidAccountId(input.accountId)) throw new BadValueError(`--account-id must be 12 digits, not "${input.accountId}".`);
  if (input.startUrl !== undefined && !isValidStartUrl(input.startUrl)) {
    throw new BadValueError(`"${input.startUrl}" is not an IAM Identity Center start URL.`, "Use https://d-xxxxxxxxxx.awsapps.com/start or https://ID.portal.REGION.app.aws");
  }
  if (input.region !== undefined && !isValidRegion(input.region)) throw new BadValueError(`--sso-region "${input.region}" is not an AWS region name.`);
  if (input.clientRegion !== undefined && !isValidRegion(input.clientRegion)) throw new BadValueError(`--region "${input.clientRegion}" is not an AWS region name.`);
  if (input.output !== undefined && !OUTPUTS.includes(input.output)) throw new BadValueError(`--output must be one of ${OUTPUTS.join(", ")}.`);
  if (input.legacy && input.ssoSession !== undefined) throw new UsageError("--legacy and --sso-session do not go together.");
  if (input.roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(input.roleName)) throw new BadValueError(`--role-name "${input.roleName}" is not a permission set role name.`);
}

/** An sso-session already using this start URL, else a name taken from its host. */
function sessionFor(doc: Awaited<ReturnType<typeof readConfigFile>>, startUrl: string): string {
  const sessions = listSsoSessions(doc);
  const same = sessions.find((s) => doc.get(`sso-session ${s}`, "sso_start_url") === startUrl);
  if (same) return same;
  let base = "sso";
  try {
    base = new URL(startUrl).hostname.split(".")[0] || "sso";
  } catch {
    // keep "sso"
  }
  let name = base;
  for (let n = 2; sessions.includes(name); n++) name = `${base}-${n}`;
  return name;
}

async function pickAccountAndRole(
  ctx: Context,
  spec: SignInSpec,
  known: { accountId?: string | undefined; roleName?: string | undefined; browser: boolean; flow?: SignInFlow | undefined },
  prompter: Prompter | undefined,
): Promise<{ accountId: string; roleName: string }> {
  let accessToken: string;
  const clients = createSsoClients(spec.region, ctx.endpoints);
  if (prompter) {
    accessToken = (await ensureSignedIn(ctx, spec, { browser: known.browser, flow: known.flow })).accessToken;
  } else {
    // No terminal: use a sign-in that is already cached (under the sso-session or, from
    // `login START_URL REGION`, under the start URL); never open a browser from a script.
    let found: string | undefined;
    for (const candidate of [spec, { startUrl: spec.startUrl, region: spec.region, scopes: null }]) {
      const cached = await readCachedToken(ctx, candidate).catch(() => undefined);
      const expiresAt = cached ? parseTimestamp(cached.expiresAt) : undefined;
      if (cached && expiresAt && expiresAt.getTime() > ctx.now().getTime()) {
        found = cached.accessToken;
        break;
      }
    }
    if (found === undefined) {
      throw new UsageError(`${known.accountId === undefined ? "--account-id" : "--role-name"} is required (no terminal to ask on).`, `Pass ${known.accountId === undefined ? "--account-id ID" : "--role-name NAME"}.`);
    }
    accessToken = found;
  }
  const endpoint = clients.urls.portal;
  let accountId = known.accountId;
  if (accountId === undefined) {
    let accounts: AccountInfo[];
    try {
      accounts = await listAccounts(clients, accessToken);
    } catch (err) {
      throw describeServiceError(err, "listing your accounts", endpoint);
    }
    if (accounts.length === 0) throw new ConfigError("No AWS accounts are assigned to you in this Identity Center instance.");
    if (accounts.length === 1) {
      accountId = accounts[0]!.accountId;
      ctx.stderr.write(`${shown(`The only AWS account available to you is ${accounts[0]!.accountName} (${accountId}).`)}\n`);
    } else if (!prompter) {
      throw new UsageError(`--account-id is required: ${accounts.length} accounts are available (no terminal to ask on).`, "Pass --account-id ID.");
    } else {
      accountId = await prompter.select(
        `Which AWS account? (${accounts.length} available)`,
        accounts.map((a) => ({ name: `${a.accountName} (${a.accountId})`, value: a.accountId, description: a.emailAddress })),
      );
    }
  }
  let roleName = known.roleName;
  if (roleName === undefined) {
    let roles: string[];
    try {
      roles = await listAccountRoles(clients, accessToken, accountId);
    } catch (err) {
      throw describeServiceError(err, `listing your roles in account ${accountId}`, endpoint);
    }
    if (roles.length === 0) throw new ConfigError(`No roles are assigned to you in account ${accountId}.`);
    if (roles.length === 1) {
      roleName = roles[0]!;
      ctx.stderr.write(`${shown(`The only role available to you in account ${accountId} is ${roleName}.`)}\n`);
    } else if (!prompter) {
      throw new UsageError(`--role-name is required: ${roles.length} roles are available in account ${accountId} (no terminal to ask on).`, "Pass --role-name NAME.");
    } else {
      roleName = await prompter.select(`Which role in account ${accountId}? (${roles.length} available)`, roles.map((r) => ({ name: r, value: r })));
    }
  }
  return { accountId, roleName };
}
