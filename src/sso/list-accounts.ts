import type { SsoClients } from "./clients.js";
import { AccountListReply, parseReply, RoleListReply } from "./replies.js";

export interface AccountInfo {
  accountId: string;
  accountName: string;
  emailAddress?: string | undefined;
}

export interface ListOptions {
  /** Runs each page's call: a caller wraps it in retries and a shared rate limit. */
  call?: <T>(send: () => Promise<T>) => Promise<T>;
  /** Aborts the call under way (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

/** Guards against a server that hands back the same token forever (botocore raises on it too). */
const MAX_PAGES = 10_000;

const direct = <T>(send: () => Promise<T>): Promise<T> => send();

/**
 * Every account the token can see, following nextToken (docs/protocol/sso-portal.md §3), page by
 * page: `onPage` hears each page as it comes, so a listing that fails half way still leaves what it
 * listed, and work on the first accounts can start before the last page.
 */
export async function listAccounts(
  clients: SsoClients,
  accessToken: string,
  opts: ListOptions & { onPage?(accounts: AccountInfo[]): void } = {},
): Promise<AccountInfo[]> {
  const [client, m] = await Promise.all([clients.portal(), clients.portalModule()]);
  const call = opts.call ?? direct;
  const out: AccountInfo[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const token = nextToken;
    const reply = await call(() =>
      client.send(new m.ListAccountsCommand({ accessToken, maxResults: 100, ...(token ? { nextToken: token } : {}) }), sendOptions(opts)),
    );
    const r = parseReply(AccountListReply, reply, "ListAccounts");
    const accounts = (r.accountList ?? []).map((a) => ({
      accountId: a.accountId,
      accountName: a.accountName ?? a.accountId,
      emailAddress: a.emailAddress,
    }));
    out.push(...accounts);
    opts.onPage?.(accounts);
    if (!r.nextToken || r.nextToken === nextToken) return out;
    nextToken = r.nextToken;
  }
  return out;
}

/** Every role the token can use in one account. */
export async function listAccountRoles(
  clients: SsoClients,
  accessToken: string,
  accountId: string,
  opts: ListOptions = {},
): Promise<string[]> {
  const [client, m] = await Promise.all([clients.portal(), clients.portalModule()]);
  const call = opts.call ?? direct;
  const out: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const token = nextToken;
    const reply = await call(() =>
      client.send(
        new m.ListAccountRolesCommand({ accessToken, accountId, maxResults: 100, ...(token ? { nextToken: token } : {}) }),
        sendOptions(opts),
      ),
    );
    const r = parseReply(RoleListReply, reply, "ListAccountRoles");
    for (const role of r.roleList ?? []) out.push(role.roleName);
    if (!r.nextToken || r.nextToken === nextToken) return out;
    nextToken = r.nextToken;
  }
  return out;
}

function sendOptions(opts: ListOptions): { abortSignal?: AbortSignal } {
  return opts.signal ? { abortSignal: opts.signal } : {};
}
