// Summaries of repeated measurements: the median is the figure, min–max the spread.

/** Median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** `{ median, min, max, n }` of a list of numbers. */
export function summarize(values) {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/**
 * The ratio of two interleaved series: the headline is median(a) ÷ median(b); the spread is the
 * range of the per-round ratios a[i] ÷ b[i] (each pair ran back to back, so it shares the noise).
 */
export function ratioOf(a, b) {
  const perRound = a.map((x, i) => x / b[i]).filter((r) => Number.isFinite(r));
  return { median: median(a) / median(b), min: Math.min(...perRound), max: Math.max(...perRound), n: perRound.length };
}

/** Rotates a list by `k`, so interleaved runs do not always go in the same order. */
export function rotate(list, k) {
  const i = k % list.length;
  return [...list.slice(i), ...list.slice(0, i)];
}
