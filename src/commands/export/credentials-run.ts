import type { Context } from "../../context.js";
import { renderCredentials, type CredentialsRequest } from "./credentials-output.entry.js";

/** `credential-process` and `export` past the cache (may refresh the sign-in and call IAM Identity Center): prints the keys on stdout. */
export async function runCredentials(ctx: Context, request: CredentialsRequest): Promise<void> {
  const { getProfileCredentials } = await import("../../role-keys/profile-credentials.js");
  const c = await getProfileCredentials(ctx, { profile: request.profile });
  ctx.stdout.write(renderCredentials(c, request.format));
}
