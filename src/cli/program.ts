import { Command, Option } from "commander";
import type { Context } from "../context.js";
import { escapeControlChars, hasControlChars } from "../lib/control-chars.js";
import { fitHelpText } from "../lib/help-text.js";
import pkg from "../../package.json" with { type: "json" };
import { addCompletionCommand } from "../commands/completion/completion-command.js";
import { addConfigurePopulateCommand } from "../commands/configure-populate/configure-populate-command.js";
import { addConfigureCommand } from "../commands/configure-profile/configure-profile-command.js";
import { addConsoleCommand } from "../commands/console/console-command.js";
import { addRolesCommand } from "../commands/roles/roles-command.js";
import { addStatusCommand } from "../commands/status/status-command.js";
import { addCredentialProcessCommand } from "../commands/credential-process/credential-process-command.js";
import { addExportCommand } from "../commands/export/export-command.js";
import { addExecCommand } from "../commands/exec/exec-command.js";
import { addServeCommand } from "../commands/serve/serve-command.js";
import { addEmulatorCommand } from "../commands/emulator/emulator-command.js";
import { addLoginCommand } from "../commands/login/login-command.js";
import { addLogoutCommand } from "../commands/logout/logout-command.js";

/**
 * The command tree: the product's table of contents. Actions import their use case lazily. `argv`
 * is only used to show, escaped, arguments that commander quotes in its errors.
 */
export function buildProgram(ctx: Context, argv: readonly string[] = []): Command {
  // Commander quotes a bad argument as it came ("unknown command '…'"). Its own lines are joined
  // with "\n", so the arguments holding control characters are escaped by value, then the rest.
  const tainted = argv.filter(hasControlChars).sort((a, b) => b.length - a.length);
  const escapeArgs = (s: string): string =>
    tainted.reduce((text, arg) => text.split(arg).join(escapeControlChars(arg)), s).replace(/[^\n]+/g, escapeControlChars);
  const program = new Command("sso-cli");
  program
    .description("Short-lived AWS keys from IAM Identity Center (AWS SSO), written where every AWS tool finds them.")
    .version(pkg.version, "-V, --version", "print the version")
    .addOption(new Option("--debug", "print redacted diagnostics on stderr"))
    .exitOverride()
    .configureOutput({
      // --help fits 80 columns (lib/help-text.ts); --version passes through unchanged.
      writeOut: (s) => void ctx.stdout.write(fitHelpText(s)),
      writeErr: (s) => void ctx.stderr.write(s),
      // Commander's "error: …" becomes the one `sso-cli: ` line every error starts with (main.ts);
      // what it adds below ("(Did you mean --profile?)") is indented like a hint.
      outputError: (s, write) =>
        write(
          escapeArgs(s)
            .replace(/^error: /, "sso-cli: ")
            .replace(/\n(?=.)/g, "\n  "),
        ),
    })
    .showHelpAfterError("  (run with --help for usage)")
    .enablePositionalOptions(false);
  program.addHelpText(
    "after",
    `
Start: sso-cli configure profile NAME, then sso-cli login --profile NAME.
Every command's --help has examples and its exit codes; the README has the rest.`,
  );
  addConfigureCommand(program, ctx);
  addConfigurePopulateCommand(program, ctx);
  addLoginCommand(program, ctx);
  addLogoutCommand(program, ctx);
  addCredentialProcessCommand(program, ctx);
  addExportCommand(program, ctx);
  addExecCommand(program, ctx);
  addServeCommand(program, ctx);
  addConsoleCommand(program, ctx);
  addStatusCommand(program, ctx);
  addRolesCommand(program, ctx);
  addCompletionCommand(program, ctx);
  addEmulatorCommand(program, ctx);
  return program;
}
