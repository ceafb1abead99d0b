import { BadValueError } from "../errors.js";
import { hasControlChars } from "./control-chars.js";

export interface CredentialProcessProgram {
  /** The platform the line will run on (process.platform). */
  platform: NodeJS.Platform;
  /** The Node.js program running sso-cli now (process.execPath): absolute, so no PATH is needed. */
  node: string;
  /** The absolute path of sso-cli's entry script (bin/sso-cli), which Node runs as CommonJS. */
  script: string;
}

/**
 * `credential_process`'s command line: `"NODE" "SCRIPT" credential-process --profile P`.
 *
 * Node is named, not bin/sso-cli alone: Windows cannot run a `#!` file at all (botocore starts the
 * line without a shell, the JS SDK through cmd.exe), and a tool started from the macOS Dock gets
 * launchd's short PATH, where `#!/usr/bin/env node` finds no node.
 *
 * The readers: botocore splits the line itself (shlex on POSIX; on Windows the C runtime's rules,
 * `compat_shell_split`), the JS SDK hands it to `/bin/sh -c` or `cmd.exe /d /s /c`. Double quotes
 * are the one quoting all four read alike, as long as the quoted text holds nothing special inside
 * them: on POSIX `"`, `\`, `$` and `` ` ``; on Windows `"`, `%` (cmd.exe expands `%VAR%` in quotes),
 * `!` (and `!VAR!` with delayed expansion on) and a trailing `\` (it would escape the closing
 * quote). A value holding one is refused rather than escaped for one reader and wrong for another
 * (docs/protocol/credential-formats.md §1.2).
 */
export function credentialProcessLine(program: CredentialProcessProgram, profile: string): string {
  const windows = program.platform === "win32";
  const unsafe = windows ? /["%!]|\\$/ : /["\\$`]/;
  for (const [what, value] of [
    ["the path of Node.js", program.node],
    ["the path of sso-cli", program.script],
    ["the profile name", profile],
  ] as const) {
    if (unsafe.test(value) || hasControlChars(value)) {
      throw new BadValueError(
        `${what} holds a character a credential_process line cannot carry safely: ${value}`,
        what === "the profile name"
          ? "Pick another profile name."
          : `Install ${what === "the path of Node.js" ? "Node.js" : "sso-cli"} under a plainer path.`,
      );
    }
  }
  const word = (v: string): string => (/^[\w@+=:,./-]+$/.test(v) ? v : `"${v}"`);
  return `"${program.node}" "${program.script}" credential-process --profile ${word(profile)}`;
}
