import { CREDENTIAL_PROCESS_GRAMMAR } from "../commands/credential-process/credential-process-grammar.entry.js";
import { EXPORT_GRAMMAR } from "../commands/export/export-grammar.entry.js";
import { LOGIN_GRAMMAR } from "../commands/login/login-grammar.entry.js";
import { parseSimpleArgs, type CommandGrammar, type FlagSpec, type ParsedArgs } from "./flag-table.entry.js";

/** The commands scripts run before every job: read once by the entry, without commander. */
export type HotCommandName = "login" | "credential-process" | "export";

/** What the entry read: the command and its arguments (`values.debug` is true with --debug). */
export interface HotCommand {
  name: HotCommandName;
  parsed: ParsedArgs;
}

const GRAMMARS: Record<HotCommandName, CommandGrammar> = {
  login: LOGIN_GRAMMAR,
  "credential-process": CREDENTIAL_PROCESS_GRAMMAR,
  export: EXPORT_GRAMMAR,
};

/** The program's own flag, which commander accepts after any command too. */
const DEBUG_FLAG: FlagSpec = { flag: "--debug", key: "debug", description: "print redacted diagnostics on stderr" };

/**
 * The one reading of a hot command's arguments, shared by the entry (which answers from the files
 * when it can) and main (which runs the rest of the same command with it). Anything else (another
 * command, --help, a typo, a repeated flag): undefined, and commander reads the arguments and owns
 * every usage message.
 */
export function parseHotCommand(argv: readonly string[]): HotCommand | undefined {
  const name = argv[0];
  if (name !== "login" && name !== "credential-process" && name !== "export") return undefined;
  const grammar = GRAMMARS[name];
  const parsed = parseSimpleArgs(argv.slice(1), { ...grammar, flags: [...grammar.flags, DEBUG_FLAG] });
  return parsed && { name, parsed };
}
