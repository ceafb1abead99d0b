import { win32 } from "node:path";
import { envValue } from "./platform-env.js";

/** What to hand to `spawn` for a command and its arguments, so it starts as a shell would start it. */
export interface ChildCommand {
  file: string;
  args: string[];
  /** The arguments are already quoted for the program's own parser (cmd.exe); Node must not quote them again. */
  windowsVerbatimArguments: boolean;
}

export interface ChildCommandSystem {
  platform: NodeJS.Platform;
  /** Whether a regular file is at this path. */
  isFile(path: string): boolean;
  /** The current folder, for a relative path such as `.\build.cmd`. */
  cwd: string;
}

/**
 * On POSIX the command goes to `spawn` as it is (execvp searches PATH). On Windows `spawn` without
 * a shell finds only `.exe` and `.com` files and refuses `.cmd`/`.bat` (EINVAL since Node 20.12.2,
 * CVE-2024-27980), yet npm, npx, cdk and every npm-installed tool are `.cmd` shims. So the command
 * is looked up through PATH and PATHEXT as cmd.exe would (but never in the current folder unless
 * named with a path, as PowerShell does), and a script is run by `cmd.exe /d /s /c "…"` with each
 * part escaped by cross-spawn's rules (cross-spawn 7, lib/parse.js and lib/util/escape.js).
 * A command not found goes to `spawn` as it is, which fails with ENOENT ("command not found").
 */
export function childCommand(
  command: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
  system: ChildCommandSystem,
): ChildCommand {
  const plain = { file: command, args, windowsVerbatimArguments: false };
  if (system.platform !== "win32") return plain;
  const found = findWindowsCommand(command, env, system);
  if (found === undefined) return plain;
  if (/\.(?:com|exe)$/i.test(found)) return { ...plain, file: found };
  const doubleEscape = /node_modules[\\/]\.bin[\\/][^\\/]+\.cmd$/i.test(found);
  const line = [escapeCommand(win32.normalize(found)), ...args.map((a) => escapeArgument(a, doubleEscape))].join(" ");
  return { file: envValue(env, "ComSpec", "win32") || "cmd.exe", args: ["/d", "/s", "/c", `"${line}"`], windowsVerbatimArguments: true };
}

/** The file cmd.exe would run for this name: each PATH folder in order, the name as given (if it has an extension) and then with each PATHEXT. */
export function findWindowsCommand(
  command: string,
  env: Readonly<Record<string, string | undefined>>,
  system: ChildCommandSystem,
): string | undefined {
  const extensions = (envValue(env, "PATHEXT", "win32") || ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean);
  const suffixes = win32.extname(command) ? ["", ...extensions] : extensions;
  const folders = /[\\/:]/.test(command)
    ? [system.cwd]
    : (envValue(env, "PATH", "win32") ?? "")
        .split(";")
        .map((d) => d.replace(/^"(.*)"$/, "$1"))
        .filter(Boolean);
  for (const folder of folders) {
    const base = win32.resolve(folder, command);
    for (const suffix of suffixes) if (system.isFile(base + suffix)) return base + suffix;
  }
  return undefined;
}

// cmd.exe's meta characters: each gets a caret so cmd.exe passes it on literally.
const META = /([()\][%!^"`<>&|;, *?])/g;

function escapeCommand(command: string): string {
  return command.replace(META, "^$1");
}

/**
 * One argument for the C runtime's parser (backslashes doubled before a quote, the quote escaped,
 * the whole in quotes), then for cmd.exe (carets). A `node_modules\.bin\*.cmd` shim passes `%*`
 * through cmd.exe a second time, so its arguments get a second round of carets.
 */
function escapeArgument(arg: string, doubleEscape: boolean): string {
  let quoted = arg.replace(/(?=(\\+?)?)\1"/g, '$1$1\\"').replace(/(?=(\\+?)?)\1$/, "$1$1");
  quoted = `"${quoted}"`.replace(META, "^$1");
  return doubleEscape ? quoted.replace(META, "^$1") : quoted;
}
