import { win32 } from "node:path";
import { envValue } from "../lib/platform-env.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The home folder as Python ≥ 3.8 sees it on Windows (`ntpath.expanduser`), which botocore and
 * the AWS CLI use for ~/.aws: USERPROFILE, else HOMEDRIVE + HOMEPATH. HOME is ignored there, even
 * when Git Bash, MSYS2 or Cygwin set it.
 */
export function windowsHome(env: Env): string | undefined {
  const profile = envValue(env, "USERPROFILE", "win32");
  if (profile) return profile;
  const homePath = envValue(env, "HOMEPATH", "win32");
  return homePath ? win32.join(envValue(env, "HOMEDRIVE", "win32") ?? "", homePath) : undefined;
}

/**
 * botocore's reading of AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE on Windows:
 * `os.path.expanduser(os.path.expandvars(path))` (configloader.raw_config_parse), with Python's
 * ntpath rules: `%VAR%`, `$VAR` and `${VAR}` (names in any case, unknown ones left as they are,
 * nothing inside '…', `%%` and `$$` for the sign itself), then `~` before `\` or `/`, and `~user`
 * as a sibling of the home folder.
 */
export function expandWindowsPath(path: string, env: Env, home: string): string {
  return expandUser(expandVars(path, env), env, home);
}

function expandUser(path: string, env: Env, home: string): string {
  if (!path.startsWith("~")) return path;
  let end = 1;
  while (end < path.length && path[end] !== "\\" && path[end] !== "/") end += 1;
  if (end === 1) return home + path.slice(1);
  const user = path.slice(1, end);
  const current = envValue(env, "USERNAME", "win32");
  if (user === current) return home + path.slice(end);
  if (current !== win32.basename(home)) return path;
  return win32.join(win32.dirname(home), user) + path.slice(end);
}

const VAR_CHARS = /[A-Za-z0-9_-]/;

function expandVars(path: string, env: Env): string {
  if (!path.includes("$") && !path.includes("%")) return path;
  const value = (name: string): string | undefined => envValue(env, name, "win32");
  let out = "";
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === "'") {
      const close = path.indexOf("'", i + 1);
      if (close < 0) return out + path.slice(i);
      out += path.slice(i, close + 1);
      i = close + 1;
    } else if (c === "%") {
      if (path[i + 1] === "%") {
        out += "%";
        i += 2;
        continue;
      }
      const close = path.indexOf("%", i + 1);
      if (close < 0) return out + path.slice(i);
      const name = path.slice(i + 1, close);
      out += value(name) ?? `%${name}%`;
      i = close + 1;
    } else if (c === "$") {
      if (path[i + 1] === "$") {
        out += "$";
        i += 2;
      } else if (path[i + 1] === "{") {
        const close = path.indexOf("}", i + 2);
        if (close < 0) return out + path.slice(i);
        const name = path.slice(i + 2, close);
        out += value(name) ?? `\${${name}}`;
        i = close + 1;
      } else {
        let end = i + 1;
        while (end < path.length && VAR_CHARS.test(path[end]!)) end += 1;
        const name = path.slice(i + 1, end);
        out += value(name) ?? `$${name}`;
        i = end;
      }
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}
