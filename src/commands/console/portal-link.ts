/**
 * The access portal's shortcut link to the console (IAM Identity Center's "shortcut links"):
 * `START_URL/#/console?account_id=…&role_name=…&destination=…`. The browser's own portal session
 * signs the person in (so the console's multi-session mode works with it); no key or token is in
 * the link, so it is no secret and leaves nothing of this machine behind.
 */
export function portalConsoleUrl(startUrl: string, accountId: string, roleName: string, destination: string): string {
  const base = startUrl.replace(/#.*$/, "").replace(/\/+$/, "");
  const query = new URLSearchParams({ account_id: accountId, role_name: roleName, destination });
  return `${base}/#/console?${query.toString()}`;
}
