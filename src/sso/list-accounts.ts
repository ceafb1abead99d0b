import type { SsoClients } from "./clients.js";
import { AccountListReply, parseReply, RoleListReply } from "./replies.js";

export interface AccountInfo {
  accountId: string;
  accountName: string;
  emailAddress?: string | undefined;
}

/** Guards against a server that hands back the same token forever (botocore raises on it too). */
const MAX_PAGES = 10_000;

/** Every account the token can see, following nextToken (docs/protocol/sso-portal.md §3). */
export async function listAccounts(clients: SsoClients, accessToken: string): Promise<AccountInfo[]> {
  const [client, m] = await Promise.all([clients.portal(), clients.portalModule()]);
  const out: AccountInfo[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const reply = await client.send(new m.ListAccountsCommand({ accessToken, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    const r = parseReply(AccountListReply, reply, "ListAccounts");
    for (const a of r.accountList ?? []) out.push({ accountId: a.accountId, accountName: a.accountName ?? a.accountId, emailAddress: a.emailAddress });
    if (!r.nextToken || r.nextToken === nextToken) return out;
    nextToken = r.nextToken;
  }
  return out;
}

/** Every role the token can use in one account. */
export async function listAccountRoles(clients: SsoClients, accessToken: string, accountId: string): Promise<string[]> {
  const [client, m] = await Promise.all([clients.portal(), clients.portalModule()]);
  const out: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const reply = await client.send(new m.ListAccountRolesCommand({ accessToken, accountId, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    const r = parseReply(RoleListReply, reply, "ListAccountRoles");
    for (const role of r.roleList ?? []) out.push(role.roleName);
    if (!r.nextToken || r.nextToken === nextToken) return out;
    nextToken = r.nextToken;
  }
  return out;
}
