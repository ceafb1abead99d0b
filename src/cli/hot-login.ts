import { resolveAwsPaths } from "../files/aws-paths.js";
import { checkLoginUpToDate } from "../use-cases/login-up-to-date.js";
import { parseFastLogin } from "./fast-login.js";
import { systemHome } from "./system-home.js";

/**
 * The script hot path, bundled on its own as CommonJS (dist/hot-login.cjs): `sso-cli login` with
 * plain arguments, when the token and keys are still valid, answers from here without loading
 * the main bundle (ES modules cost more to load). Any other case, and any error, returns false
 * and bin/sso-cli runs the full command, which reports errors the one usual way.
 */
export async function runHotLogin(argv: string[]): Promise<boolean> {
  const input = parseFastLogin(argv);
  if (!input || input.force) return false;
  const env = process.env;
  // `sso-cli login 2>&-` or a closed pipe: nothing to say it to is no reason for a stack trace.
  process.stderr.on("error", () => {});
  try {
    const { upToDate } = await checkLoginUpToDate(
      { now: () => new Date(), paths: resolveAwsPaths(env, systemHome), env, stderr: process.stderr },
      input,
    );
    return upToDate;
  } catch {
    return false;
  }
}
