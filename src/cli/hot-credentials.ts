import type { Context } from "../context.js";
import { cachedProfileCredentials, resolveCredentialProfile } from "../role-keys/credential-profile.entry.js";
import { renderCredentials, type CredentialsRequest } from "../commands/export/credentials-output.entry.js";

/**
 * The start of every plainly-argued `credential-process` and `export` (part of the CommonJS
 * entry): role keys in the shared cache that last more than 15 minutes are the output, from the
 * files alone. Anything else (no cached keys, an error) is undefined, and the rest of the command
 * (main.ts) runs and reports it the one usual way.
 */
export async function runHotCredentials(ctx: Context, request: CredentialsRequest): Promise<string | undefined> {
  try {
    const cached = await cachedProfileCredentials(ctx, await resolveCredentialProfile(ctx, request.profile));
    return cached && renderCredentials(cached, request.format);
  } catch {
    return undefined;
  }
}
