import { type BigIntStats, statSync } from "node:fs";
import { type PrivateFolder, readPrivateFile, writePrivateFile } from "../files/private-cache.js";
import type { CredentialProfile } from "./credential-profile.entry.js";

/**
 * What the hot path of `credential-process` and `export` last resolved for a profile of a config
 * file, kept while the file is unchanged. Scripts and tools run `credential-process` before every
 * AWS call; reading the config, finding the profile and its sign-in, checking them and naming the
 * role-cache file are most of what it does, and with tens of thousands of profiles most of all.
 * The answer depends on that file alone, so it is kept with the file's identity (device, inode,
 * size, modification and change times to the nanosecond) and used only while all of them are the
 * same. It holds no secret: a profile's account, role, region and role-cache file name.
 *
 * Kept in `~/.cache/sso-cli/profiles.json`, a private file (files/private-cache.ts): a changed
 * entry could only point at another of the user's own cached keys, and no one else can change it.
 */

/** What is kept of a resolved profile: enough to read and label its cached keys. */
export type RememberedProfile = Pick<CredentialProfile, "profile" | "accountId" | "roleName" | "region" | "roleCacheFile">;

export const PROFILE_MEMO_FILE = "profiles.json";
/** The profiles kept, the last used first: a script's few, not a populated config's thousands. */
export const MAX_REMEMBERED = 32;
/**
 * A config changed less than this long ago is not remembered: a file system that keeps coarse
 * times (FAT's 2 s) could show the same times after a second edit of the same size.
 */
export const SETTLED_MS = 2_000;
const MAX_BYTES = 256 * 1024;

interface Entry {
  config: string;
  identity: string;
  /** The profile asked for: --profile, else AWS_PROFILE; "" for the config's only role profile. */
  asked: string;
  target: RememberedProfile;
}

export interface ProfileMemo {
  /** The profile resolved for this config and this question while the file has not changed. */
  readonly remembered: RememberedProfile | undefined;
  /** Keeps the answer just resolved from the file read after this memo was opened. */
  remember(target: RememberedProfile): void;
}

/**
 * The memo for `asked` in `configFile`, as the file is now. The file's identity is taken before
 * the caller reads it: an edit in between changes the identity, and the answer is not kept for it.
 */
export function openProfileMemo(folder: PrivateFolder, configFile: string, asked: string | undefined, now: () => Date): ProfileMemo {
  let stats: BigIntStats | undefined;
  try {
    stats = statSync(configFile, { bigint: true, throwIfNoEntry: false });
  } catch {
    stats = undefined;
  }
  if (!stats?.isFile()) return { remembered: undefined, remember: () => {} };
  const { mtimeMs, ctimeMs } = stats;
  const identity = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
  const key = asked ?? "";
  const entries = readEntries(folder);
  const found = entries.find((e) => e.config === configFile && e.asked === key);
  return {
    remembered: found?.identity === identity ? found.target : undefined,
    remember(target) {
      const settled = now().getTime() - Number(mtimeMs > ctimeMs ? mtimeMs : ctimeMs);
      if (settled < SETTLED_MS) return;
      const kept = [{ config: configFile, identity, asked: key, target: pick(target) }, ...entries.filter((e) => e !== found)];
      writePrivateFile(
        folder.dir,
        PROFILE_MEMO_FILE,
        `${JSON.stringify({ version: 1, profiles: kept.slice(0, MAX_REMEMBERED) })}\n`,
        folder.uid,
        folder.pid,
      );
    },
  };
}

function pick(t: RememberedProfile): RememberedProfile {
  return { profile: t.profile, accountId: t.accountId, roleName: t.roleName, region: t.region, roleCacheFile: t.roleCacheFile };
}

/** The kept entries; none when the file is missing, not to be trusted, or not what this code writes. */
function readEntries(folder: PrivateFolder): Entry[] {
  const bytes = readPrivateFile(folder.dir, PROFILE_MEMO_FILE, folder.uid, MAX_BYTES);
  if (!bytes) return [];
  try {
    const data = JSON.parse(bytes.toString("utf8")) as { version?: unknown; profiles?: unknown };
    if (data.version !== 1 || !Array.isArray(data.profiles)) return [];
    return data.profiles.filter(isEntry);
  } catch {
    return [];
  }
}

const text = (v: unknown): v is string => typeof v === "string" && v.length > 0;

function isEntry(e: unknown): e is Entry {
  if (typeof e !== "object" || e === null) return false;
  const { config, identity, asked, target } = e as Record<string, unknown>;
  if (!text(config) || !text(identity) || typeof asked !== "string" || typeof target !== "object" || target === null) return false;
  const t = target as Record<string, unknown>;
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
