import type { Command } from "commander";
import type { Context } from "../../context.js";
import { CREDENTIAL_PROCESS_GRAMMAR, EXPORT_GRAMMAR } from "./credential-process-grammar.entry.js";
import { renderCredentials, toCredentialsRequest, type CredentialsRequest } from "./credentials-output.entry.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";

/** `credential-process` and `export`: one job (a profile's role keys on stdout), two grammars. */
export function addCredentialCommands(program: Command, ctx: Context): void {
  addGrammarCommand(program, CREDENTIAL_PROCESS_GRAMMAR, (p) => printCredentials(ctx, toCredentialsRequest("credential-process", p)));
  addGrammarCommand(program, EXPORT_GRAMMAR, (p) => printCredentials(ctx, toCredentialsRequest("export", p)));
}

/** The full path (may refresh the sign-in and call IAM Identity Center): prints the keys on stdout. */
async function printCredentials(ctx: Context, request: CredentialsRequest): Promise<void> {
  const { getProfileCredentials } = await import("../../role-keys/profile-credentials.js");
  const c = await getProfileCredentials(ctx, { profile: request.profile });
  ctx.stdout.write(renderCredentials(c, request.format));
}
