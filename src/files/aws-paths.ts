import { posix, win32 } from "node:path";
import type { AwsPaths } from "../context.js";
import { ConfigError } from "../errors.js";
import { envValue } from "../lib/platform-env.js";
import { expandWindowsPath, windowsHome } from "./windows-path-expansion.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The home folder, as botocore finds it: on Windows USERPROFILE (else HOMEDRIVE + HOMEPATH), never
 * HOME; elsewhere HOME (else USERPROFILE). Else the account's home as the system knows it
 * (`systemHome`, asked only then). An empty value counts as unset: as a path prefix it would put
 * the token cache and the ledger under whatever the current folder is.
 */
export function resolveHome(env: Env, systemHome: () => string | undefined, platform: NodeJS.Platform): string {
  const home = (platform === "win32" ? windowsHome(env) : env.HOME || env.USERPROFILE) || systemHome();
  if (!home) {
    throw new ConfigError(
      platform === "win32"
        ? "USERPROFILE is not set, and the system knows no home folder for this account."
        : "HOME is not set, and the system knows no home folder for this account.",
      platform === "win32"
        ? "Set USERPROFILE to your home folder (e.g. set USERPROFILE=C:\\Users\\me), then try again."
        : "Set HOME to your home folder (e.g. HOME=/home/me), then try again.",
    );
  }
  return home;
}

/**
 * On Windows, a HOME that is not the home folder (Git Bash, MSYS2 and Cygwin set one): sso-cli and
 * the AWS CLI use USERPROFILE, but the AWS SDK for JavaScript prefers HOME, and would look for
 * ~/.aws elsewhere. One line saying so, or undefined.
 */
export function homeMismatchNote(env: Env, home: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32") return undefined;
  const HOME = envValue(env, "HOME", "win32");
  if (!HOME || win32.resolve(HOME).toLowerCase() === win32.resolve(home).toLowerCase()) return undefined;
  return `Note: HOME (${HOME}) is not your Windows home folder (${home}): sso-cli and the AWS CLI use ${win32.join(home, ".aws")}, tools built on the AWS SDK for JavaScript use HOME's.`;
}

/**
 * Resolves the shared files the way botocore does: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
 * win, with `~` expanded (on Windows also `~\` and `%VAR%`, as botocore does there); the caches
 * always live under the home folder (neither client lets them move). Throws ConfigError when there
 * is no home folder at all.
 */
export function resolveAwsPaths(env: Env, systemHome: () => string | undefined, platform: NodeJS.Platform): AwsPaths {
  const home = resolveHome(env, systemHome, platform);
  const { join, resolve } = platform === "win32" ? win32 : posix;
  const expand = (p: string): string =>
    platform === "win32"
      ? resolve(expandWindowsPath(p, env, home))
      : resolve(p === "~" ? home : p.startsWith("~/") ? join(home, p.slice(2)) : p);
  return {
    home,
    configFile: env.AWS_CONFIG_FILE ? expand(env.AWS_CONFIG_FILE) : join(home, ".aws", "config"),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE ? expand(env.AWS_SHARED_CREDENTIALS_FILE) : join(home, ".aws", "credentials"),
    ssoCacheDir: join(home, ".aws", "sso", "cache"),
    cliCacheDir: join(home, ".aws", "cli", "cache"),
  };
}
