import type { Command } from "commander";
import type { Context } from "../../context.js";
import { Exit, SsoCliError } from "../../errors.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import type { RoleRow, RolesResult } from "./roles.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { ROLES_GRAMMAR, toRolesInput } from "./roles-grammar.entry.js";
import { formatTable } from "../../lib/table.js";
import { withTargetPicker } from "../../targets/pick-target.js";

export function addRolesCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, ROLES_GRAMMAR, async (parsed) => {
    const { listRoles } = await import("./roles.js");
    const { values } = parsed;
    const input = toRolesInput(parsed);
    const r = await withTargetPicker(ctx, input, (i) => listRoles(ctx, i));
    ctx.stdout.write(
      values.json === true
        ? formatRolesJson(r.rows)
        : values.csv === true
          ? formatRolesCsv(r.rows)
          : ctx.tty.stdout
            ? formatRolesTable(r.rows)
            : formatRolesLines(r.rows),
    );
    reportRolesOutcome(ctx, r);
  });
}

export function formatRolesJson(rows: readonly RoleRow[]): string {
  return `${JSON.stringify(
    rows.map((r) => ({
      accountId: r.accountId,
      accountName: r.accountName,
      emailAddress: r.emailAddress ?? null,
      roleName: r.roleName,
      profiles: r.profiles,
      chainedProfiles: r.chainedProfiles,
    })),
    null,
    2,
  )}\n`;
}

/** RFC 4180: every field quoted where it must be, CRLF-free lines; profiles space-separated in one field. */
export function formatRolesCsv(rows: readonly RoleRow[]): string {
  const field = (v: string): string => {
    const s = escapeControlChars(v);
    return /[",\s]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [
    ["account_id", "account_name", "email", "role_name", "profiles"],
    ...rows.map((r) => [r.accountId, r.accountName, r.emailAddress ?? "", r.roleName, r.profiles.join(" ")]),
  ];
  return lines.map((l) => `${l.map(field).join(",")}\n`).join("");
}

export function formatRolesTable(rows: readonly RoleRow[]): string {
  return formatTable(
    ["ACCOUNT ID", "ACCOUNT NAME", "EMAIL", "ROLE", "PROFILES"],
    rows.map((r) => [
      r.accountId,
      r.accountName,
      r.emailAddress ?? "",
      r.roleName,
      [...r.profiles, ...r.chainedProfiles.map((c) => `${c} (chain)`)].join(", "),
    ]),
  );
}

/** Not a terminal: one tab-separated line per account and role, for cut and awk. */
export function formatRolesLines(rows: readonly RoleRow[]): string {
  return rows
    .map(
      (r) =>
        `${[r.accountId, r.accountName, r.emailAddress ?? "", r.roleName, r.profiles.join(",")].map((c) => escapeControlChars(c)).join("\t")}\n`,
    )
    .join("");
}

/** Accounts that could not be listed, on stderr; their error when every one failed, else a partial success. */
function reportRolesOutcome(ctx: Pick<Context, "stderr">, r: RolesResult): void {
  if (r.unmatched !== undefined) ctx.stderr.write(`${escapeControlChars(r.unmatched)}\n`);
  else if (r.accounts === 0) ctx.stderr.write("This sign-in has no accounts.\n");
  if (r.failed.length === 0) return;
  if (r.failed.length === r.accounts && r.failed.length === 1) throw r.failed[0]!.error;
  for (const f of r.failed) ctx.stderr.write(`  ${escapeControlChars(`${f.accountId} ${f.accountName}: ${f.error.message}`)}\n`);
  if (r.failed.length === r.accounts) throw r.failed[0]!.error;
  throw new SsoCliError(
    `The roles of ${r.failed.length} of ${r.accounts} accounts could not be listed; the others are shown.`,
    Exit.partial,
  );
}
