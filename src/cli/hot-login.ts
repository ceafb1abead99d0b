import type { Context } from "../context.js";
import { checkLoginUpToDate } from "../use-cases/login-up-to-date.js";
import { parseSimpleArgs } from "./flag-table.js";
import { LOGIN_GRAMMAR, toLoginInput } from "./login-flags.js";

/**
 * The script hot path, part of the CommonJS entry (entry.ts): `sso-cli login` with plain
 * arguments, when the token and keys are still valid, answers from here without loading the
 * main bundle (ES modules cost more to load). Any other case, and any error, returns false and
 * the entry runs the full command, which reports errors the one usual way.
 */
export async function runHotLogin(ctx: Context, argv: string[]): Promise<boolean> {
  const parsed = argv[0] === "login" ? parseSimpleArgs(argv.slice(1), LOGIN_GRAMMAR) : undefined;
  const input = parsed && toLoginInput(parsed);
  if (!input || input.force) return false;
  try {
    return (await checkLoginUpToDate(ctx, input)).upToDate;
  } catch {
    return false;
  }
}
