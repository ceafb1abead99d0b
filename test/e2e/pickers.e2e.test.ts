import { readdir } from "node:fs/promises";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exit } from "../../src/errors.js";
import { tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runOnTerminal } from "../helpers/pty.js";
import { BIN, runCli } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// When several sign-ins (or profiles) fit and none is named: on a terminal a picker offers them
// (type to search); elsewhere the one error line names them. Through a real pty (#18 item 2).

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
let emu: Emulator;
const cleanups: Array<() => Promise<void>> = [];
const ENTER = "\r";

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 2, rolesPerAccount: 1, autoApproveMs: 0 });
});
afterAll(async () => {
  await emu?.close();
  for (const c of cleanups.splice(0)) await c();
});

async function homeWithTwoSessions(): Promise<string> {
  const { home, cleanup } = await makeTempHome("sso-cli-e2e-picker-");
  cleanups.push(cleanup);
  await mkdir(join(home, ".aws"), { recursive: true });
  const config = `${sessionProfileConfig({ startUrl: emu.startUrl, profile: "a", session: "one" })}\n${sessionProfileConfig({ startUrl: emu.startUrl, profile: "b", session: "two", accountId: "100000000002" })}`;
  await writeFile(join(home, ".aws", "config"), config);
  return home;
}

describe("pickers for an ambiguous choice", () => {
  it("login on a terminal: pick the sign-in by typing part of its name", async () => {
    const home = await homeWithTwoSessions();
    const r = await runOnTerminal([process.execPath, BIN, "login"], [["Which sign-in\\? \\(type to search\\)", ["two", ENTER]]], {
      home,
      env: { ...emu.env, BROWSER: "none" },
    });
    expect(r.code, r.output).toBe(0);
    expect(r.answered).toBe(1);
    expect(r.output).toMatch(/sso-session one/);
    expect(await readdir(join(home, ".aws", "sso", "cache"))).toContain(tokenCacheFileName({ ssoSession: "two", startUrl: emu.startUrl }));
    expect(await readdir(join(home, ".aws", "sso", "cache"))).not.toContain(
      tokenCacheFileName({ ssoSession: "one", startUrl: emu.startUrl }),
    );
  });

  it('Ctrl-C at the picker: "sso-cli: Interrupted." as everywhere else, exit 130', async () => {
    const r = await runOnTerminal([process.execPath, BIN, "login"], [["Which sign-in\\?", ["\u0003"]]], {
      home: await homeWithTwoSessions(),
      env: { ...emu.env, BROWSER: "none" },
    });
    expect(r.code, r.output).toBe(130);
    expect(r.output).toMatch(/sso-cli: Interrupted\.\r?\n/);
  });

  it("login in a script: the error names the sign-ins; nothing waits for an answer", async () => {
    const r = await runCli(["login"], { home: await homeWithTwoSessions(), env: { ...emu.env, BROWSER: "none" } });
    expect(r.code).toBe(Exit.usage);
    expect(r.stderr).toBe(
      "sso-cli: Several sign-ins are configured: sso-session one, sso-session two; say which one.\n  Use --sso-session one (or another of them), --profile NAME or --all.\n",
    );
  });

  it("console on a terminal: pick the profile", async () => {
    const home = await homeWithTwoSessions();
    await runCli(["login", "--all"], { home, env: { ...emu.env, BROWSER: "none" } });
    const r = await runOnTerminal([process.execPath, BIN, "console"], [["Which profile\\? \\(type to search\\)", ["b", ENTER]]], {
      home,
      env: { ...emu.env, BROWSER: "none" },
    });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Open this link for profile b \(100000000002 AdministratorAccess/);
    const script = await runCli(["console", "--print"], { home, env: { ...emu.env, BROWSER: "none" } });
    expect(script.code).toBe(Exit.usage);
    expect(script.stderr).toMatch(/^sso-cli: 2 profiles name an account and role \(a, b\); say which one\.\n/);
  });
});
