/**
 * STS AssumeRole's decision: whether a request gets a role session, and if not, the error STS
 * gives, in its codes and words (docs/protocol/sts.md §8). Pure: the emulator's roles come in as
 * data, the caller as its ARN.
 *
 * The emulator's accounts hold every role name (no set-up for a test) unless `assumableRoles`
 * names the only ones; a role's trust policy is "any caller the emulator issued keys to", plus an
 * ExternalId condition for the roles `externalIds` names.
 */

export interface AssumeRoleRules {
  /** True for one of the emulator's accounts. */
  hasAccount(accountId: string): boolean;
  /** The only role names granted; empty: any name. */
  assumableRoles: readonly string[];
  /** ROLE:EXTERNAL_ID items: the ExternalId a role requires. */
  externalIds: readonly string[];
  /** Regions in which STS is not activated, for every account. */
  disabledRegions: readonly string[];
}

export interface AssumeRoleCall {
  params: URLSearchParams;
  /** The caller's ARN, quoted in AccessDenied. Every caller is a role session here (§8.4). */
  callerArn: string;
  /** The region the request was signed for: the STS endpoint it meant. */
  region: string;
}

export interface AssumeRoleGrant {
  accountId: string;
  /** The role's name, without its path: what the assumed-role ARN shows. */
  roleName: string;
  sessionName: string;
  durationS: number;
  sourceIdentity?: string;
}

export type AssumeRoleDecision = { ok: true; grant: AssumeRoleGrant } | { ok: false; status: number; code: string; message: string };

/** DurationSeconds when the request has none (STS API Reference, AssumeRole). */
export const DEFAULT_DURATION_S = 3600;
/** Role chaining: a session assumed with a role session's keys lasts one hour at most. */
export const ROLE_CHAINING_MAX_S = 3600;

// The model's constraints (botocore sts/2011-06-15 service-2.json), as Coral's validation words them.
const NAME_PATTERN = "[\\w+=,.@-]*";
const EXTERNAL_ID_PATTERN = "[\\w+=,.@:\\/-]*";
const NAME_RE = /^[\w+=,.@-]*$/;
const EXTERNAL_ID_RE = /^[\w+=,.@:/-]*$/;
const ROLE_ARN = /^arn:([^:]*):iam::(\d{12}):role\/(.+)$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** A member's value quoted in a message: bounded, so an error never grows with the request. */
function shown(value: string | null): string {
  if (value === null) return "null";
  return `'${value.length > 100 ? `${value.slice(0, 100)}…` : value}'`;
}

/** Checks one string member against its length and pattern; every failed constraint is one line. */
function checkString(
  problems: string[],
  member: string,
  value: string | null,
  o: { required?: boolean; min: number; max: number; pattern?: [RegExp, string] },
): void {
  const at = (problem: string) =>
    problems.push(`Value ${shown(value)} at '${member}' failed to satisfy constraint: Member must ${problem}`);
  if (value === null) {
    if (o.required) at("not be null");
    return;
  }
  if (o.pattern && !o.pattern[0].test(value)) at(`satisfy regular expression pattern: ${o.pattern[1]}`);
  const length = [...value].length;
  if (length < o.min) at(`have length greater than or equal to ${o.min}`);
  if (length > o.max) at(`have length less than or equal to ${o.max}`);
}

const validationError = (message: string): AssumeRoleDecision => ({ ok: false, status: 400, code: "ValidationError", message });

/**
 * Decides one AssumeRole whose signature and caller are already verified. Order: the model's
 * constraints (all at once, as Coral reports them), the role ARN's form, the account, the
 * region, the role and its ExternalId, then role chaining's one hour.
 */
export function decideAssumeRole(call: AssumeRoleCall, rules: AssumeRoleRules): AssumeRoleDecision {
  const { params } = call;
  const roleArn = params.get("RoleArn");
  const sessionName = params.get("RoleSessionName");
  const externalId = params.get("ExternalId");
  const sourceIdentity = params.get("SourceIdentity");
  const durationText = params.get("DurationSeconds");

  const problems: string[] = [];
  checkString(problems, "roleArn", roleArn, { required: true, min: 20, max: 2048 });
  checkString(problems, "roleSessionName", sessionName, { required: true, min: 2, max: 64, pattern: [NAME_RE, NAME_PATTERN] });
  let durationS = DEFAULT_DURATION_S;
  if (durationText !== null) {
    durationS = /^-?\d{1,15}$/.test(durationText.trim()) ? Number(durationText.trim()) : Number.NaN;
    if (Number.isNaN(durationS))
      problems.push(`Value ${shown(durationText)} at 'durationSeconds' failed to satisfy constraint: Member must be a valid integer`);
    else if (durationS < 900)
      problems.push(
        `Value '${durationS}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
      );
    else if (durationS > 43200)
      problems.push(
        `Value '${durationS}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
      );
  }
  checkString(problems, "externalId", externalId, { min: 2, max: 1224, pattern: [EXTERNAL_ID_RE, EXTERNAL_ID_PATTERN] });
  checkString(problems, "sourceIdentity", sourceIdentity, { min: 2, max: 64, pattern: [NAME_RE, NAME_PATTERN] });
  if (problems.length > 0) {
    return validationError(`${problems.length} validation error${problems.length === 1 ? "" : "s"} detected: ${problems.join("; ")}`);
  }

  // Past the constraints both are strings.
  const arn = roleArn ?? "";
  const parsed = ROLE_ARN.exec(arn);
  const roleName = parsed?.[3]?.split("/").at(-1) ?? "";
  if (!parsed || !ROLE_NAME.test(roleName)) return validationError("Request ARN is invalid");
  const [, partition, accountId] = parsed as unknown as [string, string, string];

  const denied: AssumeRoleDecision = {
    ok: false,
    status: 403,
    code: "AccessDenied",
    message: `User: ${call.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
  };
  if (partition !== "aws" || !rules.hasAccount(accountId)) return denied;
  if (rules.disabledRegions.includes(call.region)) {
    return {
      ok: false,
      status: 403,
      code: "RegionDisabledException",
      message: `STS is not activated in this region for account:${accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
    };
  }
  if (rules.assumableRoles.length > 0 && !rules.assumableRoles.includes(roleName)) return denied;
  const required = rules.externalIds.find((item) => item.slice(0, item.indexOf(":")) === roleName);
  if (required !== undefined && externalId !== required.slice(required.indexOf(":") + 1)) return denied;

  // Every key the emulator issues belongs to a role session (Identity Center's or an assumed
  // role's), so every AssumeRole it answers is role chaining.
  if (durationS > ROLE_CHAINING_MAX_S)
    return validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");

  return {
    ok: true,
    grant: { accountId, roleName, sessionName: sessionName ?? "", durationS, ...(sourceIdentity !== null && { sourceIdentity }) },
  };
}
