import { findProfileSection, listProfiles } from "../../files/config-file.js";
import { profileSectionName, type IniDocument } from "../../files/ini-document.js";
import type { IniEditor } from "../../files/ini-editor.js";
import {
  populatedMark,
  populatedMarker,
  populatedMarkIn,
  POPULATED_MARKER,
  POPULATED_WITH_KEYS_MARKER,
} from "../../files/populated-profiles.js";
import type { NamedProfile } from "./populate-names.js";

// What `configure populate` changes in the config file, decided against the file as it is (read
// inside the lock for the real edit): which profiles it adds, changes, removes or must skip. Pure:
// the same file and listing give the same plan, so a second run with the same assignments changes
// no byte.

/** What the listing established, for deciding what is no longer assigned. */
export interface ListingFacts {
  /** Every account ListAccounts returned (before filters); complete only if every page came. */
  accounts: ReadonlySet<string>;
  accountsComplete: boolean;
  /** Accounts whose roles were all listed (before the role filter), with those roles. */
  roles: ReadonlyMap<string, ReadonlySet<string>>;
  /** Whether an account and role fall under --account and --role (only those may be pruned). */
  inScope(accountId: string, roleName: string): boolean;
}

export interface PopulatePlanInput {
  ssoSession: string;
  profiles: readonly NamedProfile[];
  output: string;
  withKeys: boolean;
  prune: boolean;
  listing: ListingFacts;
}

/** A profile populate wrote before, as the file holds it. */
export interface OwnProfile {
  profile: string;
  accountId: string | undefined;
  roleName: string | undefined;
}

export interface PopulatePlan {
  add: NamedProfile[];
  change: NamedProfile[];
  unchanged: NamedProfile[];
  /** Its own profiles no longer assigned, removed (--prune). */
  remove: OwnProfile[];
  /** Its own profiles no longer assigned, left in place (without --prune). */
  stale: OwnProfile[];
  /** Wanted names it may not write, with the reason. */
  skip: { profile: string; reason: string }[];
}

/** The keys of a populated profile, in the order they are written. */
export function populatedKeys(p: NamedProfile, ssoSession: string, output: string): Record<string, string> {
  return { sso_session: ssoSession, sso_account_id: p.accountId, sso_role_name: p.roleName, region: p.region, output };
}

export function planPopulate(doc: IniDocument, input: PopulatePlanInput): PopulatePlan {
  const plan: PopulatePlan = { add: [], change: [], unchanged: [], remove: [], stale: [], skip: [] };
  const marker = populatedMarker(input.withKeys);
  const wanted = new Set<string>();
  for (const p of input.profiles) {
    wanted.add(p.profile);
    if (p.profile === "default") {
      plan.skip.push({ profile: p.profile, reason: "the default profile is left to you" });
      continue;
    }
    const section = findProfileSection(doc, p.profile);
    if (section === undefined) {
      plan.add.push(p);
      continue;
    }
    // Its comments once: a section held as text is read again for each new question.
    const comments = doc.comments(section);
    const mark = populatedMarkIn(comments);
    const session = doc.get(section, "sso_session");
    if (mark === undefined) {
      plan.skip.push({ profile: p.profile, reason: "a profile you wrote has this name" });
      continue;
    }
    if (session !== input.ssoSession) {
      plan.skip.push({ profile: p.profile, reason: `populated for sso-session ${session ?? "(none)"}` });
      continue;
    }
    const keys = populatedKeys(p, input.ssoSession, input.output);
    const same = Object.entries(keys).every(([k, v]) => doc.get(section, k) === v) && comments.includes(marker);
    (same ? plan.unchanged : plan.change).push(p);
  }
  for (const profile of listProfiles(doc)) {
    // A wanted profile was decided above; its section is not read again.
    if (wanted.has(profile)) continue;
    const own = ownProfile(doc, profile, input.ssoSession);
    if (own === undefined) continue;
    const { accountId, roleName } = own;
    if (accountId === undefined || roleName === undefined || !input.listing.inScope(accountId, roleName)) continue;
    const roles = input.listing.roles.get(accountId);
    const accountGone = input.listing.accountsComplete && !input.listing.accounts.has(accountId);
    const roleGone = roles !== undefined && !roles.has(roleName);
    // Still assigned (under another name), or not known (its listing failed): left alone.
    if (!accountGone && !roleGone) continue;
    (input.prune ? plan.remove : plan.stale).push(own);
  }
  return plan;
}

/** Carries the plan out on the document: one edit per profile, nothing else touched. */
export function applyPopulatePlan(
  doc: IniEditor,
  plan: PopulatePlan,
  input: Pick<PopulatePlanInput, "ssoSession" | "output" | "withKeys">,
): void {
  const marker = populatedMarker(input.withKeys);
  for (const p of plan.add)
    doc.setKeys(profileSectionName(p.profile), populatedKeys(p, input.ssoSession, input.output), { comment: marker });
  for (const p of plan.change) {
    const section = findProfileSection(doc, p.profile) as string;
    doc.setKeys(section, populatedKeys(p, input.ssoSession, input.output));
    const other = marker === POPULATED_MARKER ? POPULATED_WITH_KEYS_MARKER : POPULATED_MARKER;
    if (!doc.comments(section).includes(marker)) doc.replaceComment(section, other, marker);
  }
  for (const own of plan.remove) doc.removeSection(findProfileSection(doc, own.profile) as string);
}

/** The profile, if populate wrote it for this sso-session. */
function ownProfile(doc: IniDocument, profile: string, ssoSession: string): OwnProfile | undefined {
  const section = findProfileSection(doc, profile);
  if (section === undefined || populatedMark(doc, section) === undefined || doc.get(section, "sso_session") !== ssoSession)
    return undefined;
  return { profile, accountId: doc.get(section, "sso_account_id"), roleName: doc.get(section, "sso_role_name") };
}
