import { describeExitCodes } from "../../errors.js";
import type { CommandGrammar } from "../../cli/flag-table.entry.js";

/** The shells a completion script is made for. */
export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

export const COMPLETION_GRAMMAR: CommandGrammar = {
  path: ["completion"],
  description: "Print a shell completion script (bash, zsh, fish, powershell)",
  args: [{ name: "shell", description: SHELLS.join(", ") }],
  flags: [
    {
      flag: "--list-profiles",
      key: "listProfiles",
      conflicts: ["listSsoSessions"],
      description: "print the config file's profile names, one per line (the scripts call this)",
    },
    {
      flag: "--list-sso-sessions",
      key: "listSsoSessions",
      conflicts: ["listProfiles"],
      description: "print its sso-session names, one per line",
    },
  ],
  // A getter: the text is built when help is shown, not at every start of the entry.
  get help() {
    return `
The script completes commands and flags, and profile and sso-session names read from the
config file when you press Tab (so it need not be made again when profiles change).

Examples:
  source <(sso-cli completion bash)                                  # this shell only
  sso-cli completion bash > ~/.local/share/bash-completion/completions/sso-cli
  sso-cli completion zsh > "\${fpath[1]}/_sso-cli"
  sso-cli completion fish > ~/.config/fish/completions/sso-cli.fish
  sso-cli completion powershell >> $PROFILE

${describeExitCodes(["ok", "usage", "config", "internal"])}`;
  },
};
