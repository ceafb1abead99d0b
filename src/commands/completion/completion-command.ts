import type { Command } from "commander";
import type { Context } from "../../context.js";
import { describeExitCodes, UsageError } from "../../errors.js";
import { hasControlChars } from "../../lib/control-chars.js";
import { CONSOLE_SERVICE_NAMES } from "../../sso/console-url.js";
import { completionScript, SHELLS, type CompletionCommand, type CompletionModel, type Shell, type ValueSource } from "./completion-scripts.js";
import type { CommandGrammar } from "../../cli/flag-table.entry.js";
import { EXPORT_FORMATS } from "../../role-keys/format-credentials.entry.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";

export const COMPLETION_GRAMMAR: CommandGrammar = {
  path: ["completion"],
  description: "Print a shell completion script (bash, zsh, fish, powershell)",
  args: [{ name: "shell", description: SHELLS.join(", ") }],
  flags: [
    { flag: "--list-profiles", key: "listProfiles", conflicts: ["listSsoSessions"], description: "print the config file's profile names, one per line (the scripts call this)" },
    { flag: "--list-sso-sessions", key: "listSsoSessions", conflicts: ["listProfiles"], description: "print its sso-session names, one per line" },
  ],
  help: `
The script completes commands and flags, and profile and sso-session names read from the
config file when you press Tab (so it need not be made again when profiles change).

Examples:
  source <(sso-cli completion bash)                                  # this shell only
  sso-cli completion bash > ~/.local/share/bash-completion/completions/sso-cli
  sso-cli completion zsh > "\${fpath[1]}/_sso-cli"
  sso-cli completion fish > ~/.config/fish/completions/sso-cli.fish
  sso-cli completion powershell >> $PROFILE

${describeExitCodes(["ok", "usage", "config", "internal"])}`,
};

/** Values a flag can take, wherever it appears. */
const VALUE_SOURCES: Record<string, ValueSource> = {
  "--profile": { listFlag: "--list-profiles" },
  "--sso-session": { listFlag: "--list-sso-sessions" },
  "--format": { words: EXPORT_FORMATS },
  "--destination": { words: CONSOLE_SERVICE_NAMES },
};

export function addCompletionCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, COMPLETION_GRAMMAR, async ({ positionals, values }) => {
    if (values.listProfiles === true || values.listSsoSessions === true) {
      const { listConfigNames } = await import("./config-names.js");
      const names = await listConfigNames(ctx, values.listProfiles === true ? "profiles" : "sso-sessions");
      // A name with a newline or an escape would break the script's one-name-per-line reading.
      ctx.stdout.write(names.filter((n) => !hasControlChars(n)).map((n) => `${n}\n`).join(""));
      return;
    }
    const [shell] = positionals;
    if (shell === undefined) throw new UsageError(`Name the shell: sso-cli completion ${SHELLS.join("|")}.`);
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`Unknown shell "${shell}": sso-cli completion ${SHELLS.join("|")}.`);
    ctx.stdout.write(completionScript(shell as Shell, describeCommandTree(program)));
  });
}

/** Commands, flags and positional choices, from commander's tree: whatever program.ts registers. */
export function describeCommandTree(program: Command): CompletionModel {
  const commands: CompletionCommand[] = [];
  const global = program.options.filter((o) => o.long === "--debug").map((o) => ({ name: o.long!, takesValue: false }));
  const visit = (cmd: Command, path: string[]): void => {
    const own = cmd.options.filter((o) => !o.hidden && o.long !== undefined && !(path.length === 0 && o.long === "--debug"));
    commands.push({
      path: path.join(" "),
      subcommands: cmd.commands.map((c) => c.name()),
      flags: [...own.map((o) => ({ name: o.long!, takesValue: o.required || o.optional })), ...global, { name: "--help", takesValue: false }],
      args: path.join(" ") === "completion" ? [...SHELLS] : [],
    });
    for (const c of cmd.commands) visit(c, [...path, c.name()]);
  };
  visit(program, []);
  return { program: program.name(), version: program.version() ?? "", commands, values: VALUE_SOURCES };
}
