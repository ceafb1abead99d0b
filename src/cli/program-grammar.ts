import { Option, type Command } from "commander";
import type { CommandGrammar, ParsedArgs } from "./flag-table.entry.js";

/** A subcommand of `parent` built from its grammar; the action gets the same ParsedArgs as the hot parser. */
export function addGrammarCommand(parent: Command, grammar: CommandGrammar, action: (parsed: ParsedArgs) => Promise<void>): Command {
  const cmd = parent.command(grammar.path.at(-1)!).description(grammar.description);
  for (const a of grammar.args) cmd.argument(a.required ? `<${a.name}>` : `[${a.name}]`, a.description);
  for (const f of grammar.flags) {
    const option = new Option(f.value ? `${f.flag} ${f.value}` : f.flag, f.description);
    if (f.conflicts) option.conflicts(f.conflicts);
    if (f.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    cmd.addOption(option);
  }
  if (grammar.help) cmd.addHelpText("after", grammar.help);
  cmd.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    // A variadic argument ("args...") arrives as an array: its words follow the others.
    const positionals = grammar.args.flatMap((_, i) => received[i]).filter((v): v is string => typeof v === "string");
    await action({ positionals, values: self.opts() as ParsedArgs["values"] });
  });
  return cmd;
}
