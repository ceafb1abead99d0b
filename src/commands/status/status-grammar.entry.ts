import { describeExitCodes } from "../../errors.js";
import type { CommandGrammar } from "../../cli/flag-table.entry.js";

export const STATUS_GRAMMAR: CommandGrammar = {
  path: ["status"],
  description: "Show each sign-in and profile: token and key expiry, and what is needed next",
  args: [],
  flags: [
    { flag: "--profile", value: "<name>", key: "profile", conflicts: ["ssoSession"], description: "only this profile and its sign-in" },
    { flag: "--sso-session", value: "<name>", key: "ssoSession", conflicts: ["profile"], description: "only this sso-session and its profiles" },
    { flag: "--json", key: "json", description: "print JSON (for scripts)" },
    { flag: "--check", key: "check", description: "also ask IAM Identity Center whether it still takes each token, and report clock skew" },
  ],
  help: `
Without a selector: AWS_PROFILE, else every sign-in and profile in the config file. Files only,
no network, unless --check. "next" is nothing, refresh (sso-cli login renews the token or the keys
without a browser) or login (a sign-in in the browser). Exit 0 when everything shown stays valid
for more than 15 minutes, 4 otherwise. A table on a terminal, plain lines otherwise.

Examples:
  sso-cli status
  sso-cli status --profile dev || sso-cli login --profile dev
  sso-cli status --json | jq '.profiles[] | select(.next != "nothing") | .profile'
  sso-cli status --check          # is the sign-in still accepted? is this clock right?

${describeExitCodes(["ok", "usage", "notValid", "config", "service", "internal"])}`,
};
