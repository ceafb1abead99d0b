import { renderCredentials, toCredentialsRequest } from "../commands/export/credentials-output.entry.js";
import { cachedProfileCredentials } from "../role-keys/credential-profile.entry.js";
import { openProfileMemo } from "../role-keys/profile-memo.entry.js";
import { parseHotCommand } from "./hot-command.entry.js";
import { createStartContext } from "./start-context.entry.js";

/**
 * All that dist/cli/entry-credentials.cjs does (entry.ts, the "remembered" route): the keys of a
 * `credential-process` or `export` whose profile the hot path resolved before from the config file
 * as it still is (role-keys/profile-memo.entry.ts), from the role cache, while they last more than
 * 15 minutes. That copy holds only this, so scripts that run `credential-process` before every AWS
 * call load the least code. Anything else (a profile not remembered, a role chain, keys to renew,
 * an error): undefined, and the whole entry runs the command from the start.
 */
export async function answerRemembered(argv: readonly string[]): Promise<string | undefined> {
  try {
    const command = parseHotCommand(argv);
    if (command === undefined || command.name === "login") return undefined;
    const request = toCredentialsRequest(command.name, command.parsed);
    const start = createStartContext();
    if (start.cacheFolder === undefined) return undefined;
    const asked = request.profile ?? (start.env.AWS_PROFILE || undefined);
    const remembered = openProfileMemo(start.cacheFolder, start.paths.configFile, asked, start.now).remembered;
    if (remembered === undefined) return undefined;
    const cached = await cachedProfileCredentials(start, remembered);
    return cached && renderCredentials(cached, request.format);
  } catch {
    return undefined;
  }
}
