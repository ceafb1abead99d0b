import type { Context } from "../context.js";
import { login, type LoginInput } from "../use-cases/login.js";

/** `sso-cli login` once its input is known: runs the use case. */
export async function runLogin(ctx: Context, input: LoginInput): Promise<void> {
  await login(ctx, input);
}
