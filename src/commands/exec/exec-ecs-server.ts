import type { Context } from "../../context.js";
import { UsageError } from "../../errors.js";
import { recordRunningKeeper } from "../../files/running-keepers.js";
import { resolveKeysProfile } from "../../role-keys/role-chain.entry.js";
import { startProfileEndpoint } from "../serve/profile-endpoint.js";
import { COMPETING, EXEC_PROFILE_VARIABLE } from "./exec-env.js";
import type { ExecInput } from "./exec-grammar.entry.js";

/**
 * The child's environment under --ecs-server: ours, minus anything competing (static keys, a
 * profile, another container endpoint), plus the endpoint's URL and token, the region and the
 * profile's name. The token travels in the environment, never in argv.
 */
export function buildEndpointEnv(
  base: Readonly<Record<string, string | undefined>>,
  o: { url: string; token: string; region: string; profile: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !COMPETING.includes(k)) env[k] = v;
  env.AWS_CONTAINER_CREDENTIALS_FULL_URI = o.url;
  env.AWS_CONTAINER_AUTHORIZATION_TOKEN = o.token;
  env.AWS_REGION = o.region;
  env.AWS_DEFAULT_REGION = o.region;
  env[EXEC_PROFILE_VARIABLE] = o.profile;
  return env;
}

/**
 * `exec --ecs-server`: starts the credentials endpoint for the profile, runs the command with the
 * endpoint's variables, and stops the endpoint when the command ends; the command's exit code is
 * returned to pass on, as `exec` does.
 */
export async function execWithEndpoint(ctx: Context, input: ExecInput & { command: string }): Promise<number> {
  const target = await resolveKeysProfile(ctx, input.profile);
  const outer = ctx.env[EXEC_PROFILE_VARIABLE];
  if (outer && outer !== target.profile && !input.allowNested) {
    throw new UsageError(
      `This shell already runs under sso-cli exec for profile ${outer}; nesting profile ${target.profile} inside it is refused.`,
      "Leave that shell first, or pass --allow-nested.",
    );
  }
  const endpoint = await startProfileEndpoint(ctx, [target.profile]);
  let forget: (() => Promise<void>) | undefined;
  try {
    forget = await recordRunningKeeper(ctx.paths.home, {
      command: "exec --ecs-server",
      profiles: [target.profile],
      port: endpoint.port,
      startedAt: ctx.now().toISOString(),
    });
    const env = buildEndpointEnv(ctx.env, {
      url: endpoint.urls.get(target.profile)!,
      token: endpoint.token,
      region: target.region,
      profile: target.profile,
    });
    return await ctx.runChild(input.command, input.args, env);
  } finally {
    await forget?.().catch(() => undefined);
    await endpoint.close();
  }
}
