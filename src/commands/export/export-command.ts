import type { Command } from "commander";
import type { Context } from "../../context.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { toCredentialsRequest, type CredentialsRequest } from "./credentials-output.entry.js";
import { EXPORT_GRAMMAR } from "./export-grammar.entry.js";

/** `export`: the profile's role keys on stdout, in the format asked for. */
export function addExportCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, EXPORT_GRAMMAR, (p) => printCredentials(ctx, toCredentialsRequest("export", p)));
}

/** The same path as the entry's hand-over (main.ts): one run of the command, however it started. */
export async function printCredentials(ctx: Context, request: CredentialsRequest): Promise<void> {
  const { runCredentials } = await import("./credentials-run.js");
  await runCredentials(ctx, request);
}
