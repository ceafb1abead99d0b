import { renderCredentials, toCredentialsRequest } from "../commands/export/credentials-output.entry.js";
import { toLoginInput } from "../commands/login/login-grammar.entry.js";
import { loginMemo, loginQuestion } from "../commands/login/login-memo.entry.js";
import { formatUpToDate } from "../commands/login/login-report.entry.js";
import { askedProfile, cachedProfileCredentials } from "../role-keys/credential-profile.entry.js";
import { openProfileMemo } from "../role-keys/profile-memo.entry.js";
import { parseHotCommand } from "./hot-command.entry.js";
import { createStartContext } from "./start-context.entry.js";

/**
 * All that dist/cli/entry-remembered.cjs does (entry.ts, the "remembered" route), for what scripts
 * run before every AWS call, answered from what the hot paths worked out before from the files as
 * they still are (files/remembered-answers.ts):
 * - `credential-process` and `export`: the keys, from the role cache, of the profile resolved
 *   before (role-keys/profile-memo.entry.ts), while they last more than 15 minutes;
 * - `login`: "Already signed in", while the tokens and keys it found stay valid past their margins
 *   (commands/login/login-memo.entry.ts).
 * That copy holds only this, so it loads the least code. Anything else (nothing remembered, a role
 * chain's keys, keys to renew, an error): undefined, and the whole entry runs the command.
 */
export async function answerRemembered(argv: readonly string[]): Promise<{ fd: 1 | 2; text: string } | undefined> {
  try {
    const command = parseHotCommand(argv);
    if (command === undefined) return undefined;
    const start = createStartContext();
    if (start.cacheFolder === undefined) return undefined;
    if (command.name === "login") {
      const input = toLoginInput(command.parsed);
      if (input.force || input.keepFresh) return undefined;
      const answer = loginMemo(start.cacheFolder).recall(loginQuestion(argv, start.env.AWS_PROFILE, start.paths), start.now());
      if (answer === undefined) return undefined;
      const say = formatUpToDate({ upToDate: true, profileCount: answer.profileCount, validUntil: new Date(answer.validUntil) });
      return { fd: 2, text: say };
    }
    const request = toCredentialsRequest(command.name, command.parsed);
    const asked = askedProfile(request.profile, start.env);
    const remembered = openProfileMemo(start.cacheFolder, start.paths.configFile, asked, start.now).remembered;
    if (remembered === undefined) return undefined;
    const cached = await cachedProfileCredentials(start, remembered);
    return cached && { fd: 1, text: renderCredentials(cached, request.format) };
  } catch {
    return undefined;
  }
}
