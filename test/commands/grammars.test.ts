import { describe, expect, it } from "vitest";
import { parseSimpleArgs, type CommandGrammar, type ParsedArgs } from "../../src/cli/flag-table.entry.js";
import { toPopulateInput } from "../../src/commands/configure-populate/configure-populate-grammar.entry.js";
import {
  CONFIGURE_PROFILE_GRAMMAR,
  toConfigureProfileInput,
} from "../../src/commands/configure-profile/configure-profile-grammar.entry.js";
import { CONSOLE_GRAMMAR, toConsoleInput } from "../../src/commands/console/console-grammar.entry.js";
import { separateExecCommand, toExecInput } from "../../src/commands/exec/exec-grammar.entry.js";
import { LOGIN_GRAMMAR, toLoginInput } from "../../src/commands/login/login-grammar.entry.js";
import { LOGOUT_GRAMMAR, toLogoutInput } from "../../src/commands/logout/logout-grammar.entry.js";
import { ROLES_GRAMMAR, toRolesInput } from "../../src/commands/roles/roles-grammar.entry.js";
import { STATUS_GRAMMAR, toStatusInput } from "../../src/commands/status/status-grammar.entry.js";

// Each command's grammar file reads its command line into the use case's input without commander
// (the hot parser of cli/flag-table.entry.ts); commander's reading goes through the same function.

const read = <T>(grammar: CommandGrammar, toInput: (p: ParsedArgs) => T, argv: string[]): T => {
  const parsed = parseSimpleArgs(argv, grammar);
  if (!parsed) throw new Error(`not a simple command line: ${argv.join(" ")}`);
  return toInput(parsed);
};

describe("each grammar turns a command line into its use case's input", () => {
  it("logout, status, console", () => {
    expect(read(LOGOUT_GRAMMAR, toLogoutInput, ["--sso-session", "s", "--all"])).toEqual({
      profile: undefined,
      ssoSession: "s",
      all: true,
    });
    expect(read(STATUS_GRAMMAR, toStatusInput, ["--profile", "dev", "--check"])).toEqual({
      profile: "dev",
      ssoSession: undefined,
      check: true,
    });
    expect(read(CONSOLE_GRAMMAR, toConsoleInput, ["--profile", "dev", "--destination", "s3", "--print"])).toEqual({
      profile: "dev",
      destination: "s3",
      region: undefined,
      print: true,
      portal: false,
    });
  });

  it("roles and exec, with positionals", () => {
    expect(read(ROLES_GRAMMAR, toRolesInput, ["https://x.awsapps.com/start", "eu-west-1", "--no-browser", "--role", "Admin"])).toEqual({
      startUrl: "https://x.awsapps.com/start",
      region: "eu-west-1",
      profile: undefined,
      ssoSession: undefined,
      account: undefined,
      role: "Admin",
      browser: false,
    });
    expect(toExecInput({ positionals: ["aws", "s3", "ls"], values: { profile: "dev" } })).toEqual({
      profile: "dev",
      command: "aws",
      args: ["s3", "ls"],
      allowNested: false,
      ecsServer: false,
    });
    expect(toExecInput({ positionals: ["terraform", "apply"], values: { profile: "dev", ecsServer: true } })).toMatchObject({
      command: "terraform",
      ecsServer: true,
    });
  });

  it("exec: everything after the command's name is the command's, flags too (#18 item 3)", () => {
    expect(separateExecCommand(["exec", "--profile", "p", "aws", "--version"])).toEqual([
      "exec",
      "--profile",
      "p",
      "--",
      "aws",
      "--version",
    ]);
    expect(separateExecCommand(["exec", "--allow-nested", "--debug", "ls", "-h", "--profile", "x"])).toEqual([
      "exec",
      "--allow-nested",
      "--debug",
      "--",
      "ls",
      "-h",
      "--profile",
      "x",
    ]);
    expect(separateExecCommand(["exec", "--profile=p", "env"])).toEqual(["exec", "--profile=p", "--", "env"]);
    expect(separateExecCommand(["exec", "--profile", "p", "--", "aws", "--version"])).toEqual([
      "exec",
      "--profile",
      "p",
      "--",
      "aws",
      "--version",
    ]);
    expect(separateExecCommand(["exec", "--profile", "p"])).toEqual(["exec", "--profile", "p"]);
    expect(separateExecCommand(["status", "--profile", "p", "x"])).toEqual(["status", "--profile", "p", "x"]);
  });

  it("a start URL typed as its directory id is the full URL, wherever one is taken (#18 item 6)", () => {
    const full = "https://d-0000000000.awsapps.com/start";
    expect(read(ROLES_GRAMMAR, toRolesInput, ["d-0000000000", "us-east-1"]).startUrl).toBe(full);
    expect(
      read(CONFIGURE_PROFILE_GRAMMAR, toConfigureProfileInput, ["p", "--sso-start-url", "d-0000000000.awsapps.com/start"]).startUrl,
    ).toBe(full);
    expect(toPopulateInput({ positionals: ["d-0000000000"], values: {} }).startUrl).toBe(full);
    expect(read(LOGIN_GRAMMAR, toLoginInput, ["d-0000000000", "us-east-1"]).startUrl).toBe(full);
  });

  it("both configure commands, with the shared sign-in flags", () => {
    expect(
      read(CONFIGURE_PROFILE_GRAMMAR, toConfigureProfileInput, ["dev", "--sso-session", "s", "--region", "eu-west-1", "--use-device-code"]),
    ).toMatchObject({
      profile: "dev",
      ssoSession: "s",
      clientRegion: "eu-west-1",
      browser: true,
      flow: "device",
      legacy: false,
    });
    expect(
      toPopulateInput({ positionals: [], values: { ssoSession: "s", region: ["eu-west-1", "us-east-1"], browser: false, dryRun: true } }),
    ).toMatchObject({
      ssoSession: "s",
      regions: ["eu-west-1", "us-east-1"],
      browser: false,
      flow: undefined,
      dryRun: true,
    });
  });
});
