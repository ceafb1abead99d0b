import { UsageError } from "../../errors.js";

// The profile names `configure populate` gives an organization's accounts and roles: a template
// filled in per assignment and region, normalised to what every client reads, and made distinct
// where two assignments would get one name.

/** One role a person can use in one account, as the portal lists it. */
export interface Assignment {
  accountId: string;
  accountName: string;
  roleName: string;
}

/** An assignment in one region, and the profile name it gets. */
export interface NamedProfile extends Assignment {
  profile: string;
  region: string;
}

export interface NameCollision {
  /** The name the template gave all of them. */
  name: string;
  /** The distinct names they got instead. */
  profiles: string[];
}

export const TEMPLATE_FIELDS = ["account_name", "account_id", "role_name", "region", "sso_session"] as const;
export const DEFAULT_TEMPLATE = "{account_name}.{role_name}";
/** With several regions the default names the region too. */
export const DEFAULT_REGIONAL_TEMPLATE = "{account_name}.{role_name}.{region}";

// What every client parses in `[profile NAME]`: the JS SDK's profile pattern ([\w-@+.%:/], aws/
// aws-sdk-js-v3 parseIni.ts), which botocore's shlex split also reads as one word
// (docs/protocol/config-files.md §2). Anything else (spaces, `]`, `#`, `;`, quotes, line breaks,
// non-ASCII letters) becomes `-`.
const NOT_ALLOWED = /[^A-Za-z0-9_\-@+.%:/]+/g;

/** The template's fields, checked: an unknown `{field}` is a usage error. */
export function checkTemplate(template: string, regions: number): void {
  if (template.trim() === "") throw new UsageError("--profile-name cannot be empty.");
  for (const m of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(m[1] as string)) {
      throw new UsageError(`--profile-name has an unknown field {${m[1]}}.`, `Fields: ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(" ")}`);
    }
  }
  if (regions > 1 && !template.includes("{region}")) {
    throw new UsageError(
      "With several --region values, --profile-name must contain {region}.",
      `For example: --profile-name '${DEFAULT_REGIONAL_TEMPLATE}'`,
    );
  }
}

/**
 * A field's value as part of a name: accents dropped (`é` is `e`), then runs of other characters
 * become one `-`, none at the ends.
 */
export function normaliseField(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(NOT_ALLOWED, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The template filled in for one profile, normalised. */
export function renderName(template: string, p: Assignment & { region: string }, ssoSession: string): string {
  const fields: Record<(typeof TEMPLATE_FIELDS)[number], string> = {
    account_name: normaliseField(p.accountName) || p.accountId,
    account_id: p.accountId,
    role_name: normaliseField(p.roleName) || "role",
    region: normaliseField(p.region),
    sso_session: normaliseField(ssoSession) || "sso",
  };
  // No leading `-`: `aws --profile -x` would read the name as an option.
  const name = template
    .replace(/\{([a-z_]+)\}/g, (whole, f: string) => (f in fields ? fields[f as keyof typeof fields] : whole))
    .replace(NOT_ALLOWED, "-")
    .replace(/^-+/, "");
  return name === "" ? `${p.accountId}.${fields.role_name}` : name;
}

/**
 * One profile per assignment and region, in listing order. Assignments the template gives one
 * name are all kept, each made distinct the same way whatever order they come in: by its account
 * id when those differ, else by its rank in (account, role, region) order; each group is reported.
 */
export function nameProfiles(
  assignments: readonly Assignment[],
  regions: readonly string[],
  template: string,
  ssoSession: string,
): { profiles: NamedProfile[]; collisions: NameCollision[] } {
  const profiles: NamedProfile[] = [];
  for (const a of assignments) {
    for (const region of regions) {
      // Spelled out, not spread: V8 gives each `{ ...a, region, profile }` a hidden class of its own,
      // about 230 bytes more per profile (11 MB for 50,000).
      const p: NamedProfile = { accountId: a.accountId, accountName: a.accountName, roleName: a.roleName, region, profile: "" };
      p.profile = renderName(template, p, ssoSession);
      profiles.push(p);
    }
  }
  const groups = new Map<string, NamedProfile[]>();
  for (const p of profiles) {
    const g = groups.get(p.profile);
    if (g) g.push(p);
    else groups.set(p.profile, [p]);
  }
  const taken = new Set(groups.keys());
  const collisions: NameCollision[] = [];
  for (const [name, group] of groups) {
    if (group.length < 2) continue;
    const byAccount = new Set(group.map((p) => p.accountId)).size === group.length;
    const sorted = [...group].sort((a, b) => cmp(a.accountId, b.accountId) || cmp(a.roleName, b.roleName) || cmp(a.region, b.region));
    sorted.forEach((p, i) => {
      let candidate = `${name}-${byAccount ? p.accountId : i + 1}`;
      for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${byAccount ? p.accountId : i + 1}-${n}`;
      taken.add(candidate);
      p.profile = candidate;
    });
    collisions.push({ name, profiles: group.map((p) => p.profile) });
  }
  return { profiles, collisions };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
