import { loginFiles, loginMemo, loginQuestion } from "../commands/login/login-memo.entry.js";
import { prepareLogin, type LoginInput, type PreparedLogin } from "../commands/login/login-plan.entry.js";
import { formatUpToDate } from "../commands/login/login-report.entry.js";
import type { StartContext } from "./start-context.entry.js";

/**
 * The start of every plainly-argued `sso-cli login`, part of the CommonJS entry (entry.ts): the
 * plan, from the files alone. When the token and keys are still valid it answers from here
 * without loading the main bundle, returning the line to say, and remembers that answer while the
 * files are unchanged (login-memo.entry.ts: what dist/cli/entry-remembered.cjs answers from).
 * Otherwise it hands the plan to the rest of the command (main.ts), so no file is read twice; on
 * any error it hands over nothing and the command reports it the one usual way.
 */
export async function runHotLogin(
  ctx: StartContext,
  input: LoginInput,
  argv: readonly string[],
): Promise<{ done: true; say: string } | { done: false; prepared?: PreparedLogin }> {
  // --keep-fresh keeps running after the login: never the hot path's answer-and-exit.
  if (input.keepFresh) return { done: false };
  try {
    const prepared = await prepareLogin(ctx, input);
    if (!prepared.upToDate) return { done: false, prepared };
    const profileCount = prepared.plan.profiles.length + (prepared.plan.chains?.length ?? 0);
    if (ctx.cacheFolder && prepared.answerUntil) {
      const question = loginQuestion(argv, ctx.env.AWS_PROFILE, ctx.paths);
      const answer = { profileCount, validUntil: prepared.validUntil!.toISOString() };
      loginMemo(ctx.cacheFolder).keep(question, loginFiles(ctx.paths, prepared), answer, ctx.now(), prepared.answerUntil);
    }
    return { done: true, say: formatUpToDate({ upToDate: true, profileCount, validUntil: prepared.validUntil! }) };
  } catch {
    return { done: false };
  }
}
