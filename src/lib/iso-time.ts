/** Python's `datetime.isoformat()` of a UTC time, as the AWS CLI prints expiry: `…+00:00`, no fraction. */
export function formatIsoOffset(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}
