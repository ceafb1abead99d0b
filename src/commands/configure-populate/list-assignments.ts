import type { Context } from "../../context.js";
import type { SsoCliError } from "../../errors.js";
import { WorkQueue, runWorkers } from "../../lib/work-queue.js";
import { listAccountRoles, listAccounts, type AccountInfo } from "../../sso/list-accounts.js";
import { describeServiceError, isUnauthorized } from "../../sso/service-errors.js";
import { serviceRetry } from "../../sso/service-retry.js";
import type { SignInSpec } from "../../sign-in/cached-sign-in.entry.js";
import { ensureSignedIn, type SignedIn, type SignInOptions } from "../../sign-in/sign-in.js";
import { sayRefusedSignIn } from "../../sign-in/refused-sign-in.js";

// Every account and role a sign-in can use: ListAccounts pages in order, and as each page arrives
// its accounts' ListAccountRoles calls start, a bounded number at once, all under one adaptive
// rate limit (lib/backoff.ts) so a throttled service is not hammered. A failure is kept with what
// it was about; what was listed stays usable.

/** ListAccountRoles calls in flight at once (as login's GetRoleCredentials fan-out). */
export const LISTING_CONCURRENCY = 16;

export interface ListingFailure {
  /** What could not be listed, for a person: "the roles of account 1234… (name)". */
  what: string;
  accountId?: string | undefined;
  error: SsoCliError;
}

export interface AssignmentListing {
  /** Every account ListAccounts returned, in its order (before filters). */
  accounts: AccountInfo[];
  /** False when a ListAccounts page failed: accounts after it are unknown. */
  accountsComplete: boolean;
  /** Accounts under the filter, whose roles were to be listed. */
  accountsInScope: number;
  /** Roles of each account in scope whose listing succeeded, by account id. */
  roles: Map<string, string[]>;
  failures: ListingFailure[];
}

export interface ListingProgress {
  accounts: number;
  accountsInScope: number;
  rolesListed: number;
  assignments: number;
  pagesDone: boolean;
}

export interface ListAssignmentsOptions {
  /** Accounts whose roles are listed (--account); the others are listed but not looked into. */
  inScope(account: AccountInfo): boolean;
  onProgress?(p: ListingProgress): void;
  /** Told once when the service first slows the listing down, with the rate (throttleNotice). */
  onThrottled?: ((requestsPerSecond: number) => void) | undefined;
  /** For a sign-in again when the service forgets the token mid-listing. */
  signIn: SignInOptions;
}

export type ListingDeps = Pick<
  Context,
  "now" | "sleep" | "signal" | "paths" | "endpoints" | "stdin" | "stderr" | "tty" | "browser" | "env" | "debug"
>;

export async function listAssignments(
  ctx: ListingDeps,
  spec: SignInSpec,
  signedIn: SignedIn,
  opts: ListAssignmentsOptions,
): Promise<AssignmentListing> {
  const { signal } = ctx;
  let session = signedIn;
  let renewed: Promise<SignedIn> | undefined;
  const endpoint = signedIn.clients.urls.portal;
  // Account pages and role listings pace themselves apart: a throttled one does not slow the other.
  const retryPage = serviceRetry(ctx, { signal, onThrottled: opts.onThrottled });
  const retryRoles = serviceRetry(ctx, { signal, onThrottled: opts.onThrottled });

  /** A call with the current token; on 401 (a token revoked elsewhere) one sign-in again for all. */
  async function withToken<T>(run: (token: string) => Promise<T>): Promise<T> {
    const used = session;
    try {
      return await run(used.accessToken);
    } catch (err) {
      if (!isUnauthorized(err) || used.how === "signed-in" || ctx.signal.aborted) throw err;
      if (renewed === undefined) sayRefusedSignIn(ctx.stderr, spec);
      renewed ??= ensureSignedIn(ctx, spec, { ...opts.signIn, force: true });
      session = await renewed;
      return run(session.accessToken);
    }
  }

  const progress: ListingProgress = { accounts: 0, accountsInScope: 0, rolesListed: 0, assignments: 0, pagesDone: false };
  const report = (): void => opts.onProgress?.({ ...progress });
  const out: AssignmentListing = { accounts: [], accountsComplete: false, accountsInScope: 0, roles: new Map(), failures: [] };
  const queue = new WorkQueue<AccountInfo>();
  const queued: AccountInfo[] = [];
  const seen = new Set<string>();

  const pages = (async () => {
    try {
      await withToken((token) =>
        listAccounts(session.clients, token, {
          call: retryPage,
          signal,
          onPage: (accounts) => {
            for (const a of accounts) {
              // Pages listed again after a sign-in again repeat accounts already queued.
              if (seen.has(a.accountId)) continue;
              seen.add(a.accountId);
              out.accounts.push(a);
              progress.accounts += 1;
              if (opts.inScope(a)) {
                progress.accountsInScope += 1;
                queued.push(a);
                queue.push(a);
              }
            }
            report();
          },
        }),
      );
      out.accountsComplete = true;
    } catch (err) {
      if (!ctx.signal.aborted)
        out.failures.push({
          what: `ListAccounts (after ${progress.accounts} accounts)`,
          error: describeServiceError(err, "listing your accounts", endpoint),
        });
    } finally {
      progress.pagesDone = true;
      queue.close();
      report();
    }
  })();

  const listed = await runWorkers(queue, LISTING_CONCURRENCY, async (account) => {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const roles = await withToken((token) => listAccountRoles(session.clients, token, account.accountId, { call: retryRoles, signal }));
    out.roles.set(account.accountId, roles);
    progress.rolesListed += 1;
    progress.assignments += roles.length;
    report();
    return roles;
  });
  await pages;
  out.accountsInScope = queued.length;
  listed.forEach((r, i) => {
    if (r.ok || ctx.signal.aborted) return;
    const account = queued[i] as AccountInfo;
    out.failures.push({
      what: `the roles of account ${account.accountId} (${account.accountName})`,
      accountId: account.accountId,
      error: describeServiceError(r.error, `listing the roles of account ${account.accountId}`, endpoint),
    });
  });
  return out;
}
