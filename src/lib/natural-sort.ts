/**
 * Names in the order a person expects: numbers by value (account-2 before account-10), case and
 * accents aside. One collator for the process: making one costs more than comparing.
 */
let collator: Intl.Collator | undefined;

export function naturalCompare(a: string, b: string): number {
  collator ??= new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
