import { join, resolve } from "node:path";
import type { AwsPaths } from "../context.js";

/**
 * Resolves the shared files the way botocore does: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
 * win, with `~` expanded; the caches always live under HOME (neither client lets them move).
 */
export function resolveAwsPaths(env: Readonly<Record<string, string | undefined>>, fallbackHome: string): AwsPaths {
  const home = env.HOME || env.USERPROFILE || fallbackHome;
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
