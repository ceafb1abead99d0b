import type { Command } from "commander";
import type { Context } from "../../context.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import type { LogoutResult } from "./logout.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { LOGOUT_GRAMMAR, toLogoutInput } from "./logout-grammar.entry.js";

export function addLogoutCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, LOGOUT_GRAMMAR, async (parsed) => {
    const { logout } = await import("./logout.js");
    const r = await logout(ctx, toLogoutInput(parsed));
    ctx.stderr.write(formatLogoutReport(r));
  });
}

/** What logout did, on stderr. Profile names and paths come from files and the environment: shown escaped. */
export function formatLogoutReport(r: LogoutResult): string {
  const lines: string[] = [];
  if (r.signedOut.length === 0 && r.removedProfiles.length === 0 && r.removedRoleCacheFiles === 0) {
    lines.push("Nothing to sign out of: no cached sign-in and no keys written by sso-cli.");
  }
  const unreachable = r.signedOut.filter((s) => s.outcome === "unreachable").length;
  if (r.signedOut.length > 0) {
    const n = r.signedOut.length;
    lines.push(
      `Signed out of ${n} session${n === 1 ? "" : "s"}${unreachable ? ` (${unreachable} could not be told: the server was unreachable; the cached token was removed here)` : ""}.`,
    );
  }
  const removed = r.removedProfiles.length;
  if (removed > 0)
    lines.push(
      escapeControlChars(
        `Removed keys from ${removed} profile${removed === 1 ? "" : "s"} in ${r.credentialsFile}: ${r.removedProfiles.join(", ")}.`,
      ),
    );
  if (r.keptProfiles.length > 0) lines.push(escapeControlChars(`Left alone (keys not written by sso-cli): ${r.keptProfiles.join(", ")}.`));
  return lines.map((l) => `${l}\n`).join("");
}
