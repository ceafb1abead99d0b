import { describeExitCodes } from "../../errors.js";
import type { CommandGrammar } from "../../cli/flag-table.entry.js";
import { KEYS_PROFILE_FLAG } from "../../cli/shared-flags.entry.js";
import { NO_BROWSER_NOTE } from "../export/export-grammar.entry.js";

// credential-process is export with the one format tools that know no SSO read; the entry's hot
// path (cli/hot-credentials.ts) answers both from the role cache without loading commander.

export const CREDENTIAL_PROCESS_GRAMMAR: CommandGrammar = {
  path: ["credential-process"],
  description: "Print the profile's role keys as credential_process JSON (for tools that know no SSO)",
  args: [],
  flags: [KEYS_PROFILE_FLAG],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `${NO_BROWSER_NOTE}

In ~/.aws/config (sso-cli configure profile NAME --credential-process writes it):
  credential_process = "/path/to/node" "/path/to/sso-cli" credential-process --profile NAME

Examples:
  sso-cli credential-process --profile dev

${describeExitCodes(["ok", "usage", "config", "service", "internal"])}`;
  },
};
