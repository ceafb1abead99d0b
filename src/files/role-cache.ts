import { join } from "node:path";
import { ACCESS_KEY_ID_SHAPE, SECRET_ACCESS_KEY_SHAPE, SESSION_TOKEN_SHAPE } from "../lib/key-shape.js";
import { sha1Hex } from "../lib/sha.js";
import { checkWritableTarget, readTextIfExists, writeFileAtomic, type FileWriteOptions } from "./atomic-write.js";
import { deleteIfExists, parseCacheJson, readJsonFiles } from "./cache-json.js";
import { withFileLock } from "./file-lock.js";
import { formatPythonJson } from "./python-json.js";
import type { JsonFields } from "./json-fields.js";
import { formatTimestamp, parseTimestamp, TIMESTAMP_RULE } from "./token-cache.js";

// The AWS CLI v2's role-credential cache, ~/.aws/cli/cache (docs/protocol/token-cache.md §6):
// sso-cli reads and writes the same files, so `aws` and `sso-cli credential-process` / `export`
// share one set of keys per account and role instead of each fetching its own.

/**
 * docs/protocol/token-cache.md §6: SHA-1 of compact sorted JSON of accountId, roleName and
 * sessionName (sso-session profiles) or startUrl (legacy). The CLI then maps `:`, `/` and the path
 * separator to `_`, a no-op for hex.
 */
export function roleCacheFileName(key: {
  accountId: string;
  roleName: string;
  sessionName?: string | undefined;
  startUrl?: string | undefined;
}): string {
  const args =
    key.sessionName !== undefined
      ? { accountId: key.accountId, roleName: key.roleName, sessionName: key.sessionName }
      : { accountId: key.accountId, roleName: key.roleName, startUrl: key.startUrl };
  return `${sha1Hex(formatPythonJson(args, { sortKeys: true, compact: true }))}.json`;
}

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId?: string | undefined;
}

/** Keys a newer CLI adds are read past. */
interface RoleCacheEntry {
  ProviderType?: string;
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string; AccountId?: string };
}

function checkRoleCacheEntry(f: JsonFields): void {
  f.string("ProviderType", { optional: true });
  f.object("Credentials", checkCachedKeys);
}

/**
 * The `Credentials` object of the AWS CLI's caches (this role cache and the assume-role cache):
 * the keys' shape (lib/key-shape.ts), since a file anyone could have written is printed by export.
 */
export function checkCachedKeys(c: JsonFields): void {
  c.string("AccessKeyId", { nonEmpty: true, check: [(v) => ACCESS_KEY_ID_SHAPE.test(v), "is not an access key id"] });
  c.string("SecretAccessKey", { nonEmpty: true, check: [(v) => SECRET_ACCESS_KEY_SHAPE.test(v), "is not a secret access key"] });
  c.string("SessionToken", { nonEmpty: true, check: [(v) => SESSION_TOKEN_SHAPE.test(v), "is not a session token"] });
  c.string("Expiration", TIMESTAMP_RULE);
  c.string("AccountId", { optional: true });
}

/** The cached keys, if any; a damaged file is a FileFormatError naming it. */
export async function readRoleCredentials(dir: string, fileName: string): Promise<RoleCredentials | undefined> {
  const file = join(dir, fileName);
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  const c = parseCacheJson<RoleCacheEntry>(checkRoleCacheEntry, text, file).Credentials;
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: parseTimestamp(c.Expiration)!,
    accountId: c.AccountId,
  };
}

/** The bytes the AWS CLI v2 (with botocore 1.43's AccountId) writes: Python `json.dumps`, no trailing newline. */
export function formatRoleCacheEntry(c: RoleCredentials): string {
  return formatPythonJson({
    ProviderType: "sso",
    Credentials: {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      SessionToken: c.sessionToken,
      Expiration: formatTimestamp(c.expiration),
      ...(c.accountId !== undefined ? { AccountId: c.accountId } : {}),
    },
  });
}

/** Atomic, a secret, 0600 (a folder made here is 0700), under the file's lock: two writers never interleave. */
export async function writeRoleCredentials(dir: string, fileName: string, c: RoleCredentials, opts: FileWriteOptions = {}): Promise<void> {
  const file = join(dir, fileName);
  await checkWritableTarget(file, { secret: true, willWrite: true, system: opts.system });
  await withFileLock(file, () =>
    writeFileAtomic(file, formatRoleCacheEntry(c), { ...opts, newFileMode: 0o600, dirMode: 0o700, secret: true }),
  );
}

/** Files in ~/.aws/cli/cache holding SSO role credentials (`ProviderType` "sso"), as `aws sso logout` deletes. */
export async function listSsoRoleCacheFiles(dir: string): Promise<string[]> {
  return (await readJsonFiles(dir)).filter(({ json }) => json.ProviderType === "sso").map(({ fileName }) => fileName);
}

export async function deleteRoleCacheFile(dir: string, fileName: string): Promise<boolean> {
  return deleteIfExists(join(dir, fileName));
}
