import { createHash } from "node:crypto";

/**
 * The emulated user's assignments: accounts and the roles (permission sets) in each.
 * Ids are deterministic so tests and scripts can name them: account i (0-based) is
 * 100000000001 + i, and roles are the first M names of the role list. Nothing is stored per
 * account, so 5,000 accounts × 10 roles cost nothing until listed.
 */
export interface DirectoryOptions {
  accounts: number;
  rolesPerAccount: number;
  accountNames?: string[] | undefined;
  roleNames?: string[] | undefined;
  forbid?: string[] | undefined;
}

export interface Account {
  accountId: string;
  accountName: string;
  emailAddress: string;
}

export const DEFAULT_ROLE_NAMES = [
  "AdministratorAccess",
  "ReadOnlyAccess",
  "PowerUserAccess",
  "ViewOnlyAccess",
  "DatabaseAdministrator",
  "NetworkAdministrator",
  "SecurityAudit",
  "SupportUser",
  "SystemAdministrator",
  "Billing",
];

const FIRST_ACCOUNT_ID = 100000000001;

export class Directory {
  readonly accountCount: number;
  private readonly roles: string[];
  private readonly accountNames: string[];
  private readonly forbidden: Set<string>;

  constructor(opts: DirectoryOptions) {
    this.accountCount = opts.accounts;
    const names = opts.roleNames && opts.roleNames.length > 0 ? opts.roleNames : DEFAULT_ROLE_NAMES;
    this.roles = Array.from({ length: opts.rolesPerAccount }, (_, k) => names[k] ?? `Role${k + 1}`);
    this.accountNames = opts.accountNames ?? [];
    this.forbidden = new Set((opts.forbid ?? []).map((f) => f.trim()));
  }

  static accountIdAt(index: number): string {
    return String(FIRST_ACCOUNT_ID + index);
  }

  accountAt(index: number): Account {
    const accountId = Directory.accountIdAt(index);
    const accountName = this.accountNames[index] ?? `account-${index + 1}`;
    return { accountId, accountName, emailAddress: `aws+${accountName.replace(/[^\w.-]/g, "-")}@example.com` };
  }

  /** Index of an account id in this directory, or undefined. */
  indexOf(accountId: string): number | undefined {
    if (!/^\d{12}$/.test(accountId)) return undefined;
    const i = Number(accountId) - FIRST_ACCOUNT_ID;
    return i >= 0 && i < this.accountCount ? i : undefined;
  }

  rolesOf(accountId: string): string[] {
    return this.indexOf(accountId) === undefined ? [] : this.roles;
  }

  hasRole(accountId: string, roleName: string): boolean {
    return this.indexOf(accountId) !== undefined && this.roles.includes(roleName);
  }

  /** Listed, but GetRoleCredentials answers 403 "No access". Accepts "ACCOUNT:ROLE" or "ACCOUNT:*". */
  isForbidden(accountId: string, roleName: string): boolean {
    return this.forbidden.has(`${accountId}:${roleName}`) || this.forbidden.has(`${accountId}:*`);
  }
}

/** The 16 lower-case hex characters Identity Center appends to AWSReservedSSO_<role>_ names. */
export function roleHash16(accountId: string, roleName: string): string {
  return createHash("sha256").update(`${accountId}/${roleName}`).digest("hex").slice(0, 16);
}

/**
 * The IAM role behind an Identity Center permission set, as ARNs name it:
 * AWSReservedSSO_<permission set>_<16 hex> (docs/protocol/sts.md §4).
 */
export function identityCenterRoleName(accountId: string, permissionSet: string): string {
  return `AWSReservedSSO_${permissionSet}_${roleHash16(accountId, permissionSet)}`;
}

/** A role's unique id: AROA + 17 upper-case letters/digits, stable per account and IAM role name. */
export function roleUniqueId(accountId: string, roleName: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const digest = createHash("sha256").update(`role-id/${accountId}/${roleName}`).digest();
  let id = "AROA";
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! % 32];
  return id;
}
