import type { Context } from "../../context.js";
import { UsageError } from "../../errors.js";
import { getProfileCredentials } from "../../role-keys/profile-credentials.js";
import { buildExecEnv, EXEC_PROFILE_VARIABLE } from "./exec-env.js";
import type { ExecInput } from "./exec-grammar.entry.js";

/**
 * Runs a command with the profile's role keys in its environment and no shell in between, and
 * returns its exit code to pass on. Refuses to run inside an `exec` of another profile (whose
 * keys the person may believe in force) unless asked.
 */
export async function exec(ctx: Context, input: ExecInput): Promise<number> {
  if (!input.command) throw new UsageError("exec needs a command to run.", "Usage: sso-cli exec --profile P -- COMMAND [ARGS…]");
  if (input.ecsServer) return (await import("./exec-ecs-server.js")).execWithEndpoint(ctx, { ...input, command: input.command });
  const outer = ctx.env[EXEC_PROFILE_VARIABLE];
  const credentials = await getProfileCredentials(ctx, { profile: input.profile });
  if (outer && outer !== credentials.profile && !input.allowNested) {
    throw new UsageError(
      `This shell already runs under sso-cli exec for profile ${outer}; nesting profile ${credentials.profile} inside it is refused.`,
      "Leave that shell first, or pass --allow-nested.",
    );
  }
  return ctx.runChild(input.command, input.args, buildExecEnv(ctx.env, credentials, ctx.platform));
}
