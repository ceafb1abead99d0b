import { realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { sha256Hex } from "../lib/sha.js";
import { FileFormatError } from "../errors.js";
import { readTextIfExists, resolveSymlinks, writeFileAtomic } from "./atomic-write.js";
import { parseJsonSafely } from "./cache-json.js";
import { isJsonObject } from "./json-fields.js";

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

export interface LedgerEntry {
  accessKeyIdSha256: string;
  /** When the keys expire, ISO 8601 UTC. */
  expiresAt: string;
  source: CredentialSource;
  /**
   * sso-cli added the profile's section to the file (it was not there before its first write):
   * logout removes the section once it is empty. A section someone wrote keeps its header.
   */
  createdSection?: true | undefined;
}

export interface PendingWrite {
  /** The credentials file did not exist before this write. */
  createsFile?: boolean | undefined;
  /** profile → the entry it gets once the write has landed */
  profiles: Record<string, LedgerEntry>;
}

export interface Ledger {
  version: 1;
  /** credentials file (real path) → profile → entry */
  files: Record<string, Record<string, LedgerEntry>>;
  /** Credentials files that did not exist before sso-cli wrote them: removed again once empty. */
  createdFiles?: string[] | undefined;
  /**
   * credentials file (real path) → keys about to be written there. Recorded before the credentials
   * file is written and settled after, so keys a crash left in the file are still known as ours.
   */
  pending?: Record<string, PendingWrite> | undefined;
}

// Checked by hand, not with zod: an up-to-date login reads the ledger before every job of the
// scripts that call it (json-fields.ts says why). Keys other than these are dropped, as before.
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The ledger in `json`, rebuilt from the fields it knows; undefined when any of them is wrong. */
function toLedger(json: unknown): Ledger | undefined {
  if (!isJsonObject(json) || json.version !== 1) return undefined;
  const files = toRecord(json.files, (profiles) => toRecord(profiles, toEntry));
  if (files === undefined) return undefined;
  const ledger: Ledger = { version: 1, files };
  if (json.createdFiles !== undefined) {
    if (!Array.isArray(json.createdFiles) || !json.createdFiles.every((f) => typeof f === "string")) return undefined;
    ledger.createdFiles = json.createdFiles as string[];
  }
  if (json.pending !== undefined) {
    const pending = toRecord(json.pending, toPendingWrite);
    if (pending === undefined) return undefined;
    ledger.pending = pending;
  }
  return ledger;
}

function toPendingWrite(json: unknown): PendingWrite | undefined {
  if (!isJsonObject(json) || (json.createsFile !== undefined && typeof json.createsFile !== "boolean")) return undefined;
  const profiles = toRecord(json.profiles, toEntry);
  if (profiles === undefined) return undefined;
  return json.createsFile === undefined ? { profiles } : { createsFile: json.createsFile, profiles };
}

function toEntry(json: unknown): LedgerEntry | undefined {
  if (
    !isJsonObject(json) ||
    typeof json.accessKeyIdSha256 !== "string" ||
    !SHA256_HEX.test(json.accessKeyIdSha256) ||
    typeof json.expiresAt !== "string"
  )
    return undefined;
  const s = json.source;
  if (!isJsonObject(s) || typeof s.accountId !== "string" || typeof s.roleName !== "string") return undefined;
  const source: CredentialSource = { accountId: s.accountId, roleName: s.roleName };
  for (const key of ["ssoSession", "startUrl"] as const) {
    const v = s[key];
    if (v === undefined) continue;
    if (typeof v !== "string") return undefined;
    source[key] = v;
  }
  if (json.createdSection !== undefined && json.createdSection !== true) return undefined;
  const entry: LedgerEntry = { accessKeyIdSha256: json.accessKeyIdSha256, expiresAt: json.expiresAt, source };
  if (json.createdSection === true) entry.createdSection = true;
  return entry;
}

/** An object of values each `toValue` accepts, rebuilt; undefined when it is not one. */
function toRecord<T>(json: unknown, toValue: (v: unknown) => T | undefined): Record<string, T> | undefined {
  if (!isJsonObject(json)) return undefined;
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(json)) {
    const value = toValue(v);
    if (value === undefined) return undefined;
    out[k] = value;
  }
  return out;
}

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
    json = parseJsonSafely(text);
  } catch {
    throw new FileFormatError(ledgerFile, undefined, "is not valid JSON", hint);
  }
  const ledger = toLedger(json);
  if (ledger === undefined) throw new FileFormatError(ledgerFile, undefined, "is not an sso-cli credentials ledger", hint);
  return ledger;
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

/**
 * Profiles of one credentials file that still hold the keys sso-cli wrote (the ledger's hash
 * matches the key id now in the file): a hand-written or replaced key is not among them.
 */
export function profilesHoldingWrittenKeys(
  ledger: Ledger,
  fileKey: string,
  currentKeyId: (profile: string) => string | undefined,
): Set<string> {
  const out = new Set<string>();
  for (const [profile, e] of Object.entries(ledger.files[fileKey] ?? {})) {
    const keyId = currentKeyId(profile);
    if (keyId !== undefined && e.accessKeyIdSha256 === hashAccessKeyId(keyId)) out.add(profile);
  }
  return out;
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
