/**
 * Shell-style wildcards for filters (`--account 'prod-*'`): `*` any run of characters, `?` one
 * character, everything else literal; the whole text must match. Case-sensitive, as account and
 * role names are.
 */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "su");
}

/** Whether any of the globs matches any of the texts; no globs match everything. */
export function matchesAny(globs: readonly RegExp[], ...texts: readonly (string | undefined)[]): boolean {
  return globs.length === 0 || globs.some((g) => texts.some((t) => t !== undefined && g.test(t)));
}
