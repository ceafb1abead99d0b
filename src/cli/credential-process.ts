import type { Command } from "commander";
import type { Context } from "../context.js";
import { CREDENTIAL_PROCESS_GRAMMAR, EXPORT_GRAMMAR } from "./credential-flags.js";
import { toCredentialsRequest, type CredentialsRequest } from "./credentials-output.js";
import { addGrammarCommand } from "./program-grammar.js";

/** `credential-process` and `export`: one job (a profile's role keys on stdout), two grammars. */
export function addCredentialCommands(program: Command, ctx: Context): void {
  addGrammarCommand(program, CREDENTIAL_PROCESS_GRAMMAR, (p) => printCredentials(ctx, toCredentialsRequest("credential-process", p)));
  addGrammarCommand(program, EXPORT_GRAMMAR, (p) => printCredentials(ctx, toCredentialsRequest("export", p)));
}

async function printCredentials(ctx: Context, request: CredentialsRequest): Promise<void> {
  const { runCredentials } = await import("./credentials-run.js");
  await runCredentials(ctx, request);
}
