import { realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as z from "zod/mini";
import { sha256Hex } from "../lib/sha.js";
import { FileFormatError } from "../errors.js";
import { readTextIfExists, resolveSymlinks, writeFileAtomic } from "./atomic-write.js";
import { lazySchema } from "./cache-json.js";

// What sso-cli wrote into credentials files, so that logout removes exactly our keys and never a
// key someone wrote by hand. One JSON file for all credentials files (~/.aws/sso-cli/
// credentials-ledger.json, 0600 in a 0700 folder), keyed by the credentials file's real path and
// then by profile. It holds a SHA-256 of the access key id, never a secret, so a status command
// can read it freely. Writers hold the credentials file's lock and then this file's lock.
//
// Two files cannot change in one step, so a write goes: ledger with the new keys as *pending*,
// then the credentials file, then the ledger with them settled. Killed anywhere in between, the
// file holds keys that are either settled or pending in the ledger: still ours, so the next login
// replaces them and logout removes them (settlePending).

export interface CredentialSource {
  ssoSession?: string | undefined;
  startUrl?: string | undefined;
  accountId: string;
  roleName: string;
}

const ledgerSchema = lazySchema(() => {
  const entry = z.object({
    accessKeyIdSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    /** When the keys expire, ISO 8601 UTC. */
    expiresAt: z.string(),
    source: z.object({
      ssoSession: z.optional(z.string()),
      startUrl: z.optional(z.string()),
      accountId: z.string(),
      roleName: z.string(),
    }),
  });
  const pendingWrite = z.object({
    /** The credentials file did not exist before this write. */
    createsFile: z.optional(z.boolean()),
    /** profile → the entry it gets once the write has landed */
    profiles: z.record(z.string(), entry),
  });
  return z.object({
    version: z.literal(1),
    /** credentials file (real path) → profile → entry */
    files: z.record(z.string(), z.record(z.string(), entry)),
    /** Credentials files that did not exist before sso-cli wrote them: removed again once empty. */
    createdFiles: z.optional(z.array(z.string())),
    /**
     * credentials file (real path) → keys about to be written there. Recorded before the credentials
     * file is written and settled after, so keys a crash left in the file are still known as ours.
     */
    pending: z.optional(z.record(z.string(), pendingWrite)),
  });
});
export type Ledger = z.infer<ReturnType<typeof ledgerSchema>>;
export type LedgerEntry = Ledger["files"][string][string];
export type PendingWrite = NonNullable<Ledger["pending"]>[string];

export interface WrittenProfile {
  credentialsFile: string;
  profile: string;
  expiresAt: Date;
  source: CredentialSource;
}

export function defaultLedgerFile(home: string): string {
  return join(home, ".aws", "sso-cli", "credentials-ledger.json");
}

export function hashAccessKeyId(accessKeyId: string): string {
  return sha256Hex(accessKeyId);
}

/**
 * The key a credentials file has in the ledger: symlinks (of the file and its folders) resolved, so
 * `~/.aws/credentials` and the dotfiles path it links to are one file.
 */
export async function resolveFileIdentity(path: string): Promise<string> {
  const target = await resolveSymlinks(path);
  try {
    // Synchronous, as every read on this path (atomic-write.ts says why).
    return join(realpathSync(dirname(target)), basename(target));
  } catch {
    return target;
  }
}

/** An empty ledger when the file does not exist; FileFormatError when it is damaged. */
export async function readLedger(ledgerFile: string): Promise<Ledger> {
  const text = await readTextIfExists(ledgerFile);
  if (text === undefined) return { version: 1, files: {} };
  const hint = "Delete it; sso-cli will then treat keys it wrote before as hand-written and leave them alone.";
  let json: unknown;
  try {
    json = JSON.parse(text, (k, v: unknown) => (k === "__proto__" ? undefined : v));
  } catch {
    throw new FileFormatError(ledgerFile, undefined, "is not valid JSON", hint);
  }
  const result = ledgerSchema().safeParse(json);
  if (!result.success) throw new FileFormatError(ledgerFile, undefined, "is not an sso-cli credentials ledger", hint);
  return result.data;
}

/** Atomic, 0600, folder 0700. The caller holds the ledger's lock. */
export async function writeLedger(ledgerFile: string, ledger: Ledger): Promise<void> {
  await writeFileAtomic(ledgerFile, formatLedger(ledger), { newFileMode: 0o600, dirMode: 0o700 });
}

export function formatLedger(ledger: Ledger): string {
  return `${JSON.stringify(ledger, null, 2)}\n`;
}

/**
 * Profiles sso-cli wrote and when their keys expire, optionally only those of one credentials file
 * and one sso-session or start URL.
 */
export async function listLedgerEntries(
  ledgerFile: string,
  filter: { credentialsFile?: string; ssoSession?: string; startUrl?: string } = {},
): Promise<WrittenProfile[]> {
  const ledger = await readLedger(ledgerFile);
  const only = filter.credentialsFile === undefined ? undefined : await resolveFileIdentity(filter.credentialsFile);
  const out: WrittenProfile[] = [];
  for (const [credentialsFile, profiles] of Object.entries(ledger.files)) {
    if (only !== undefined && credentialsFile !== only) continue;
    for (const [profile, entry] of Object.entries(profiles)) add(credentialsFile, profile, entry);
  }
  // Keys a crashed write may have left in the file: logout must find them too.
  for (const [credentialsFile, pending] of Object.entries(ledger.pending ?? {})) {
    if (only !== undefined && credentialsFile !== only) continue;
    const settled = ledger.files[credentialsFile] ?? {};
    for (const [profile, entry] of Object.entries(pending.profiles)) {
      const listed = Object.hasOwn(settled, profile) && matches(settled[profile] as LedgerEntry);
      if (!listed) add(credentialsFile, profile, entry);
    }
  }
  return out;

  function matches(entry: LedgerEntry): boolean {
    if (filter.ssoSession !== undefined && entry.source.ssoSession !== filter.ssoSession) return false;
    return filter.startUrl === undefined || entry.source.startUrl === filter.startUrl;
  }

  function add(credentialsFile: string, profile: string, entry: LedgerEntry): void {
    if (matches(entry)) out.push({ credentialsFile, profile, expiresAt: new Date(entry.expiresAt), source: entry.source });
  }
}

/** Profiles the ledger knows in one credentials file, settled or pending. */
export function knownProfiles(ledger: Ledger, fileKey: string): Set<string> {
  return new Set([...Object.keys(ledger.files[fileKey] ?? {}), ...Object.keys(ledger.pending?.[fileKey]?.profiles ?? {})]);
}

/**
 * Settles what a write that did not finish left pending for one credentials file: a pending entry
 * whose key id is the one now in the file becomes the profile's entry (that write landed); the
 * others are dropped (it did not, and the settled entry still describes the file). `currentKeyId`
 * reads the file's key id for a profile. Changes `ledger` in place.
 */
export function settlePending(ledger: Ledger, fileKey: string, currentKeyId: (profile: string) => string | undefined): void {
  const pending = ledger.pending?.[fileKey];
  if (pending === undefined) return;
  const written = (ledger.files[fileKey] ??= {});
  let landed = false;
  for (const [profile, entry] of Object.entries(pending.profiles)) {
    const current = currentKeyId(profile);
    if (current === undefined || hashAccessKeyId(current) !== entry.accessKeyIdSha256) continue;
    setEntry(written, profile, entry);
    landed = true;
  }
  if (pending.createsFile && landed) ledger.createdFiles = [...new Set([...(ledger.createdFiles ?? []), fileKey])].sort();
  delete ledger.pending![fileKey];
  if (Object.keys(ledger.pending!).length === 0) delete ledger.pending;
  if (Object.keys(written).length === 0) delete ledger.files[fileKey];
}

/** Sets a profile's entry; a profile named like an Object.prototype member stays an ordinary key. */
export function setEntry(entries: Record<string, LedgerEntry>, profile: string, entry: LedgerEntry): void {
  Object.defineProperty(entries, profile, { value: entry, enumerable: true, configurable: true, writable: true });
}
