import { promises as fsp } from "node:fs";
import { BadValueError } from "../errors.js";
import { checkWritableTarget, isDevNull, readTextIfExists, writeFileAtomic, type FileWriteOptions } from "./atomic-write.js";
import {
  formatLedger,
  hashAccessKeyId,
  knownProfiles,
  readLedger,
  resolveFileIdentity,
  setEntry,
  settlePending,
  writeLedger,
  type CredentialSource,
  type Ledger,
  type LedgerEntry,
} from "./credentials-ledger.js";
import { fileAccessError, isNotFound } from "./file-access.js";
import { withFileLock, type FileLockOptions } from "./file-lock.js";
import { IniChain } from "./ini-chain.js";
import type { IniDocument } from "./ini-document.js";
import { IniEditor } from "./ini-editor.js";
import { IniScanner } from "./ini-scanner.js";

// ~/.aws/credentials: sections are bare profile names (docs/protocol/config-files.md §2.1). sso-cli only ever
// writes aws_access_key_id, aws_secret_access_key and aws_session_token, records what it wrote in
// the ledger (credentials-ledger.ts), and removes keys only while they are still the ones it wrote.

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface CredentialsEdit {
  profile: string;
  /** Write these keys, and record them in the ledger as coming from `source`. */
  set?: { credentials: RoleCredentials; source: CredentialSource };
  /** Remove the keys, if they are still the ones sso-cli wrote. */
  remove?: true;
  /** Overwrite keys that sso-cli did not write. */
  force?: boolean;
}

/**
 * written / unchanged: our keys are in place. removed: our keys are gone. absent: nothing to remove.
 * not-ours: the profile holds keys sso-cli did not write (or no longer holds the ones it wrote);
 * they were left alone.
 */
export type EditOutcome = "written" | "unchanged" | "removed" | "absent" | "not-ours";

export interface EditResult {
  profile: string;
  outcome: EditOutcome;
}

const ACCESS_KEY_ID = "aws_access_key_id";
const OUR_KEYS = [ACCESS_KEY_ID, "aws_secret_access_key", "aws_session_token"];
// botocore reads aws_security_token and prefers it over aws_session_token when both are present
// (docs/protocol/config-files.md §2.1), so a stale one left in a section we write would shadow our new token.
const LEGACY_TOKEN_KEY = "aws_security_token";

/** The file (empty if it does not exist), read whole and checked. Never writes. `lazy`: read as IniScanner reads. */
export async function readCredentialsFile(path: string, opts: { lazy?: boolean } = {}): Promise<IniDocument> {
  const text = (await readTextIfExists(path)) ?? "";
  return opts.lazy ? IniScanner.scan(text, path, { sectionNames: "raw" }) : IniChain.read(text, path, { sectionNames: "raw" });
}

/**
 * Applies many profiles' edits under one lock with one write of the file and one of the ledger,
 * so a login over a thousand profiles rewrites the file once. The file is read inside the lock and
 * not written at all when its bytes would not change; a new file is created 0600. It holds secrets
 * (atomic-write.ts): it is refused where others could read or swap it, and made private.
 */
export async function updateCredentialsFile(
  path: string,
  edits: CredentialsEdit[],
  ledgerFile: string,
  opts: FileLockOptions & FileWriteOptions = {},
): Promise<EditResult[]> {
  const { notice, system, ...lockOptions } = opts;
  for (const edit of edits) checkProfileName(edit.profile);
  // Before the lock and the ledger: a refused file gets neither a lock folder beside it nor
  // pending keys in the ledger. (Removals are checked by the write itself, if one is needed.)
  if (edits.some((e) => e.set !== undefined)) await checkWritableTarget(path, { secret: true, willWrite: true, system });
  else if (await isDevNull(path)) {
    // AWS_SHARED_CREDENTIALS_FILE=/dev/null holds no keys to remove, and gets no lock folder in /dev.
    return edits.map((e) => ({ profile: e.profile, outcome: e.remove ? "absent" : "unchanged" }));
  }
  if (edits.every((e) => e.set === undefined) && (await readTextIfExists(path)) === undefined) {
    // Nothing to remove from a file that does not exist; unless the ledger still lists some of
    // these profiles, take no lock and so create no folder.
    const known = knownProfiles(await readLedger(ledgerFile), await resolveFileIdentity(path));
    if (!edits.some((e) => known.has(e.profile))) {
      return edits.map((e) => ({ profile: e.profile, outcome: e.remove ? "absent" : "unchanged" }));
    }
  }
  return withFileLock(
    path,
    () =>
      withFileLock(
        ledgerFile,
        async () => {
          const before = await readTextIfExists(path);
          const doc = IniEditor.parse(before ?? "", path, { sectionNames: "raw" });
          const ledger = await readLedger(ledgerFile);
          let ledgerOnDisk = formatLedger(ledger);
          const fileKey = await resolveFileIdentity(path);
          // A write killed between the two files left its keys pending: settle them against the file first.
          settlePending(ledger, fileKey, (profile) => doc.get(profile, ACCESS_KEY_ID));
          const settled = JSON.parse(formatLedger(ledger)) as Ledger;
          const written = (ledger.files[fileKey] ??= {});
          const pending: Record<string, LedgerEntry> = {};

          const results = edits.map((edit): EditResult => {
            const current = doc.get(edit.profile, ACCESS_KEY_ID);
            const entry = Object.hasOwn(written, edit.profile) ? written[edit.profile] : undefined;
            const ours = current !== undefined && entry?.accessKeyIdSha256 === hashAccessKeyId(current);
            if (edit.set) {
              if (current !== undefined && !ours && !edit.force) return { profile: edit.profile, outcome: "not-ours" };
              const c = edit.set.credentials;
              const keys: Record<string, string> = {
                [ACCESS_KEY_ID]: c.accessKeyId,
                aws_secret_access_key: c.secretAccessKey,
                aws_session_token: c.sessionToken,
              };
              // Compared key by key, not by rendering the file: a batch of 1,000 profiles would otherwise
              // build the whole file twice per profile.
              const same =
                Object.entries(keys).every(([k, v]) => doc.get(edit.profile, k) === v) &&
                doc.get(edit.profile, LEGACY_TOKEN_KEY) === undefined;
              // A section is ours to remove once empty only if sso-cli added it, now or with keys still its own.
              const createdSection = !doc.hasSection(edit.profile) || (ours && entry?.createdSection === true);
              doc.setKeys(edit.profile, keys);
              doc.removeKeys(edit.profile, [LEGACY_TOKEN_KEY]);
              const next: LedgerEntry = {
                accessKeyIdSha256: hashAccessKeyId(c.accessKeyId),
                expiresAt: c.expiration.toISOString(),
                source: edit.set.source,
                ...(createdSection && { createdSection }),
              };
              setEntry(written, edit.profile, next);
              if (!same) setEntry(pending, edit.profile, next);
              return { profile: edit.profile, outcome: same ? "unchanged" : "written" };
            }
            if (edit.remove) {
              // The entry is stale either way: our keys are about to go, or someone replaced them.
              if (entry !== undefined) delete written[edit.profile];
              if (!ours) return { profile: edit.profile, outcome: current === undefined ? "absent" : "not-ours" };
              doc.removeKeys(edit.profile, OUR_KEYS, { dropEmptySection: entry?.createdSection === true });
              return { profile: edit.profile, outcome: "removed" };
            }
            return { profile: edit.profile, outcome: "unchanged" };
          });

          if (Object.keys(written).length === 0) delete ledger.files[fileKey];
          const after = doc.toString();
          const created = new Set(ledger.createdFiles ?? []);
          const emptiedOurFile = after === "" && before !== undefined && before !== "" && created.has(fileKey);
          if (emptiedOurFile && !(await fsp.lstat(path)).isSymbolicLink()) {
            // sso-cli made this file and has now taken out all it put in: leave no empty file behind.
            // Unless it was made read-only since: deleting it would be a way round that.
            await checkWritableTarget(path, { secret: true, willWrite: true, system });
            await fsp.unlink(path).catch((err: unknown) => {
              if (!isNotFound(err)) throw fileAccessError(err, path, "delete");
            });
            created.delete(fileKey);
          } else if (after !== (before ?? "")) {
            if (Object.keys(pending).length > 0) {
              // Keys about to land are ours before they land: killed after the next line, the file
              // still holds only keys the ledger knows (settled, or pending here).
              settled.pending = {
                ...settled.pending,
                [fileKey]: { ...(before === undefined && { createsFile: true }), profiles: pending },
              };
              ledgerOnDisk = formatLedger(settled);
              await writeLedger(ledgerFile, settled);
            }
            await writeFileAtomic(path, after, { newFileMode: 0o600, dirMode: 0o700, secret: true, notice, system });
            if (before === undefined) created.add(fileKey);
          }
          if (created.size > 0) ledger.createdFiles = [...created].sort();
          else delete ledger.createdFiles;
          if (formatLedger(ledger) !== ledgerOnDisk) await writeLedger(ledgerFile, ledger);
          return results;
        },
        lockOptions,
      ),
    lockOptions,
  );
}

function checkProfileName(profile: string): void {
  // `[DEFAULT]` is configparser's defaults section: keys there would reach every profile.
  if (profile === "" || profile === "DEFAULT" || /[\r\n]/.test(profile) || profile !== profile.trim()) {
    throw new BadValueError(`"${profile}" cannot be used as a profile name in the credentials file.`);
  }
}
