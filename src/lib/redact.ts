// Secrets never reach logs, errors or --debug output. Key ids keep their ends so a person can
// still tell two keys apart; token-like values are replaced whole.
const SECRET_KEY = /token|secret|password|verifier|device_?code|authorization|signature/i;

export function redactText(s: string): string {
  return s
    .replace(/\b(A[SK]IA)[A-Z0-9]{8,}([A-Z0-9]{4})\b/g, "$1…$2")
    .replace(/("?[\w-]*(?:token|secret|verifier|devicecode|device_code|signature)[\w-]*"?\s*[:=]\s*"?)[^\s",&}]+/gi, "$1<redacted>");
}

export function redact(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "<redacted>" : redact(v)]));
  }
  return value;
}
