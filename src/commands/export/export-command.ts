import type { Command } from "commander";
import type { Context } from "../../context.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { renderCredentials, toCredentialsRequest, type CredentialsRequest } from "./credentials-output.entry.js";
import { EXPORT_GRAMMAR } from "./export-grammar.entry.js";

/** `export`: the profile's role keys on stdout, in the format asked for. */
export function addExportCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, EXPORT_GRAMMAR, (p) => printCredentials(ctx, toCredentialsRequest("export", p)));
}

/** The full path (may refresh the sign-in and call IAM Identity Center): prints the keys on stdout. */
export async function printCredentials(ctx: Context, request: CredentialsRequest): Promise<void> {
  const { getProfileCredentials } = await import("../../role-keys/profile-credentials.js");
  const c = await getProfileCredentials(ctx, { profile: request.profile });
  ctx.stdout.write(renderCredentials(c, request.format));
}
