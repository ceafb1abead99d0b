import type { Command } from "commander";
import type { Context } from "../../context.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import { formatExpiry } from "../../lib/progress.js";
import type { ConsoleResult } from "./console.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { CONSOLE_GRAMMAR, toConsoleInput } from "./console-grammar.entry.js";
import { withTargetPicker } from "../../targets/pick-target.js";

export function addConsoleCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, CONSOLE_GRAMMAR, async (parsed) => {
    const { openConsole } = await import("./console.js");
    const r = await withTargetPicker(ctx, toConsoleInput(parsed), (input) => openConsole(ctx, input));
    writeConsoleReport(ctx, r);
  });
}

/** The link is data (stdout) when asked for or when no browser took it; what happened is talk (stderr). */
export function writeConsoleReport(ctx: Pick<Context, "stdout" | "stderr">, r: ConsoleResult): void {
  const who = escapeControlChars(`profile ${r.profile} (${r.accountId} ${r.roleName}, ${r.region})`);
  if (r.opened) {
    ctx.stderr.write(`Opened the AWS console for ${who} in your browser${r.portal ? ", through your access portal" : ""}.\n`);
    return;
  }
  if (r.notOpenedBecause !== undefined && (r.portal || r.linkExpiresAt === undefined)) {
    ctx.stderr.write(
      `Could not open a browser (${escapeControlChars(r.notOpenedBecause)}). Open this access-portal link for ${who}; it holds no key (the portal's own sign-in is used):\n`,
    );
  } else if (r.notOpenedBecause !== undefined) {
    ctx.stderr.write(
      `Could not open a browser (${escapeControlChars(r.notOpenedBecause)}). Open this link for ${who} by ${formatExpiry(r.linkExpiresAt!)}; it signs in whoever opens it:\n`,
    );
  }
  ctx.stdout.write(`${r.url}\n`);
}
