import type { Command } from "commander";
import type { Context } from "../../context.js";
import type { LoginInput } from "./login.js";
import { LOGIN_GRAMMAR, toLoginInput } from "./login-grammar.entry.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";

/** What the command does with its parsed input; tests pass their own to check parsing alone. */
export type RunLogin = (input: LoginInput) => Promise<void>;

export function addLoginCommand(program: Command, ctx: Context, run: RunLogin = defaultRun(ctx)): void {
  addGrammarCommand(program, LOGIN_GRAMMAR, (parsed) => run(toLoginInput(parsed)));
}

function defaultRun(ctx: Context): RunLogin {
  return async (input) => {
    const { runLogin } = await import("./login-run.js");
    await runLogin(ctx, input);
  };
}
