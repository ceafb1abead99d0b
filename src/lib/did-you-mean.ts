/**
 * The names nearest to a mistyped one, for "did you mean …?" hints (profiles, sso-sessions,
 * regions), as commander already offers for commands and flags: the fewest edits (insert, delete,
 * change, swap two neighbours; case ignored), within about a third of the name's length.
 */
export function nearestNames(typed: string, known: Iterable<string>, max = 3): string[] {
  const want = typed.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(want.length / 3)));
  let best = limit + 1;
  let found: string[] = [];
  for (const name of new Set(known)) {
    if (name === typed) continue;
    const d = editDistance(want, name.toLowerCase(), best);
    if (d < best) {
      best = d;
      found = [name];
    } else if (d === best) {
      found.push(name);
    }
  }
  return found.slice(0, max);
}

/** "a", "a or b", "a, b or c". */
export function orList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** Optimal string alignment distance; anything above `cap` comes back as cap + 1. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > cap) return cap + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}
