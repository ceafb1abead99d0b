/**
 * Role keys as text for other tools, byte for byte as `aws configure export-credentials` prints
 * them (docs/protocol/credential-formats.md §2), plus `dotenv` and `json`. The AWS CLI inserts
 * values verbatim; so do we wherever that is safe in the target language (real keys always are),
 * and quote a value that holds anything else, so no value can inject a command.
 */
import { BadValueError } from "../errors.js";
import { formatIsoOffset } from "../lib/iso-time.js";

export const EXPORT_FORMATS = ["process", "env", "env-no-export", "powershell", "windows-cmd", "fish", "dotenv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportableCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
}

/** The `credential_process` JSON (Version 1): `json.dumps(indent=2)` in the AWS CLI's key order, plus a newline. */
export function formatProcessJson(c: ExportableCredentials): string {
  const fields: [string, string | number][] = [
    ["Version", 1],
    ["AccessKeyId", c.accessKeyId],
    ["SecretAccessKey", c.secretAccessKey],
    ...(c.sessionToken !== undefined ? ([["SessionToken", c.sessionToken]] as [string, string][]) : []),
    ...(c.expiration !== undefined ? ([["Expiration", formatIsoOffset(c.expiration)]] as [string, string][]) : []),
  ];
  return `{\n${fields.map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n")}\n}\n`;
}

function variables(c: ExportableCredentials): [string, string][] {
  return [
    ["AWS_ACCESS_KEY_ID", c.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", c.secretAccessKey],
    ...(c.sessionToken !== undefined ? ([["AWS_SESSION_TOKEN", c.sessionToken]] as [string, string][]) : []),
    ...(c.expiration !== undefined ? ([["AWS_CREDENTIAL_EXPIRATION", formatIsoOffset(c.expiration)]] as [string, string][]) : []),
  ];
}

/**
 * Characters no shell gives a meaning to in an unquoted word (keys, tokens and timestamps use only
 * these); but not `=` at the start or after a `:`, where zsh expands `=cmd` to a command's path
 * (its EQUALS option, which applies after each `:` of an assignment's value too).
 */
const SHELL_SAFE = /^(?!=)(?!.*:=)[A-Za-z0-9+/=._:,@%-]*$/;

// Each format quotes a value so that the target language reads it back exactly, whatever it holds.
// Real keys never need it: their shape is checked where a reply or a cache file is read
// (lib/key-shape.ts). This is the second wall.

/** sh, bash, zsh: single quotes keep every byte; a `'` ends them, is escaped, and they start again. */
const posixQuote = (v: string): string => (SHELL_SAFE.test(v) ? v : `'${v.replaceAll("'", `'\\''`)}'`);

/**
 * PowerShell: the AWS CLI's double quotes for a plain value; anything else in single quotes, where
 * nothing expands and the only escape is a doubled quote. PowerShell reads ‘ ’ ‚ ‛ as single quotes
 * too (and “ ” „ as double ones), so each of the four is doubled like `'` (as PowerShell's own
 * CodeGeneration.EscapeSingleQuotedStringContent does).
 */
const powershellQuote = (v: string): string => (SHELL_SAFE.test(v) ? `"${v}"` : `'${v.replace(/['\u2018\u2019\u201a\u201b]/g, "$&$&")}'`);

/** fish: in double quotes only `\"`, `\$` and `\\` are escapes and `$` is the one expansion. */
const fishQuote = (v: string): string => `"${v.replace(/["\\$]/g, (c) => `\\${c}`)}"`;

/** dotenv (and `set -a; . ./.env`): double quotes with the shell's escapes; a line break as `\n` keeps one variable per line. */
const dotenvQuote = (v: string): string =>
  SHELL_SAFE.test(v)
    ? v
    : `"${v
        .replace(/["\\$`]/g, (c) => `\\${c}`)
        .replace(/\n/g, "\\n")
        .replace(/\r/g, "\\r")}"`;

/**
 * cmd.exe: `set "NAME=value"` keeps & | < > ^ literal, but nothing can keep a `"` (it ends the
 * quotes and exposes the rest), a `%` (expanded even inside quotes, and `%%` is literal only in a
 * batch file), a `!` (delayed expansion) or a line break. Such a value is refused.
 */
const CMD_QUOTABLE = /^[\x20-\x7e]*$/;
const cmdLine = (k: string, v: string): string => {
  if (/^[A-Za-z0-9+/=._:,@-]*$/.test(v)) return `set ${k}=${v}\n`;
  if (!CMD_QUOTABLE.test(v) || /["%!]/.test(v))
    throw new BadValueError(
      `${k} holds characters cmd.exe cannot take literally (a quote, %, ! or a line break).`,
      "Use --format powershell or --format json.",
    );
  return `set "${k}=${v}"\n`;
};

export function formatCredentials(
  c: ExportableCredentials,
  format: ExportFormat,
  extra: { region?: string | undefined; profile?: string | undefined; accountId?: string | undefined; roleName?: string | undefined } = {},
): string {
  const vars = variables(c);
  switch (format) {
    case "process":
      return formatProcessJson(c);
    case "env":
      return vars.map(([k, v]) => `export ${k}=${posixQuote(v)}\n`).join("");
    case "env-no-export":
      return vars.map(([k, v]) => `${k}=${posixQuote(v)}\n`).join("");
    case "powershell":
      return vars.map(([k, v]) => `$Env:${k}=${powershellQuote(v)}\n`).join("");
    case "windows-cmd":
      // Plain values as the AWS CLI prints them.
      return vars.map(([k, v]) => cmdLine(k, v)).join("");
    case "fish":
      return vars.map(([k, v]) => `set -gx ${k} ${fishQuote(v)}\n`).join("");
    case "dotenv":
      return [...vars, ...(extra.region ? ([["AWS_REGION", extra.region]] as [string, string][]) : [])]
        .map(([k, v]) => `${k}=${dotenvQuote(v)}\n`)
        .join("");
    case "json":
      return `${JSON.stringify({
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        ...(c.sessionToken !== undefined ? { SessionToken: c.sessionToken } : {}),
        ...(c.expiration !== undefined ? { Expiration: formatIsoOffset(c.expiration) } : {}),
        ...(extra.region !== undefined ? { Region: extra.region } : {}),
        ...(extra.profile !== undefined ? { Profile: extra.profile } : {}),
        ...(extra.accountId !== undefined ? { AccountId: extra.accountId } : {}),
        ...(extra.roleName !== undefined ? { RoleName: extra.roleName } : {}),
      })}\n`;
  }
}
