import type { Command } from "commander";
import type { Context } from "../../context.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { toCredentialsRequest } from "../export/credentials-output.entry.js";
import { printCredentials } from "../export/export-command.js";
import { CREDENTIAL_PROCESS_GRAMMAR } from "./credential-process-grammar.entry.js";

/** `credential-process`: export's job in the one format tools that know no SSO run (credential_process JSON). */
export function addCredentialProcessCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, CREDENTIAL_PROCESS_GRAMMAR, (p) => printCredentials(ctx, toCredentialsRequest("credential-process", p)));
}
