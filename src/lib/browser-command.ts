/**
 * Where a sign-in can open a browser, and with which commands, decided the way the AWS CLI does it
 * through Python's `webbrowser` module (docs/sign-in.md, "Opening a browser"):
 *
 * - `BROWSER` is a list of command lines separated by the path separator (`os.pathsep`: `:`, and
 *   `;` on Windows, where `:` is in every path), tried in turn.
 *   In a command line, `%s` is replaced by the URL; without `%s` the URL is appended. A trailing
 *   `&` means "runs in the background" (do not wait for it).
 * - Without `BROWSER`, the platform's opener (`open` on macOS, `start` on Windows, PowerShell on
 *   WSL, `xdg-open` elsewhere).
 *
 * A local browser is assumed unusable over SSH, on a Unix without a display, and with
 * `BROWSER=none`: the sign-in then uses the device flow, whose link works on any device.
 */

export type BrowserAvailability = { available: true; reason?: undefined } | { available: false; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

/** `wsl` tells whether this is WSL (src/lib/wsl.ts); asked only when nothing cheaper decides. */
export function browserAvailability(env: Env, platform: string, wsl: () => boolean): BrowserAvailability {
  if (env.BROWSER !== undefined && env.BROWSER.trim().toLowerCase() === "none") return { available: false, reason: "BROWSER=none" };
  if (env.SSH_CONNECTION || env.SSH_TTY || env.SSH_CLIENT) return { available: false, reason: "this is an SSH session" };
  if (env.BROWSER !== undefined && env.BROWSER.trim() !== "") return { available: true };
  if (platform === "darwin" || platform === "win32") return { available: true };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { available: true };
  // WSL opens the Windows browser through PowerShell, display or not.
  if (platform === "linux" && wsl()) return { available: true };
  return { available: false, reason: "there is no display (DISPLAY and WAYLAND_DISPLAY are unset)" };
}

export interface BrowserCommand {
  /** Program and arguments, the URL already in place. */
  argv: string[];
  /** The command line ended in `&`: it is started and not waited for. */
  background: boolean;
}

/**
 * The commands `BROWSER` names for this URL, in the order to try them; empty when it names none.
 * A command line without `%s` that is the path of a program as a whole (it may hold spaces, as
 * on macOS and Windows) is run as one word, as Python does; otherwise it is split like a shell
 * would (on Windows keeping backslashes, which are in every path there).
 */
export function parseBrowserVariable(
  value: string,
  url: string,
  platform: NodeJS.Platform,
  isProgram: (path: string) => boolean = () => false,
): BrowserCommand[] {
  const out: BrowserCommand[] = [];
  const windows = platform === "win32";
  for (const entry of value.split(windows ? ";" : ":")) {
    const line = entry.trim();
    if (line === "" || line.toLowerCase() === "none") continue;
    if (!line.includes("%s") && line.includes(" ") && isProgram(line)) {
      out.push({ argv: [line, url], background: false });
      continue;
    }
    let words: string[];
    try {
      words = splitShellWords(line, windows);
    } catch {
      continue;
    }
    const background = words.at(-1) === "&";
    if (background) words.pop();
    if (words.length === 0) continue;
    const argv = line.includes("%s") ? words.map((w) => w.replaceAll("%s", url)) : [...words, url];
    out.push({ argv, background });
  }
  return out;
}

/**
 * POSIX word splitting as Python's `shlex.split` does it: whitespace separates words; single
 * quotes keep everything; double quotes keep everything but `\"` and `\\`; a backslash outside
 * quotes escapes the next character. With `windows`, a backslash is a backslash (`C:\Tools\a.exe`),
 * but before a double quote. Throws on an unclosed quote.
 */
export function splitShellWords(line: string, windows = false): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error("unclosed single quote");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && (line[j + 1] === '"' || (!windows && line[j + 1] === "\\"))) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error("unclosed double quote");
      inWord = true;
      i = j;
    } else if (c === "\\" && i + 1 < line.length && (!windows || line[i + 1] === '"')) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
