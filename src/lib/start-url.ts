/**
 * A start URL as people type it, made whole: the directory id alone (`d-1234567890`) or the
 * portal's host without https:// (`d-1234567890.awsapps.com/start`,
 * `ssoins-1234.portal.eu-north-1.app.aws`) becomes the https URL. Anything else is returned as
 * given, for the usual check to judge.
 */
export function expandStartUrl(value: string): string {
  const v = value.trim();
  if (/^d-[0-9a-z]{10}$/i.test(v)) return `https://${v.toLowerCase()}.awsapps.com/start`;
  const m = /^([a-z0-9-]+\.awsapps\.com)(\/start)?(\/|\/#\/?)?$/i.exec(v);
  if (m) return `https://${m[1]!.toLowerCase()}/start`;
  if (/^[a-z0-9-]+\.portal\.[a-z0-9-]+\.app\.aws\/?$/i.test(v)) return `https://${v.replace(/\/$/, "").toLowerCase()}`;
  return value;
}

/** expandStartUrl of a value that may be absent. */
export function expandStartUrlOf(value: string | undefined): string | undefined {
  return value === undefined ? undefined : expandStartUrl(value);
}
