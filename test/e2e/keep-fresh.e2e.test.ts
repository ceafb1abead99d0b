import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli } from "../helpers/run-process.js";
import { startServe } from "../helpers/serve-process.js";
import { makeSessionHome } from "../helpers/session-home.js";

// `sso-cli login --keep-fresh` as a process: what it says, how SIGTERM ends it, the record
// `status` reads, and its end when the sign-in needs a browser.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
let emu: Emulator;
let home: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1, autoApproveMs: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  ({ home, cleanup } = await makeSessionHome(emu));
  return cleanup;
});

describe("login --keep-fresh", () => {
  it("signs in, keeps running (status shows it), and SIGTERM ends it with 0 and the file whole", async () => {
    const p = startServe(["login", "--keep-fresh", "--profile", "p"], { home, env: emu.env });
    try {
      await p.waitFor(/keeping these keys fresh until Ctrl-C\./, "stderr");
      const status = await runCli(["status"], { home, env: emu.env });
      expect(status.stdout).toMatch(new RegExp(`^running: sso-cli login --keep-fresh \\(pid ${p.child.pid}\\) for p since `, "m"));
      const before = await readFile(join(home, ".aws", "credentials"), "utf8");
      p.child.kill("SIGTERM");
      expect(await p.exit).toBe(0);
      expect(p.stderr()).toMatch(/sso-cli: stopped after 0 renewals; the keys written last until .* UTC\.\n$/);
      expect(await readFile(join(home, ".aws", "credentials"), "utf8")).toBe(before);
      expect((await runCli(["status"], { home, env: emu.env })).stdout).not.toMatch(/running:/);
    } finally {
      p.child.kill("SIGKILL");
    }
  });

  it("a missing profile: one line, exit 253, no file written", async () => {
    const r = await runCli(["login", "--keep-fresh", "--profile", "nope"], { home, env: emu.env });
    expect(r.code).toBe(253);
    expect(r.stderr.split("\n")[0]).toMatch(/^sso-cli: .*nope/);
    await expect(readFile(join(home, ".aws", "credentials"), "utf8")).rejects.toThrow(/ENOENT/);
  });
});
