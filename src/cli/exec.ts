import type { Command } from "commander";
import type { Context } from "../context.js";
import { describeExitCodes, SsoCliError, UsageError } from "../errors.js";
import { stringValue, type CommandGrammar } from "./flag-table.js";
import { addGrammarCommand } from "./program-grammar.js";

export const EXEC_GRAMMAR: CommandGrammar = {
  path: ["exec"],
  description: "Run a command with the profile's role keys in its environment",
  args: [
    { name: "command", description: "the program to run (after --)" },
    { name: "args...", description: "its arguments" },
  ],
  flags: [
    { flag: "--profile", value: "<name>", key: "profile", description: "the profile (default: AWS_PROFILE, else the only profile with an account and role)" },
    { flag: "--allow-nested", key: "allowNested", description: "run even inside an exec of another profile" },
  ],
  help: `
The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION, and no AWS_PROFILE (nor any other
variable that would make its SDK pick other credentials). No shell is involved (on Windows,
a .cmd or .bat such as npm or cdk runs through cmd.exe, found through PATHEXT). Its exit code is
sso-cli's; SIGTERM (and Ctrl-C outside a terminal) is passed on to it (not on Windows, where the
console gives Ctrl-C to the command itself). Never opens a browser: without a valid sign-in it
says "run: sso-cli login --profile P".

Examples:
  sso-cli exec --profile dev -- aws sts get-caller-identity
  sso-cli exec --profile prod -- terraform plan
  sso-cli exec --profile dev -- bash          # a shell with the keys (SSO_CLI_EXEC_PROFILE=dev)

${describeExitCodes(["ok", "usage", "config", "service", "internal"])}
  (any other code is the command's own; 127: the command was not found)`,
};

/** The child's exit code, passed on as sso-cli's with nothing said. */
class ChildExit extends SsoCliError {
  readonly silent = true;
  constructor(code: number) {
    super("", code);
  }
}

export function addExecCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, EXEC_GRAMMAR, async ({ positionals, values }) => {
    const { exec } = await import("../use-cases/exec.js");
    const [command, ...args] = positionals;
    let code: number;
    try {
      code = await exec(ctx, { profile: stringValue(values, "profile"), command, args, allowNested: values.allowNested === true });
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
