import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { buildProgram } from "../../../src/cli/program.js";
import { EMULATOR_SETTINGS } from "../../../src/emulator/emulator-settings.js";
import { createTestContext } from "../../helpers/test-context.js";

/** The `emulator` command as commander builds it, with output captured; nothing is started. */
function emulatorCommand(): { command: Command; stderr: () => string } {
  const ctx = createTestContext({ home: "/nonexistent-home" });
  const command = buildProgram(ctx).commands.find((c) => c.name() === "emulator");
  if (!command) throw new Error("no emulator command");
  return { command, stderr: ctx.stderrText };
}

describe("sso-cli emulator --help", () => {
  it("lists every flag of the settings table, with its default", () => {
    const help = emulatorCommand().command.helpInformation({ error: false });
    for (const spec of Object.values(EMULATOR_SETTINGS)) expect(help).toContain(spec.flag);
    const flat = help.replace(/\s+/g, " ");
    expect(flat).toContain("access token lifetime, seconds (default: 28800)");
    expect(flat).toContain('(default: "https://d-0000000000.awsapps.com/start")');
    expect(flat).toContain("token-bucket burst size (default: rps rounded up)");
  });
});

describe("sso-cli emulator's flag parsing", () => {
  it.each([
    [["--token-ttl", "0"], "--token-ttl must be an integer ≥ 1."],
    [["--throttle-rps", "fast"], "--throttle-rps must be a number ≥ 0."],
    [["--latency-ms", "1.5"], "--latency-ms must be an integer ≥ 0 and ≤ 2147483647."],
    // Not accepted silently: it would forbid nothing (#18, help and wording).
    [["--forbid", "foo"], '--forbid must be a list of ACCOUNT:ROLE items (12-digit account id; ROLE or *), not "foo".'],
  ])("refuses %j naming the flag", async (args, message) => {
    const { command, stderr } = emulatorCommand();
    await expect(command.parseAsync(args, { from: "user" })).rejects.toMatchObject({ code: "commander.invalidArgument" });
    expect(stderr()).toContain(message);
  });
});
