import { join } from "node:path";
import { formatIsoOffset } from "../lib/iso-time.js";
import { readTextIfExists, writeFileAtomic } from "./atomic-write.js";
import { parseCacheJson } from "./cache-json.js";
import { withFileLock } from "./file-lock.js";
import type { JsonFields } from "./json-fields.js";
import { formatPythonJson } from "./python-json.js";
import { checkCachedKeys } from "./role-cache.js";
import { parseTimestamp } from "./token-cache.js";

// The AWS CLI's assume-role cache, ~/.aws/cli/cache (docs/protocol/token-cache.md §6.1): botocore's
// CachedCredentialFetcher keeps the AssumeRole answer there, in a JSONFileCache file named by the
// request (role-keys/role-chain.entry.ts `assumeRoleCacheFileName`). sso-cli reads and writes the
// same files, so the AWS CLI and sso-cli reuse each other's assumed-role keys.

export interface AssumedRoleKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId?: string | undefined;
  /** AssumedRoleUser.Arn: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
  arn?: string | undefined;
  assumedRoleId?: string | undefined;
}

interface AssumeRoleCacheEntry {
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string; AccountId?: string };
  AssumedRoleUser?: { Arn?: unknown; AssumedRoleId?: unknown };
}

function checkEntry(f: JsonFields): void {
  // Checked like the role cache's keys: export prints what this file holds.
  f.object("Credentials", checkCachedKeys);
}

/** The cached AssumeRole keys, if any; a damaged file is a FileFormatError naming it. */
export async function readAssumedRoleKeys(dir: string, fileName: string): Promise<AssumedRoleKeys | undefined> {
  const file = join(dir, fileName);
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  const e = parseCacheJson<AssumeRoleCacheEntry>(checkEntry, text, file);
  const c = e.Credentials;
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: parseTimestamp(c.Expiration)!,
    accountId: c.AccountId,
    // Not needed to use the keys: read when it has the expected shape, passed over otherwise.
    arn: typeof e.AssumedRoleUser?.Arn === "string" ? e.AssumedRoleUser.Arn : undefined,
    assumedRoleId: typeof e.AssumedRoleUser?.AssumedRoleId === "string" ? e.AssumedRoleUser.AssumedRoleId : undefined,
  };
}

/**
 * What the AWS CLI v2.9 writes (docs/protocol/token-cache.md §6.1): `json.dumps` of the AssumeRole
 * answer, the expiration as `isoformat()` (`…+00:00`); its ResponseMetadata is left out, as no
 * reader uses it. A reader takes `Z` and botocore 1.43's `…UTC` as well.
 */
export function formatAssumeRoleCacheEntry(k: AssumedRoleKeys): string {
  return formatPythonJson({
    Credentials: {
      AccessKeyId: k.accessKeyId,
      SecretAccessKey: k.secretAccessKey,
      SessionToken: k.sessionToken,
      Expiration: formatIsoOffset(k.expiration),
    },
    ...(k.arn !== undefined ? { AssumedRoleUser: { AssumedRoleId: k.assumedRoleId, Arn: k.arn } } : {}),
  });
}

/** Atomic, 0600 (a folder made here is 0700), under the file's lock. */
export async function writeAssumedRoleKeys(dir: string, fileName: string, k: AssumedRoleKeys): Promise<void> {
  const file = join(dir, fileName);
  await withFileLock(file, () => writeFileAtomic(file, formatAssumeRoleCacheEntry(k), { newFileMode: 0o600, dirMode: 0o700 }));
}
