import type { PrivateFolder } from "../files/private-cache.js";
import { RememberedAnswers } from "../files/remembered-answers.js";
import type { CredentialProfile } from "./credential-profile.entry.js";

/**
 * What the hot path of `credential-process` and `export` last resolved for a profile of a config
 * file, kept while the file is unchanged. Scripts and tools run `credential-process` before every
 * AWS call; reading the config, finding the profile and its sign-in, checking them and naming the
 * role-cache file are most of what it does, and with tens of thousands of profiles most of all.
 * The answer depends on that file alone, so it is kept with the file's state and used only while
 * the file is unchanged (files/remembered-answers.ts). It holds no secret: a profile's account,
 * role, region and role-cache file name, in `~/.cache/sso-cli/profiles.json`, a private file: a
 * changed entry could only point at another of the user's own cached keys.
 */

/** What is kept of a resolved profile: enough to read and label its cached keys. */
export type RememberedProfile = Pick<CredentialProfile, "profile" | "accountId" | "roleName" | "region" | "roleCacheFile">;

export const PROFILE_MEMO_FILE = "profiles.json";
/** The profiles kept, the last used first: a script's few, not a populated config's thousands. */
export const MAX_REMEMBERED = 32;
export { SETTLED_MS } from "../files/remembered-answers.js";

export interface ProfileMemo {
  /** The profile resolved for this config and this question while the file has not changed. */
  readonly remembered: RememberedProfile | undefined;
  /** Keeps the answer just resolved from the config file (files/remembered-answers.ts says when it is kept). */
  remember(target: RememberedProfile): void;
}

/** The memo for `asked` (--profile, else AWS_PROFILE; undefined for the config's only role profile) in `configFile`. */
export function openProfileMemo(folder: PrivateFolder, configFile: string, asked: string | undefined, now: () => Date): ProfileMemo {
  const answers = new RememberedAnswers(folder, PROFILE_MEMO_FILE, isRememberedProfile, MAX_REMEMBERED);
  const key = `${configFile}\n${asked ?? ""}`;
  return {
    remembered: answers.recall(key, now()),
    remember: (target) => answers.keep(key, [configFile], pick(target), now()),
  };
}

function pick(t: RememberedProfile): RememberedProfile {
  return { profile: t.profile, accountId: t.accountId, roleName: t.roleName, region: t.region, roleCacheFile: t.roleCacheFile };
}

const text = (v: unknown): v is string => typeof v === "string" && v.length > 0;

function isRememberedProfile(v: unknown): v is RememberedProfile {
  if (typeof v !== "object" || v === null) return false;
  const t = v as Record<string, unknown>;
  // The file name is joined to the cache folder: only the AWS CLI's own form (a SHA-1 and .json), never a path.
  return (
    text(t.profile) &&
    typeof t.accountId === "string" &&
    /^\d{12}$/.test(t.accountId) &&
    text(t.roleName) &&
    text(t.region) &&
    typeof t.roleCacheFile === "string" &&
    /^[0-9a-f]{40}\.json$/.test(t.roleCacheFile)
  );
}
