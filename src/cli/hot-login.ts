import { homedir } from "node:os";
import { resolveAwsPaths } from "../files/aws-paths.js";
import { checkLoginUpToDate } from "../use-cases/login-up-to-date.js";
import { parseFastLogin } from "./fast-login.js";

/**
 * The script hot path, part of the CommonJS entry (entry.ts, dist/cli/entry.cjs): `sso-cli login` with
 * plain arguments, when the token and keys are still valid, answers from here without loading
 * the main bundle (ES modules cost more to load). Any other case, and any error, returns false
 * and the entry runs the full command, which reports errors the one usual way.
 */
export async function runHotLogin(argv: string[]): Promise<boolean> {
  const input = parseFastLogin(argv);
  if (!input || input.force) return false;
  const env = process.env;
  // `sso-cli login 2>&-` or a closed pipe: nothing to say it to is no reason for a stack trace.
  process.stderr.on("error", () => {});
  try {
    const { upToDate } = await checkLoginUpToDate(
      { now: () => new Date(), paths: resolveAwsPaths(env, homedir()), env, stderr: process.stderr },
      input,
    );
    return upToDate;
  } catch {
    return false;
  }
}
