import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { describeExitCodes } from "../../src/errors.js";
import { makeTempHome } from "../helpers/temp-home.js";
import { createTestContext } from "../helpers/test-context.js";

async function help(args: string[]): Promise<string> {
  const { home, cleanup } = await makeTempHome();
  try {
    const ctx = createTestContext({ home });
    expect(await main([...args, "--help"], ctx)).toBe(0);
    return ctx.stdoutText();
  } finally {
    await cleanup();
  }
}

describe("every command's --help has examples and its exit codes, from errors.ts", () => {
  it.each([
    [["configure"]],
    [["exec"]],
    [["export"]],
    [["credential-process"]],
    [["login"]],
    [["logout"]],
    [["configure", "profile"]],
    [["configure", "populate"]],
    [["emulator"]],
    [["console"]],
    [["status"]],
    [["roles"]],
    [["completion"]],
  ])("%j", async (args) => {
    const text = await help(args);
    expect(text).toMatch(/^Examples:$/m);
    expect(text).toMatch(/^Exit codes:$/m);
    // The block is the one describeExitCodes makes: every line of it a code and its meaning.
    const block = text.slice(text.indexOf("Exit codes:")).trimEnd();
    const codes = [...block.matchAll(/^ +(\d+) {2}/gm)].map((m) => Number(m[1]));
    expect(codes.length).toBeGreaterThan(2);
    expect(block).toContain(describeExitCodes(["ok", "usage"]).split("\n")[1]!);
    // Every line fits 80 columns, but for a word commander cannot break (#18, help and wording).
    expect(text.split("\n").filter((l) => [...l].length > 80 && !/^ {20,}\S+$/.test(l))).toEqual([]);
  });
});

describe("what the AWS CLI's habits get (#18 item 6)", () => {
  it.each([["sso"], ["sso-session"]])("configure %s: says what sso-cli has instead, exit 2", async (sub) => {
    const { home, cleanup } = await makeTempHome();
    try {
      const ctx = createTestContext({ home });
      expect(await main(["configure", sub, "--profile", "x"], ctx)).toBe(2);
      expect(ctx.stderrText()).toBe(
        `sso-cli: sso-cli has no \`configure ${sub}\` (that is the AWS CLI's).\n  Run: sso-cli configure profile NAME (it asks for what it needs), or sso-cli configure populate START_URL REGION (a profile for every account and role).\n`,
      );
    } finally {
      await cleanup();
    }
  });
});

describe("help fits 80 columns (#18, help and wording)", () => {
  it("prose is wrapped again, a long example gets its comment above and a shell continuation", async () => {
    const { fitHelpText } = await import("../../src/lib/help-text.js");
    const prose = `${"word ".repeat(20).trim()}\nnext line`;
    expect(fitHelpText(prose)).toBe(`${"word ".repeat(16).trim()}\n${"word ".repeat(4).trim()} next line`);
    expect(fitHelpText(`  sso-cli x ${"--flag v ".repeat(8).trim()}   # why`)).toBe(
      `  # why\n  sso-cli x ${"--flag v ".repeat(7).trim()} \\\n      --flag v`,
    );
    expect(fitHelpText("Usage: short\n\nExamples:\n  sso-cli status")).toBe("Usage: short\n\nExamples:\n  sso-cli status");
  });

  it("status's exit 4 and roles' exit 1 say what they mean for that command", async () => {
    const status = await help(["status"]);
    expect(status).toMatch(/^ {4}4 {2}not signed in, or a sign-in or keys asked about expire/m);
    const roles = await help(["roles"]);
    expect(roles).toMatch(/^ {4}1 {2}partly done: the roles of some accounts could not be listed/m);
    expect(roles).not.toMatch(/profiles were written/);
  });
});
