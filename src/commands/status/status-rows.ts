import type { SignInSpec } from "../../sign-in/cached-sign-in.entry.js";

// The rows `sso-cli status` shows, one per sign-in and per profile (a role chain's with its hops):
// what status.ts and status-chains.ts produce and status-command.ts renders.

/**
 * What a person (or `sso-cli login`) does next: nothing; a refresh (no browser: `sso-cli login`
 * renews the token or the keys by itself); a sign-in in the browser.
 */
export type NextStep = "nothing" | "refresh" | "login";

/** valid: more than 15 minutes left; expiring: less; expired; none: no cached token. */
export type TokenState = "valid" | "expiring" | "expired" | "none";

export interface SignInStatus {
  spec: SignInSpec;
  /** "sso-session NAME" or the start URL. */
  name: string;
  tokenExpiresAt?: Date | undefined;
  /** An sso-session token with a refresh token and a live client registration. */
  refreshable: boolean;
  state: TokenState;
  /** With --check, for a token not yet expired: did the service take it, and its clock. */
  service?: { accepted: boolean; clockSkewSeconds?: number | undefined } | undefined;
  next: NextStep;
}

export interface ProfileStatus {
  profile: string;
  signIn: string;
  accountId: string;
  roleName: string;
  /** Keys sso-cli wrote into the credentials file for this profile (per its ledger), still there. */
  credentialsFileExpiresAt?: Date | undefined;
  /** Keys in the AWS CLI v2's role cache for this account and role (credential-process, export, exec). */
  roleCacheExpiresAt?: Date | undefined;
  /** The keys sso-cli wrote for it themselves run out within 15 minutes (not only its sign-in). */
  keysExpiring: boolean;
  next: NextStep;
  /** A role chain (status-chains.ts): each hop's role and its keys in the assume-role cache, from the base profile up. */
  chain?: ChainHopStatus[] | undefined;
}

export interface ChainHopStatus {
  profile: string;
  roleArn: string;
  /** The hop's keys in ~/.aws/cli/cache, if any. */
  cacheExpiresAt?: Date | undefined;
}
