import type { Writable } from "node:stream";
import { Exit, NoProfileWrittenError, PartialFailureError, type SsoCliError } from "../../errors.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import { formatExpiry } from "../../lib/progress.js";
import type { LoginResult, LoginUpToDate } from "./login.js";

// What `sso-cli login` says when it is done, and the error its exit code comes from. Names read
// from the user's files are shown with control characters escaped.

/** The one line of a login with nothing to fetch. */
export function formatUpToDate(r: LoginUpToDate): string {
  const n = r.profileCount;
  // "them" only when there are keys to renew.
  if (n === 0) return `Already signed in, until ${formatExpiry(r.validUntil)}. (--force signs in again.)\n`;
  return `Already signed in; keys for ${n} profile${n === 1 ? "" : "s"} valid until ${formatExpiry(r.validUntil)}. (--force renews them.)\n`;
}

/** After a login that fetched: the per-profile lines and the summary (stderr: talk, not data). */
export function writeLoginReport(stream: Writable, r: LoginResult): void {
  // Gathered and written once: a login over ten thousand profiles has as many lines.
  const lines: string[] = [];
  const out = { write: (line: string) => void lines.push(line) };
  writeLines(out, r);
  stream.write(lines.join(""));
}

function writeLines(out: { write(line: string): void }, r: LoginResult): void {
  for (const s of r.skipped) out.write(`  skipped ${escapeControlChars(s.profile)}: ${escapeControlChars(s.reason)}\n`);
  // A lone profile that failed is reported once, as the command's error, not also here.
  const lone = r.profiles.length === 1 && !r.profiles[0]!.ok;
  if (r.profiles.length > 0 && !lone) {
    // Columns: the name, account and role padded so that "valid until" lines up.
    const width = Math.min(32, Math.max(...r.profiles.map((p) => escapeControlChars(p.profile).length)));
    const roleWidth = Math.min(32, Math.max(...r.profiles.map((p) => escapeControlChars(p.roleName).length)));
    for (const p of r.profiles) {
      const name = escapeControlChars(p.profile).padEnd(width);
      out.write(
        p.ok
          ? `  ${name}  ${p.accountId} ${escapeControlChars(p.roleName).padEnd(roleWidth)}  valid until ${formatExpiry(p.expiresAt)}\n`
          : `  ${name}  FAILED: ${escapeControlChars(p.error.message)}\n`,
      );
    }
    const written = r.profiles.filter((p) => p.ok).length;
    out.write(`Wrote keys for ${written} of ${r.profiles.length} profile${r.profiles.length === 1 ? "" : "s"} to ${r.credentialsFile}.\n`);
  }
  if (r.keyless > 0) {
    const n = r.keyless;
    // With several sign-ins (--all) the count is of them all, not of the sign-in reported last.
    const whose = r.signIns.length > 1 ? `their sign-in${n === 1 ? "" : "s"}` : "this sign-in";
    out.write(
      `${n.toLocaleString("en-US")} populated profile${n === 1 ? " uses" : "s use"} ${whose} directly (no keys written; \`sso-cli login --profile NAME\` writes one's).\n`,
    );
  }
  if (r.profiles.length === 0 && r.skipped.length === 0 && r.keyless === 0) {
    const spec = r.signIns[0]?.spec;
    const url = escapeControlChars(spec?.startUrl ?? "URL");
    const region = escapeControlChars(spec?.region ?? "REGION");
    // Both next steps; either uses the sign-in just made (no second sign-in).
    const how =
      spec?.ssoSession && r.newSession === undefined
        ? ` --sso-session ${escapeControlChars(spec.ssoSession)}`
        : ` --sso-start-url ${url} --sso-region ${region}`;
    const all =
      spec?.ssoSession && r.newSession === undefined ? `--sso-session ${escapeControlChars(spec.ssoSession)}` : `${url} ${region}`;
    out.write(
      `No profile in ${r.configFile} uses this sign-in yet. Next, either:\n` +
        `  sso-cli configure populate ${all}   # a profile for every account and role\n` +
        `  sso-cli configure profile NAME${how}   # one profile\n`,
    );
  }
}

/**
 * The error a login ends with, if any: a lone failure as itself; all of several failed (nothing
 * was written, so no partial success) with their common exit code; some failed: partial.
 */
export function loginFailure(r: LoginResult): SsoCliError | undefined {
  const failed = r.profiles.flatMap((p) => (p.ok ? [] : [p.error]));
  if (failed.length === 0) return undefined;
  if (failed.length < r.profiles.length) return new PartialFailureError(failed.length, r.profiles.length);
  if (failed.length === 1) return failed[0];
  const codes = new Set(failed.map((e) => e.exitCode));
  return new NoProfileWrittenError(failed.length, codes.size === 1 ? [...codes][0]! : Exit.service);
}
