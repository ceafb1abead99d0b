import type { AwsPaths, Context } from "../context.js";
import { resolveAwsPaths } from "../files/aws-paths.js";
import { copyEnv } from "../lib/platform-env.js";
import { type PrivateFolder, ssoCliCacheHome } from "../files/private-cache.js";
import { systemHome } from "./system-home.entry.js";

/**
 * What the entry's hot paths read: the environment, the AWS files' paths and the clock, and
 * sso-cli's own cache folder (undefined without a home to keep it in).
 */
export type StartContext = Pick<Context, "env" | "paths" | "now"> & { cacheFolder?: PrivateFolder | undefined };

/**
 * The entry's view of the process for the commands it answers from the files alone. The whole
 * Context (streams, signals, the browser, children: real-context.ts) is made only when a command
 * goes on in the main bundle, which holds it, so the entry neither loads nor compiles it.
 */
export function createStartContext(): StartContext {
  const env = copyEnv(process.env, process.platform);
  let paths: AwsPaths | undefined;
  const cacheHome = ssoCliCacheHome(env);
  return {
    env,
    cacheFolder: cacheHome === undefined ? undefined : { dir: cacheHome, uid: process.getuid?.(), pid: process.pid },
    now: () => new Date(),
    // On first use, inside the command: with no home folder at all, the command reports it (main.ts).
    get paths() {
      return (paths ??= resolveAwsPaths(env, systemHome, process.platform));
    },
  };
}
