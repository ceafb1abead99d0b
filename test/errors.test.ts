import { describe, expect, it } from "vitest";
import { ConfigError, describeExitCodes, EXIT_MEANINGS, Exit, SsoCliError, UsageError } from "../src/errors.js";
import { readFile } from "node:fs/promises";
import { REPO_ROOT } from "./helpers/run-process.js";

describe("errors made by the other bundle's copy of errors.ts", () => {
  it("are recognised as SsoCliError, and subclass checks stay exact", () => {
    // What the CommonJS entry's ConfigError looks like to the ES-module bundle: same brand, other class.
    const foreign = Object.assign(new Error("HOME is not set"), { [Symbol.for("sso-cli.SsoCliError")]: true, exitCode: 253 });
    expect(foreign instanceof SsoCliError).toBe(true);
    expect(foreign instanceof ConfigError).toBe(false);
    expect(new ConfigError("x") instanceof SsoCliError).toBe(true);
    expect(new ConfigError("x") instanceof UsageError).toBe(false);
    expect(new Error("plain") instanceof SsoCliError).toBe(false);
  });
});

describe("exit codes are written once", () => {
  it("--help's block lists the codes asked for, in order, with their meaning", () => {
    expect(describeExitCodes(["service", "ok", "denied"])).toBe(
      [
        "Exit codes:",
        `    0  ${EXIT_MEANINGS.ok}`,
        `    3  ${EXIT_MEANINGS.denied}`,
        "  254  the service refused or could not be reached (sign-in expired or answered",
        "       for another request, 403 No access, throttling, 5xx, network)",
      ].join("\n"),
    );
    // What a code means for one command, in its own words.
    expect(describeExitCodes(["partial"], { partial: "some accounts failed" })).toBe("Exit codes:\n    1  some accounts failed");
  });

  it("the README's exit-code table is the one in errors.ts", async () => {
    const readme = await readFile(`${REPO_ROOT}README.md`, "utf8");
    const section = readme.slice(readme.indexOf("## Exit codes"));
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2]]);
    const expected = (Object.keys(Exit) as (keyof typeof Exit)[])
      .map((k) => [Exit[k], EXIT_MEANINGS[k]])
      .sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(rows).toEqual(expected);
  });
});
