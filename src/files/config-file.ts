import { BadValueError, ConfigError } from "../errors.js";
import { hasControlChars } from "../lib/control-chars.js";
import { nearestNames, orList } from "../lib/did-you-mean.js";
import { checkWritableTarget, readTextIfExists, writeFileAtomic, type FileWriteOptions } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { profileSectionName, type IniDocument } from "./ini-document.js";
import { IniChain } from "./ini-chain.js";
import { IniEditor } from "./ini-editor.js";
import { IniScanner } from "./ini-scanner.js";
import { pythonStrip } from "./ini-syntax.js";

// ~/.aws/config: finding profiles and sso-sessions the way botocore does, checking the Identity
// Center keys (docs/protocol/config-files.md §3), and the surgical writes behind `configure profile`.

type SourcedKey = "startUrl" | "region" | "accountId" | "roleName" | "registrationScopes";

export interface ResolvedSsoSession {
  ssoSession: string;
  startUrl: string;
  /** sso_region: where the Identity Center instance (OIDC and portal) lives. */
  region: string;
  /** From sso_registration_scopes; null when the setting is absent (the cache key needs the difference). */
  registrationScopes: string[] | null;
  /** Where each value came from, as `file:line [section]`, for error messages. */
  sources: Partial<Record<SourcedKey, string>>;
}

export interface ResolvedSsoProfile {
  profile: string;
  kind: "sso-session" | "legacy";
  ssoSession?: string;
  startUrl: string;
  region: string;
  accountId?: string;
  roleName?: string;
  registrationScopes: string[] | null;
  /** The profile's `region` key: the default region for service clients (STS…), not sso_region. */
  clientRegion?: string;
  sources: Partial<Record<SourcedKey, string>>;
}

/**
 * The config file (empty if missing), read whole and checked. Never writes. `lazy`: sections are
 * read when first asked for (IniScanner), for a command about one profile in a file of thousands;
 * `profile` names that profile, when known, so that its section is found in the pass that checks
 * the file.
 */
export async function readConfigFile(path: string, opts: { lazy?: boolean; profile?: string | undefined } = {}): Promise<IniDocument> {
  const text = (await readTextIfExists(path)) ?? "";
  if (!opts.lazy) return IniChain.read(text, path);
  const lookUp = opts.profile ? [profileSectionName(opts.profile), ...(opts.profile === "default" ? ["profile default"] : [])] : [];
  return IniScanner.scan(text, path, { lookUp });
}

/** Profile names in file order: `[default]` and `[profile default]` are both "default". */
export function listProfiles(doc: IniDocument): string[] {
  const names = doc.sectionNames().flatMap((s) => (s === "default" ? ["default"] : s.startsWith("profile ") ? [s.slice(8)] : []));
  return [...new Set(names)];
}

export function listSsoSessions(doc: IniDocument): string[] {
  return doc
    .sectionNames()
    .filter((s) => s.startsWith("sso-session "))
    .map((s) => s.slice(12));
}

/**
 * The section botocore reads for a profile, or undefined. With both `[default]` and
 * `[profile default]` present, the later one in the file wins wholesale, as in botocore.
 */
export function findProfileSection(doc: IniDocument, profile: string): string | undefined {
  if (profile !== "default") return doc.hasSection(profileSectionName(profile)) ? profileSectionName(profile) : undefined;
  const present = ["default", "profile default"].filter((c) => doc.hasSection(c));
  return present.sort((a, b) => (doc.findLine(a) ?? 0) - (doc.findLine(b) ?? 0)).at(-1);
}

/** An sso-session section's settings, for `login --sso-session NAME` and for profiles that name it. */
export function resolveSsoSession(doc: IniDocument, sessionName: string): ResolvedSsoSession {
  const section = `sso-session ${sessionName}`;
  const keys = readSection(doc, section);
  if (keys === undefined) {
    throw new ConfigError(`The specified sso-session does not exist: "${sessionName}"`, missingSessionHint(doc, sessionName));
  }
  // botocore's SSOTokenProvider reads these from the sso-session itself, never from the profile.
  const missing = ["sso_start_url", "sso_region"].filter((k) => keys[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`The sso-session "${sessionName}" is missing ${missing.join(", ")} (${where(doc, section)}).`);
  }
  const startUrl = keys.sso_start_url as string;
  const region = keys.sso_region as string;
  checkStartUrl(startUrl, () => where(doc, section, "sso_start_url"));
  checkRegion(region, () => where(doc, section, "sso_region"));
  return {
    ssoSession: sessionName,
    startUrl,
    region,
    registrationScopes: parseRegistrationScopes(keys.sso_registration_scopes),
    sources: lazySources(doc, sessionSources(section, keys)),
  };
}

type SourceList = Array<[SourcedKey, string, string]>;

function sessionSources(section: string, keys: Record<string, string>): SourceList {
  return [
    ["startUrl", section, "sso_start_url"],
    ["region", section, "sso_region"],
    ...(keys.sso_registration_scopes !== undefined
      ? [["registrationScopes", section, "sso_registration_scopes"] as [SourcedKey, string, string]]
      : []),
  ];
}

/**
 * Where each value came from, worked out when read: finding a line number in a file of thousands
 * of sections costs, and only an error message needs one. (An object literal of getters: one shape
 * for every profile, cheap to make ten thousand of.)
 */
function lazySources(doc: IniDocument, list: SourceList): Partial<Record<SourcedKey, string>> {
  const at = (name: SourcedKey): string | undefined => {
    const found = list.find(([n]) => n === name);
    return found && where(doc, found[1], found[2]);
  };
  return {
    get startUrl() {
      return at("startUrl");
    },
    get region() {
      return at("region");
    },
    get registrationScopes() {
      return at("registrationScopes");
    },
    get accountId() {
      return at("accountId");
    },
    get roleName() {
      return at("roleName");
    },
  };
}

/**
 * A profile's Identity Center settings, checked as botocore's SSOProvider checks them. Account and
 * role are optional here (signing in needs neither); a caller that fetches role credentials
 * requires them.
 */
export function resolveSsoProfile(doc: IniDocument, profileName: string): ResolvedSsoProfile {
  const section = findProfileSection(doc, profileName);
  const keys = section === undefined ? undefined : readSection(doc, section);
  if (section === undefined || keys === undefined) {
    throw new ConfigError(`The config profile (${profileName}) could not be found.`, unknownProfileHint(doc, profileName));
  }
  const isSso = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"].some((k) => keys[k] !== undefined);
  if (!isSso) {
    throw new ConfigError(
      `Profile ${profileName} is not set up for IAM Identity Center: it has no sso_session or sso_start_url.`,
      `Run: sso-cli configure profile ${profileName}`,
    );
  }
  const at = (key: string): string => where(doc, section, key);
  const accountId = keys.sso_account_id;
  if (accountId !== undefined && !isValidAccountId(accountId)) {
    throw new ConfigError(`sso_account_id of profile ${profileName} must be 12 digits (${at("sso_account_id")}).`);
  }
  const common = {
    profile: profileName,
    ...(accountId !== undefined && { accountId }),
    ...(keys.sso_role_name !== undefined && { roleName: keys.sso_role_name }),
    ...(keys.region !== undefined && { clientRegion: keys.region }),
  };
  const roleSources: SourceList = [
    ...(accountId !== undefined ? [["accountId", section, "sso_account_id"] as [SourcedKey, string, string]] : []),
    ...(keys.sso_role_name !== undefined ? [["roleName", section, "sso_role_name"] as [SourcedKey, string, string]] : []),
  ];

  const sessionName = keys.sso_session;
  if (sessionName !== undefined) {
    if (readSection(doc, `sso-session ${sessionName}`) === undefined) {
      throw new ConfigError(
        `The specified sso-session does not exist: "${sessionName}" (sso_session of profile ${profileName}, ${where(doc, section, "sso_session")})`,
        missingSessionHint(doc, sessionName, profileName),
      );
    }
    const session = resolveSsoSession(doc, sessionName);
    // botocore copies the sso-session's keys into the profile and fails on any that disagree.
    const sessionKeys = readSection(doc, `sso-session ${sessionName}`) ?? {};
    for (const [key, value] of Object.entries(sessionKeys)) {
      if (keys[key] === undefined || keys[key] === value) continue;
      const shown = key === "sso_start_url" || key === "sso_region" ? ` (${keys[key]} vs ${value})` : "";
      throw new ConfigError(
        `The value for ${key} is inconsistent between profile ${profileName} and sso-session ${sessionName}${shown}.`,
        `Remove it from one of them: ${at(key)}, ${where(doc, `sso-session ${sessionName}`, key)}.`,
      );
    }
    return {
      ...common,
      kind: "sso-session",
      ...session,
      sources: lazySources(doc, [...sessionSources(`sso-session ${sessionName}`, sessionKeys), ...roleSources]),
    };
  }

  const missing = ["sso_start_url", "sso_region"].filter((k) => keys[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `Profile ${profileName} is missing ${missing.join(", ")} (${where(doc, section)}).`,
      "Add them, or point the profile at an [sso-session] with sso_session = NAME.",
    );
  }
  const startUrl = keys.sso_start_url as string;
  const region = keys.sso_region as string;
  checkStartUrl(startUrl, () => at("sso_start_url"));
  checkRegion(region, () => at("sso_region"));
  return {
    ...common,
    kind: "legacy",
    startUrl,
    region,
    registrationScopes: null,
    sources: lazySources(doc, [["startUrl", section, "sso_start_url"], ["region", section, "sso_region"], ...roleSources]),
  };
}

/** `sso_registration_scopes`: split on commas, stripped as Python strips, empties dropped, order kept (docs/protocol/token-cache.md §2.1). */
export function parseRegistrationScopes(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  return value
    .split(",")
    .map(pythonStrip)
    .filter((s) => s !== "");
}

/**
 * One change to the config file, as data: keys to set and keys to remove in a profile
 * (`[default]` or `[profile NAME]`, whichever the file already uses) or an `[sso-session NAME]`.
 */
export interface ConfigEdit {
  section: { profile: string } | { ssoSession: string };
  set?: Record<string, string>;
  remove?: string[];
}

/**
 * Applies every edit in one locked, atomic write, reading the file afresh inside the lock (an edit
 * sets or removes keys; it never replaces a section, so a concurrent change to other keys is
 * kept). True if the file changed; an unchanged file is not written.
 */
export async function applyConfigEdits(path: string, edits: readonly ConfigEdit[], opts: FileWriteOptions = {}): Promise<boolean> {
  for (const e of edits) {
    if ("profile" in e.section) checkName("profile", e.section.profile);
    else checkName("sso-session", e.section.ssoSession);
  }
  return editConfigFile(
    path,
    (doc) => {
      for (const e of edits) {
        const section =
          "profile" in e.section
            ? (findProfileSection(doc, e.section.profile) ?? profileSectionName(e.section.profile))
            : `sso-session ${e.section.ssoSession}`;
        if (e.remove?.length && doc.hasSection(section)) doc.removeKeys(section, e.remove);
        if (e.set && Object.keys(e.set).length > 0) doc.setKeys(section, e.set);
      }
    },
    opts,
  );
}

/** An sso-session already using this start URL, else a new name taken from its host. */
export function ssoSessionFor(doc: IniDocument, startUrl: string): string {
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

// docs/protocol/sso-oidc.md §7.6: the hosts the AWS CLI treats as AWS-owned start URLs.
const START_URL_HOSTS = [
  "identitycenter.amazonaws.com",
  "identitycenter.amazonaws.com.cn",
  "identitycenter.amazonaws.eu",
  "identitycenter.us-gov.amazonaws.com",
];
const START_URL_SUFFIXES = [
  ".awsapps.com",
  ".awsapps.cn",
  ".app.aws",
  ".portal.amazonaws.com",
  ".portal.amazonaws.com.cn",
  ".app.amazonwebservices.com.cn",
  ".portal.amazonaws.eu",
  ".api.amazonwebservices.eu",
];

/** An https start URL on an AWS-owned host (`https://d-xxxxxxxxxx.awsapps.com/start`, `https://ID.portal.REGION.app.aws`, …). */
export function isValidStartUrl(url: string): boolean {
  const u = parseHttpsUrl(url);
  if (u === undefined) return false;
  const host = u.hostname;
  return (
    START_URL_HOSTS.includes(host) ||
    START_URL_SUFFIXES.some((s) => host.endsWith(s) && /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host.slice(0, -s.length)))
  );
}

export function isValidRegion(region: string): boolean {
  return /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[a-z]*|eu-iso[a-z]*|eusc-[a-z]{2})-[a-z]+-\d+$/.test(region);
}

export function isValidAccountId(id: string): boolean {
  return /^\d{12}$/.test(id);
}

/** A permission set's role name as IAM Identity Center allows it: `[\w+=,.@-]`, 1 to 64 characters. */
export function isValidRoleName(name: string): boolean {
  return /^[\w+=,.@-]{1,64}$/.test(name);
}

function parseHttpsUrl(url: string): URL | undefined {
  // The URL parser drops tabs and newlines, so "https://x/start\nmore" would pass as another URL.
  if (url !== url.trim() || hasControlChars(url)) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "https:" && u.username === "" && u.password === "" && u.port === "" ? u : undefined;
  } catch {
    return undefined;
  }
}

// Only https is checked when reading: botocore accepts any URL, and AWS CLI ≥ 2.35.13 also resolves
// vanity (non-AWS) start URLs, so a stricter check would reject working configurations.
function checkStartUrl(url: string, source: () => string): void {
  if (parseHttpsUrl(url) === undefined) throw new ConfigError(`sso_start_url must be an https:// URL (${source()}).`);
}

function checkRegion(region: string, source: () => string): void {
  if (!isValidRegion(region)) throw new ConfigError(`sso_region is not an AWS region name (${source()}).`);
}

/** BadValueError unless `name` can name a profile or sso-session section (`kind`) in the config file. */
export function checkName(kind: "profile" | "sso-session", name: string): void {
  // Control characters would reach every terminal that lists profiles; no tool needs them in a name.
  if (name === "" || name !== name.trim() || /[[\]]/.test(name) || hasControlChars(name))
    throw new BadValueError(`"${name}" cannot be used as ${kind} name.`);
}

/** A section's keys with `[DEFAULT]`'s underneath: configparser gives every section its keys. */
function readSection(doc: IniDocument, section: string): Record<string, string> | undefined {
  const own = doc.getSection(section);
  if (own === undefined) return undefined;
  return Object.assign(Object.create(null) as Record<string, string>, doc.getSection("DEFAULT"), own);
}

function where(doc: IniDocument, section: string, key?: string): string {
  const line = (key !== undefined ? doc.findLine(section, key) : undefined) ?? doc.findLine(section);
  return `${doc.fileName}${line !== undefined ? `:${line}` : ""} [${section}]`;
}

/**
 * One locked, atomic edit of the config file: read afresh inside the lock, changed by `change`,
 * written only if its bytes changed. True if it was written. The new text is compared and written
 * in pieces, never held whole (a populated config is megabytes).
 */
export async function editConfigFile(path: string, change: (doc: IniEditor) => void, opts: FileWriteOptions = {}): Promise<boolean> {
  await checkWritableTarget(path, { system: opts.system });
  return withFileLock(path, async () => {
    const before = await readTextIfExists(path);
    const doc = IniEditor.parse(before ?? "", path);
    change(doc);
    if (!doc.changed || doc.hasText(before ?? "")) return false;
    await writeFileAtomic(path, doc.chunks(), { ...opts, newFileMode: 0o600, dirMode: 0o700 });
    return true;
  });
}

/** A mistyped profile gets its near names, never a command that would create the typo. */
function unknownProfileHint(doc: IniDocument, profileName: string): string {
  const near = nearestNames(profileName, listProfiles(doc));
  if (near.length > 0) return `Did you mean ${orList(near)}? (sso-cli roles lists the accounts and roles you can use)`;
  return `Check the name (sso-cli status lists your profiles), or create it: sso-cli configure profile ${profileName}`;
}

function missingSessionHint(doc: IniDocument, sessionName: string, profileName?: string): string {
  const near = nearestNames(sessionName, listSsoSessions(doc));
  if (near.length > 0)
    return `Did you mean ${orList(near)}?${profileName !== undefined ? ` Fix sso_session of profile ${profileName}.` : ""}`;
  const add = `Add an [sso-session ${sessionName}] section to ${doc.fileName}`;
  return profileName !== undefined
    ? `${add}, or run: sso-cli configure profile ${profileName} --sso-session ${sessionName} --sso-start-url URL --sso-region REGION`
    : `${add}, or run: sso-cli configure profile NAME --sso-session ${sessionName}`;
}
