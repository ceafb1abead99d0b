import { join, resolve } from "node:path";
import type { AwsPaths } from "../context.js";
import { ConfigError } from "../errors.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The home folder: HOME (USERPROFILE on Windows) when set, else the account's home as the system
 * knows it (`systemHome`, asked only then). An empty HOME counts as unset: as a path prefix it
 * would put the token cache and the ledger under whatever the current folder is.
 */
export function resolveHome(env: Env, systemHome: () => string | undefined): string {
  const home = env.HOME || env.USERPROFILE || systemHome();
  if (!home) {
    throw new ConfigError(
      "HOME is not set, and the system knows no home folder for this account.",
      "Set HOME to your home folder (e.g. HOME=/home/me), then try again.",
    );
  }
  return home;
}

/**
 * Resolves the shared files the way botocore does: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
 * win, with `~` expanded; the caches always live under HOME (neither client lets them move).
 * Throws ConfigError when there is no home folder at all.
 */
export function resolveAwsPaths(env: Env, systemHome: () => string | undefined): AwsPaths {
  const home = resolveHome(env, systemHome);
  const expand = (p: string): string => resolve(p === "~" ? home : p.startsWith("~/") ? join(home, p.slice(2)) : p);
  return {
    home,
    configFile: env.AWS_CONFIG_FILE ? expand(env.AWS_CONFIG_FILE) : join(home, ".aws", "config"),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE
      ? expand(env.AWS_SHARED_CREDENTIALS_FILE)
      : join(home, ".aws", "credentials"),
    ssoCacheDir: join(home, ".aws", "sso", "cache"),
    cliCacheDir: join(home, ".aws", "cli", "cache"),
  };
}
