import { describeExitCodes } from "../../errors.js";
import { stringList, stringValue, type CommandGrammar, type ParsedArgs } from "../../cli/flag-table.entry.js";
import { PROFILE_FLAG, flag } from "../../cli/shared-flags.entry.js";
import type { ServeInput } from "./serve.js";

export const SERVE_GRAMMAR: CommandGrammar = {
  path: ["serve"],
  description: "Serve profiles' role keys on a local credentials endpoint that renews them, until Ctrl-C",
  args: [],
  flags: [
    flag(
      PROFILE_FLAG,
      "a profile to serve (default: AWS_PROFILE, else the only profile with an account and role); repeat for several, a path each",
      { repeatable: true },
    ),
    { flag: "--port", value: "<n>", key: "port", description: "the port on 127.0.0.1 (default: a free one)" },
    {
      flag: "--token-file",
      value: "<path>",
      key: "tokenFile",
      description: "write the token to this file (mode 0600) and print AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE instead of the token",
    },
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
Starts the container-credentials endpoint every AWS SDK, botocore and the AWS CLI read, on
127.0.0.1 only, with a random path and a random token, and prints the lines to export (sh syntax)
on stdout. Tools started with them ask it for keys and ask again as they near expiry; it renews
each profile's keys from IAM Identity Center with the cached sign-in, never a browser. When the
sign-in can no longer be renewed it says so once and answers "run: sso-cli login …" until a login
elsewhere revives it. It runs until Ctrl-C or SIGTERM.

Examples:
  sso-cli serve --profile dev                 # prints: export AWS_CONTAINER_CREDENTIALS_FULL_URI=…
  sso-cli serve --profile dev --profile prod --token-file ~/.aws/sso-cli/serve-token
  docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN IMAGE

${describeExitCodes(["ok", "usage", "badValue", "config", "service", "internal"], { badValue: "a bad value: --port is already in use" })}`;
  },
};

export function toServeInput({ values }: ParsedArgs): ServeInput {
  const input: ServeInput = { profiles: stringList(values, "profile") };
  const port = stringValue(values, "port");
  if (port !== undefined) input.port = port;
  const tokenFile = stringValue(values, "tokenFile");
  if (tokenFile !== undefined) input.tokenFile = tokenFile;
  return input;
}
