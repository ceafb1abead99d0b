import { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { Context } from "../../../src/context.js";
import { parseSimpleArgs } from "../../../src/cli/flag-table.entry.js";
import { LOGIN_GRAMMAR, toLoginInput } from "../../../src/commands/login/login-grammar.entry.js";
import { addLoginCommand } from "../../../src/commands/login/login-command.js";
import type { LoginInput } from "../../../src/commands/login/login.js";

/** What commander hands the login action for these arguments. */
async function parseWithCommander(argv: string[]): Promise<LoginInput> {
  let got: LoginInput | undefined;
  const program = new Command("sso-cli").exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  addLoginCommand(program, {} as Context, async (input) => {
    got = input;
  });
  await program.parseAsync(argv, { from: "user" });
  if (!got) throw new Error("the action did not run");
  return got;
}

/** What the entry's hot parser makes of the same arguments. */
function parseFastLogin(argv: string[]): LoginInput | undefined {
  const parsed = argv[0] === "login" ? parseSimpleArgs(argv.slice(1), LOGIN_GRAMMAR) : undefined;
  return parsed && toLoginInput(parsed);
}

describe("login's grammar, read by the hot parser and by commander", () => {
  it.each([
    [["login"]],
    [["login", "--profile", "p"]],
    [["login", "--profile=p.dotted"]],
    [["login", "--sso-session", "corp", "--force"]],
    [["login", "--all", "--no-browser"]],
    [["login", "https://d-1234567890.awsapps.com/start"]],
    [["login", "https://d-1234567890.awsapps.com/start", "eu-north-1", "--no-browser"]],
    [["login", "--force", "https://x.awsapps.com/start", "us-east-1"]],
    [["login", "--profile", "p", "--use-device-code"]],
    [["login", "--no-browser", "--use-pkce"]],
  ])("reads %j exactly as commander does", async (argv) => {
    const fast = parseFastLogin(argv);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await parseWithCommander(argv));
  });

  it.each([
    [["configure", "profile", "p"]],
    [["login", "--help"]],
    [["login", "--debug"]],
    [["login", "--profile"]],
    [["login", "--profile", "--all"]],
    [["login", "--profile", "a", "--profile", "b"]],
    [["login", "--bogus"]],
    [["login", "a", "b", "c"]],
    [["login", "--", "x"]],
    [["login", "-h"]],
    [["login", "--use-pkce", "--use-device-code"]],
  ])("leaves %j to commander", (argv) => {
    expect(parseFastLogin(argv)).toBeUndefined();
  });
});
