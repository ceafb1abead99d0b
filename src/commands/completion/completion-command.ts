import type { Command } from "commander";
import type { Context } from "../../context.js";
import { UsageError } from "../../errors.js";
import { hasControlChars } from "../../lib/control-chars.js";
import { CONSOLE_SERVICE_NAMES } from "../../sso/console-url.js";
import { completionScript, type CompletionCommand, type CompletionModel, type ValueSource } from "./completion-scripts.js";
import { EXPORT_FORMATS } from "../../role-keys/format-credentials.entry.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { COMPLETION_GRAMMAR, SHELLS, type Shell } from "./completion-grammar.entry.js";

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
      ctx.stdout.write(
        names
          .filter((n) => !hasControlChars(n))
          .map((n) => `${n}\n`)
          .join(""),
      );
      return;
    }
    const [shell] = positionals;
    if (shell === undefined) throw new UsageError(`Name the shell: sso-cli completion ${SHELLS.join("|")}.`);
    if (!(SHELLS as readonly string[]).includes(shell))
      throw new UsageError(`Unknown shell "${shell}": sso-cli completion ${SHELLS.join("|")}.`);
    ctx.stdout.write(completionScript(shell as Shell, describeCommandTree(program)));
  });
}

/** Commands, flags and positional choices, from commander's tree: whatever program.ts registers. */
export function describeCommandTree(program: Command): CompletionModel {
  const commands: CompletionCommand[] = [];
  const global = program.options.filter((o) => o.long === "--debug").map((o) => ({ name: o.long!, takesValue: false }));
  // Hidden commands (`configure sso`, which only says what to run instead) are not offered.
  const shown = (cmd: Command): Command[] => cmd.commands.filter((c) => (c as unknown as { _hidden?: boolean })._hidden !== true);
  const visit = (cmd: Command, path: string[]): void => {
    const own = cmd.options.filter((o) => !o.hidden && o.long !== undefined && !(path.length === 0 && o.long === "--debug"));
    commands.push({
      path: path.join(" "),
      subcommands: shown(cmd).map((c) => c.name()),
      flags: [
        ...own.map((o) => ({ name: o.long!, takesValue: o.required || o.optional })),
        ...global,
        { name: "--help", takesValue: false },
      ],
      args: path.join(" ") === "completion" ? [...SHELLS] : [],
    });
    for (const c of shown(cmd)) visit(c, [...path, c.name()]);
  };
  visit(program, []);
  return { program: program.name(), version: program.version() ?? "", commands, values: VALUE_SOURCES };
}
