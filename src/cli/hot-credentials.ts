import type { StartContext } from "./start-context.entry.js";
import { cachedKeysProfileCredentials } from "../role-keys/role-chain.entry.js";
import { askedProfile, cachedProfileCredentials } from "../role-keys/credential-profile.entry.js";
import { openProfileMemo } from "../role-keys/profile-memo.entry.js";
import { renderCredentials, type CredentialsRequest } from "../commands/export/credentials-output.entry.js";

/**
 * The start of every plainly-argued `credential-process` and `export` (part of the CommonJS
 * entry): role keys in the shared cache that last more than 15 minutes are the output, from the
 * files alone. Anything else (no cached keys, an error) is undefined, and the rest of the command
 * (main.ts) runs and reports it the one usual way.
 */
export async function runHotCredentials(ctx: StartContext, request: CredentialsRequest): Promise<string | undefined> {
  try {
    // The profile as resolved from this config file before, while the file is unchanged (profile-memo.entry.ts).
    const memo = ctx.cacheFolder && openProfileMemo(ctx.cacheFolder, ctx.paths.configFile, askedProfile(request.profile, ctx.env), ctx.now);
    const cached = memo?.remembered
      ? await cachedProfileCredentials(ctx, memo.remembered)
      : // Role chains too: their last hop's keys in the assume-role cache (role-chain.entry.ts).
        await cachedKeysProfileCredentials(ctx, request.profile, (target) => memo?.remember(target));
    return cached && renderCredentials(cached, request.format);
  } catch {
    return undefined;
  }
}
