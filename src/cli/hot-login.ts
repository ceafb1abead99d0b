import type { Context } from "../context.js";
import { prepareLogin, type PreparedLogin } from "../commands/login/login-plan.entry.js";
import { parseSimpleArgs } from "./flag-table.entry.js";
import { LOGIN_GRAMMAR, toLoginInput } from "../commands/login/login-grammar.entry.js";
import { formatUpToDate } from "../commands/login/login-report.entry.js";

/**
 * The script hot path, part of the CommonJS entry (entry.ts): `sso-cli login` with plain
 * arguments, when the token and keys are still valid, answers from here without loading the
 * main bundle (ES modules cost more to load), returning the line to say. Otherwise it hands the plan it made to the full
 * command, so no file is read twice; on any error it hands over nothing and the full command
 * reports it the one usual way.
 */
export async function runHotLogin(ctx: Context, argv: string[]): Promise<{ done: true; say: string } | { done: false; prepared?: PreparedLogin }> {
  const parsed = argv[0] === "login" ? parseSimpleArgs(argv.slice(1), LOGIN_GRAMMAR) : undefined;
  const input = parsed && toLoginInput(parsed);
  if (!input) return { done: false };
  try {
    const prepared = await prepareLogin(ctx, input);
    if (!prepared.upToDate) return { done: false, prepared };
    return { done: true, say: formatUpToDate({ upToDate: true, profileCount: prepared.plan.profiles.length + (prepared.plan.chains?.length ?? 0), validUntil: prepared.validUntil! }) };
  } catch {
    return { done: false };
  }
}
