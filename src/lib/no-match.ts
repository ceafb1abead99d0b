import { nearestNames, orList } from "./did-you-mean.js";

/**
 * The one way every command says that a filter matched nothing ("No role matches --role
 * ReadOnly (did you mean ReadOnlyAccess?)."), with the near names among those listed: a typo, or
 * the start of a whole name. For a pattern (* and ?), the listed names nearest to it.
 */
export function noMatchLine(what: string, flag: string, values: readonly string[], listed: Iterable<string> = []): string {
  const known = [...new Set(listed)];
  const near = new Set<string>();
  let patterns = false;
  for (const v of values) {
    const plain = v.replace(/[*?]/g, "");
    if (plain !== v) patterns = true;
    if (plain === "") continue;
    for (const n of nearestNames(plain, known)) near.add(n);
    if (plain === v) for (const n of known) if (n.toLowerCase().startsWith(v.toLowerCase())) near.add(n);
  }
  const shown = [...near].slice(0, 3);
  const aside = shown.length === 0 ? "" : patterns ? ` (the nearest listed: ${shown.join(", ")})` : ` (did you mean ${orList(shown)}?)`;
  return `No ${what} matches ${values.map((v) => `${flag} ${v}`).join(" or ")}${aside}.`;
}
