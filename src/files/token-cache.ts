import { join } from "node:path";
import { sha1Hex } from "../lib/sha.js";
import { readTextIfExists, writeFileAtomic, type FileWriteOptions } from "./atomic-write.js";
import { deleteIfExists, parseCacheJson, readJsonFiles } from "./cache-json.js";
import type { JsonFields, StringRule } from "./json-fields.js";
import { formatPythonJson } from "./python-json.js";

// The ~/.aws/sso/cache contract shared with botocore, the AWS CLI v2 and the JS SDK, and the AWS
// CLI v2's role-credential cache in ~/.aws/cli/cache. Names, fields and bytes: docs/protocol/token-cache.md.

const CACHE_FILE_MODE = 0o600;
const CACHE_DIR_MODE = 0o700;

/** docs/protocol/token-cache.md §2: SHA-1 of the sso-session name, or of the start URL exactly as configured (never normalized). */
export function tokenCacheFileName(key: { ssoSession?: string | undefined; startUrl: string }): string {
  return `${sha1Hex(key.ssoSession ?? key.startUrl)}.json`;
}

/** docs/protocol/token-cache.md §2.1: SHA-1 of Python `json.dumps(sort_keys=True)` of the five-key document. */
export function registrationCacheFileName(key: {
  startUrl: string;
  region: string;
  scopes: string[] | null;
  sessionName: string | null;
}): string {
  const doc = { region: key.region, scopes: key.scopes, session_name: key.sessionName, startUrl: key.startUrl, tool: "botocore" };
  return `${sha1Hex(formatPythonJson(doc, { sortKeys: true }))}.json`;
}

/** docs/protocol/token-cache.md §2: the registration file of CLI v2 before sso-session support, and of aws-sso-util. */
export function legacyRegistrationFileName(region: string): string {
  return `botocore-client-id-${region}.json`;
}

// docs/protocol/token-cache.md §3.4: `…Z`, `….mmmZ`, `…UTC` (CLI v2 before 2.1.14) and `+00:00` (any explicit offset is read).
// A time without a zone is refused: botocore fails on it and JS would read it as local time.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|UTC|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(s: string): Date | undefined {
  const m = TIMESTAMP.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-31 over into March; a real calendar date survives the round trip.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return undefined;
  const zone = m[8] as string;
  const offsetMin =
    zone === "Z" || zone === "UTC" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(utc - offsetMin * 60_000);
}

/** `%Y-%m-%dT%H:%M:%SZ`, what botocore and the CLI write (fractions of a second dropped). */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A string in a format parseTimestamp reads. */
export const TIMESTAMP_RULE: StringRule = { check: [(s) => parseTimestamp(s) !== undefined, "is not a UTC timestamp"] };

/** docs/protocol/token-cache.md §3.1. Fields other tools add (receivedAt, …) are kept when we rewrite the file. */
export interface TokenCacheEntry {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  registrationExpiresAt?: string | undefined;
  refreshToken?: string | undefined;
  [other: string]: unknown;
}

function checkTokenCacheEntry(f: JsonFields): void {
  f.string("startUrl");
  f.string("region");
  f.string("accessToken", { nonEmpty: true });
  f.string("expiresAt", TIMESTAMP_RULE);
  f.string("clientId", { optional: true });
  f.string("clientSecret", { optional: true });
  f.string("registrationExpiresAt", { ...TIMESTAMP_RULE, optional: true });
  f.string("refreshToken", { optional: true });
}

/** docs/protocol/token-cache.md §4. */
export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  expiresAt: string;
  scopes?: string[] | undefined;
  grantTypes?: string[] | undefined;
  [other: string]: unknown;
}

function checkClientRegistration(f: JsonFields): void {
  f.string("clientId", { nonEmpty: true });
  f.string("clientSecret", { nonEmpty: true });
  f.string("expiresAt", TIMESTAMP_RULE);
  f.strings("scopes");
  f.strings("grantTypes");
}

const TOKEN_KEY_ORDER = [
  "startUrl",
  "region",
  "accessToken",
  "expiresAt",
  "clientId",
  "clientSecret",
  "registrationExpiresAt",
  "refreshToken",
];
const REGISTRATION_KEY_ORDER = ["clientId", "clientSecret", "expiresAt", "scopes", "grantTypes"];

/**
 * docs/protocol/token-cache.md §3.2: the bytes the AWS CLI v2 and botocore write (Python `json.dumps`, no trailing newline), keys
 * in their order. Unlike botocore we keep keys other tools added, after the known ones in the order
 * they came: the JS SDK keeps them too, and every reader ignores them.
 */
export function formatTokenCacheEntry(entry: TokenCacheEntry): string {
  return formatPythonJson(orderKeys(entry, TOKEN_KEY_ORDER));
}

/** docs/protocol/token-cache.md §4, same serializer; `scopes` and `grantTypes` only when present. */
export function formatClientRegistration(registration: ClientRegistration): string {
  return formatPythonJson(orderKeys(registration, REGISTRATION_KEY_ORDER));
}

export function parseTokenCacheEntry(text: string, file: string): TokenCacheEntry {
  return parseCacheJson(checkTokenCacheEntry, text, file);
}

export function parseClientRegistration(text: string, file: string): ClientRegistration {
  return parseCacheJson(checkClientRegistration, text, file);
}

/** Undefined when the file does not exist; FileFormatError when it is corrupt or incomplete. */
export async function readTokenCacheEntry(dir: string, fileName: string): Promise<TokenCacheEntry | undefined> {
  const file = join(dir, fileName);
  const text = await readTextIfExists(file);
  return text === undefined ? undefined : parseTokenCacheEntry(text, file);
}

/** Atomic, a secret (atomic-write.ts); a new file is 0600 and a new cache folder 0700. */
export async function writeTokenCacheEntry(
  dir: string,
  fileName: string,
  entry: TokenCacheEntry,
  opts: FileWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(join(dir, fileName), formatTokenCacheEntry(entry), {
    ...opts,
    newFileMode: CACHE_FILE_MODE,
    dirMode: CACHE_DIR_MODE,
    secret: true,
  });
}

/** True if there was a file to delete. */
export async function deleteTokenCacheEntry(dir: string, fileName: string): Promise<boolean> {
  return deleteIfExists(join(dir, fileName));
}

export async function readClientRegistration(dir: string, fileName: string): Promise<ClientRegistration | undefined> {
  const file = join(dir, fileName);
  const text = await readTextIfExists(file);
  return text === undefined ? undefined : parseClientRegistration(text, file);
}

/** As writeTokenCacheEntry: the registration holds the client secret. */
export async function writeClientRegistration(
  dir: string,
  fileName: string,
  registration: ClientRegistration,
  opts: FileWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(join(dir, fileName), formatClientRegistration(registration), {
    ...opts,
    newFileMode: CACHE_FILE_MODE,
    dirMode: CACHE_DIR_MODE,
    secret: true,
  });
}

/** A token file as `aws sso logout` sees it: any JSON object with an `accessToken` (docs/protocol/token-cache.md §6). */
export interface CachedToken {
  fileName: string;
  accessToken: string;
  region: string | undefined;
  startUrl: string | undefined;
  expiresAt: Date | undefined;
}

/** Every token file in the cache, written by any tool; files that are not such JSON are skipped. */
export async function listTokenCacheEntries(dir: string): Promise<CachedToken[]> {
  const found: CachedToken[] = [];
  for (const { fileName, json } of await readJsonFiles(dir)) {
    if (typeof json.accessToken !== "string") continue;
    const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
    const expiresAt = str(json.expiresAt);
    found.push({
      fileName,
      accessToken: json.accessToken,
      region: str(json.region),
      startUrl: str(json.startUrl),
      expiresAt: expiresAt === undefined ? undefined : parseTimestamp(expiresAt),
    });
  }
  return found;
}

function orderKeys(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...order, ...Object.keys(obj).filter((k) => !order.includes(k))]) {
    if (obj[k] !== undefined) Object.defineProperty(out, k, { value: obj[k], enumerable: true });
  }
  return out;
}
