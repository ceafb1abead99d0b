// How an ini section header maps to the name a client reads, per botocore `build_profile_map`
// (botocore/configloader.py): a header starting with `profile`, `sso-session` or `services` is split
// with Python `shlex.split` and counts only when that gives exactly two words. So `[profile "my name"]`
// and `[profile 'my name']` both mean `profile my name`, while `[profile my name]` (three words) and
// `[ profile x ]` (leading space) are not profiles at all. docs/protocol/config-files.md §2.

/**
 * `config`: the ~/.aws/config rules above. `raw`: the header text is the name, as botocore reads
 * ~/.aws/credentials (`[profile dev]` there is the profile literally named "profile dev").
 */
export type SectionNaming = "config" | "raw";

const NAMED_PREFIXES = ["profile", "sso-session", "services"] as const;

/** The section name a client sees for a header's bracketed text, or undefined when clients ignore it. */
export function canonicalSectionName(header: string, naming: SectionNaming): string | undefined {
  if (naming === "raw") return header;
  // botocore tests `startswith("profile")`, so `[profileX y]` is profile "y"; we follow it exactly.
  const prefix = NAMED_PREFIXES.find((p) => header.startsWith(p));
  if (prefix === undefined) return header;
  const words = splitShellWords(header);
  return words?.length === 2 ? `${prefix} ${words[1]}` : undefined;
}

/**
 * The bracketed text to write for a new section. Names with spaces are quoted the way the AWS CLI's
 * ConfigFileWriter does (`shlex.quote`: single quotes), which botocore reads back as the same name.
 */
export function formatSectionHeader(name: string, naming: SectionNaming): string | undefined {
  let header = name;
  if (naming === "config") {
    const prefix = NAMED_PREFIXES.find((p) => name.startsWith(`${p} `));
    if (prefix !== undefined) header = `${prefix} ${quoteShellWord(name.slice(prefix.length + 1))}`;
  }
  return canonicalSectionName(header, naming) === name ? header : undefined;
}

/** The config-file section of a profile: `default` is bare, any other is `profile NAME`. */
export function profileSectionName(profile: string): string {
  return profile === "default" ? "default" : `profile ${profile}`;
}

const SHELL_SPACE = new Set([" ", "\t", "\r", "\n"]);

/** Python `shlex.split(s)` (POSIX mode, no comments); undefined where Python raises ValueError. */
export function splitShellWords(s: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\") {
        if (i + 1 >= s.length) return undefined;
        const next = s.charAt(++i);
        // Inside double quotes a backslash escapes only `"` and itself; otherwise it stays.
        word += next === '"' || next === "\\" ? next : `\\${next}`;
      } else word += ch;
    } else if (SHELL_SPACE.has(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "\\") {
      if (i + 1 >= s.length) return undefined;
      word = (word ?? "") + s.charAt(++i);
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else word = (word ?? "") + ch;
  }
  if (quote !== undefined) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/** Python `shlex.quote`. */
export function quoteShellWord(s: string): string {
  if (s !== "" && /^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}
