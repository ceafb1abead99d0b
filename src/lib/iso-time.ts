/** Python's `datetime.isoformat()` of a UTC time, as the AWS CLI prints expiry: `…+00:00`, no fraction. */
export function formatIsoOffset(date: Date): string {
  const year = date.getUTCFullYear();
  // From the UTC fields: the first toISOString() of a process costs more than the rest of a
  // credential-process answer's formatting (V8 sets up its date formatting then).
  if (!(year >= 0 && year <= 9999)) return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return `${String(year).padStart(4, "0")}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}+00:00`;
}
