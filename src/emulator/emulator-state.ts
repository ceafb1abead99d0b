import { randomBytes, randomUUID } from "node:crypto";
import { Directory } from "./directory.js";
import type { EmulatorSettings } from "./emulator-settings.js";
import type { SigninToken } from "./federation-service.js";

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuedAtMs: number;
  expiresAtMs: number;
}

export type DecisionStatus = "pending" | "approved" | "denied" | "consumed";

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  createdMs: number;
  expiresAtMs: number;
  intervalS: number;
  status: DecisionStatus;
  lastPollMs?: number;
}

export interface AuthorizationRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
  createdMs: number;
  expiresAtMs: number;
  status: DecisionStatus;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  expiresAtMs: number;
  used: boolean;
}

export interface Session {
  id: string;
  user: string;
  clientId: string;
  startedMs: number;
  revoked: boolean;
}

export interface AccessToken {
  sessionId: string;
  clientId: string;
  expiresAtMs: number;
  revoked: boolean;
}

export interface RefreshToken {
  sessionId: string;
  clientId: string;
  used: boolean;
  revoked: boolean;
  expiresAtMs: number;
}

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
  accountId: string;
  /** The permission set for Identity Center keys; the IAM role's name for AssumeRole keys. */
  roleName: string;
  /** The Identity Center user the keys trace back to, through any chain of AssumeRole. */
  user: string;
  /** Set for keys from STS AssumeRole: the role session's name (Identity Center sessions are named after the user). */
  sessionName?: string;
}

export interface OperationStats {
  calls: number;
  errors: number;
  byCode: Record<string, number>;
}

export interface Stats {
  sinceMs: number;
  operations: Record<string, OperationStats>;
  grantTypes: Record<string, number>;
  inFlight: number;
  peakConcurrency: number;
}

/** Refresh tokens outlive access tokens; 90 days like a registration. */
const REFRESH_TTL_MS = 90 * 24 * 3600_000;
/** The scope a client must have registered with to be given refresh tokens. */
export const REFRESH_SCOPE = "sso:account:access";
/** Client registrations last "roughly 90 days" (docs/protocol/sso-oidc.md §3). */
const CLIENT_TTL_MS = 90 * 24 * 3600_000;

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Everything the emulator remembers, in memory. Time comes from `nowMs` (machine clock + skew). */
export class EmulatorState {
  options: EmulatorSettings;
  directory: Directory;
  clients = new Map<string, RegisteredClient>();
  deviceAuthorizations = new Map<string, DeviceAuthorization>();
  authorizationRequests = new Map<string, AuthorizationRequest>();
  authorizationCodes = new Map<string, AuthorizationCode>();
  sessions = new Map<string, Session>();
  accessTokens = new Map<string, AccessToken>();
  refreshTokens = new Map<string, RefreshToken>();
  roleCredentials = new Map<string, RoleCredentials>();
  /** Console sign-in tokens from /federation getSigninToken. */
  signinTokens = new Map<string, SigninToken>();
  stats: Stats;

  constructor(
    options: EmulatorSettings,
    private readonly clock: () => number,
  ) {
    this.options = options;
    this.directory = buildDirectory(options);
    this.stats = emptyStats(this.nowMs());
  }

  /** The machine's clock, without the skew knob (uptime). */
  machineNowMs(): number {
    return this.clock();
  }

  nowMs(): number {
    return this.clock() + this.options.clockSkewS * 1000;
  }

  configure(changes: Partial<EmulatorSettings>): void {
    this.options = { ...this.options, ...changes };
    const directoryKeys: (keyof EmulatorSettings)[] = ["accounts", "rolesPerAccount", "accountNames", "roleNames", "forbid"];
    if (directoryKeys.some((k) => k in changes)) this.directory = buildDirectory(this.options);
  }

  resetSessions(): void {
    this.clients.clear();
    this.deviceAuthorizations.clear();
    this.authorizationRequests.clear();
    this.authorizationCodes.clear();
    this.sessions.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.roleCredentials.clear();
    this.signinTokens.clear();
  }

  resetStats(): void {
    const { inFlight } = this.stats;
    this.stats = emptyStats(this.nowMs());
    this.stats.inFlight = inFlight;
    this.stats.peakConcurrency = inFlight;
  }

  registerClient(input: { clientName: string; scopes: string[]; grantTypes: string[]; redirectUris: string[] }): RegisteredClient {
    const now = this.nowMs();
    const client: RegisteredClient = {
      ...input,
      clientId: randomToken("cid-", 18),
      clientSecret: randomToken("csec-", 96),
      issuedAtMs: now,
      expiresAtMs: now + CLIENT_TTL_MS,
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  startDeviceAuthorization(clientId: string, startUrl: string): DeviceAuthorization {
    const now = this.nowMs();
    let userCode: string;
    do userCode = newUserCode();
    while ([...this.deviceAuthorizations.values()].some((d) => d.userCode === userCode && d.status === "pending"));
    const auth: DeviceAuthorization = {
      deviceCode: randomToken("dc-", 64),
      userCode,
      clientId,
      startUrl,
      createdMs: now,
      expiresAtMs: now + this.options.deviceTtlS * 1000,
      intervalS: this.options.intervalS,
      status: "pending",
    };
    this.deviceAuthorizations.set(auth.deviceCode, auth);
    return auth;
  }

  findDeviceAuthorizationByUserCode(userCode: string): DeviceAuthorization | undefined {
    const wanted = normalizeUserCode(userCode);
    for (const d of this.deviceAuthorizations.values()) if (normalizeUserCode(d.userCode) === wanted) return d;
    return undefined;
  }

  /** Applies auto-approval lazily: no timers, so a paused test clock pauses approval too. */
  effectiveStatus(d: { status: DecisionStatus; createdMs: number }): DecisionStatus {
    const ms = this.options.autoApproveMs;
    if (d.status === "pending" && ms >= 0 && this.nowMs() >= d.createdMs + ms) d.status = "approved";
    return d.status;
  }

  startSession(clientId: string): Session {
    const session: Session = { id: randomUUID(), user: this.options.user, clientId, startedMs: this.nowMs(), revoked: false };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Issues an access token, and a refresh token when refresh is on and the client may have one. */
  issueTokens(session: Session): { accessToken: string; expiresIn: number; refreshToken?: string } {
    const now = this.nowMs();
    const accessToken = randomToken("aoa", 256);
    this.accessTokens.set(accessToken, {
      sessionId: session.id,
      clientId: session.clientId,
      expiresAtMs: now + this.options.tokenTtlS * 1000,
      revoked: false,
    });
    const result: { accessToken: string; expiresIn: number; refreshToken?: string } = {
      accessToken,
      expiresIn: this.options.tokenTtlS,
    };
    // The service hands refresh tokens only to clients registered with the sso:account:access
    // scope (the sso-session form); a scope-less client (the legacy device flow) signs in again
    // after its 8 hours, and a tool tested here must not count on a refresh it will not get.
    if (this.options.refresh && this.clients.get(session.clientId)?.scopes.includes(REFRESH_SCOPE)) {
      const refreshToken = randomToken("aor", 256);
      this.refreshTokens.set(refreshToken, {
        sessionId: session.id,
        clientId: session.clientId,
        used: false,
        revoked: false,
        expiresAtMs: now + REFRESH_TTL_MS,
      });
      result.refreshToken = refreshToken;
    }
    return result;
  }

  /** The live session behind a bearer token, or why there is none. */
  authenticate(accessToken: string | undefined): { ok: true; session: Session } | { ok: false } {
    if (!accessToken) return { ok: false };
    const t = this.accessTokens.get(accessToken);
    if (!t || t.revoked || this.nowMs() >= t.expiresAtMs) return { ok: false };
    const session = this.sessions.get(t.sessionId);
    if (!session || session.revoked) return { ok: false };
    return { ok: true, session };
  }

  /** Logout: the token and every refresh token of its session stop working. */
  revokeSession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.revoked = true;
    for (const t of this.accessTokens.values()) if (t.sessionId === sessionId) t.revoked = true;
    for (const t of this.refreshTokens.values()) if (t.sessionId === sessionId) t.revoked = true;
  }

  /**
   * Keys for a role session: GetRoleCredentials' (lasting --role-ttl), or with `assumed` AssumeRole's,
   * lasting the DurationSeconds STS granted.
   */
  issueRoleCredentials(
    accountId: string,
    roleName: string,
    user: string,
    assumed?: { sessionName: string; durationS: number },
  ): RoleCredentials {
    const creds: RoleCredentials = {
      accessKeyId: "ASIA" + randomFrom(KEY_ALPHABET, 16),
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: "IQoJb3JpZ2luX2Vj" + randomBytes(330).toString("base64"),
      expiresAtMs: this.nowMs() + (assumed?.durationS ?? this.options.roleTtlS) * 1000,
      accountId,
      roleName,
      user,
      ...(assumed && { sessionName: assumed.sessionName }),
    };
    this.roleCredentials.set(creds.accessKeyId, creds);
    return creds;
  }

  countOperation(operation: string): void {
    this.stats.operations[operation] ??= { calls: 0, errors: 0, byCode: {} };
    this.stats.operations[operation].calls += 1;
  }

  countError(operation: string, code: string): void {
    this.stats.operations[operation] ??= { calls: 0, errors: 0, byCode: {} };
    const op = this.stats.operations[operation];
    op.errors += 1;
    op.byCode[code] = (op.byCode[code] ?? 0) + 1;
  }

  countGrant(grantType: string): void {
    this.stats.grantTypes[grantType] = (this.stats.grantTypes[grantType] ?? 0) + 1;
  }
}

function buildDirectory(o: EmulatorSettings): Directory {
  return new Directory({
    accounts: o.accounts,
    rolesPerAccount: o.rolesPerAccount,
    accountNames: o.accountNames,
    roleNames: o.roleNames,
    forbid: o.forbid,
  });
}

function emptyStats(nowMs: number): Stats {
  return { sinceMs: nowMs, operations: {}, grantTypes: {}, inFlight: 0, peakConcurrency: 0 };
}

export function randomToken(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString("base64url");
}

function randomFrom(alphabet: string, n: number): string {
  const bytes = randomBytes(n);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[bytes[i]! % alphabet.length];
  return s;
}

function newUserCode(): string {
  const s = randomFrom(USER_CODE_ALPHABET, 8);
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

export function normalizeUserCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
}
