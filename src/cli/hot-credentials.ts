import type { Context } from "../context.js";
import { cachedKeysProfileCredentials } from "../role-keys/role-chain.entry.js";
import { CREDENTIAL_PROCESS_GRAMMAR } from "../commands/credential-process/credential-process-grammar.entry.js";
import { EXPORT_GRAMMAR } from "../commands/export/export-grammar.entry.js";
import { renderCredentials, toCredentialsRequest } from "../commands/export/credentials-output.entry.js";
import { parseSimpleArgs } from "./flag-table.entry.js";

/**
 * The hot path of `credential-process` and `export` (part of the CommonJS entry): plain arguments
 * and role keys in the shared cache that last more than 15 minutes: the output, from the files
 * alone. Anything else (no cached keys, a bad flag, an error) is undefined, and the full command
 * runs and reports it the one usual way.
 */
export async function runHotCredentials(ctx: Context, argv: string[]): Promise<string | undefined> {
  const command = argv[0] === "credential-process" || argv[0] === "export" ? argv[0] : undefined;
  if (!command) return undefined;
  const parsed = parseSimpleArgs(argv.slice(1), command === "export" ? EXPORT_GRAMMAR : CREDENTIAL_PROCESS_GRAMMAR);
  if (!parsed) return undefined;
  try {
    const request = toCredentialsRequest(command, parsed);
    // Role chains too: their last hop's keys in the assume-role cache (role-chain.entry.ts).
    const cached = await cachedKeysProfileCredentials(ctx, request.profile);
    return cached && renderCredentials(cached, request.format);
  } catch {
    return undefined;
  }
}
