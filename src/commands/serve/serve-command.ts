import type { Command } from "commander";
import type { Context } from "../../context.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { SERVE_GRAMMAR, toServeInput } from "./serve-grammar.entry.js";
import type { Serving } from "./serve.js";

export function addServeCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, SERVE_GRAMMAR, async (parsed) => {
    const { serve } = await import("./serve.js");
    await serve(ctx, toServeInput(parsed), (s) => {
      ctx.stdout.write(formatServeExports(s));
      ctx.stderr.write(`sso-cli: serving ${s.urls.map(([p]) => p).join(", ")} on ${new URL(s.urls[0]![1]).host} until Ctrl-C.\n`);
    });
  });
}

/**
 * The lines to export, in sh syntax: the token (or its file) and the first profile's URL; each
 * other profile's URL on a comment line, to set in the tools that use it. The values need no
 * quotes: a loopback URL of hex and the profile's name percent-encoded, a base64url token, and a
 * path that is quoted when it holds anything else.
 */
export function formatServeExports(s: Serving): string {
  const quote = (v: string): string => (/^[A-Za-z0-9_./:%@+,=-]+$/.test(v) ? v : `'${v.replaceAll("'", `'\\''`)}'`);
  // A profile's name goes on a comment: nothing in it may end the line.
  const named = (profile: string): string => (s.urls.length > 1 ? `   # profile ${profile.replace(/[^\x20-\x7e]/g, "?")}` : "");
  const lines = [
    "file" in s.token
      ? `export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=${quote(s.token.file)}`
      : `export AWS_CONTAINER_AUTHORIZATION_TOKEN=${quote(s.token.value)}`,
    ...s.urls.map(([profile, url], i) => `${i === 0 ? "" : "# "}export AWS_CONTAINER_CREDENTIALS_FULL_URI=${quote(url)}${named(profile)}`),
  ];
  return lines.join("\n") + "\n";
}
