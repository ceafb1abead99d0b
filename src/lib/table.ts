import { escapeControlChars } from "./control-chars.js";

/**
 * Columns padded to their widest cell, two spaces apart, a header line first; cells from files or
 * the service are shown with control characters escaped. The last column is not padded.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => escapeControlChars(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? "")].length)));
  return cells
    .map(
      (r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + (c.length - [...c].length))))
          .join("  ")
          .trimEnd() + "\n",
    )
    .join("");
}

/** 7h 59m, 59m, 45s; a past time as "expired 3m ago". */
export function formatTimeLeft(until: Date, now: Date): string {
  const ms = until.getTime() - now.getTime();
  const s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m` : `${s}s`;
  return ms > 0 ? text : `expired ${text} ago`;
}
