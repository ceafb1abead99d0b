import { describeExitCodes } from "../../errors.js";
import { stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { KEYS_PROFILE_FLAG } from "../../cli/shared-flags.entry.js";

export interface ExecInput {
  profile?: string | undefined;
  command: string | undefined;
  args: string[];
  /** Run inside another exec of a different profile anyway. */
  allowNested: boolean;
  /** Hand the keys through a local credentials endpoint (exec-ecs-server.ts), not as static keys. */
  ecsServer?: boolean;
}

export const EXEC_GRAMMAR: CommandGrammar = {
  path: ["exec"],
  description: "Run a command with the profile's role keys in its environment",
  args: [
    { name: "command", description: "the program to run: everything after its name is its own" },
    { name: "args...", description: "its arguments (flags too: they are not sso-cli's)" },
  ],
  flags: [
    KEYS_PROFILE_FLAG,
    { flag: "--allow-nested", key: "allowNested", description: "run even inside an exec of another profile" },
    {
      flag: "--ecs-server",
      key: "ecsServer",
      description: "hand the keys through a local credentials endpoint that renews them, not as static keys",
    },
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION, and no AWS_PROFILE (nor any other
variable that would make its SDK pick other credentials); the rest of its environment is yours,
as it was. Everything after the command's name is the command's (as with env, sudo and
aws-vault exec): \`sso-cli exec --profile dev aws --version\` runs \`aws --version\`; \`--\` before
it is optional. No shell is involved (on Windows, a .cmd or .bat such as npm or cdk runs through
cmd.exe, found through PATHEXT). Its exit code is sso-cli's; SIGTERM (and Ctrl-C outside a
terminal) is passed on to it (not on Windows, where the console gives Ctrl-C to the command
itself). Never opens a browser: without a valid sign-in it says "run: sso-cli login --profile P".

Examples:
  sso-cli exec --profile dev -- aws sts get-caller-identity
  sso-cli exec --profile prod -- terraform plan
  sso-cli exec --profile dev -- bash          # a shell with the keys (SSO_CLI_EXEC_PROFILE=dev)
  sso-cli exec --ecs-server --profile dev -- terraform apply   # keys renewed for as long as it runs

With --ecs-server the command gets AWS_CONTAINER_CREDENTIALS_FULL_URI (an endpoint on 127.0.0.1
with a random port and path) and AWS_CONTAINER_AUTHORIZATION_TOKEN instead of keys: its SDK asks
the endpoint again as its keys near expiry, and the endpoint renews them from IAM Identity Center.
The endpoint stops when the command ends.

${describeExitCodes(["ok", "usage", "config", "service", "internal"])}
  (any other code is the command's own; 127: the command was not found)`;
  },
};

/** What the command line asks for, as the use case takes it. */
export function toExecInput({ positionals, values }: ParsedArgs): ExecInput {
  const [command, ...args] = positionals;
  return {
    profile: stringValue(values, "profile"),
    command,
    args,
    allowNested: values.allowNested === true,
    ecsServer: values.ecsServer === true,
  };
}

/**
 * Everything after the command's name is the command's, as with \`env\` and \`sudo\`: argv (from
 * "exec" on) with \`--\` put before that name, so neither sso-cli nor its argument parser reads
 * the command's flags (\`exec --profile p aws --version\` is aws's --version, not sso-cli's).
 */
export function separateExecCommand(argv: readonly string[]): readonly string[] {
  if (argv[0] !== "exec") return argv;
  const takesValue = new Set(EXEC_GRAMMAR.flags.filter((f) => f.value !== undefined).map((f) => f.flag));
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return argv;
    if (arg.startsWith("-") && arg !== "-") {
      if (takesValue.has(arg)) i += 1;
      continue;
    }
    return [...argv.slice(0, i), "--", ...argv.slice(i)];
  }
  return argv;
}
