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
  it.each([[["configure"]], [["exec"]], [["export"]], [["credential-process"]], [["login"]], [["logout"]], [["configure", "profile"]], [["configure", "populate"]], [["emulator"]], [["console"]], [["status"]], [["roles"]], [["completion"]]])("%j", async (args) => {
    const text = await help(args);
    expect(text).toMatch(/^Examples:$/m);
    expect(text).toMatch(/^Exit codes:$/m);
    // The block is the one describeExitCodes makes: every line of it a code and its meaning.
    const block = text.slice(text.indexOf("Exit codes:")).trimEnd();
    const codes = [...block.matchAll(/^ +(\d+) {2}/gm)].map((m) => Number(m[1]));
    expect(codes.length).toBeGreaterThan(2);
    expect(block).toContain(describeExitCodes(["ok", "usage"]).split("\n")[1]!);
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
