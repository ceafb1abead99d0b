import { describe, expect, it } from "vitest";
import { parseHotCommand } from "../../src/cli/hot-command.entry.js";

describe("parseHotCommand: the one reading of the commands scripts run before every job", () => {
  it.each([
    [["login"], { name: "login", positionals: [], values: { browser: true } }],
    [["login", "--profile", "dev", "--debug"], { name: "login", positionals: [], values: { browser: true, profile: "dev", debug: true } }],
    [
      ["login", "https://d-1.awsapps.com/start", "eu-north-1", "--no-browser"],
      { name: "login", positionals: ["https://d-1.awsapps.com/start", "eu-north-1"], values: { browser: false } },
    ],
    [["credential-process", "--profile=dev"], { name: "credential-process", positionals: [], values: { profile: "dev" } }],
    [
      ["export", "--debug", "--profile", "dev", "--format", "env"],
      { name: "export", positionals: [], values: { profile: "dev", format: "env", debug: true } },
    ],
  ])("reads %j", (argv, expected) => {
    const { name, ...parsed } = expected;
    expect(parseHotCommand(argv)).toEqual({ name, parsed });
  });

  it.each([
    [[]],
    [["--debug", "login"]],
    [["logout", "--profile", "dev"]],
    [["login", "--help"]],
    [["login", "--profile"]],
    [["login", "--profile", "--debug"]],
    [["login", "--profile", "a", "--profile", "b"]],
    [["credential-process", "--format", "env"]],
    [["export", "--profile", "dev", "extra"]],
    [["export", "--", "--profile"]],
  ])("leaves %j to commander", (argv) => {
    expect(parseHotCommand(argv)).toBeUndefined();
  });
});
