import { BadValueError, ChoiceNeededError, ConfigError, SsoCliError, UsageError, type TargetChoice } from "../errors.js";
import type { IniDocument } from "../files/ini-document.js";
import {
  findProfileSection,
  isValidRegion,
  isValidStartUrl,
  listProfiles,
  listSsoSessions,
  resolveSsoProfile,
  resolveSsoSession,
  ssoSessionFor,
  type ResolvedSsoProfile,
  type ResolvedSsoSession,
} from "../files/config-file.js";
import { populatedMark } from "../files/populated-profiles.js";
import { chainBaseProfile, configSection, isRoleProfile } from "../role-keys/role-chain.entry.js";
import type { SignInSpec } from "../sign-in/cached-sign-in.entry.js";
import { nearRegions } from "../lib/aws-regions.js";

/** A profile whose role credentials a login writes. */
export interface TargetProfile {
  profile: string;
  accountId: string;
  roleName: string;
  spec: SignInSpec;
}

export interface LoginPlan {
  signIns: SignInSpec[];
  profiles: TargetProfile[];
  /** Profiles of these sign-ins that cannot get keys (no account/role, or a broken section). */
  skipped: { profile: string; reason: string }[];
  /**
   * Populated profiles of these sign-ins that get no static keys: every AWS tool uses them through
   * the cached sign-in. Keys only when named (`--profile`) or populated with --with-keys.
   */
  keyless: number;
  /**
   * A START_URL no profile or sso-session uses yet: the sign-in is made as the sso-session that
   * `configure populate` or `configure profile` would create for it (this name), so the token they
   * look for is already cached and the journey needs one sign-in.
   */
  newSession?: string | undefined;
  /** Role-chain profiles (role_arn + source_profile) that get keys: named, or holding keys sso-cli wrote (commands/login/login-chains.entry.ts). */
  chains?: string[] | undefined;
}

export interface TargetSelection {
  startUrl?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  ssoSession?: string | undefined;
  all?: boolean | undefined;
  /** AWS_PROFILE, used when nothing else says what to sign in to. */
  envProfile?: string | undefined;
  /**
   * Profiles that hold keys sso-cli wrote (per its ledger): a populated profile among them counts
   * like any other, so `status` shows its keys and a plain `login` renews them.
   */
  holdingKeys?: ReadonlySet<string> | undefined;
}

export function specKey(spec: SignInSpec): string {
  return spec.ssoSession !== undefined ? `session:${spec.ssoSession}` : `url:${spec.startUrl}`;
}

function sessionSpec(s: ResolvedSsoSession): SignInSpec {
  return { ssoSession: s.ssoSession, startUrl: s.startUrl, region: s.region, scopes: s.registrationScopes };
}

export function specOf(p: ResolvedSsoProfile): SignInSpec {
  return p.kind === "sso-session"
    ? { ssoSession: p.ssoSession, startUrl: p.startUrl, region: p.region, scopes: p.registrationScopes }
    : { startUrl: p.startUrl, region: p.region, scopes: null };
}

/** Start URLs compare without a trailing "/" or "#/", which people add or drop freely. */
export function sameStartUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.replace(/#\/?$/, "").replace(/\/+$/, "");
  return norm(a) === norm(b);
}

/** A profile of the file, with whether login writes keys for it when it is not named. */
type Candidate = ResolvedSsoProfile & { keyless: boolean };

interface Collected {
  ok: Candidate[];
  broken: { profile: string; reason: string }[];
}

/** Every Identity Center profile in the file; broken ones are listed apart with the reason. */
function collectSsoProfiles(doc: IniDocument): Collected {
  const ok: Candidate[] = [];
  const broken: { profile: string; reason: string }[] = [];
  for (const name of listProfiles(doc)) {
    const sectionName = findProfileSection(doc, name);
    const section = (sectionName !== undefined ? doc.getSection(sectionName) : undefined) ?? {};
    const isSso = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"].some((k) => section[k] !== undefined);
    if (!isSso) continue;
    try {
      ok.push({ ...resolveSsoProfile(doc, name), keyless: populatedMark(doc, sectionName as string) === "no-keys" });
    } catch (err) {
      if (!(err instanceof SsoCliError)) throw err;
      broken.push({ profile: name, reason: err.message });
    }
  }
  return { ok, broken };
}

/**
 * Which sign-ins a login runs and which profiles get keys: `--profile`, `--sso-session`, `--all`,
 * a START_URL [REGION], else AWS_PROFILE, else the only sign-in in the file.
 */
export function resolveLoginPlan(doc: IniDocument, sel: TargetSelection): LoginPlan {
  const given = [sel.profile !== undefined, sel.ssoSession !== undefined, sel.all === true, sel.startUrl !== undefined].filter(
    Boolean,
  ).length;
  if (given > 1) throw new UsageError("Give only one of START_URL, --profile, --sso-session and --all.");
  if (sel.region !== undefined && sel.startUrl === undefined) throw new UsageError("REGION comes after START_URL.");
  // A login about one profile reads that profile alone: in a file of thousands, the others cost.
  if (sel.profile !== undefined) return planForProfile(doc, sel.profile);
  if (sel.ssoSession === undefined && !sel.all && sel.startUrl === undefined && sel.envProfile) return planForProfile(doc, sel.envProfile);
  const all = collectSsoProfiles(doc);

  if (sel.ssoSession !== undefined) {
    const session = resolveSsoSession(doc, sel.ssoSession);
    return planFor(
      [sessionSpec(session)],
      all.ok.filter((p) => p.ssoSession === sel.ssoSession),
      all.broken,
      sel.holdingKeys,
    );
  }
  if (sel.all) {
    const specs = new Map<string, SignInSpec>();
    for (const name of listSsoSessions(doc)) {
      try {
        const s = resolveSsoSession(doc, name);
        specs.set(`session:${name}`, sessionSpec(s));
      } catch (err) {
        if (!(err instanceof SsoCliError)) throw err;
        all.broken.push({ profile: `[sso-session ${name}]`, reason: err.message });
      }
    }
    for (const p of all.ok) specs.set(specKey(specOf(p)), specOf(p));
    if (specs.size === 0)
      throw new ConfigError(
        `No IAM Identity Center profiles or sso-sessions in ${doc.fileName}.`,
        "Run: sso-cli configure profile NAME --sso-start-url URL --sso-region REGION",
      );
    return planFor([...specs.values()], all.ok, all.broken, sel.holdingKeys);
  }
  if (sel.startUrl !== undefined) return planForStartUrl(doc, sel.startUrl, sel.region, all, sel.holdingKeys);

  const specs = new Map<string, SignInSpec>();
  for (const name of listSsoSessions(doc)) {
    const s = resolveSsoSession(doc, name);
    specs.set(`session:${name}`, sessionSpec(s));
  }
  for (const p of all.ok) specs.set(specKey(specOf(p)), specOf(p));
  if (specs.size === 1) return planFor([...specs.values()], all.ok, all.broken, sel.holdingKeys);
  if (specs.size === 0) {
    throw new UsageError(
      `Nothing to sign in to: ${doc.fileName} has no IAM Identity Center profiles.`,
      "Run: sso-cli login START_URL REGION, or sso-cli configure profile NAME first.",
    );
  }
  throw severalSignIns([...specs.values()]);
}

/** "Several sign-ins": named in the line, and offered by a picker on a terminal. */
export function severalSignIns(specs: readonly SignInSpec[]): ChoiceNeededError {
  const choices = specs.map(
    (s): TargetChoice =>
      s.ssoSession !== undefined
        ? { name: `sso-session ${s.ssoSession}`, description: `${s.startUrl} (${s.region})`, selection: { ssoSession: s.ssoSession } }
        : { name: s.startUrl, description: `${s.region}, legacy profiles`, selection: { startUrl: s.startUrl, region: s.region } },
  );
  const first = specs[0]!;
  const example = first.ssoSession !== undefined ? `--sso-session ${first.ssoSession}` : `${first.startUrl} ${first.region}`;
  return new ChoiceNeededError(
    `Several sign-ins are configured: ${namesList(choices.map((c) => c.name))}; say which one.`,
    `Use ${example} (or another of them), --profile NAME or --all.`,
    "Which sign-in?",
    choices,
  );
}

/** Up to five names, then how many more. */
export function namesList(names: readonly string[]): string {
  return names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}

/** A named profile gets keys even when populated: naming it is asking for them. */
function planForProfile(doc: IniDocument, profile: string): LoginPlan {
  // A role chain: the sign-in its base profile needs (none for a chain on written keys), then its roles.
  const config = configSection(doc);
  if (isRoleProfile(config(profile))) {
    const base = chainBaseProfile(profile, config);
    return {
      signIns: base !== undefined ? [specOf(resolveSsoProfile(doc, base))] : [],
      profiles: [],
      skipped: [],
      keyless: 0,
      chains: [profile],
    };
  }
  const p = resolveSsoProfile(doc, profile);
  if (p.accountId === undefined || p.roleName === undefined) {
    return {
      signIns: [specOf(p)],
      profiles: [],
      skipped: [{ profile, reason: `Profile ${profile} has no sso_account_id and sso_role_name; signed in only.` }],
      keyless: 0,
    };
  }
  return {
    signIns: [specOf(p)],
    profiles: [{ profile, accountId: p.accountId, roleName: p.roleName, spec: specOf(p) }],
    skipped: [],
    keyless: 0,
  };
}

function planForStartUrl(
  doc: IniDocument,
  startUrl: string,
  region: string | undefined,
  all: Collected,
  holdingKeys?: ReadonlySet<string>,
): LoginPlan {
  if (!isValidStartUrl(startUrl)) {
    throw new BadValueError(
      `"${startUrl}" is not an IAM Identity Center start URL.`,
      "Use the https URL of your AWS access portal, e.g. https://d-1234567890.awsapps.com/start or https://ssoins-1234.portal.eu-north-1.app.aws",
    );
  }
  if (region !== undefined && !isValidRegion(region))
    throw new BadValueError(
      `"${region}" is not an AWS region name${nearRegions(region)}.`,
      "Use the region of your Identity Center instance, e.g. us-east-1 or eu-north-1.",
    );
  const matching = all.ok.filter((p) => sameStartUrl(p.startUrl, startUrl));
  const specs = new Map(matching.map((p) => [specKey(specOf(p)), specOf(p)]));
  for (const name of listSsoSessions(doc)) {
    try {
      const s = resolveSsoSession(doc, name);
      if (sameStartUrl(s.startUrl, startUrl) && !specs.has(`session:${name}`) && specs.size === 0) {
        specs.set(`session:${name}`, sessionSpec(s));
      }
    } catch (err) {
      if (!(err instanceof SsoCliError)) throw err;
    }
  }
  if (specs.size === 0) {
    if (region === undefined) {
      throw new UsageError(
        `No profile in ${doc.fileName} uses ${startUrl}, so its region is unknown.`,
        `Run: sso-cli login ${startUrl} REGION`,
      );
    }
    const ssoSession = ssoSessionFor(doc, startUrl);
    return {
      signIns: [{ ssoSession, startUrl, region, scopes: ["sso:account:access"] }],
      profiles: [],
      skipped: [],
      keyless: 0,
      newSession: ssoSession,
    };
  }
  for (const spec of specs.values()) {
    if (region !== undefined && spec.region !== region) {
      throw new BadValueError(
        `Region ${region} differs from sso_region ${spec.region} configured for ${startUrl}.`,
        "Leave REGION out, or fix sso_region in the config file.",
      );
    }
  }
  return planFor([...specs.values()], matching, all.broken, holdingKeys);
}

function planFor(
  specs: SignInSpec[],
  candidates: Candidate[],
  broken: { profile: string; reason: string }[],
  holdingKeys?: ReadonlySet<string>,
): LoginPlan {
  const bySpec = new Map(specs.map((s) => [specKey(s), s]));
  const profiles: TargetProfile[] = [];
  const skipped = [...broken];
  let keyless = 0;
  for (const p of candidates) {
    const spec = bySpec.get(specKey(specOf(p)));
    if (spec === undefined) continue;
    if (p.keyless && !holdingKeys?.has(p.profile)) {
      keyless += 1;
      continue;
    }
    if (p.accountId === undefined || p.roleName === undefined) {
      skipped.push({ profile: p.profile, reason: "no sso_account_id / sso_role_name" });
      continue;
    }
    profiles.push({ profile: p.profile, accountId: p.accountId, roleName: p.roleName, spec });
  }
  return { signIns: specs, profiles, skipped, keyless };
}
