import { Command } from "commander";
import type { Context } from "../context.js";

export function addLogoutCommand(program: Command, ctx: Context): void {
  program
    .command("logout")
    .description("Sign out: end the session at IAM Identity Center, delete its cached token and remove the keys sso-cli wrote")
    .option("--profile <name>", "the sign-in of this profile")
    .option("--sso-session <name>", "this sso-session")
    .option("--all", "every cached sign-in, like `aws sso logout`")
    .action(async (opts: { profile?: string; ssoSession?: string; all?: boolean }) => {
      const { logout } = await import("../use-cases/logout.js");
      await logout(ctx, { profile: opts.profile, ssoSession: opts.ssoSession, all: opts.all === true });
    });
}
