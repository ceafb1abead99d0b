import type { Context } from "../../context.js";
import { BadValueError, ConfigError, UsageError, ServiceError } from "../../errors.js";
import {
  applyConfigEdits,
  checkName,
  findProfileSection,
  isValidAccountId,
  isValidRoleName,
  isValidRegion,
  isValidStartUrl,
  listSsoSessions,
  readConfigFile,
  ssoSessionFor,
  type ConfigEdit,
} from "../../files/config-file.js";
import { noticeTo } from "../../files/atomic-write.js";
import type { IniDocument } from "../../files/ini-document.js";
import { parseTimestamp } from "../../files/token-cache.js";
import { escapeControlChars as shown } from "../../lib/control-chars.js";
import { credentialProcessLine } from "../../lib/credential-process-line.js";
import { debugLogFor } from "../../lib/debug-log.js";
import { createSsoClients } from "../../sso/clients.js";
import { networkFor } from "../../network/network-for.js";
import { listAccountRoles, listAccounts, type AccountInfo } from "../../sso/list-accounts.js";
import { describeServiceError } from "../../sso/service-errors.js";
import { readCachedToken, type SignInFlow, type SignInSpec } from "../../sign-in/cached-sign-in.entry.js";
import { ensureSignedIn } from "../../sign-in/sign-in.js";
import { nearRegions, warnUnknownRegions } from "../../lib/aws-regions.js";
import { expandStartUrl } from "../../lib/start-url.js";

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
  /** Also write `credential_process` calling this sso-cli, for tools that know no SSO. */
  credentialProcess?: boolean | undefined;
}

export interface Choice {
  name: string;
  value: string;
  description?: string | undefined;
}

/** Asks a person; only given when stdin and stderr are a terminal. */
export interface Prompter {
  input(message: string, opts: { default?: string | undefined; validate(value: string): string | true }): Promise<string>;
  /** `default` is the value picked when the person just presses Enter. */
  select(message: string, choices: Choice[], opts?: { default?: string | undefined }): Promise<string>;
}

export interface ConfigureProfileResult {
  profile: string;
  file: string;
  form: "sso-session" | "legacy";
  ssoSession?: string | undefined;
  startUrl: string;
  region: string;
  accountId: string;
  roleName: string;
  /** The profile's `region` and `output` as written (undefined: left as they were, or absent). */
  clientRegion?: string | undefined;
  output?: string | undefined;
  /** The one edit of the config file, as applied. */
  edits: ConfigEdit[];
  changed: boolean;
}

export const OUTPUT_FORMATS = ["json", "yaml", "yaml-stream", "text", "table"];
const NEW_SESSION = "\u0000new";
const DEFAULT_SCOPES = "sso:account:access";

/**
 * Writes `[profile NAME]` (and its `[sso-session]`) so that the AWS CLI, botocore and the JS SDK all
 * understand it (docs/protocol/config-files.md §3), in one locked edit of the config file.
 *
 * On a terminal it asks, as `aws configure sso` does, for whatever the flags leave open, with the
 * current values as defaults when the profile exists: the sso-session (existing ones first), the
 * account and role (after a sign-in), the default region and the output format. Without a
 * terminal it never asks: flags, else the profile's current values, else a usage error.
 */
export async function configureProfile(
  ctx: Context,
  input: ConfigureProfileInput,
  prompter: Prompter | undefined,
): Promise<ConfigureProfileResult> {
  checkFlags(input);
  warnUnknownRegions(ctx.stderr, [
    ["--sso-region", input.region],
    ["--region", input.clientRegion],
  ]);
  const file = ctx.paths.configFile;
  const debug = debugLogFor(ctx);
  const doc = await readConfigFile(file);
  const existingSection = findProfileSection(doc, input.profile);
  const written = (existingSection !== undefined ? doc.getSection(existingSection) : undefined) ?? {};
  // An empty value is no value, as `aws configure sso` takes it: `sso_session =` names no sso-session
  // (and is removed or replaced below, since botocore would look for one named "").
  const existing = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(written)) if (value !== "") existing[key] = value;
  const wasLegacy = existing.sso_start_url !== undefined && existing.sso_session === undefined;
  const legacy = input.legacy || (wasLegacy && input.ssoSession === undefined && input.startUrl === undefined);

  const where: { ssoSession?: string; startUrl: string; region: string } = legacy
    ? await chooseLegacySignIn(input, existing, prompter)
    : await chooseSession(doc, input, existing, prompter);
  const { startUrl, region, ssoSession } = where;
  if (!input.force && legacy && existing.sso_session !== undefined) {
    throw new ConfigError(
      `Profile ${input.profile} uses sso-session ${existing.sso_session}.`,
      "Pass --force to switch it to the legacy form.",
    );
  }
  if (
    !input.force &&
    !legacy &&
    wasLegacy &&
    (existing.sso_start_url !== startUrl || (existing.sso_region !== undefined && existing.sso_region !== region))
  ) {
    throw new ConfigError(`Profile ${input.profile} has its own sso_start_url/sso_region.`, "Pass --force to move it to an sso-session.");
  }
  debug("configure", {
    file,
    profile: input.profile,
    form: legacy ? "legacy" : "sso-session",
    ssoSession,
    startUrl,
    region,
    existing: existingSection ?? null,
  });

  const spec: SignInSpec = legacy ? { startUrl, region, scopes: null } : { ssoSession, startUrl, region, scopes: [DEFAULT_SCOPES] };
  const { accountId, roleName } = await chooseAccountAndRole(ctx, spec, input, existing, prompter);
  const clientRegion =
    input.clientRegion ??
    (prompter ? await askClientRegion(prompter, existing.region ?? region) : existing.region === undefined ? region : undefined);
  const output = input.output ?? (prompter ? await askOutput(prompter, existing.output) : undefined);

  const credentialProcess = input.credentialProcess
    ? credentialProcessLine({ platform: ctx.platform, node: ctx.nodePath, script: ctx.programPath }, input.profile)
    : undefined;
  const edits = planEdits({
    profile: input.profile,
    legacy,
    wasLegacy,
    existing: written,
    ssoSession,
    startUrl,
    region,
    accountId,
    roleName,
    clientRegion,
    output,
    credentialProcess,
    sessionHasScopes: ssoSession !== undefined && doc.get(`sso-session ${ssoSession}`, "sso_registration_scopes") !== undefined,
  });
  const changed = await applyConfigEdits(file, edits, { notice: noticeTo(ctx.stderr) });
  debug("configure wrote", {
    changed,
    edits: edits.map((e) => ({ section: e.section, set: Object.keys(e.set ?? {}), remove: e.remove ?? [] })),
  });
  return {
    profile: input.profile,
    file,
    form: legacy ? "legacy" : "sso-session",
    ssoSession,
    startUrl,
    region,
    accountId,
    roleName,
    clientRegion,
    output,
    edits,
    changed,
  };
}

/** The whole change as data: the sso-session's keys, then the profile's, each set or removed. */
export function planEdits(p: {
  profile: string;
  legacy: boolean;
  wasLegacy: boolean;
  /** The profile's keys as written (empty values too: a legacy profile loses even an empty sso_session). */
  existing: Record<string, string>;
  ssoSession: string | undefined;
  startUrl: string;
  region: string;
  accountId: string;
  roleName: string;
  clientRegion: string | undefined;
  output: string | undefined;
  credentialProcess?: string | undefined;
  /** The sso-session already names its registration scopes (then they are left as they are). */
  sessionHasScopes: boolean;
}): ConfigEdit[] {
  const edits: ConfigEdit[] = [];
  const profileKeys: Record<string, string> = p.legacy
    ? { sso_start_url: p.startUrl, sso_region: p.region, sso_account_id: p.accountId, sso_role_name: p.roleName }
    : { sso_session: p.ssoSession!, sso_account_id: p.accountId, sso_role_name: p.roleName };
  if (p.clientRegion !== undefined) profileKeys.region = p.clientRegion;
  if (p.output !== undefined) profileKeys.output = p.output;
  if (p.credentialProcess !== undefined) profileKeys.credential_process = p.credentialProcess;
  if (!p.legacy) {
    const sessionKeys: Record<string, string> = { sso_start_url: p.startUrl, sso_region: p.region };
    if (!p.sessionHasScopes) sessionKeys.sso_registration_scopes = DEFAULT_SCOPES;
    edits.push({ section: { ssoSession: p.ssoSession! }, set: sessionKeys });
  }
  const remove = p.legacy
    ? p.existing.sso_session !== undefined
      ? ["sso_session"]
      : []
    : p.wasLegacy
      ? ["sso_start_url", "sso_region"]
      : [];
  edits.push({ section: { profile: p.profile }, set: profileKeys, ...(remove.length ? { remove } : {}) });
  return edits;
}

function checkFlags(input: ConfigureProfileInput): void {
  // Names first: refused after a sign-in would be too late.
  checkName("profile", input.profile);
  if (input.ssoSession !== undefined) checkName("sso-session", input.ssoSession);
  if (input.accountId !== undefined && !isValidAccountId(input.accountId))
    throw new BadValueError(`--account-id must be 12 digits, not "${input.accountId}".`);
  if (input.startUrl !== undefined && !isValidStartUrl(input.startUrl)) throw badStartUrl(input.startUrl);
  if (input.region !== undefined && !isValidRegion(input.region))
    throw new BadValueError(`--sso-region "${input.region}" is not an AWS region name${nearRegions(input.region)}.`);
  if (input.clientRegion !== undefined && !isValidRegion(input.clientRegion))
    throw new BadValueError(`--region "${input.clientRegion}" is not an AWS region name${nearRegions(input.clientRegion)}.`);
  if (input.output !== undefined && !OUTPUT_FORMATS.includes(input.output))
    throw new BadValueError(`--output must be one of ${OUTPUT_FORMATS.join(", ")}.`);
  if (input.legacy && input.ssoSession !== undefined) throw new UsageError("--legacy and --sso-session do not go together.");
  if (input.roleName !== undefined && !isValidRoleName(input.roleName))
    throw new BadValueError(`--role-name "${input.roleName}" is not a permission set role name.`);
}

function badStartUrl(url: string): BadValueError {
  return new BadValueError(
    `"${url}" is not an IAM Identity Center start URL.`,
    "Use https://d-xxxxxxxxxx.awsapps.com/start or https://ID.portal.REGION.app.aws",
  );
}

const urlCheck = (v: string): string | true =>
  isValidStartUrl(expandStartUrl(v)) ? true : "An https start URL, e.g. https://d-1234567890.awsapps.com/start";
const regionCheck = (v: string): string | true => (isValidRegion(v.trim()) ? true : "An AWS region, e.g. us-east-1");
const sessionNameCheck = (v: string): string | true => (/^[\w.@+:/-]+$/.test(v.trim()) ? true : "Letters, digits and - _ . @ + : /");

function required(flag: string): never {
  throw new UsageError(`${flag} is required (no terminal to ask on).`, `Pass ${flag} VALUE.`);
}

/**
 * The sso-session: the flag's, else the one with the flag's start URL, else (on a terminal) a pick
 * among the existing ones or a new one, else the profile's own. A new session's start URL, region
 * and name are asked for, with the profile's current values as defaults.
 */
async function chooseSession(
  doc: IniDocument,
  input: ConfigureProfileInput,
  existing: Record<string, string>,
  prompter: Prompter | undefined,
): Promise<{ ssoSession: string; startUrl: string; region: string }> {
  // Without a terminal the profile keeps its sso-session unless told otherwise (a different start
  // URL for it then needs --force); on one, the person picks.
  let name =
    input.ssoSession ??
    (prompter ? undefined : existing.sso_session) ??
    (input.startUrl !== undefined ? ssoSessionFor(doc, input.startUrl) : undefined);
  const sessions = listSsoSessions(doc);
  if (name === undefined && prompter && sessions.length > 0) {
    const picked = await prompter.select(
      "Which sso-session (sign-in) does this profile use?",
      [
        ...sessions.map((s) => ({
          name: s,
          value: s,
          description: `${doc.get(`sso-session ${s}`, "sso_start_url") ?? "?"} (${doc.get(`sso-session ${s}`, "sso_region") ?? "?"})`,
        })),
        { name: "A new sso-session…", value: NEW_SESSION },
      ],
      { default: existing.sso_session !== undefined && sessions.includes(existing.sso_session) ? existing.sso_session : sessions[0] },
    );
    if (picked !== NEW_SESSION) name = picked;
  }
  const section = name !== undefined ? doc.getSection(`sso-session ${name}`) : undefined;
  let startUrl = input.startUrl ?? section?.sso_start_url;
  let region = input.region ?? section?.sso_region;
  if (startUrl === undefined)
    startUrl = prompter
      ? expandStartUrl(await prompter.input("SSO start URL", { default: existing.sso_start_url, validate: urlCheck }))
      : (existing.sso_start_url ?? required("--sso-start-url"));
  if (region === undefined)
    region = prompter
      ? (await prompter.input("SSO region", { default: existing.sso_region ?? "us-east-1", validate: regionCheck })).trim()
      : (existing.sso_region ?? required("--sso-region"));
  if (name === undefined)
    name = prompter
      ? (await prompter.input("SSO session name", { default: ssoSessionFor(doc, startUrl), validate: sessionNameCheck })).trim()
      : ssoSessionFor(doc, startUrl);
  checkName("sso-session", name);
  if (!isValidStartUrl(startUrl)) throw badStartUrl(startUrl);
  if (!isValidRegion(region)) throw new BadValueError(`"${region}" is not an AWS region name${nearRegions(region)}.`);
  const now = doc.getSection(`sso-session ${name}`);
  if (now && !input.force) {
    for (const [key, wanted] of [
      ["sso_start_url", startUrl],
      ["sso_region", region],
    ] as const) {
      if (now[key] !== undefined && now[key] !== wanted) {
        throw new ConfigError(
          `sso-session ${name} already has ${key} = ${now[key]}.`,
          "Use another --sso-session name, or --force to change it.",
        );
      }
    }
  }
  return { ssoSession: name, startUrl, region };
}

/** A legacy profile's own start URL and region: flags, else asked (current values as defaults), else its current ones. */
async function chooseLegacySignIn(
  input: ConfigureProfileInput,
  existing: Record<string, string>,
  prompter: Prompter | undefined,
): Promise<{ startUrl: string; region: string }> {
  const startUrl =
    input.startUrl ??
    (prompter
      ? expandStartUrl(await prompter.input("SSO start URL", { default: existing.sso_start_url, validate: urlCheck }))
      : (existing.sso_start_url ?? required("--sso-start-url")));
  const region =
    input.region ??
    (prompter
      ? (await prompter.input("SSO region", { default: existing.sso_region ?? "us-east-1", validate: regionCheck })).trim()
      : (existing.sso_region ?? required("--sso-region")));
  if (!isValidStartUrl(startUrl)) throw badStartUrl(startUrl);
  if (!isValidRegion(region)) throw new BadValueError(`"${region}" is not an AWS region name${nearRegions(region)}.`);
  return { startUrl, region };
}

async function askClientRegion(prompter: Prompter, current: string): Promise<string> {
  return (await prompter.input("Default region for AWS clients", { default: current, validate: regionCheck })).trim();
}

async function askOutput(prompter: Prompter, current: string | undefined): Promise<string> {
  return prompter.select(
    "AWS CLI output format",
    OUTPUT_FORMATS.map((f) => ({ name: f, value: f })),
    { default: current !== undefined && OUTPUT_FORMATS.includes(current) ? current : "json" },
  );
}

/**
 * Account and role: the flags'; on a terminal, picked after a sign-in from what it can see (the
 * profile's current ones as defaults); without one, the profile's current ones, else listed with a
 * sign-in that is already cached (a script never opens a browser), else a usage error.
 */
async function chooseAccountAndRole(
  ctx: Context,
  spec: SignInSpec,
  input: ConfigureProfileInput,
  existing: Record<string, string>,
  prompter: Prompter | undefined,
): Promise<{ accountId: string; roleName: string }> {
  let accountId = input.accountId ?? (prompter ? undefined : existing.sso_account_id);
  let roleName = input.roleName ?? (prompter ? undefined : existing.sso_role_name);
  if (accountId !== undefined && roleName !== undefined) return { accountId, roleName };

  const clients = createSsoClients(spec.region, ctx.endpoints, { network: () => networkFor(ctx) });
  const accessToken = prompter
    ? (await ensureSignedIn(ctx, spec, { browser: input.browser, flow: input.flow })).accessToken
    : await cachedAccessToken(ctx, spec, accountId === undefined ? "--account-id" : "--role-name");
  const endpoint = clients.urls.portal;
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
      throw new UsageError(
        `--account-id is required: ${accounts.length} accounts are available (no terminal to ask on).`,
        "Pass --account-id ID.",
      );
    } else {
      accountId = await prompter.select(
        `Which AWS account? (${accounts.length} available)`,
        accounts.map((a) => ({
          name: shown(`${a.accountName} (${a.accountId})`),
          value: a.accountId,
          description: a.emailAddress === undefined ? undefined : shown(a.emailAddress),
        })),
        { default: existing.sso_account_id },
      );
    }
  }
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
      throw new UsageError(
        `--role-name is required: ${roles.length} roles are available in account ${accountId} (no terminal to ask on).`,
        "Pass --role-name NAME.",
      );
    } else {
      roleName = await prompter.select(
        `Which role in account ${accountId}? (${roles.length} available)`,
        roles.map((r) => ({ name: shown(r), value: r })),
        { default: accountId === existing.sso_account_id ? existing.sso_role_name : undefined },
      );
    }
  }
  // What the portal listed goes into the config file: a line break or an escape must not (issue 16).
  if (!isValidAccountId(accountId))
    throw new ServiceError(
      shown(`IAM Identity Center listed an account id that is not 12 digits: ${accountId}.`),
      "Pass --account-id with the 12-digit id of the account.",
    );
  if (!isValidRoleName(roleName))
    throw new ServiceError(
      shown(`IAM Identity Center listed a role name that is not a permission set name: ${roleName}.`),
      "Pass --role-name with the role's name.",
    );
  return { accountId, roleName };
}

/** A still-valid cached token for this sign-in (under the sso-session, or from `login START_URL REGION`). */
async function cachedAccessToken(ctx: Context, spec: SignInSpec, missingFlag: string): Promise<string> {
  for (const candidate of [spec, { startUrl: spec.startUrl, region: spec.region, scopes: null }]) {
    const cached = await readCachedToken(ctx, candidate).catch(() => undefined);
    const expiresAt = cached ? parseTimestamp(cached.expiresAt) : undefined;
    if (cached && expiresAt && expiresAt.getTime() > ctx.now().getTime()) return cached.accessToken;
  }
  throw new UsageError(
    `${missingFlag} is required (no terminal to ask on).`,
    `Pass ${missingFlag === "--account-id" ? "--account-id ID" : "--role-name NAME"}.`,
  );
}
