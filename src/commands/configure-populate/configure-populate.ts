import { throttleNotice } from "../../sso/service-retry.js";
import type { Context } from "../../context.js";
import { BadValueError, ConfigError, InterruptedError, UsageError } from "../../errors.js";
import {
  checkName,
  editConfigFile,
  isValidAccountId,
  isValidRegion,
  isValidRoleName,
  isValidStartUrl,
  listSsoSessions,
  readConfigFile,
  resolveSsoSession,
  ssoSessionFor,
} from "../../files/config-file.js";
import { noticeTo } from "../../files/atomic-write.js";
import type { IniDocument } from "../../files/ini-document.js";
import { hasControlChars } from "../../lib/control-chars.js";
import { globToRegExp, matchesAny } from "../../lib/glob.js";
import { noMatchLine } from "../../lib/no-match.js";
import { createProgress } from "../../lib/progress.js";
import { debugLogFor } from "../../lib/debug-log.js";
import type { SignInFlow, SignInSpec } from "../../sign-in/cached-sign-in.entry.js";
import { OUTPUT_FORMATS } from "../configure-profile/configure-profile.js";
import { listAssignments, type AssignmentListing, type ListingFailure, type ListingProgress } from "./list-assignments.js";
import {
  checkTemplate,
  DEFAULT_REGIONAL_TEMPLATE,
  DEFAULT_TEMPLATE,
  nameProfiles,
  type Assignment,
  type NameCollision,
} from "./populate-names.js";
import { applyPopulatePlan, planPopulate, type PopulatePlan, type PopulatePlanInput } from "./populate-plan.js";
import { sameStartUrl } from "../../targets/resolve-targets.entry.js";
import { ensureSignedIn, type SignedIn } from "../../sign-in/sign-in.js";
import { nearRegions, warnUnknownRegions } from "../../lib/aws-regions.js";

export interface PopulateInput {
  startUrl?: string | undefined;
  /** sso_region, after START_URL. */
  region?: string | undefined;
  ssoSession?: string | undefined;
  /** --profile-name */
  template?: string | undefined;
  /** --region, repeatable: the profiles' region (default: the sso_region). */
  regions: string[];
  output?: string | undefined;
  /** --account and --role globs. */
  accounts: string[];
  roles: string[];
  withKeys: boolean;
  prune: boolean;
  dryRun: boolean;
  browser: boolean;
  flow?: SignInFlow | undefined;
}

export interface PopulateResult {
  configFile: string;
  ssoSession: string;
  startUrl: string;
  /** The [sso-session] was added by this run (or would be, in a dry run). */
  newSession: boolean;
  dryRun: boolean;
  signIn: SignedIn["how"];
  /** Accounts listed, those under --account, those whose roles were listed, and their roles. */
  listed: { accounts: number; accountsInScope: number; rolesListed: number; assignments: number };
  plan: PopulatePlan;
  collisions: NameCollision[];
  failures: ListingFailure[];
  /** Assignments whose account id, account name or role name the portal gave in a shape no profile may hold; skipped. */
  invalid: InvalidAssignment[];
  /** The config file was written. */
  written: boolean;
  /** One line for each filter (--account, --role) that matched nothing listed. */
  unmatched: string[];
}

/** An assignment the portal listed that cannot become a profile; its values are raw (escape them to show them). */
export interface InvalidAssignment {
  accountId: string;
  accountName: string;
  roleName: string;
  reason: string;
}

const DEFAULT_SCOPES = "sso:account:access";

/**
 * Writes a profile for every account and role the sign-in can use (sso-session form, so every AWS
 * tool uses it natively), marked as populate's own, in one locked, atomic edit of the config
 * file; profiles it did not write are never touched. Signs in the way login does. Returns what it
 * did (or, with dryRun, would do); listing failures are returned too, never thrown, unless nothing
 * at all could be listed.
 */
export async function configurePopulate(ctx: Context, input: PopulateInput): Promise<PopulateResult> {
  const debug = debugLogFor(ctx);
  const file = ctx.paths.configFile;
  // Read lazily: choosing the sign-in needs the sso-sessions alone, and the edit reads the file
  // again inside the lock; two whole readings of 50,000 profiles at once would double the memory.
  let doc: IniDocument | undefined = await readConfigFile(file, { lazy: true });
  // Copied through JSON: a string read from the file can be a slice of its whole text, which V8
  // keeps alive as long as the slice lives (9 MB for 50,000 profiles, for the whole run).
  const target = JSON.parse(JSON.stringify(chooseSession(doc, input))) as Target;
  if (!input.dryRun) doc = undefined;
  const regions = input.regions.length > 0 ? [...new Set(input.regions)] : [target.region];
  const template = input.template ?? (regions.length > 1 ? DEFAULT_REGIONAL_TEMPLATE : DEFAULT_TEMPLATE);
  checkInput(input, template, regions);
  warnUnknownRegions(ctx.stderr, [["REGION", input.region], ...input.regions.map((r): [string, string] => ["--region", r])]);
  const output = input.output ?? "json";
  const accountGlobs = input.accounts.map(globToRegExp);
  const roleGlobs = input.roles.map(globToRegExp);
  debug("populate", {
    file,
    ssoSession: target.ssoSession,
    newSession: target.create,
    regions,
    template,
    accounts: input.accounts,
    roles: input.roles,
    prune: input.prune,
    dryRun: input.dryRun,
  });

  const spec: SignInSpec = { ssoSession: target.ssoSession, startUrl: target.startUrl, region: target.region, scopes: target.scopes };
  const signIn = { browser: input.browser, flow: input.flow };
  const signedIn = await ensureSignedIn(ctx, spec, signIn);

  const progress = createProgress(ctx.stderr, ctx.tty.stderr, () => ctx.now().getTime());
  progress.update(`Listing the accounts and roles of sso-session ${target.ssoSession}…`);
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  const onProgress = (p: ListingProgress): void => {
    // A terminal redraws at most ten times a second; a log gets createProgress's plain lines.
    const now = ctx.now().getTime();
    if (ctx.tty.stderr && now - lastDrawMs < 100 && !p.pagesDone) return;
    lastDrawMs = now;
    progress.update(`Listed ${p.accounts} accounts${p.pagesDone ? "" : " so far"}; roles of ${p.rolesListed} of ${p.accountsInScope}`);
  };
  const listing = await listAssignments(ctx, spec, signedIn, {
    inScope: (a) => matchesAny(accountGlobs, a.accountId, a.accountName),
    onProgress,
    signIn,
    onThrottled: throttleNotice((line) => progress.note(line)),
  });
  if (ctx.signal.aborted) {
    progress.done();
    throw new InterruptedError();
  }
  const assignmentCount = [...listing.roles.values()].reduce((n, r) => n + r.length, 0);
  progress.done(
    `Listed ${listing.accounts.length} accounts and ${assignmentCount} roles${listing.failures.length ? ` (${listing.failures.length} could not be listed)` : ""}.`,
  );
  if (listing.accounts.length === 0 && listing.failures.length > 0) throw (listing.failures[0] as ListingFailure).error;

  // The assignments are not kept: the named profiles carry them (50,000 objects fewer while the edit runs).
  const { assignments, invalid } = assignmentsOf(listing, roleGlobs);
  const { profiles, collisions } = nameProfiles(assignments, regions, template, target.ssoSession);
  const accountNames = new Map(listing.accounts.map((a) => [a.accountId, a.accountName]));
  const planInput: PopulatePlanInput = {
    ssoSession: target.ssoSession,
    profiles,
    output,
    withKeys: input.withKeys,
    prune: input.prune,
    listing: {
      accounts: new Set(listing.accounts.map((a) => a.accountId)),
      accountsComplete: listing.accountsComplete,
      roles: new Map([...listing.roles].map(([id, roles]) => [id, new Set(roles)])),
      inScope: (accountId, roleName) => matchesAny(accountGlobs, accountId, accountNames.get(accountId)) && matchesAny(roleGlobs, roleName),
    },
  };

  let plan: PopulatePlan;
  let written = false;
  if (doc !== undefined) {
    plan = planPopulate(doc, planInput);
  } else {
    let planned: PopulatePlan | undefined;
    written = await editConfigFile(
      file,
      (fresh) => {
        // Decided again on the file as it is inside the lock: someone may have edited it meanwhile.
        if (target.create && !fresh.hasSection(`sso-session ${target.ssoSession}`)) {
          fresh.setKeys(`sso-session ${target.ssoSession}`, {
            sso_start_url: target.startUrl,
            sso_region: target.region,
            sso_registration_scopes: DEFAULT_SCOPES,
          });
        }
        planned = planPopulate(fresh, planInput);
        applyPopulatePlan(fresh, planned, planInput);
      },
      { notice: noticeTo(ctx.stderr) },
    );
    plan = planned as PopulatePlan;
  }
  debug("populate plan", {
    add: plan.add.length,
    change: plan.change.length,
    unchanged: plan.unchanged.length,
    remove: plan.remove.length,
    stale: plan.stale.length,
    skip: plan.skip.length,
    written,
  });
  return {
    configFile: file,
    ssoSession: target.ssoSession,
    startUrl: target.startUrl,
    newSession: target.create,
    dryRun: input.dryRun,
    signIn: signedIn.how,
    listed: {
      accounts: listing.accounts.length,
      accountsInScope: listing.accountsInScope,
      rolesListed: listing.roles.size,
      assignments: assignmentCount,
    },
    plan,
    collisions,
    failures: listing.failures,
    invalid,
    written,
    unmatched: unmatchedFilters(input, listing, assignments.length + invalid.length),
  };
}

/** The --account and --role filters that matched nothing of what was listed, each said once. */
function unmatchedFilters(input: PopulateInput, listing: AssignmentListing, matched: number): string[] {
  const out: string[] = [];
  if (input.accounts.length > 0 && listing.accounts.length > 0 && listing.accountsInScope === 0) {
    out.push(
      noMatchLine(
        "account",
        "--account",
        input.accounts,
        listing.accounts.map((a) => a.accountName),
      ),
    );
  } else if (input.roles.length > 0 && listing.roles.size > 0 && matched === 0) {
    out.push(noMatchLine("role", "--role", input.roles, [...listing.roles.values()].flat()));
  }
  return out;
}

/**
 * Every account's roles under --role, in listing order; those whose values are not what the
 * service's own rules allow (a 12-digit account id, a permission set name, an account name without
 * control characters) are set apart, so that a line break or an escape never reaches the config file.
 */
function assignmentsOf(
  listing: AssignmentListing,
  roleGlobs: readonly RegExp[],
): { assignments: Assignment[]; invalid: InvalidAssignment[] } {
  const assignments: Assignment[] = [];
  const invalid: InvalidAssignment[] = [];
  for (const a of listing.accounts) {
    for (const roleName of listing.roles.get(a.accountId) ?? []) {
      if (!matchesAny(roleGlobs, roleName)) continue;
      const reason = !isValidAccountId(a.accountId)
        ? "the account id is not 12 digits"
        : hasControlChars(a.accountName)
          ? "the account name holds control characters"
          : !isValidRoleName(roleName)
            ? "the role name is not a permission set name ([\\w+=,.@-], at most 64)"
            : undefined;
      if (reason === undefined) assignments.push({ accountId: a.accountId, accountName: a.accountName, roleName });
      else invalid.push({ accountId: a.accountId, accountName: a.accountName, roleName, reason });
    }
  }
  return { assignments, invalid };
}

interface Target {
  ssoSession: string;
  startUrl: string;
  region: string;
  scopes: string[] | null;
  /** The [sso-session] does not exist yet and is written with the profiles. */
  create: boolean;
}

/**
 * The sign-in the profiles use: `--sso-session S` (existing, or created with START_URL REGION), a
 * START_URL (its existing sso-session, else a new one named after its host), or the only
 * sso-session in the file.
 */
function chooseSession(doc: IniDocument, input: PopulateInput): Target {
  if (input.ssoSession !== undefined) checkName("sso-session", input.ssoSession);
  if (input.startUrl === undefined) {
    const sessions = listSsoSessions(doc);
    const name = input.ssoSession ?? (sessions.length === 1 ? sessions[0] : undefined);
    if (name === undefined) {
      throw new UsageError(
        sessions.length === 0
          ? `No [sso-session] in ${doc.fileName} to populate from.`
          : "Several sso-sessions are configured; say which one.",
        sessions.length === 0
          ? "Run: sso-cli configure populate START_URL REGION"
          : `Use --sso-session NAME (one of: ${sessions.join(", ")}).`,
      );
    }
    const s = resolveSsoSession(doc, name);
    return { ssoSession: name, startUrl: s.startUrl, region: s.region, scopes: s.registrationScopes, create: false };
  }
  const startUrl = input.startUrl;
  if (!isValidStartUrl(startUrl)) {
    throw new BadValueError(
      `"${startUrl}" is not an IAM Identity Center start URL.`,
      "Use the https URL of your AWS access portal, e.g. https://d-1234567890.awsapps.com/start",
    );
  }
  if (input.region !== undefined && !isValidRegion(input.region))
    throw new BadValueError(
      `"${input.region}" is not an AWS region name${nearRegions(input.region)}.`,
      "Use the region of your Identity Center instance, e.g. us-east-1.",
    );
  const existing =
    input.ssoSession ?? listSsoSessions(doc).find((s) => sameStartUrl(doc.get(`sso-session ${s}`, "sso_start_url") ?? "", startUrl));
  if (existing !== undefined && doc.hasSection(`sso-session ${existing}`)) {
    const s = resolveSsoSession(doc, existing);
    if (!sameStartUrl(s.startUrl, startUrl))
      throw new ConfigError(
        `sso-session ${existing} already has sso_start_url = ${s.startUrl}.`,
        "Use another --sso-session name, or leave START_URL out.",
      );
    if (input.region !== undefined && input.region !== s.region)
      throw new BadValueError(
        `Region ${input.region} differs from sso_region ${s.region} of sso-session ${existing}.`,
        "Leave REGION out, or fix sso_region in the config file.",
      );
    return { ssoSession: existing, startUrl: s.startUrl, region: s.region, scopes: s.registrationScopes, create: false };
  }
  if (input.region === undefined)
    throw new UsageError(
      `No sso-session in ${doc.fileName} uses ${startUrl}, so its region is unknown.`,
      `Run: sso-cli configure populate ${startUrl} REGION`,
    );
  return {
    ssoSession: input.ssoSession ?? ssoSessionFor(doc, startUrl),
    startUrl,
    region: input.region,
    scopes: [DEFAULT_SCOPES],
    create: true,
  };
}

function checkInput(input: PopulateInput, template: string, regions: string[]): void {
  checkTemplate(template, regions.length);
  for (const r of regions) if (!isValidRegion(r)) throw new BadValueError(`--region "${r}" is not an AWS region name${nearRegions(r)}.`);
  if (input.output !== undefined && !OUTPUT_FORMATS.includes(input.output))
    throw new BadValueError(`--output must be one of ${OUTPUT_FORMATS.join(", ")}.`);
}
