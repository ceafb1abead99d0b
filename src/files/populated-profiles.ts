import type { IniDocument } from "./ini-document.js";

// Profiles that `sso-cli configure populate` wrote carry one comment line under their header. Every
// reader ignores comments (docs/protocol/config-files.md §2), so the marker changes nothing for the
// AWS CLI or the SDKs; it tells a later populate which profiles are its own to change or prune, and
// tells login that these profiles use the sign-in directly and need no static keys. A person who
// deletes the line makes the profile theirs.

/** The marker of a populated profile. */
export const POPULATED_MARKER = "# sso-cli configure populate";
/** The marker of a profile populated with --with-keys: login writes static keys for it too. */
export const POPULATED_WITH_KEYS_MARKER = "# sso-cli configure populate --with-keys";

/** How populate wrote a section: "keys" (with --with-keys), "no-keys", or undefined (not populate's). */
export type PopulatedMark = "keys" | "no-keys" | undefined;

/** Whether populate wrote this config-file section, from its marker line. */
export function populatedMark(doc: IniDocument, section: string): PopulatedMark {
  return populatedMarkIn(doc.comments(section));
}

/** populatedMark, from the section's comments (IniDocument.comments) already read. */
export function populatedMarkIn(comments: readonly string[]): PopulatedMark {
  for (const c of comments) {
    if (c === POPULATED_WITH_KEYS_MARKER) return "keys";
    if (c === POPULATED_MARKER) return "no-keys";
  }
  return undefined;
}

export function populatedMarker(withKeys: boolean): string {
  return withKeys ? POPULATED_WITH_KEYS_MARKER : POPULATED_MARKER;
}
