import { BadValueError } from "../../errors.js";
import type { ProfileCredentials } from "../../role-keys/credential-profile.entry.js";
import { stringValue, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { EXPORT_FORMATS, formatCredentials, type ExportFormat } from "../../role-keys/format-credentials.entry.js";

/** What `credential-process` and `export` were asked for. */
export interface CredentialsRequest {
  profile?: string | undefined;
  format: ExportFormat;
}

export function toCredentialsRequest(command: "credential-process" | "export", p: ParsedArgs): CredentialsRequest {
  const format = command === "credential-process" ? "process" : (stringValue(p.values, "format") ?? "process");
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new BadValueError(`--format must be one of ${EXPORT_FORMATS.join(", ")}, not "${format}".`);
  return { profile: stringValue(p.values, "profile"), format: format as ExportFormat };
}

/** The keys in the asked format: the data these commands exist to print (stdout). */
export function renderCredentials(c: ProfileCredentials, format: ExportFormat): string {
  return formatCredentials(c, format, { region: c.region, profile: c.profile, accountId: c.accountId, roleName: c.roleName });
}
