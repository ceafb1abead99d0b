import type { Command } from "commander";
import type { Context } from "../../context.js";
import { SsoCliError, UsageError } from "../../errors.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { EXEC_GRAMMAR, toExecInput } from "./exec-grammar.entry.js";

/** The child's exit code, passed on as sso-cli's with nothing said. */
class ChildExit extends SsoCliError {
  readonly silent = true;
  constructor(code: number) {
    super("", code);
  }
}

export function addExecCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, EXEC_GRAMMAR, async (parsed) => {
    const { exec } = await import("./exec.js");
    const input = toExecInput(parsed);
    const { command } = input;
    let code: number;
    try {
      code = await exec(ctx, input);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT" && command !== undefined) {
        throw new SsoCliError(`${command}: command not found.`, 127, "Check the name, or give its full path.");
      }
      if ((err as NodeJS.ErrnoException).code === "EACCES" && command !== undefined) {
        throw new UsageError(`${command}: permission denied (not an executable program).`);
      }
      throw err;
    }
    if (code !== 0) throw new ChildExit(code);
  });
}
