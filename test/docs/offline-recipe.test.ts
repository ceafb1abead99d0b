import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { REPO_ROOT } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";
import { createTestContext } from "../helpers/test-context.js";

// The README's offline recipe, run as written, must not stop to ask or mix the emulator's request
// log into the sign-in (#18, help and wording).

async function recipe(): Promise<string[]> {
  const readme = await readFile(`${REPO_ROOT}README.md`, "utf8");
  const block = /### Offline, with the emulator\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error("no offline recipe in the README");
  // Lines joined where they end in "\", comments dropped.
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

describe("the README's offline recipe", () => {
  it("starts the emulator quiet, and its configure profile asks nothing on a terminal", async () => {
    const lines = await recipe();
    expect(lines[0]).toMatch(/^sso-cli emulator .*--quiet/);
    const configure = lines.find((l) => l.startsWith("sso-cli configure profile "));
    expect(configure).toBeDefined();
    const emu = await startTestEmulator();
    const { home, cleanup } = await makeTempHome();
    try {
      // A terminal whose person answers nothing: a prompt would wait, then fail the test.
      const ctx = createTestContext({ home, endpoints: emu.endpoints, tty: { stdin: true, stderr: true } });
      const args = configure!.split(/\s+/).slice(1);
      expect(await main(args, ctx)).toBe(0);
      expect(ctx.stderrText()).toMatch(/^Wrote profile demo in /);
    } finally {
      await cleanup();
      await emu.close();
    }
  });
});
